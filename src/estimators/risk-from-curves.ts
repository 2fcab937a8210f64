import type { SurvivalCurves } from './survival-curves.js';

/**
 * A scalar risk per subject from survival curves (higher = worse): without
 * `at`, minus the restricted mean survival time −∫₀^τ S(t) dt over the grid
 * (S = 1 before the first grid time, steps after; τ = last grid time); with
 * `at`, 1 − S(at) read as a step.
 *
 * @example
 * riskFromCurves(curves);      // −RMST
 * riskFromCurves(curves, 365); // 1 − S(365)
 */
export function riskFromCurves(curves: SurvivalCurves, at?: number): Float64Array {
  const { n, m, times, values } = curves;
  const out = new Float64Array(n);
  if (at !== undefined) {
    for (let i = 0; i < n; i++) out[i] = 1 - curves.stepAt(i, at);
    return out;
  }
  const t0 = Math.max(0, times[0] as number);
  for (let i = 0; i < n; i++) {
    let area = t0;
    for (let k = 0; k + 1 < m; k++) area += (values[i * m + k] as number) * ((times[k + 1] as number) - (times[k] as number));
    out[i] = -area;
  }
  return out;
}
