import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { sampleRankCorrelation } from 'simple-statistics';
import { assertChoice, assertNumberOption, assertSameLength, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { normalUpperTail } from '../core/normal-tail.js';
import { take } from '../core/take.js';
import { bootstrap } from './bootstrap.js';
import type { LabelsInput } from '../data/labels.js';
import { isTimeEventCall, riskInDirection, timeEventOf } from './call-forms.js';
import { harrellFromValidated, riskInputs, type ConcordanceOptions } from './concordance-harrell.js';
import { ijInfluence, noetherStandardError } from './concordance-ci.js';
import { countPairs, type PerSubjectCounts } from './concordance-pairs.js';

/** Test of {@link compareConcordance}. */
export type CompareMethod = 'bootstrap' | 'noether' | 'ij';

/** Alternative hypothesis of {@link compareConcordance}. */
export type ComparisonAlternative = 'two-sided' | 'greater' | 'less';

/** Options of {@link compareConcordance}. */
export interface CompareConcordanceOptions extends ConcordanceOptions {
  /** `'bootstrap'` (default, paired percentile bootstrap), `'noether'` (torchsurv's t-test) or `'ij'` (R survival's paired z-test). */
  method?: CompareMethod;
  /** Bootstrap replicates. Default 1000. */
  replicates?: number;
  /** Bootstrap seed. Default 0. */
  seed?: number;
  /** Confidence level of the interval for C_A − C_B. Default 0.95. */
  level?: number;
  /** `'two-sided'` (default): C_A ≠ C_B; `'greater'`: C_A > C_B (torchsurv's `compare`); `'less'`: C_A < C_B. */
  alternative?: ComparisonAlternative;
}

/** Result of {@link compareConcordance}. */
export interface CompareConcordanceResult {
  cIndexA: number;
  cIndexB: number;
  /** cIndexA − cIndexB. */
  difference: number;
  /** Standard error of the difference (bootstrap: SD of the replicates). */
  se: number;
  /** Two-sided interval for the difference at `level`. */
  lower: number;
  upper: number;
  pValue: number;
  method: CompareMethod;
  alternative: ComparisonAlternative;
}

/**
 * Compares the Harrell C of two risk scores, `riskA` and `riskB`, on the same
 * subjects `labels` ({@link LabelsInput}, event 0/1). `direction` and `tiedTol`
 * ({@link ConcordanceOptions}) apply to both scores.
 *
 * - `'bootstrap'` (default): paired nonparametric bootstrap — each replicate
 *   resamples n subjects with replacement ({@link bootstrap}, seeded) and scores
 *   both models on the SAME resample; Δ* = C_A* − C_B*. `se` = SD(Δ*), interval =
 *   percentile interval of Δ*. p-value (B usable replicates): 'greater'
 *   (1 + #{Δ* <= 0})/(B + 1), 'less' (1 + #{Δ* >= 0})/(B + 1), 'two-sided'
 *   min(1, 2·min of both). Resamples without comparable pairs are skipped.
 * - `'noether'`: torchsurv's `ConcordanceIndex.compare(method='noether')`:
 *   t = (C_A − C_B)/√(se_A² + se_B² − 2ρ se_A se_B), Noether standard errors
 *   ({@link concordanceConfidenceInterval}), ρ = Spearman correlation of the two
 *   risk vectors (mid-ranks), Student t with n − 1 degrees of freedom.
 *   torchsurv reports the one-sided 1 − F(t) (`alternative: 'greater'`); the
 *   default here is two-sided, 2(1 − F(|t|)). Interval: Δ ± t_{n−1, 1−α/2}·se.
 *   When ρ = 1 (same ranking) the p-value is 1, as in torchsurv (torchsurv also
 *   returns 1 for ρ = −1; here that case is tested normally).
 * - `'ij'`: R survival's comparison of two concordances (`concordance(fit1, fit2)`
 *   then the contrast C_A − C_B): var = Σ_i (dA_i − dB_i)² with dA_i, dB_i the
 *   infinitesimal-jackknife influences of subject i on C_A and C_B (see
 *   {@link concordanceConfidenceInterval}, method 'ij'); z = Δ/se, normal
 *   p-value, interval Δ ± z_{1−α/2}·se. Pass `tiedTol: 0` for R's exact ties.
 *
 * @throws {SurvkitError} on invalid inputs (as {@link concordanceIndex}), unequal
 *   lengths of the two risks, bad options, constant risks ('noether': ρ
 *   undefined), or too many undefined bootstrap resamples
 * @example
 * const time = [2, 3, 4, 5, 6, 7, 8, 9];
 * const event = [1, 1, 0, 1, 1, 0, 1, 0];
 * const a = [8, 6, 7, 5, 3, 4, 1, 2];
 * const b = [3, 8, 1, 6, 7, 2, 5, 4];
 * const cmp = compareConcordance({ time, event }, a, b, { method: 'ij' });
 * cmp.difference; // 0.143 (0.857 − 0.714)
 * cmp.pValue; // 0.536, two-sided
 * compareConcordance({ time, event }, a, b, { replicates: 500, seed: 1 }).pValue; // 0.716 (paired bootstrap)
 * @see Pencina & D'Agostino (2004); Efron & Tibshirani (1993), ch. 16
 */
export function compareConcordance(
  labels: LabelsInput,
  riskA: ArrayLike<number>,
  riskB: ArrayLike<number>,
  opts?: CompareConcordanceOptions,
): CompareConcordanceResult;
/** @deprecated since 0.2: call `compareConcordance({ time, event }, riskA, riskB, opts)` — labels first, as every metric. */
export function compareConcordance(time: unknown, event: unknown, riskA: unknown, riskB: unknown, opts?: CompareConcordanceOptions): CompareConcordanceResult;
export function compareConcordance(...args: unknown[]): CompareConcordanceResult {
  const fn = 'compareConcordance';
  const { time, event, rest } = timeEventOf(fn, args, isTimeEventCall(args, 2));
  const opts = (rest[2] ?? {}) as CompareConcordanceOptions;
  const riskA = riskInDirection(fn, 'riskA', rest[0], opts.direction);
  const riskB = riskInDirection(fn, 'riskB', rest[1], opts.direction);
  const method = assertChoice(fn, 'method', opts.method ?? 'bootstrap', ['bootstrap', 'noether', 'ij'] as const);
  const alternative = assertChoice(fn, 'alternative', opts.alternative ?? 'two-sided', ['two-sided', 'greater', 'less'] as const);
  const level = assertNumberOption(fn, 'level', opts.level ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const a = riskInputs(fn, time, event, riskA, opts.tiedTol);
  const rb = toFloat64(fn, 'riskB', riskB);
  assertSameLength(fn, 'riskA', a.risk.length, 'riskB', rb.length);
  const { time: t, event: e } = a.labels;
  const tol = a.tiedTol;
  const n = t.length;
  const cA = harrellFromValidated(fn, t, e, a.risk, tol).cIndex;
  const cB = harrellFromValidated(fn, t, e, rb, tol).cIndex;
  const difference = cA - cB;
  if (method === 'bootstrap') {
    const bs = bootstrap(
      (idx) => {
        const tt = take(t, idx);
        const ee = take(e, idx);
        return harrellFromValidated(fn, tt, ee, take(a.risk, idx), tol).cIndex - harrellFromValidated(fn, tt, ee, take(rb, idx), tol).cIndex;
      },
      n,
      { replicates: opts.replicates ?? 1000, seed: opts.seed ?? 0, level },
    );
    const reps = bs.replicates;
    let le = 0;
    let ge = 0;
    for (const d of reps) {
      if (d <= 0) le++;
      if (d >= 0) ge++;
    }
    const pG = (1 + le) / (reps.length + 1);
    const pL = (1 + ge) / (reps.length + 1);
    const pValue = alternative === 'greater' ? pG : alternative === 'less' ? pL : Math.min(1, 2 * Math.min(pG, pL));
    return { cIndexA: cA, cIndexB: cB, difference, se: bs.se, lower: bs.lower, upper: bs.upper, pValue, method, alternative };
  }
  if (method === 'ij') {
    const dA = influence(t, e, a.risk, tol);
    const dB = influence(t, e, rb, tol);
    let v = 0;
    for (let i = 0; i < n; i++) v += ((dA[i] as number) - (dB[i] as number)) ** 2;
    const se = Math.sqrt(v);
    const half = normalQuantile(1 - (1 - level) / 2, 0, 1) * se;
    let pValue = 1;
    if (se > 0) {
      const up = normalUpperTail(difference / se);
      pValue = alternative === 'greater' ? up : alternative === 'less' ? 1 - up : Math.min(1, 2 * Math.min(up, 1 - up));
    } else if (difference !== 0) pValue = 0;
    return { cIndexA: cA, cIndexB: cB, difference, se, lower: difference - half, upper: difference + half, pValue, method, alternative };
  }
  if (n < 3) throw survkitError('noetherSubjects', fn, 'time', n);
  const seA = noetherStandardError(fn, perEvent(fn, 'riskA', t, e, a.risk, tol), n);
  const seB = noetherStandardError(fn, perEvent(fn, 'riskB', t, e, rb, tol), n);
  const rho = sampleRankCorrelation(Array.from(a.risk), Array.from(rb));
  if (!Number.isFinite(rho)) throw survkitError('rankCorrelationUndefined', fn, 'riskA', 'riskB');
  const se = Math.sqrt(Math.max(0, seA * seA + seB * seB - 2 * rho * seA * seB));
  const df = n - 1;
  const half = tQuantile(1 - (1 - level) / 2, df) * se;
  let pValue: number;
  if (1 - rho < 1e-15 || (se === 0 && difference === 0)) pValue = 1;
  else {
    const tStat = difference / se;
    const F = tCdf(tStat, df);
    pValue = alternative === 'greater' ? 1 - F : alternative === 'less' ? F : Math.min(1, 2 * Math.min(F, 1 - F));
  }
  return { cIndexA: cA, cIndexB: cB, difference, se, lower: difference - half, upper: difference + half, pValue, method, alternative };
}

function influence(t: Float64Array, e: Int32Array, r: Float64Array, tol: number): Float64Array {
  const c = countPairs(t, e, r, tol, { perSubject: 'both' });
  return ijInfluence(c.perSubject as PerSubjectCounts, c.concordant, c.discordant, c.comparable);
}

function perEvent(fn: string, arg: string, t: Float64Array, e: Int32Array, r: Float64Array, tol: number): PerSubjectCounts {
  const c = countPairs(t, e, r, tol, { perSubject: 'anchor' });
  if (c.concordant + c.discordant === 0) {
    throw survkitError('allPairsTied', fn, arg);
  }
  return c.perSubject as PerSubjectCounts;
}

/** Student-t quantile by bisection on the CDF (|error| < 1e-12). */
function tQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-13 * Math.max(1, hi); it++) {
    const mid = 0.5 * (lo + hi);
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
