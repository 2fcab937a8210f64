import { survkitError } from '../core/errors.js';
import type { SurvivalCurves } from './survival-curves.js';

/**
 * Minus the restricted mean survival time up to the last grid time t_m, the
 * risk score survkit derives from survival curves (higher = shorter expected
 * survival; `survkit evaluate` uses it for Harrell's and Uno's C):
 *
 *   −RMST_i = −∫_0^{t_m} Ŝ_i(t) dt,
 *
 * Ŝ_i read as right-continuous steps, 1 before the first grid time t_1 (as
 * survival times start at 0). For a grid with t_1 ≥ 0 this is
 * −(t_1 + Σ_{k<m} Ŝ_i(t_k)(t_{k+1} − t_k)); grid times below 0 (before any
 * survival time) contribute nothing, so the integral always starts at 0.
 * O(n·m).
 *
 * @param curves n curves on m grid times
 * @returns n values −RMST_i
 * @throws {SurvkitError} `rmstHorizon` when the last grid time is <= 0 (no
 *   interval to integrate over: every subject would get the same score)
 * @example
 * const c = SurvivalCurves.fromRows([1, 2, 4], [[0.5, 0.25, 0]]);
 * negativeRestrictedMean(c); // Float64Array [−(1 + 0.5·1 + 0.25·2)] = [−2]
 */
export function negativeRestrictedMean(curves: SurvivalCurves): Float64Array {
  const { n, m, times, values } = curves;
  const tLast = times[m - 1] as number;
  if (!(tLast > 0)) {
    throw survkitError('rmstHorizon', 'negativeRestrictedMean', 'curves.times', tLast);
  }
  const out = new Float64Array(n);
  const t0 = Math.max(0, times[0] as number);
  for (let i = 0; i < n; i++) {
    let area = t0;
    for (let k = 0; k + 1 < m; k++) area += (values[i * m + k] as number) * (Math.max(0, times[k + 1] as number) - Math.max(0, times[k] as number));
    out[i] = -area;
  }
  return out;
}

/**
 * A scalar risk per subject from survival curves (higher = worse): without
 * `at`, `negativeRestrictedMean` (−∫_0^{t_m} Ŝ_i(t) dt); with `at`,
 * 1 − Ŝ_i(at) read as a step.
 *
 * @throws {SurvkitError} as `negativeRestrictedMean` without `at` (a grid whose last time is <= 0)
 * @example
 * riskFromCurves(curves);      // −RMST
 * riskFromCurves(curves, 365); // 1 − S(365)
 */
export function riskFromCurves(curves: SurvivalCurves, at?: number): Float64Array {
  if (at === undefined) return negativeRestrictedMean(curves);
  const out = new Float64Array(curves.n);
  for (let i = 0; i < curves.n; i++) out[i] = 1 - curves.stepAt(i, at);
  return out;
}
