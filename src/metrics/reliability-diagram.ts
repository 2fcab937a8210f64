import { assertBinChoice, binOptions, binStats, type Binning, type ConfidenceOne } from './confidence-bins.js';
import { classifierArgs, type ClassOutcome } from './call-forms.js';
import { topLabelOf, type ClassLabelsInput, type ProbsInput } from './top-label.js';

/** One bar of a reliability diagram. */
export interface ReliabilityBin {
  /** Lower edge (inclusive). */
  lower: number;
  /** Upper edge (exclusive, except 1 for the last bin). */
  upper: number;
  /** Number of cases whose top-label confidence falls in [lower, upper). */
  count: number;
  /** Mean top-label confidence of those cases; `null` when the bin is empty. */
  confidence: number | null;
  /** Fraction of those cases predicted correctly; `null` when the bin is empty. */
  accuracy: number | null;
}

/** Options of {@link reliabilityDiagram}. */
export interface ReliabilityDiagramOptions {
  /** Number of bins, an integer >= 1. Default 15. */
  bins?: number;
  /** 'equal-width' (default), 'equal-mass' or 'equal-count' (bounds: the smallest and largest confidence of each group). */
  binning?: Binning;
  /** 'last-bin' (default) or 'extra-bin': B + 1 bins, the last one [1, 1] holding the confidences exactly 1 (torchmetrics). */
  confidenceOne?: ConfidenceOne;
}

/**
 * Data of a top-label reliability diagram: for every bin of top-label
 * confidence, its edges, the number of cases, their mean confidence and their
 * accuracy. A calibrated classifier has accuracy ≈ confidence in every bin;
 * the count-weighted mean gap is {@link expectedCalibrationError}, computed
 * on exactly these bins.
 *
 * All B bins are returned (B + 1 with `confidenceOne: 'extra-bin'`, the last
 * `{ lower: 1, upper: 1 }` as torchmetrics' `_binning_bucketize` slots), in ascending order; empty bins have count 0 and
 * `confidence` / `accuracy` `null` (scikit-learn's `calibration_curve` lists
 * only the non-empty ones, and puts a confidence on an inner edge into the
 * lower bin, where this and torchmetrics put it into the upper one).
 *
 * @param outcome `{ labels }`: n integer class indices 0 … K−1 (the labels, first as in every metric)
 * @param probs n×K class probabilities (flat row-major of length n·K, or rows)
 * @param opts `bins` (default 15), `binning` (default 'equal-width'), `confidenceOne` (default 'last-bin')
 * @returns B (or B + 1) bins `{ lower, upper, count, confidence, accuracy }`
 * @throws {SurvkitError} as {@link expectedCalibrationError}
 * @example
 * reliabilityDiagram({ labels: [0, 0, 0] }, [[0.9, 0.1], [0.1, 0.9], [0.6, 0.4]], { bins: 2 });
 * // [{ lower: 0, upper: 0.5, count: 0, confidence: null, accuracy: null },
 * //  { lower: 0.5, upper: 1, count: 3, confidence: 0.8 (±1 ulp), accuracy: 0.666… }]
 * @see DeGroot & Fienberg (1983), "The comparison and evaluation of forecasters", The Statistician 32;
 *   Guo et al. (2017), ICML
 */
export function reliabilityDiagram(outcome: ClassOutcome<ClassLabelsInput>, probs: ProbsInput, opts?: ReliabilityDiagramOptions): ReliabilityBin[];
/** @deprecated since 0.2: call `reliabilityDiagram({ labels }, probs, opts)` — the outcome (labels) first, as every metric. */
export function reliabilityDiagram(probs: ProbsInput, labels: ClassLabelsInput, opts?: ReliabilityDiagramOptions): ReliabilityBin[];
export function reliabilityDiagram(...args: unknown[]): ReliabilityBin[] {
  const { probs, labels, opts } = classifierArgs(args);
  return diagram(probs as ProbsInput, labels as ClassLabelsInput, opts);
}

function diagram(probs: ProbsInput, labels: ClassLabelsInput, opts: ReliabilityDiagramOptions): ReliabilityBin[] {
  const fn = 'reliabilityDiagram';
  const choice = binOptions(fn, opts, 'equal-width');
  const t = topLabelOf(fn, probs, labels);
  assertBinChoice(fn, choice, t.n);
  const s = binStats(t.confidence, t.correct, choice);
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < s.count.length; b++) {
    const count = s.count[b] as number;
    out.push({
      lower: s.lower[b] as number,
      upper: s.upper[b] as number,
      count,
      confidence: count > 0 ? (s.confidence[b] as number) : null,
      accuracy: count > 0 ? (s.accuracy[b] as number) : null,
    });
  }
  return out;
}
