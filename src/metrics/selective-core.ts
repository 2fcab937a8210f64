import { assertSameLength, toFloat64, assertArrayLike } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { argsort } from '../core/sort.js';

/**
 * What each case costs when it is kept: either `correct` (0/1 or
 * false/true; the loss is 1 − correct, so risk = error rate) or any finite
 * per-case `loss` (e.g. squared error, negative log-likelihood, Brier).
 */
export type SelectiveOutcome = { correct: ArrayLike<number | boolean>; loss?: never } | { loss: ArrayLike<number>; correct?: never };

/** Cases ranked from least to most uncertain, with cumulative losses. */
export interface RankedOutcomes {
  n: number;
  /** Uncertainty sorted ascending. */
  u: Float64Array;
  /**
   * c[k] (k = 0 … n): expected total loss of the k least uncertain cases when
   * tied uncertainties are kept in random order — the exact sum at the end of
   * a tie group, linear in k inside it.
   */
  c: Float64Array;
  /** k (1 … n) at the end of each tie group, ascending: the coverages a threshold can reach. */
  ends: Int32Array;
  /** The losses in the order of `u`. */
  loss: Float64Array;
}

/** Argument names used in error messages. */
export interface OutcomeNames {
  score: string;
  correct: string;
  loss: string;
}

const defaultNames: OutcomeNames = { score: 'uncertainty', correct: 'correct', loss: 'loss' };

/** Reads `{ correct }` or `{ loss }` into a loss vector of length n. */
export function outcomeLoss(fn: string, outcome: unknown, n: number, names: OutcomeNames = defaultNames): Float64Array {
  const o = (typeof outcome === 'object' && outcome !== null ? outcome : {}) as { correct?: unknown; loss?: unknown };
  const hasCorrect = o.correct !== undefined;
  const hasLoss = o.loss !== undefined;
  if (hasCorrect === hasLoss) {
    throw survkitError('selectiveOutcome', fn, 'outcome', outcome);
  }
  if (hasLoss) {
    const loss = toFloat64(fn, names.loss, o.loss);
    assertSameLength(fn, names.loss, loss.length, names.score, n);
    return loss;
  }
  const c = o.correct;
  assertArrayLike(fn, names.correct, c);
  const src = c as ArrayLike<unknown>;
  assertSameLength(fn, names.correct, src.length, names.score, n);
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v === true || v === 1) loss[i] = 0;
    else if (v === false || v === 0) loss[i] = 1;
    else throw survkitError('notBinaryOutcome', fn, names.correct, i, v);
  }
  return loss;
}

/**
 * How tied uncertainties are ordered when the first k cases are kept: 'average' (default; the expectation over
 * every order of the tied cases) or 'stable' (row order, as a stable sort leaves them).
 */
export type SelectiveTies = 'average' | 'stable';

/** How many cases a coverage c of n keeps: 'ceil' = ⌈c·n⌉ (default; torch-uncertainty `RiskAtxCov`) or 'floor' = ⌊c·n⌋. */
export type KeptCount = 'ceil' | 'floor';

/**
 * Sorts cases by uncertainty (ascending, ties in row order) and accumulates their losses; with `ties` 'average'
 * the cumulative loss inside a tie group is its expectation over the orders of the tied cases.
 * Cost O(n log n).
 * @throws {SurvkitError} on non-finite or mismatched inputs, or fewer than `minCases` cases
 */
export function rankOutcomes(
  fn: string,
  uncertainty: unknown,
  outcome: unknown,
  minCases = 1,
  names: OutcomeNames = defaultNames,
  ties: SelectiveTies = 'average',
): RankedOutcomes {
  const score = toFloat64(fn, names.score, uncertainty);
  const n = score.length;
  if (n < minCases) throw survkitError('tooFewValues', fn, names.score, minCases, n);
  const loss = outcomeLoss(fn, outcome, n, names);
  const order = argsort(score);
  const u = new Float64Array(n);
  const sortedLoss = new Float64Array(n);
  const prefix = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    u[k] = score[i] as number;
    sortedLoss[k] = loss[i] as number;
    prefix[k + 1] = (prefix[k] as number) + (loss[i] as number);
  }
  const c = new Float64Array(n + 1);
  const ends: number[] = [];
  let s = 0;
  while (s < n) {
    let e = s + 1;
    while (e < n && u[e] === u[s]) e++;
    const start = prefix[s] as number;
    const per = ((prefix[e] as number) - start) / (e - s);
    for (let k = s + 1; k < e; k++) c[k] = ties === 'stable' ? (prefix[k] as number) : start + (k - s) * per;
    c[e] = prefix[e] as number;
    ends.push(e);
    s = e;
  }
  return { n, u, c, ends: Int32Array.from(ends), loss: sortedLoss };
}

/** r_k = c[k] / k for k = 1 … n (index k − 1). */
export function riskSequence(r: RankedOutcomes): Float64Array {
  const out = new Float64Array(r.n);
  for (let k = 1; k <= r.n; k++) out[k - 1] = (r.c[k] as number) / k;
  return out;
}

/**
 * torch-uncertainty's AURC of a risk sequence r_1 … r_n on coverages k/n:
 * trapezoid rule, divided by the support length 1 − 1/n (n >= 2).
 */
export function trapezoidAurc(risk: Float64Array): number {
  const n = risk.length;
  let s = 0;
  for (let k = 0; k + 1 < n; k++) s += (risk[k] as number) + (risk[k + 1] as number);
  return s / (2 * (n - 1));
}

/**
 * Geifman et al.'s original AURC of a risk sequence r_1 … r_n: the mean (1/n) Σ_k r_k of the selective risks of
 * the k most confident cases (n >= 1).
 */
export function meanAurc(risk: Float64Array): number {
  let s = 0;
  for (let k = 0; k < risk.length; k++) s += risk[k] as number;
  return s / risk.length;
}

/**
 * Number of cases kept at a coverage: 'ceil', the smallest k with k/n >= coverage, or 'floor', the largest k with
 * k/n <= coverage (a product n·coverage within 1e-9 of an integer counts as that integer). 'ceil' keeps at
 * least 1; 'floor' may give 0, which the caller rejects.
 */
export function casesForCoverage(n: number, coverage: number, kept: KeptCount = 'ceil'): number {
  const x = n * coverage;
  const near = Math.round(x);
  const k = Math.abs(x - near) <= 1e-9 * Math.max(1, x) ? near : kept === 'floor' ? Math.floor(x) : Math.ceil(x);
  return Math.min(n, Math.max(kept === 'floor' ? 0 : 1, k));
}

/** An operating point of a risk–coverage curve: keep the k cases with uncertainty <= threshold. */
export interface OperatingPoint {
  k: number;
  coverage: number;
  risk: number;
  threshold: number;
}

/**
 * The largest-coverage threshold whose risk on the ranked cases is <= target
 * (thresholds only at tie-group ends; risk need not be monotone in coverage).
 * @throws {SurvkitError} 'unreachableRisk' naming `option` and the best achievable risk
 */
export function maxCoverageAtRisk(fn: string, option: string, r: RankedOutcomes, target: number): OperatingPoint {
  let best: OperatingPoint | undefined;
  let lowest: OperatingPoint | undefined;
  for (let g = r.ends.length - 1; g >= 0; g--) {
    const k = r.ends[g] as number;
    const p = { k, coverage: k / r.n, risk: (r.c[k] as number) / k, threshold: r.u[k - 1] as number };
    if (best === undefined && p.risk <= target) best = p;
    if (lowest === undefined || p.risk < lowest.risk) lowest = p;
  }
  if (best === undefined) {
    const l = lowest as OperatingPoint;
    throw survkitError('unreachableRisk', fn, option, target, l.risk, l.coverage);
  }
  return best;
}
