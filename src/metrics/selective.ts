import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { isArrayLikeObject } from './call-forms.js';
import {
  casesForCoverage,
  maxCoverageAtRisk,
  meanAurc,
  rankOutcomes,
  riskSequence,
  trapezoidAurc,
  type KeptCount,
  type SelectiveOutcome,
  type SelectiveTies,
} from './selective-core.js';

export type { KeptCount, SelectiveOutcome, SelectiveTies } from './selective-core.js';

/** Options of {@link aurc} and {@link excessAurc}. */
export interface AurcOptions {
  /**
   * 'trapezoid' (default; torch-uncertainty `AURC`: trapezoid rule over coverages k/n, divided by 1 − 1/n) or
   * 'mean' (Geifman, Uziel & El-Yaniv 2019 as originally defined: (1/n) Σ_{k=1}^{n} r_k).
   */
  form?: 'trapezoid' | 'mean';
  /** Tied uncertainties: 'average' (default; expectation over their orders) or 'stable' (row order). */
  ties?: SelectiveTies;
}

/** Options of {@link riskAtCoverage}. */
export interface RiskAtCoverageOptions {
  /** The fraction kept, in (0, 1]. */
  coverage: number;
  /** Tied uncertainties: 'average' (default; expectation over their orders) or 'stable' (row order). */
  ties?: SelectiveTies;
  /** Cases kept: 'ceil' = ⌈c·n⌉ (default; torch-uncertainty `RiskAtxCov`) or 'floor' = ⌊c·n⌋. */
  kept?: KeptCount;
}

/** The `form` and `ties` options of {@link aurc} / {@link excessAurc}. */
function aurcOptions(fn: string, opts: unknown): { form: 'trapezoid' | 'mean'; ties: SelectiveTies } {
  const o = (typeof opts === 'object' && opts !== null ? opts : {}) as AurcOptions;
  return {
    form: assertChoice(fn, 'form', o.form ?? 'trapezoid', ['trapezoid', 'mean'] as const),
    ties: assertChoice(fn, 'ties', o.ties ?? 'average', ['average', 'stable'] as const),
  };
}

/** Result of the outcome-first {@link aurc} and {@link excessAurc}. */
export interface AurcResult {
  /** The area (lower is better). */
  value: number;
}

/** Result of the outcome-first {@link coverageAtRisk} (a coverage) and {@link riskAtCoverage} (a risk). */
export interface SelectiveValue {
  value: number;
}

/** `(outcome, uncertainty)` or the deprecated `(uncertainty, outcome)`: the uncertainty scores are the array. */
function selectiveArgs(args: readonly unknown[]): { uncertainty: ArrayLike<number>; outcome: SelectiveOutcome; deprecated: boolean } {
  const deprecated = isArrayLikeObject(args[0]);
  const [u, o] = deprecated ? [args[0], args[1]] : [args[1], args[0]];
  return { uncertainty: u as ArrayLike<number>, outcome: o as SelectiveOutcome, deprecated };
}

/** Result of {@link riskCoverageCurve}: parallel arrays, ascending in coverage. */
export interface RiskCoverageCurve {
  /** Fraction of cases kept, k/n. */
  coverage: Float64Array;
  /** Mean loss (error rate for `correct`) of the kept cases. */
  risk: Float64Array;
  /** Keep the cases with uncertainty <= threshold to reach that point. */
  thresholds: Float64Array;
}

/**
 * Risk–coverage curve of selective prediction (Geifman & El-Yaniv 2017): the
 * cases are kept from the least to the most uncertain; keeping those with
 * uncertainty <= t gives coverage = #kept / n and risk = mean loss of the
 * kept cases. One point per distinct uncertainty value (a threshold cannot
 * separate tied cases), ending at coverage 1 with the overall risk.
 *
 * @param outcome `{ correct }` (0/1 or booleans; risk = error rate) or `{ loss }` (finite numbers) —
 *   the "labels" of selective prediction, first as in every metric
 * @param uncertainty n finite scores, higher = more uncertain (1 − max p, entropy, u = K/S, a
 *   band width …); only their order matters
 * @returns `{ coverage, risk, thresholds }` (Float64Arrays, ascending)
 * @throws {SurvkitError} when inputs are empty, differ in length, are not finite, or `correct` is not 0/1
 * @example
 * riskCoverageCurve({ correct: [1, 1, 0, 0] }, [0.1, 0.4, 0.4, 0.9]);
 * // coverage [0.25, 0.75, 1], risk [0, 1/3, 0.5], thresholds [0.1, 0.4, 0.9]
 * @see Geifman & El-Yaniv (2017), "Selective classification for deep neural networks", NeurIPS
 */
export function riskCoverageCurve(outcome: SelectiveOutcome, uncertainty: ArrayLike<number>): RiskCoverageCurve;
/** @deprecated since 0.2: call `riskCoverageCurve(outcome, uncertainty)` — outcome (the labels) first, as every metric. */
export function riskCoverageCurve(uncertainty: ArrayLike<number>, outcome: SelectiveOutcome): RiskCoverageCurve;
export function riskCoverageCurve(...args: unknown[]): RiskCoverageCurve {
  const { uncertainty, outcome } = selectiveArgs(args);
  const r = rankOutcomes('riskCoverageCurve', uncertainty, outcome);
  const m = r.ends.length;
  const coverage = new Float64Array(m);
  const risk = new Float64Array(m);
  const thresholds = new Float64Array(m);
  for (let g = 0; g < m; g++) {
    const k = r.ends[g] as number;
    coverage[g] = k / r.n;
    risk[g] = (r.c[k] as number) / k;
    thresholds[g] = r.u[k - 1] as number;
  }
  return { coverage, risk, thresholds };
}

/**
 * Area under the risk–coverage curve, as torch-uncertainty computes `AURC`:
 * with r_k the mean loss of the k least uncertain cases (k = 1 … n),
 *
 *   AURC = trapezoid(r_k over coverage k/n, k = 1 … n) / (1 − 1/n)
 *        = Σ_{k=1}^{n−1} (r_k + r_{k+1}) / (2(n − 1)).
 *
 * Lower is better. Tied uncertainties: torch-uncertainty's `argsort` leaves
 * their order open; here r_k is its expectation over all orders of the tied
 * cases (the expected loss of the first k grows linearly inside a tie group),
 * which equals torch-uncertainty exactly when there are no ties and makes the
 * value depend only on the ranking of the scores. `ties: 'stable'` keeps tied
 * cases in row order instead (torch-uncertainty on scores whose ties are broken
 * by row order). `form: 'mean'` gives the AURC as Geifman et al. (2019)
 * defined it, (1/n) Σ_{k=1}^{n} r_k (no trapezoid, no rescaling; n >= 1).
 *
 * @param outcome `{ correct }` (0/1) or `{ loss }` per case
 * @param uncertainty n >= 2 finite scores (n >= 1 with `form: 'mean'`), higher = more uncertain
 * @param opts `form` ('trapezoid' default, or 'mean'), `ties` ('average' default, or 'stable')
 * @returns `{ value }`, the AURC (for `correct`: in [0, 1]); the deprecated
 *   uncertainty-first form returns the bare number
 * @throws {SurvkitError} when fewer than 2 cases, lengths differ, values are not finite or `correct` is not 0/1
 * @example
 * aurc({ correct: [1, 1, 0, 1] }, [0.1, 0.2, 0.3, 0.4]).value;
 * // r = [0, 0, 1/3, 1/4] → (0 + 1/3 + 7/12) / 6 = 11/72 ≈ 0.1528
 * @see Geifman, Uziel & El-Yaniv (2019), "Bias-reduced uncertainty estimation for deep neural
 *   classifiers", ICLR; torch-uncertainty `metrics/classification/risk_coverage.py` (commit 0d0df2b2)
 */
export function aurc(outcome: SelectiveOutcome, uncertainty: ArrayLike<number>, opts?: AurcOptions): AurcResult;
/** @deprecated since 0.2: call `aurc(outcome, uncertainty).value` — outcome first and an object result, as every metric. */
export function aurc(uncertainty: ArrayLike<number>, outcome: SelectiveOutcome, opts?: AurcOptions): number;
export function aurc(...args: unknown[]): AurcResult | number {
  const fn = 'aurc';
  const { uncertainty, outcome, deprecated } = selectiveArgs(args);
  const { form, ties } = aurcOptions(fn, args[2]);
  const risk = riskSequence(rankOutcomes(fn, uncertainty, outcome, form === 'mean' ? 1 : 2, undefined, ties));
  const value = form === 'mean' ? meanAurc(risk) : trapezoidAurc(risk);
  return deprecated ? value : { value };
}

/**
 * Excess AURC (E-AURC, Geifman et al. 2019): {@link aurc} minus the AURC of
 * the oracle ranking of the same cases (lowest loss kept first), computed on
 * the same grid, so a perfect ranking scores exactly 0 and the value does
 * not depend on the overall error rate the way AURC does. Always >= 0.
 * `form` and `ties` as in {@link aurc}; both areas take the same form.
 *
 * @param outcome `{ correct }` (0/1) or `{ loss }` per case
 * @param uncertainty n >= 2 finite scores (n >= 1 with `form: 'mean'`), higher = more uncertain
 * @param opts `form` ('trapezoid' default, or 'mean'), `ties` ('average' default, or 'stable')
 * @returns `{ value }`, the E-AURC >= 0; the deprecated uncertainty-first form returns the bare number
 * @throws {SurvkitError} as {@link aurc}
 * @example
 * excessAurc({ correct: [1, 1, 1, 0] }, [0.1, 0.2, 0.3, 0.4]).value; // perfect ranking → 0
 * @see Geifman, Uziel & El-Yaniv (2019), ICLR
 */
export function excessAurc(outcome: SelectiveOutcome, uncertainty: ArrayLike<number>, opts?: AurcOptions): AurcResult;
/** @deprecated since 0.2: call `excessAurc(outcome, uncertainty).value` — outcome first and an object result, as every metric. */
export function excessAurc(uncertainty: ArrayLike<number>, outcome: SelectiveOutcome, opts?: AurcOptions): number;
export function excessAurc(...args: unknown[]): AurcResult | number {
  const { uncertainty, outcome, deprecated } = selectiveArgs(args);
  const value = excessAurcValue(uncertainty, outcome, aurcOptions('excessAurc', args[2]));
  return deprecated ? value : { value };
}

function excessAurcValue(uncertainty: ArrayLike<number>, outcome: SelectiveOutcome, o: { form: 'trapezoid' | 'mean'; ties: SelectiveTies }): number {
  const area = o.form === 'mean' ? meanAurc : trapezoidAurc;
  const r = rankOutcomes('excessAurc', uncertainty, outcome, o.form === 'mean' ? 1 : 2, undefined, o.ties);
  const losses = Float64Array.from(r.loss).sort();
  const oracle = new Float64Array(r.n);
  let s = 0;
  for (let k = 0; k < r.n; k++) {
    s += losses[k] as number;
    oracle[k] = s / (k + 1);
  }
  return Math.max(0, area(riskSequence(r)) - area(oracle));
}

/**
 * Largest coverage whose risk is at most `risk` (torch-uncertainty
 * `CovAtxRisk`): over the thresholds at distinct uncertainty values, the
 * greatest k/n with mean loss of the kept cases <= risk (the curve need not
 * be monotone; the largest admissible coverage wins).
 *
 * @param outcome `{ correct }` (0/1) or `{ loss }` per case
 * @param uncertainty n finite scores, higher = more uncertain
 * @param opts `risk`: the admissible risk (a finite number)
 * @returns `{ value }`, the coverage in (0, 1]; the deprecated uncertainty-first form returns the bare number
 * @throws {SurvkitError} when no threshold reaches the risk (the message gives the lowest
 *   achievable risk), and for bad inputs as {@link aurc}
 * @example
 * coverageAtRisk({ correct: [1, 1, 0, 1] }, [0.1, 0.2, 0.3, 0.4], { risk: 0.25 }).value; // 1 (risk 1/4 at full coverage)
 */
export function coverageAtRisk(outcome: SelectiveOutcome, uncertainty: ArrayLike<number>, opts: { risk: number }): SelectiveValue;
/** @deprecated since 0.2: call `coverageAtRisk(outcome, uncertainty, { risk }).value` — outcome first, options last, an object result. */
export function coverageAtRisk(uncertainty: ArrayLike<number>, outcome: SelectiveOutcome, risk: number): number;
export function coverageAtRisk(...args: unknown[]): SelectiveValue | number {
  const fn = 'coverageAtRisk';
  const { uncertainty, outcome, deprecated } = selectiveArgs(args);
  const risk = deprecated ? args[2] : (args[2] as { risk?: unknown } | undefined)?.risk;
  const target = assertNumberOption(fn, 'risk', risk);
  const value = maxCoverageAtRisk(fn, 'risk', rankOutcomes(fn, uncertainty, outcome), target).coverage;
  return deprecated ? value : { value };
}

/**
 * Risk when keeping a fraction `coverage` of the cases (torch-uncertainty
 * `RiskAtxCov`): r_k for k = ⌈n·coverage⌉ (a product within 1e-9 of an
 * integer counts as that integer, so 0.7 of 10 cases keeps 7), the mean loss
 * of the k least uncertain cases; inside a tie group, its expectation over the
 * order of the tied cases (`ties: 'stable'`: in row order). `kept: 'floor'`
 * keeps ⌊n·coverage⌋ cases instead (an error when that is 0).
 *
 * @param outcome `{ correct }` (0/1) or `{ loss }` per case
 * @param uncertainty n finite scores, higher = more uncertain
 * @param opts `coverage`: the fraction kept, in (0, 1]; `ties` ('average' default, or 'stable');
 *   `kept` ('ceil' default, or 'floor')
 * @returns `{ value }`, the risk at that coverage; the deprecated uncertainty-first form returns the bare number
 * @throws {SurvkitError} when `coverage` is not in (0, 1], keeps no case, and for bad inputs as {@link aurc}
 * @example
 * riskAtCoverage({ correct: [1, 1, 0, 1] }, [0.1, 0.2, 0.3, 0.4], { coverage: 0.5 }).value; // 0
 */
export function riskAtCoverage(outcome: SelectiveOutcome, uncertainty: ArrayLike<number>, opts: RiskAtCoverageOptions): SelectiveValue;
/** @deprecated since 0.2: call `riskAtCoverage(outcome, uncertainty, { coverage }).value` — outcome first, options last, an object result. */
export function riskAtCoverage(uncertainty: ArrayLike<number>, outcome: SelectiveOutcome, coverage: number): number;
export function riskAtCoverage(...args: unknown[]): SelectiveValue | number {
  const fn = 'riskAtCoverage';
  const { uncertainty, outcome, deprecated } = selectiveArgs(args);
  const o = deprecated ? {} : ((args[2] ?? {}) as Partial<RiskAtCoverageOptions>);
  const coverage = deprecated ? args[2] : o.coverage;
  const cov = assertNumberOption(fn, 'coverage', coverage, { min: 0, max: 1, minExclusive: true });
  const ties = assertChoice(fn, 'ties', o.ties ?? 'average', ['average', 'stable'] as const);
  const kept = assertChoice(fn, 'kept', o.kept ?? 'ceil', ['ceil', 'floor'] as const);
  const r = rankOutcomes(fn, uncertainty, outcome, 1, undefined, ties);
  const k = casesForCoverage(r.n, cov, kept);
  if (k === 0) throw survkitError('keptNone', fn, cov, r.n);
  const value = (r.c[k] as number) / k;
  return deprecated ? value : { value };
}
