import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { curvesFor, SurvivalCurves } from './survival-curves.js';

/**
 * pycox's sub-grid between cut points (`make_subgrid(cuts, sub)`): for each
 * interval [τ_k, τ_{k+1}) the points τ_k + r·(τ_{k+1} − τ_k)/sub, r = 0..sub−1,
 * then the last cut; (m − 1)·sub + 1 points.
 *
 * @example
 * subgrid(Float64Array.from([0, 1, 3]), 2); // [0, 0.5, 1, 2, 3]
 */
export function subgrid(cuts: Float64Array, sub: number): Float64Array {
  const m = cuts.length;
  const out = new Float64Array((m - 1) * sub + 1);
  for (let k = 0; k + 1 < m; k++) {
    const a = cuts[k] as number;
    const step = ((cuts[k + 1] as number) - a) / sub;
    for (let r = 0; r < sub; r++) out[k * sub + r] = r * step + a;
  }
  out[out.length - 1] = cuts[m - 1] as number;
  return out;
}

/**
 * Rows interpolated linearly between grid columns on {@link subgrid}: value
 * v_k + (r/sub)·(v_{k+1} − v_k) (pycox `InterpolateDiscrete` with
 * `scheme='const_pdf'`, the "CDI" interpolation of Kvamme & Borgan 2019).
 * `values` is row-major n × m; the result n × ((m − 1)·sub + 1).
 *
 * @example
 * interpolateRows(Float64Array.from([1, 0.5]), 1, 2, 2); // [1, 0.75, 0.5]
 */
export function interpolateRows(values: Float64Array, n: number, m: number, sub: number): Float64Array {
  const w = (m - 1) * sub + 1;
  const out = new Float64Array(n * w);
  const rho = 1 / sub;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k + 1 < m; k++) {
      const s0 = values[i * m + k] as number;
      const diff = (values[i * m + k + 1] as number) - s0;
      for (let r = 0; r < sub; r++) out[i * w + k * sub + r] = diff * (r * rho) + s0;
    }
    out[i * w + w - 1] = values[i * m + m - 1] as number;
  }
  return out;
}

/** Largest accepted number of sub-steps per interval of {@link interpolateCurves}. */
export const MAX_INTERPOLATION = 1000;

/**
 * Survival curves on the cut points, interpolated with `sub` linear steps per
 * interval (pycox `model.interpolate(sub).predict_surv_df`); `sub` = 1 returns
 * the curves unchanged.
 *
 * @example
 * interpolateCurves(curves, 10); // 91 points for 10 cuts
 * @throws {SurvkitError} unless `sub` is an integer in [1, {@link MAX_INTERPOLATION}]
 */
export function interpolateCurves(curves: SurvivalCurves, sub: number, fn = 'interpolateCurves'): SurvivalCurves {
  assertNumberOption(fn, 'interpolation', sub, { min: 1, integer: true });
  if (sub > MAX_INTERPOLATION)
    throw survkitError('sizeLimit', fn, 'interpolation', MAX_INTERPOLATION, 'pycox uses 10; each step adds a column per interval', sub);
  if (sub === 1 || curves.m < 2) return curves;
  return curvesFor(fn, subgrid(curves.times, sub), interpolateRows(curves.values, curves.n, curves.m, sub));
}
