/**
 * Selective survival prediction with a guarantee: per-subject integrated Brier
 * losses under inverse probability of censoring weighting, and the flagging
 * threshold on any uncertainty score that bounds the kept subjects' IBS by Learn
 * then Test or conformal risk control. Plain TypeScript.
 */
import { assertChoice, assertNumberOption, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { assertSingleRisk, labelsArg, type LabelsInput } from '../data/labels.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';
import { ipcwWeights } from '../metrics/ipcw.js';
import { riskControlledFlag, type RiskControlOptions, type RiskControlledFlagResult } from './risk-control.js';

/** Options of {@link subjectBrierLoss}. */
export interface SubjectBrierOptions {
  /** m >= 2 strictly ascending evaluation times >= 0. */
  times: ArrayLike<number>;
  /** Labels Ĝ (censoring Kaplan–Meier) is estimated from, e.g. the training labels. Default: the evaluated labels. */
  train?: LabelsInput;
  /** Ĝ is floored at 1/maxWeight, so every weight and every per-subject loss is at most maxWeight (default Infinity). */
  maxWeight?: number;
  /** `'trapezoid'` (default) or `'step'` (R pec / riskRegression). */
  integration?: 'trapezoid' | 'step';
}

/**
 * Per-subject integrated Brier loss with inverse probability of censoring
 * weights (Graf et al. 1999, the ÷n form of R pec):
 *
 *   ℓ_i = (1/(t_m − t_1)) ∫ [1(T_i ≤ t, δ_i = 1) Ŝ_i(t)²/Ĝ(T_i−) + 1(T_i > t) (1 − Ŝ_i(t))²/Ĝ(t)] dt
 *
 * on the evaluation times (trapezoid or step rule). Its mean over the n subjects
 * is `integratedBrierScore(labels, curves, { times, convention: 'pec', integration, train, maxWeight })`.
 * With Ĝ fixed (estimated from other subjects, `train`) and floored at
 * 1/maxWeight, ℓ_i depends on subject i alone and lies in [0, maxWeight].
 *
 * @param labels n subjects' labels (event 0/1)
 * @param curves their predicted survival curves
 * @throws {SurvkitError} as `integratedBrierScore`
 * @example
 * const curves = new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.2, 1, 0.9, 0.8]);
 * subjectBrierLoss({ time: [2, 3], event: [1, 0] }, curves, { times: [1, 2] }); // Float64Array [0.13, 0.005]: (0.01 + 0.25)/2, (0 + 0.01)/2
 * @see Graf, Schmoor, Sauerbrei & Schumacher (1999), Statistics in Medicine 18:2529–2545
 */
export function subjectBrierLoss(labels: LabelsInput, curves: SurvivalCurves, opts: SubjectBrierOptions): Float64Array {
  return subjectLoss('subjectBrierLoss', labels, curves, opts).loss;
}

function subjectLoss(fn: string, labels: unknown, curves: unknown, opts: SubjectBrierOptions): { loss: Float64Array; bound: number } {
  if (!(curves instanceof SurvivalCurves)) throw survkitError('notInstance', fn, 'curves', 'SurvivalCurves (n subjects × m grid times)', curves);
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const n = y.time.length;
  if (curves.n !== n) throw survkitError('shapeMismatch', fn, 'curves', `${n} subjects (one per label)`, `${curves.n} subjects`);
  const times = toFloat64(fn, 'times', opts?.times);
  assertStrictlyAscending(fn, 'times', times);
  if ((times[0] as number) < 0) throw survkitError('negative', fn, 'times', 0, times[0] as number);
  const m = times.length;
  if (m < 2) throw survkitError('tooFewTimes', fn, 'times', 2, m);
  const rule = assertChoice(fn, 'integration', opts.integration ?? 'trapezoid', ['trapezoid', 'step'] as const);
  const maxWeight = opts.maxWeight ?? Infinity;
  if (typeof maxWeight !== 'number' || !(maxWeight > 0)) throw survkitError('optionRange', fn, 'maxWeight', 'a number > 0 (or Infinity)', maxWeight);
  let train;
  if (opts.train !== undefined) {
    train = labelsArg(fn, 'train', opts.train);
    assertSingleRisk(fn, 'train.event', train);
  }
  const w = ipcwWeights(fn, y, times, 'pec', train, maxWeight);
  // the largest weight any subject can get over 'times': 1/Ĝ(t_m) (Ĝ is non-increasing), read for a subject surviving past t_m
  const last = times[m - 1] as number;
  const wLast = ipcwWeights(
    fn,
    { time: Float64Array.of(last + 1 + Math.abs(last)), event: Int32Array.of(0) },
    times.subarray(m - 1),
    'pec',
    train ?? y,
    maxWeight,
  );
  const bound = wLast.survivor[0] as number;
  const span = last - (times[0] as number);
  const col = Int32Array.from(times, (t) => curves.indexAt(t));
  const loss = new Float64Array(n);
  const per = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const K = searchSorted(times, y.time[i] as number, 'left');
    const we = w.event[i] as number;
    for (let k = 0; k < m; k++) {
      const c = col[k] as number;
      const s = c < 0 ? 1 : curves.get(i, c);
      per[k] = k < K ? (1 - s) * (1 - s) * (w.survivor[k] as number) : we * s * s;
    }
    let area = 0;
    for (let k = 0; k + 1 < m; k++) {
      const h = (times[k + 1] as number) - (times[k] as number);
      area += rule === 'trapezoid' ? (h * ((per[k] as number) + (per[k + 1] as number))) / 2 : h * (per[k] as number);
    }
    loss[i] = area / span;
  }
  return { loss, bound };
}

/**
 * Options of {@link riskControlledSurvivalFlag}: the risk-control options (α is the target IBS) and those of the
 * per-subject loss. Defaults differ from {@link riskControlledFlag}: `correction: 'bonferroni'` over `gridSize: 10`
 * candidates, because per-subject Brier losses are noisy and weakly ordered by any score, and the fixed sequence,
 * which starts at the fewest kept subjects, stops at the first small set it cannot certify.
 */
export interface SurvivalRiskControlOptions extends RiskControlOptions, SubjectBrierOptions {
  /** Labels of subjects outside the calibration set (e.g. the training labels) for Ĝ: required, so that the losses are independent. */
  train: LabelsInput;
}

/** Calibration subjects: their uncertainty scores, labels and predicted curves. */
export interface SurvivalRiskCalibration {
  score: ArrayLike<number>;
  labels: LabelsInput;
  curves: SurvivalCurves;
}

/** Result of {@link riskControlledSurvivalFlag}: the flags, with `alpha` and `calibrationRisk` on the IBS scale. */
export interface SurvivalRiskControlledFlagResult extends RiskControlledFlagResult {
  /** B = min(maxWeight, 1/Ĝ(t_m)): no per-subject loss exceeds it; the test runs on losses ℓ/B in [0, 1] at level α/B. */
  lossBound: number;
  /** The calibration subjects' per-subject losses ℓ_i. */
  calibrationLoss: Float64Array;
}

/**
 * Flags the subjects whose uncertainty score (band width, ensemble spread, any
 * score where higher = less trustworthy) is above a threshold chosen so that the
 * kept subjects' integrated Brier score is at most α:
 * the calibration subjects' {@link subjectBrierLoss} ℓ_i (with Ĝ from `train`,
 * floored at 1/maxWeight) are divided by their bound B = min(maxWeight, 1/Ĝ(t_m))
 * and passed to {@link riskControlledFlag} with target α/B (Bonferroni over 10 score quantiles unless told otherwise).
 *
 * Guarantee (Learn then Test, default): with probability ≥ 1 − δ over the
 * calibration draw, E[ℓ | kept] ≤ α for a new subject exchangeable with the
 * calibration subjects. ℓ is the clipped IPCW loss; E[ℓ | kept] equals the kept
 * subjects' expected integrated Brier score when censoring is independent of the
 * event time and the score, Ĝ is right and the floor does not bind over `times`.
 * Dividing by B makes the test conservative when most weights are far below B.
 *
 * @param score n uncertainty scores of the subjects to triage
 * @param calibration calibration subjects' scores, labels and curves
 * @param opts α (target IBS), δ, method, `times`, `train`, `maxWeight`, and the other {@link RiskControlOptions}
 * @throws {SurvkitError} as {@link riskControlledFlag} and {@link subjectBrierLoss}, and when α ≥ B
 * @example
 * const curves = new SurvivalCurves([1, 2, 3], Array.from({ length: 300 }, (_, i) => [0.9, 0.6, 0.3][i % 3] as number));
 * const labels = { time: Array.from({ length: 100 }, (_, i) => 1 + (i % 3)), event: Array.from({ length: 100 }, () => 1) };
 * const r = riskControlledSurvivalFlag([0.1, 0.9], { score: Array.from({ length: 100 }, (_, i) => i / 100), labels, curves },
 *   { alpha: 0.3, times: [1, 2, 3], train: labels, maxWeight: 10 });
 * // r.lossBound = 1 (nobody censored), r.flagged: which of the two new subjects to review
 * @see Angelopoulos, Bates, Candès, Jordan & Lei (2021), Learn then Test, arXiv:2110.01052
 */
export function riskControlledSurvivalFlag(
  score: ArrayLike<number>,
  calibration: SurvivalRiskCalibration,
  opts: SurvivalRiskControlOptions,
): SurvivalRiskControlledFlagResult {
  const fn = 'riskControlledSurvivalFlag';
  const cal = (calibration ?? {}) as Partial<SurvivalRiskCalibration>;
  if (opts?.train === undefined)
    throw survkitError('optionRange', fn, 'train', 'the labels of subjects outside the calibration set (for the censoring weights)', undefined);
  const alpha = assertNumberOption(fn, 'alpha', opts.alpha, { min: 0, minExclusive: true });
  const { loss, bound } = subjectLoss(fn, cal.labels, cal.curves, opts);
  if (!(alpha < bound)) throw survkitError('survivalRiskTarget', fn, alpha, bound);
  const cs = toFloat64(fn, 'calibration.score', cal.score);
  if (cs.length !== loss.length) throw survkitError('lengthMismatch', fn, 'calibration.score', cs.length, 'calibration.labels', loss.length);
  const scaled = Float64Array.from(loss, (v) => Math.min(1, v / bound));
  const r = riskControlledFlag(
    score,
    { score: cs, loss: scaled },
    { ...opts, correction: opts.correction ?? 'bonferroni', gridSize: opts.gridSize ?? 10, alpha: alpha / bound },
  );
  return { ...r, alpha, calibrationRisk: r.calibrationRisk * bound, lossBound: bound, calibrationLoss: loss };
}
