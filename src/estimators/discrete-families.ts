/**
 * Float64 survival curves of the further discrete-time families of pycox
 * 0.3.0 — MTLR, PC-Hazard and BCESurv — from their logits (PMF's are
 * {@link survivalFromPmfLogits}'s).
 */
import { assertNumberOption, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { survivalFromPmfLogits } from './discrete-time.js';
import { subgrid, MAX_INTERPOLATION } from './interpolate-curves.js';
import { curvesFor, type SurvivalCurves } from './survival-curves.js';

function rows(fn: string, logits: ArrayLike<number>, m: number): { x: Float64Array; n: number } {
  const x = toFloat64(fn, 'logits', logits);
  if (m < 1 || x.length % m !== 0) throw survkitError('shapeMismatch', fn, 'logits', `n × ${m} values`, `${x.length} values`);
  return { x, n: x.length / m };
}

const softplus = (v: number): number => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));

/**
 * Survival curves of (N-)MTLR (pycox `MTLR.predict_surv`): the PMF of the reverse
 * cumulative sums ψ_k = Σ_{j ≥ k} φ_j with pycox's padded softmax, S(τ_k) = 1 − Σ_{l ≤ k} f_l.
 *
 * @param logits flattened [n, m] logits, m = cuts.length
 * @example
 * const curves = survivalFromMtlrLogits(phi.dataSync(), lt.cuts);
 * @throws {SurvkitError} on a bad shape, non-finite logits or unsorted cuts
 */
export function survivalFromMtlrLogits(logits: ArrayLike<number>, cuts: ArrayLike<number>): SurvivalCurves {
  const m = cuts.length;
  const { x, n } = rows('survivalFromMtlrLogits', logits, m);
  const psi = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = m - 1; k >= 0; k--) {
      acc += x[i * m + k] as number;
      psi[i * m + k] = acc;
    }
  }
  return survivalFromPmfLogits(psi, cuts);
}

/**
 * Survival curves of PC-Hazard (pycox `PCHazard.predict_surv_df` with `sub`): a
 * constant hazard η_j = softplus(φ_j) in interval j of the cuts, so on pycox's
 * sub-grid (`subgrid`) S = exp(−cumulative hazard), each of the `sub`
 * steps of interval j adding η_j / sub; S(τ_0) = 1. The curve is exact
 * (piecewise exponential) between grid points, not a linear interpolation.
 *
 * @param logits flattened [n, m] logits, m = cuts.length − 1 intervals
 * @param cuts τ_0 < … < τ_m
 * @param sub steps per interval (default 1: the cut points)
 * @example
 * const curves = survivalFromPcHazardLogits(phi.dataSync(), lt.cuts, 10);
 * @throws {SurvkitError} on a bad shape, non-finite logits, unsorted cuts or a bad `sub`
 */
export function survivalFromPcHazardLogits(logits: ArrayLike<number>, cuts: ArrayLike<number>, sub = 1): SurvivalCurves {
  const fn = 'survivalFromPcHazardLogits';
  const t = toFloat64(fn, 'cuts', cuts);
  assertStrictlyAscending(fn, 'cuts', t);
  if (t.length < 2) throw survkitError('pcHazardCuts', fn, 'cuts', Array.from(t));
  assertNumberOption(fn, 'interpolation', sub, { min: 1, integer: true });
  if (sub > MAX_INTERPOLATION) throw survkitError('sizeLimit', fn, 'interpolation', MAX_INTERPOLATION, 'pycox uses 10', sub);
  const m = t.length - 1;
  const { x, n } = rows(fn, logits, m);
  const w = m * sub + 1;
  const out = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    let cum = 0;
    out[i * w] = 1;
    for (let j = 0; j < m; j++) {
      const step = softplus(x[i * m + j] as number) / sub;
      for (let r = 0; r < sub; r++) {
        cum += step;
        out[i * w + j * sub + r + 1] = Math.exp(-cum);
      }
    }
  }
  return curvesFor(fn, subgrid(t, sub), out);
}

/**
 * BCESurv's raw predictions (pycox `BCESurv.predict_surv`): sigmoid(φ_ik), one
 * independent classifier per cut, so a row need not be non-increasing.
 *
 * @param logits flattened [n, m] logits
 * @returns row-major n × m probabilities
 * @example
 * bceSurvProbabilities([0, 2], 2); // [0.5, 0.8808]
 * @throws {SurvkitError} on a bad shape or non-finite logits
 */
export function bceSurvProbabilities(logits: ArrayLike<number>, m: number): Float64Array {
  const { x } = rows('bceSurvProbabilities', logits, m);
  return x.map((v) => 1 / (1 + Math.exp(-v)));
}

/**
 * BCESurv survival curves: {@link bceSurvProbabilities} made non-increasing by a
 * running minimum along each row (S(τ_k) = min_{l ≤ k} sigmoid(φ_l)), so they are
 * survival curves; pycox returns the raw, possibly increasing, values.
 *
 * @example
 * const curves = survivalFromBceLogits(phi.dataSync(), lt.cuts);
 * @throws {SurvkitError} on a bad shape, non-finite logits or unsorted cuts
 */
export function survivalFromBceLogits(logits: ArrayLike<number>, cuts: ArrayLike<number>): SurvivalCurves {
  const fn = 'survivalFromBceLogits';
  const t = toFloat64(fn, 'cuts', cuts);
  assertStrictlyAscending(fn, 'cuts', t);
  const m = t.length;
  const p = bceSurvProbabilities(logits, m);
  for (let i = 0; i < p.length / m; i++) for (let k = 1; k < m; k++) p[i * m + k] = Math.min(p[i * m + k] as number, p[i * m + k - 1] as number);
  return curvesFor(fn, t, p);
}
