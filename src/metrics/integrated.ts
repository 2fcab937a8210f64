/**
 * Integrated Brier score and integrated negative binomial log-likelihood:
 * the per-time IPCW curves of `brier.ts` integrated over the evaluation
 * times and divided by their range.
 */
import { assertChoice } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { simpson, stepIntegral, trapezoid } from '../core/integrate.js';
import type { LabelsInput } from '../data/labels.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import { brierArgs, ipcwInputs, ipcwScores, type BrierIntegration, type BrierOptions, type BrierTimesOptions } from './brier.js';

/** An integrated score, the result of the labels-first {@link integratedBrierScore} and {@link integratedNbll}. */
export interface IntegratedScoreResult {
  /** The integrated score. */
  value: number;
}

/** The integration rule each convention's reference uses. */
const DEFAULT_RULE = { pycox: 'simpson', sksurv: 'trapezoid', pec: 'step' } as const;

function integrated(fn: string, kind: 'brier' | 'nbll', curves: unknown, labels: unknown, times: unknown, opts: BrierOptions): number {
  const inp = ipcwInputs(fn, curves, labels, times, opts);
  const rule: BrierIntegration = assertChoice(fn, 'integration', opts.integration ?? DEFAULT_RULE[inp.convention], ['simpson', 'trapezoid', 'step'] as const);
  const t = inp.times;
  if (t.length < 2) throw survkitError('tooFewTimes', fn, 'times', 2, t.length);
  const { values } = ipcwScores(fn, kind, inp);
  const area = rule === 'simpson' ? simpson(values, t) : rule === 'trapezoid' ? trapezoid(values, t) : stepIntegral(values, t);
  return area / ((t[t.length - 1] as number) - (t[0] as number));
}

/**
 * Integrated Brier score: the {@link brierScore} curve at the m evaluation
 * times t_1 < … < t_m, integrated and divided by t_m − t_1:
 *
 *   IBS = ∫_{t_1}^{t_m} BS(t) dt / (t_m − t_1).
 *
 * The integral follows the convention's reference (override with
 * `integration`):
 * - `'pycox'`: Simpson's rule as SciPy 1.10 `simps(bs, times)` (for an even
 *   m the mean of the 'first' and 'last' variants, SciPy 1.10's `even='avg'`);
 * - `'sksurv'`: the trapezoid rule (`integrated_brier_score`);
 * - `'pec'`: the step function through the points, Σ BS(t_k)(t_{k+1} − t_k)
 *   (pec `crps`; riskRegression's IBS at t_m).
 * The rules differ in the 4th digit on typical grids, so pick the one of the
 * paper you compare with.
 *
 * @param labels the n subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves n predicted survival curves
 * @param opts `times`: m >= 2 strictly ascending evaluation times (pycox papers use
 *   100 points from min to max test time); and the {@link BrierOptions}
 * @returns `{ value }`, the integrated score (the deprecated curves-first form returns the bare number)
 * @throws {SurvkitError} as {@link brierScore}, and `tooFewTimes` for m < 2
 * @example
 * const curves = new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.2, 1, 0.9, 0.8]);
 * integratedBrierScore({ time: [2, 3], event: [1, 0] }, curves, { times: [1, 2] }).value; // (0.005 + 0.13)/2 = 0.0675
 * @see Graf et al. (1999); Kvamme, Borgan & Scheel (2019), JMLR 20(129)
 */
export function integratedBrierScore(labels: LabelsInput, curves: SurvivalCurves, opts: BrierTimesOptions): IntegratedScoreResult;
/**
 * @deprecated since 0.2: call `integratedBrierScore(labels, curves, { times, ...opts }).value` — labels
 * first, times as an option, and an object result like every metric's.
 */
export function integratedBrierScore(curves: SurvivalCurves, labels: LabelsInput, times: ArrayLike<number>, opts?: BrierOptions): number;
export function integratedBrierScore(...args: unknown[]): IntegratedScoreResult | number {
  return integratedCall('integratedBrierScore', 'brier', args);
}

/**
 * Integrated negative binomial log-likelihood (pycox `integrated_nbll`,
 * "IBLL" in Kvamme et al. 2019): the {@link nbll} curve integrated like
 * {@link integratedBrierScore} and divided by t_m − t_1.
 *
 * @param labels the n subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves n predicted survival curves
 * @param opts `times`: m >= 2 strictly ascending evaluation times; and the {@link BrierOptions}
 * @returns `{ value }`, the integrated score (the deprecated curves-first form returns the bare number)
 * @throws {SurvkitError} as {@link integratedBrierScore}
 * @example
 * const curves = new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.2, 1, 0.9, 0.8]);
 * integratedNbll({ time: [2, 3], event: [1, 0] }, curves, { times: [1, 2, 3] }).value; // ≈ 0.3121
 * @see Kvamme, Borgan & Scheel (2019), JMLR 20(129)
 */
export function integratedNbll(labels: LabelsInput, curves: SurvivalCurves, opts: BrierTimesOptions): IntegratedScoreResult;
/**
 * @deprecated since 0.2: call `integratedNbll(labels, curves, { times, ...opts }).value` — labels
 * first, times as an option, and an object result like every metric's.
 */
export function integratedNbll(curves: SurvivalCurves, labels: LabelsInput, times: ArrayLike<number>, opts?: BrierOptions): number;
export function integratedNbll(...args: unknown[]): IntegratedScoreResult | number {
  return integratedCall('integratedNbll', 'nbll', args);
}

/** Either call form: `{ value }` for labels-first, the bare number for the deprecated curves-first form. */
function integratedCall(fn: string, kind: 'brier' | 'nbll', args: readonly unknown[]): IntegratedScoreResult | number {
  const { curves, labels, times, opts, deprecated } = brierArgs(fn, args);
  const value = integrated(fn, kind, curves, labels, times, opts);
  return deprecated ? value : { value };
}
