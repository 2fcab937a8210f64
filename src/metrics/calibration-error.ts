import { assertChoice } from '../core/assert.js';
import { assertBinChoice, binOptions, binStats, type Binning, type BinStats, type ConfidenceOne } from './confidence-bins.js';
import { classifierArgs, type ClassOutcome } from './call-forms.js';
import { topLabelOf, type ClassLabelsInput, type ProbsInput } from './top-label.js';

/** Result of the outcome-first {@link expectedCalibrationError}, {@link maxCalibrationError} and {@link adaptiveCalibrationError}. */
export interface CalibrationErrorResult {
  /** The calibration error, in [0, 1]. */
  value: number;
}

/** Norm of the per-bin gaps |acc_b − conf_b|. */
export type CalibrationNorm = 'l1' | 'l2' | 'max';

/** Options of {@link expectedCalibrationError}. */
export interface CalibrationErrorOptions {
  /** Number of bins, an integer >= 1. Default 15 (torchmetrics' default). */
  bins?: number;
  /**
   * 'equal-width' (default), 'equal-mass' (quantile edges) or 'equal-count' (B groups of consecutive cases in
   * confidence order, `numpy.array_split` sizes: torch-uncertainty's `AdaptiveCalibrationError`).
   */
  binning?: Binning;
  /** 'l1' = ECE (default), 'l2' = RMS calibration error, 'max' = MCE. */
  norm?: CalibrationNorm;
  /**
   * Where a confidence of exactly 1 goes: 'last-bin' (default: the last bin is [e_{B−1}, 1]) or 'extra-bin'
   * (torchmetrics `multiclass_calibration_error`: a (B+1)-th bin [1, 1] of its own). Not with 'equal-count'.
   */
  confidenceOne?: ConfidenceOne;
}

function gapNorm(s: BinStats, norm: CalibrationNorm): number {
  let l1 = 0;
  let l2 = 0;
  let max = 0;
  for (let b = 0; b < s.count.length; b++) {
    const m = s.count[b] as number;
    if (m === 0) continue;
    const gap = Math.abs((s.accuracy[b] as number) - (s.confidence[b] as number));
    const w = m / s.n;
    l1 += gap * w;
    l2 += gap * gap * w;
    if (gap > max) max = gap;
  }
  return norm === 'l1' ? l1 : norm === 'l2' ? Math.sqrt(l2) : max;
}

/**
 * Top-label expected calibration error (Naeini et al. 2015; Guo et al. 2017):
 * with c_i = max_k p_ik and correct_i = [argmax_k p_ik = y_i], cases are
 * grouped into B bins by c_i and
 *
 *   ECE = Σ_b (n_b / n)·|acc_b − conf_b|          (norm 'l1')
 *   RMSCE = √(Σ_b (n_b / n)·(acc_b − conf_b)²)    (norm 'l2')
 *   MCE = max over non-empty b of |acc_b − conf_b| (norm 'max')
 *
 * where acc_b is the fraction correct and conf_b the mean confidence in bin b.
 *
 * Bins (torchmetrics' edge convention): 'equal-width' bins are
 * [b/B, (b+1)/B), the last one closed at 1; 'equal-mass' bins have the
 * linear-interpolation quantiles of the confidences at b/B as edges (first 0,
 * last 1; netcal `equal_intervals=False`), same [lo, hi) rule.
 *
 * Matches torchmetrics 1.2.1 `multiclass_calibration_error` up to its float32
 * arithmetic (it casts confidences to float32: ~1e-7 absolute), and a float64
 * re-computation of its definition to 1e-15 — except that torchmetrics gives
 * confidences exactly equal to 1 a (B+1)-th bin of their own, while here they
 * join the last bin unless `confidenceOne: 'extra-bin'` (then equal to
 * torchmetrics' float64 `_ce_compute` to 1e-15). Equal-mass ECE equals netcal's ECE with
 * `equal_intervals=False`; `binning: 'equal-count'` equals torch-uncertainty's
 * `AdaptiveCalibrationError` (the sorted cases split into equal counts; tied
 * confidences in row order).
 *
 * Cost O(n·K + n log n).
 *
 * @param outcome `{ labels }`: n integer class indices 0 … K−1 (the labels, first as in every metric)
 * @param probs n×K class probabilities: a flat row-major array of length n·K
 *   (K = length / labels.length) or n rows; rows must sum to 1 (±1e-6)
 * @param opts `bins` (default 15), `binning` (default 'equal-width'), `norm` (default 'l1'),
 *   `confidenceOne` (default 'last-bin')
 * @returns `{ value }`, the calibration error in [0, 1]; the deprecated probs-first form returns the bare number
 * @throws {SurvkitError} when labels are empty, lengths disagree, a probability
 *   is outside [0, 1], a row does not sum to 1, a label is not a class index,
 *   `bins` is not an integer >= 1 (at most n for 'equal-count'), or 'extra-bin' is asked with 'equal-count'
 * @example
 * // two cases at confidence 0.9 (one right), one at 0.6 (right)
 * expectedCalibrationError({ labels: [0, 0, 0] }, [[0.9, 0.1], [0.1, 0.9], [0.6, 0.4]], { bins: 10 }).value;
 * // (2/3)·|0.5 − 0.9| + (1/3)·|1 − 0.6| ≈ 0.4
 * @see Guo, Pleiss, Sun & Weinberger (2017), "On calibration of modern neural networks", ICML
 */
export function expectedCalibrationError(outcome: ClassOutcome<ClassLabelsInput>, probs: ProbsInput, opts?: CalibrationErrorOptions): CalibrationErrorResult;
/** @deprecated since 0.2: call `expectedCalibrationError({ labels }, probs, opts).value` — the outcome (labels) first and an object result, as every metric. */
export function expectedCalibrationError(probs: ProbsInput, labels: ClassLabelsInput, opts?: CalibrationErrorOptions): number;
export function expectedCalibrationError(...args: unknown[]): CalibrationErrorResult | number {
  const { probs, labels, opts, deprecated } = classifierArgs(args);
  const value = calibrationError('expectedCalibrationError', probs as ProbsInput, labels as ClassLabelsInput, opts, 'l1');
  return deprecated ? value : { value };
}

/**
 * Maximum calibration error: the largest |acc_b − conf_b| over the non-empty
 * bins — {@link expectedCalibrationError} with norm 'max'.
 *
 * @param outcome `{ labels }`: n integer class indices
 * @param probs n×K class probabilities (flat row-major or rows)
 * @param opts `bins` (default 15), `binning` (default 'equal-width')
 * @returns `{ value }`, the MCE in [0, 1]; the deprecated probs-first form returns the bare number
 * @throws {SurvkitError} as {@link expectedCalibrationError}
 * @example
 * maxCalibrationError({ labels: [0, 0, 0] }, [[0.9, 0.1], [0.1, 0.9], [0.6, 0.4]], { bins: 10 }).value; // 0.4
 * @see Naeini, Cooper & Hauskrecht (2015), "Obtaining well calibrated probabilities using Bayesian binning", AAAI
 */
export function maxCalibrationError(
  outcome: ClassOutcome<ClassLabelsInput>,
  probs: ProbsInput,
  opts?: Omit<CalibrationErrorOptions, 'norm'>,
): CalibrationErrorResult;
/** @deprecated since 0.2: call `maxCalibrationError({ labels }, probs, opts).value` — the outcome (labels) first and an object result, as every metric. */
export function maxCalibrationError(probs: ProbsInput, labels: ClassLabelsInput, opts?: Omit<CalibrationErrorOptions, 'norm'>): number;
export function maxCalibrationError(...args: unknown[]): CalibrationErrorResult | number {
  const { probs, labels, opts, deprecated } = classifierArgs(args);
  const o = opts as Omit<CalibrationErrorOptions, 'norm'>;
  const value = calibrationError('maxCalibrationError', probs as ProbsInput, labels as ClassLabelsInput, { ...o, norm: 'max' }, 'max');
  return deprecated ? value : { value };
}

function calibrationError(fn: string, probs: ProbsInput, labels: ClassLabelsInput, opts: CalibrationErrorOptions, def: CalibrationNorm): number {
  const choice = binOptions(fn, opts, 'equal-width');
  const norm = assertChoice(fn, 'norm', opts.norm ?? def, ['l1', 'l2', 'max'] as const);
  const t = topLabelOf(fn, probs, labels);
  assertBinChoice(fn, choice, t.n);
  return gapNorm(binStats(t.confidence, t.correct, choice), norm);
}

/** Options of {@link adaptiveCalibrationError}. */
export interface AdaptiveCalibrationErrorOptions {
  /** Number of bins, an integer >= 1. Default 15. */
  bins?: number;
  /**
   * 'equal-mass' (default), 'equal-width' (netcal's default layout) or 'equal-count' (B groups of consecutive
   * cases in confidence order with `numpy.array_split` sizes; tied confidences in row order).
   */
  binning?: Binning;
  /** Where a confidence of exactly 1 goes: 'last-bin' (default) or 'extra-bin' (a bin [1, 1] of its own, as torchmetrics). */
  confidenceOne?: ConfidenceOne;
}

/**
 * Average calibration error as netcal defines `ACE`: the UNWEIGHTED mean of
 * |acc_b − conf_b| over the non-empty bins (every populated bin counts the
 * same, however few cases it holds),
 *
 *   ACE = (1 / #{b: n_b > 0}) Σ_{b: n_b > 0} |acc_b − conf_b|.
 *
 * Bins default to equal-mass (quantile edges, the "adaptive" layout); netcal's
 * own default is equal-width (`binning: 'equal-width'` reproduces it). Bins,
 * edges and the [lo, hi) rule are those of {@link expectedCalibrationError}.
 * netcal clips confidences to [ε, 1 − ε] first, which changes nothing here
 * but the bin of c = 1 (the last bin in both). torch-uncertainty's
 * `AdaptiveCalibrationError` is a different quantity (count-weighted, equal
 * counts per bin).
 *
 * @param outcome `{ labels }`: n integer class indices
 * @param probs n×K class probabilities (flat row-major or rows)
 * With `binning: 'equal-count'` the groups are those of `numpy.array_split`
 * on the cases sorted by confidence (the first n mod B groups one larger).
 *
 * @param opts `bins` (default 15), `binning` (default 'equal-mass'), `confidenceOne` (default 'last-bin')
 * @returns `{ value }`, the ACE in [0, 1]; the deprecated probs-first form returns the bare number
 * @throws {SurvkitError} as {@link expectedCalibrationError}
 * @example
 * // one case at confidence 0.9 (wrong), three at 0.6 (right); 2 equal-mass bins
 * adaptiveCalibrationError({ labels: [1, 0, 0, 0] }, [[0.9, 0.1], [0.6, 0.4], [0.6, 0.4], [0.6, 0.4]], { bins: 2 }).value;
 * // edges 0, 0.6, 1: all four fall in [0.6, 1], the only non-empty bin → |0.75 − 0.675| ≈ 0.075
 * @see Neumann, Zisserman & Vedaldi (2018), "Relaxed softmax: efficient confidence auto-calibration
 *   for safe pedestrian detection", NeurIPS MLITS workshop; netcal `netcal.metrics.ACE`
 */
export function adaptiveCalibrationError(
  outcome: ClassOutcome<ClassLabelsInput>,
  probs: ProbsInput,
  opts?: AdaptiveCalibrationErrorOptions,
): CalibrationErrorResult;
/** @deprecated since 0.2: call `adaptiveCalibrationError({ labels }, probs, opts).value` — the outcome (labels) first and an object result, as every metric. */
export function adaptiveCalibrationError(probs: ProbsInput, labels: ClassLabelsInput, opts?: AdaptiveCalibrationErrorOptions): number;
export function adaptiveCalibrationError(...args: unknown[]): CalibrationErrorResult | number {
  const { probs, labels, opts, deprecated } = classifierArgs(args);
  const value = adaptiveValue(probs as ProbsInput, labels as ClassLabelsInput, opts);
  return deprecated ? value : { value };
}

function adaptiveValue(probs: ProbsInput, labels: ClassLabelsInput, opts: AdaptiveCalibrationErrorOptions): number {
  const fn = 'adaptiveCalibrationError';
  const choice = binOptions(fn, opts, 'equal-mass');
  const t = topLabelOf(fn, probs, labels);
  assertBinChoice(fn, choice, t.n);
  const s = binStats(t.confidence, t.correct, choice);
  let sum = 0;
  let used = 0;
  for (let b = 0; b < s.count.length; b++) {
    if ((s.count[b] as number) === 0) continue;
    sum += Math.abs((s.accuracy[b] as number) - (s.confidence[b] as number));
    used++;
  }
  return sum / used;
}
