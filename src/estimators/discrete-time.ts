/**
 * Float64 predictions of discrete-time models (DeepHit, logistic hazard) from
 * their logits, on the grid of cut points: the PMF, survival curves and, for
 * competing risks, cumulative incidence functions.
 */
import { assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { curvesFor, SurvivalCurves } from './survival-curves.js';

function shapeOf(fn: string, logits: ArrayLike<number>, per: number, what: string): { x: Float64Array; n: number } {
  const x = toFloat64(fn, 'logits', logits);
  if (x.length % per !== 0) throw survkitError('shapeMismatch', fn, 'logits', `n × ${what} (a multiple of ${per} values)`, `${x.length} values`);
  return { x, n: x.length / per };
}

function gridOf(fn: string, cuts: ArrayLike<number>): Float64Array {
  const t = toFloat64(fn, 'cuts', cuts);
  assertStrictlyAscending(fn, 'cuts', t);
  return t;
}

/**
 * pycox's PMF, `pad_col(φ).softmax(1)[:, :-1]`: a softmax over the K·m logits of
 * each subject plus a zero logit for "after the last cut", that last column
 * dropped. Row-major n × (K·m), cause-major within a row; each row sums to < 1
 * (the remainder is the mass after the last cut). `pad: false` gives the plain
 * softmax (the DeepHit paper's convention).
 *
 * @param logits flattened [n, m] or [n, K, m] logits (row-major, e.g. `tensor.dataSync()`)
 * @param width K·m, the number of logits per subject
 * @example
 * pmfFromLogits([0, 0, 0], 3); // [0.25, 0.25, 0.25]
 * @throws {SurvkitError} on non-finite logits or a length that is not a multiple of `width`
 */
export function pmfFromLogits(logits: ArrayLike<number>, width: number, opts: { pad?: boolean } = {}): Float64Array {
  const fn = 'pmfFromLogits';
  const { x, n } = shapeOf(fn, logits, width, `${width}`);
  const pad = opts.pad ?? true;
  const out = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    let top = pad ? 0 : -Infinity;
    for (let k = 0; k < width; k++) top = Math.max(top, x[i * width + k] as number);
    let z = pad ? Math.exp(-top) : 0;
    for (let k = 0; k < width; k++) z += Math.exp((x[i * width + k] as number) - top);
    for (let k = 0; k < width; k++) out[i * width + k] = Math.exp((x[i * width + k] as number) - top) / z;
  }
  return out;
}

/**
 * Survival curves of a single-risk PMF model (pycox `DeepHitSingle.predict_surv`):
 * S_i(τ_k) = 1 − Σ_{l ≤ k} f_il, computed as the mass after τ_k so that rows are
 * exactly non-increasing and in [0, 1].
 *
 * @param logits flattened [n, m] logits with m = cuts.length
 * @param cuts the grid τ_0 < … < τ_{m−1} (`DiscreteTimeTransform.cuts`)
 * @example
 * const curves = survivalFromPmfLogits(phi.dataSync(), lt.cuts);
 * @throws {SurvkitError} on a bad shape, non-finite logits or unsorted cuts
 */
export function survivalFromPmfLogits(logits: ArrayLike<number>, cuts: ArrayLike<number>, opts: { pad?: boolean } = {}): SurvivalCurves {
  const fn = 'survivalFromPmfLogits';
  const times = gridOf(fn, cuts);
  const m = times.length;
  const pmf = pmfFromLogits(logits, m, opts);
  return curvesFor(fn, times, survivalFromMass(pmf, pmf.length / m, m, 1, opts.pad ?? true));
}

/** S_i(τ_k) = mass after τ_k = Σ over causes and l > k of f + the pad mass, as a reverse cumulative sum. */
function survivalFromMass(pmf: Float64Array, n: number, m: number, causes: number, pad: boolean): Float64Array {
  const out = new Float64Array(n * m);
  const w = causes * m;
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = 0; k < w; k++) total += pmf[i * w + k] as number;
    let after = pad ? Math.max(0, 1 - total) : 0;
    for (let k = m - 1; k >= 0; k--) {
      out[i * m + k] = Math.min(1, after);
      for (let c = 0; c < causes; c++) after += pmf[i * w + c * m + k] as number;
    }
  }
  return out;
}

/**
 * Survival curves of a logistic-hazard model (pycox `LogisticHazard.predict_surv`):
 * h_ik = sigmoid(φ_ik), S_i(τ_k) = Π_{l ≤ k} (1 − h_il), computed as
 * exp(−Σ_{l ≤ k} softplus(φ_il)) (stable for large |φ|).
 *
 * @param logits flattened [n, m] hazard logits, m = cuts.length
 * @param cuts the grid of cut points
 * @example
 * const curves = survivalFromHazardLogits(phi.dataSync(), lt.cuts);
 * @throws {SurvkitError} on a bad shape, non-finite logits or unsorted cuts
 */
export function survivalFromHazardLogits(logits: ArrayLike<number>, cuts: ArrayLike<number>): SurvivalCurves {
  const fn = 'survivalFromHazardLogits';
  const times = gridOf(fn, cuts);
  const m = times.length;
  const { x, n } = shapeOf(fn, logits, m, `${m} (cuts.length)`);
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    let logS = 0;
    for (let k = 0; k < m; k++) {
      const v = x[i * m + k] as number;
      logS -= v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
      out[i * m + k] = Math.exp(logS);
    }
  }
  return curvesFor(fn, times, out);
}

/**
 * Cumulative incidence functions of a competing-risks PMF model (pycox `DeepHit.predict_cif`):
 * CIF_{e,i}(τ_k) = Σ_{l ≤ k} f_{i,e,l}, and the overall survival 1 − Σ_e CIF_e (as the mass after τ_k).
 *
 * @param logits flattened [n, K, m] logits, m = cuts.length
 * @param causes K
 * @param cuts the grid of cut points
 * @returns `{ times, cif }` with `cif[e]` row-major n × m for cause e + 1, and `survival`
 * @example
 * const { cif, survival } = cifFromLogits(phi.dataSync(), 2, lt.cuts);
 * @throws {SurvkitError} on a bad shape, non-finite logits or unsorted cuts
 */
export function cifFromLogits(
  logits: ArrayLike<number>,
  causes: number,
  cuts: ArrayLike<number>,
  opts: { pad?: boolean } = {},
): { times: Float64Array; cif: Float64Array[]; survival: SurvivalCurves } {
  const fn = 'cifFromLogits';
  if (!Number.isInteger(causes) || causes < 1) throw survkitError('positiveInteger', fn, 'causes', causes);
  const times = gridOf(fn, cuts);
  const m = times.length;
  const pmf = pmfFromLogits(logits, causes * m, opts);
  const n = pmf.length / (causes * m);
  const cif: Float64Array[] = [];
  for (let c = 0; c < causes; c++) {
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0; k < m; k++) out[i * m + k] = acc += pmf[i * causes * m + c * m + k] as number;
    }
    cif.push(out);
  }
  const survival = curvesFor(fn, times, survivalFromMass(pmf, n, m, causes, opts.pad ?? true));
  return { times, cif, survival };
}
