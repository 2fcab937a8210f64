import { chiSquareSf } from '../core/chi-square.js';
import { linspace } from '../core/linspace.js';
import type { LabelsInput } from '../data/labels.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import { assertGroups, calibrationArgs, calibrationInputs } from './calibration-common.js';

/** Options of {@link dCalibration}. */
export interface DCalibrationOptions {
  /** Number of equal-width bins on [0, 1], an integer >= 2. Default 10. */
  bins?: number;
}

/** Result of {@link dCalibration}. */
export interface DCalibrationResult {
  /** Pearson χ² statistic Σ_b (count_b − e)² / e. */
  statistic: number;
  /** Upper-tail p-value P(χ²(df) ≥ statistic); small values reject D-calibration. */
  pValue: number;
  /** Degrees of freedom, bins − 1. */
  df: number;
  bins: number;
  /**
   * (Fractional) number of subjects per bin, ascending: `counts[b]` belongs to
   * `[binEdges[b], binEdges[b+1])` (the last bin also holds 1). Sums to n.
   * SurvivalEVAL lists the same histogram in reverse order (from 1 down to 0).
   */
  counts: Float64Array;
  /** The B + 1 ascending bin edges, 0 … 1. */
  binEdges: Float64Array;
  /** Expected count per bin under D-calibration, the mean of `counts` (= n / B). */
  expectedPerBin: number;
}

/**
 * D-calibration (distribution calibration) of predicted survival curves:
 * if the curves are right, p_i = Ŝ_i(T_i) is uniform on [0, 1]. The p_i are
 * binned into B equal-width bins and compared with the uniform by a Pearson
 * χ² test with B − 1 degrees of freedom.
 *
 * - Ŝ_i(T_i) is read with the 'post' step rule (the value at the last grid
 *   time <= T_i; 1 before the first grid time).
 * - An event adds 1 to the bin b with edge_b <= p_i < edge_{b+1} (p = 1 goes
 *   to the last bin).
 * - A censored subject's unknown S(T) is uniform on [0, p_i]: the bin b
 *   holding p_i gets (p_i − edge_b)/p_i and every lower bin 1/(B·p_i);
 *   p_i = 0 puts 1 in the first bin and p_i = 1 puts 1/B in every bin.
 * - Bin edges are those of SurvivalEVAL, `np.linspace(1, 0, B + 1)`
 *   (edge_b = 1 − (B − b)/B computed as (B − b)·(−1/B) + 1), so a p_i exactly
 *   on an edge lands in the same bin as there.
 * - statistic = Σ_b (count_b − e)²/e with e = mean(count) (scipy `chisquare`),
 *   p-value = Q((B − 1)/2, statistic/2).
 *
 * Matches SurvivalEVAL `d_calibration` (commit 3c3e92eb) to <= 1e-12 on the
 * METABRIC fixtures; survival_evaluation (haiderstats) differs only in bin
 * edges by rounding (floor(p·B)) and fails for censored p = 0.
 *
 * Cost O(n·B) time, O(B) memory.
 *
 * @param labels the n test subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves predicted survival curves of the same subjects
 * @param opts `bins` (integer >= 2, <= n; default 10)
 * @returns statistic, p-value, df and the histogram (ascending bins)
 * @throws {SurvkitError} when `curves` and `labels` differ in length, labels
 *   carry competing-risk codes (> 1), or `bins` is not an integer in [2, n]
 * @example
 * const curves = SurvivalCurves.fromRows([1, 2, 3], [[0.8, 0.5, 0.2], [0.9, 0.6, 0.3]]);
 * const r = dCalibration({ time: [2, 2], event: [1, 0] }, curves, { bins: 2 });
 * // the event (p = 0.5) counts 1 in [0.5, 1]; the censored subject (p = 0.6)
 * // puts 0.1/0.6 in [0.5, 1] and 1/(2·0.6) in [0, 0.5)
 * r.counts; // Float64Array [0.8333…, 1.1666…]
 * r.pValue; // 0.8137 (χ² = 0.0556, 1 df)
 * @see Haider, Hoehn, Davis & Greiner (2020), "Effective ways to build and
 *   evaluate individual survival distributions", JMLR 21(85), §4.3 and App. B
 */
export function dCalibration(labels: LabelsInput, curves: SurvivalCurves, opts?: DCalibrationOptions): DCalibrationResult;
/** @deprecated since 0.2: call `dCalibration(labels, curves, opts)` — labels first, as every metric. */
export function dCalibration(curves: SurvivalCurves, labels: LabelsInput, opts?: DCalibrationOptions): DCalibrationResult;
export function dCalibration(...args: unknown[]): DCalibrationResult {
  const fn = 'dCalibration';
  const { curves: c, labels, opts } = calibrationArgs<DCalibrationOptions & { t?: number }>(fn, args, false);
  const curves = c as SurvivalCurves;
  const { y } = calibrationInputs(fn, curves, labels);
  const n = y.time.length;
  const B = assertGroups(fn, 'bins', opts.bins ?? 10, n, 2);
  const edges = binEdges(B);
  const eventHist = new Float64Array(B);
  const censorHist = new Float64Array(B);
  for (let i = 0; i < n; i++) {
    const p = curves.stepAt(i, y.time[i] as number);
    const b = binOf(p, edges, B);
    if (y.event[i] !== 0) {
      eventHist[b] = (eventHist[b] as number) + 1;
    } else if (p === 1) {
      for (let k = 0; k < B; k++) censorHist[k] = (censorHist[k] as number) + 1 / B;
    } else if (p === 0) {
      censorHist[0] = (censorHist[0] as number) + 1;
    } else {
      censorHist[b] = (censorHist[b] as number) + (p - (edges[b] as number)) / p;
      const share = 1 / (B * p);
      for (let k = 0; k < b; k++) censorHist[k] = (censorHist[k] as number) + share;
    }
  }
  const counts = new Float64Array(B);
  let total = 0;
  for (let k = 0; k < B; k++) {
    counts[k] = (eventHist[k] as number) + (censorHist[k] as number);
    total += counts[k] as number;
  }
  const expected = total / B;
  let statistic = 0;
  for (let k = 0; k < B; k++) statistic += ((counts[k] as number) - expected) ** 2 / expected;
  const df = B - 1;
  return { statistic, pValue: chiSquareSf(statistic, df), df, bins: B, counts, binEdges: edges, expectedPerBin: expected };
}

/** Ascending edges equal, bit for bit, to `np.linspace(1, 0, B + 1)` reversed. */
export function binEdges(B: number): Float64Array {
  return linspace(1, 0, B + 1).reverse();
}

/** The bin b with edges[b] <= p < edges[b+1]; p = 1 (or above) → B − 1. */
function binOf(p: number, edges: Float64Array, B: number): number {
  let b = Math.min(B - 1, Math.max(0, Math.floor(p * B)));
  while (b > 0 && (edges[b] as number) > p) b--;
  while (b < B - 1 && (edges[b + 1] as number) <= p) b++;
  return b;
}
