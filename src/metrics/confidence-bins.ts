import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';

/** How confidence bins are laid out on [0, 1]. */
export type Binning = 'equal-width' | 'equal-mass';

/** Per-bin sums of a binned set of confidences. */
export interface BinStats {
  /** The B + 1 ascending edges; edges[0] = 0, edges[B] = 1. */
  edges: Float64Array;
  count: Float64Array;
  /** Mean confidence per bin (0 where empty). */
  confidence: Float64Array;
  /** Fraction correct per bin (0 where empty). */
  accuracy: Float64Array;
  n: number;
}

/** Floor of {@link maxBins}: the usual bin counts (10, 15, 20, 100) stay allowed on small samples. */
export const MIN_MAX_BINS = 100;

/**
 * Upper bound on `bins` for n cases: max(n, 100). More bins than cases only
 * adds empty bins (equal-mass bins then coincide), and each bin costs memory.
 */
export function maxBins(n: number): number {
  return Math.max(n, MIN_MAX_BINS);
}

/** Throws unless `bins` <= {@link maxBins}(n). */
export function assertBinsForCases(fn: string, bins: number, n: number): void {
  if (bins > maxBins(n)) throw survkitError('tooManyBins', fn, bins, n, maxBins(n));
}

/** Reads and checks the `bins` (integer >= 1) and `binning` options. */
export function binOptions(fn: string, opts: { bins?: number; binning?: Binning }, defaultBinning: Binning): { bins: number; binning: Binning } {
  const bins = assertNumberOption(fn, 'bins', opts.bins ?? 15, { min: 1, integer: true });
  const binning = assertChoice(fn, 'binning', opts.binning ?? defaultBinning, ['equal-width', 'equal-mass'] as const);
  return { bins, binning };
}

function lerp(a: number, b: number, t: number): number {
  // numpy's _lerp: the form that is exact at the nearer end point
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

/**
 * Bin edges on [0, 1]. 'equal-width': e_b = b / B. 'equal-mass' (netcal
 * `equal_intervals=False`): e_b is the linear-interpolation quantile
 * (numpy's default method) of the confidences at level b / B, with the
 * virtual index (n − 1)·b/B taken in exact integer arithmetic, and
 * e_0 = 0, e_B = 1.
 */
export function binEdges(confidence: Float64Array, bins: number, binning: Binning): Float64Array {
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = b / bins;
  if (binning === 'equal-mass') {
    const x = Float64Array.from(confidence).sort();
    const n = x.length;
    for (let b = 1; b < bins; b++) {
      const num = (n - 1) * b;
      const j = Math.floor(num / bins);
      const r = num - j * bins;
      edges[b] = r === 0 ? (x[j] as number) : lerp(x[j] as number, x[j + 1] as number, r / bins);
    }
  }
  return edges;
}

/**
 * Index of the bin holding c: the last b with e_b <= c (bins are [e_b, e_{b+1})
 * as in torchmetrics' `bucketize(right=True)` and numpy histograms), the last
 * bin also holding c = 1. With coinciding edges, c goes to the last bin that
 * starts at c.
 */
export function binIndex(edges: Float64Array, c: number): number {
  const b = searchSorted(edges, c, 'right') - 1;
  const last = edges.length - 2;
  return b < 0 ? 0 : b > last ? last : b;
}

/** Counts, mean confidence and accuracy per bin (sums taken in case order). */
export function binStats(confidence: Float64Array, correct: Uint8Array, bins: number, binning: Binning): BinStats {
  const edges = binEdges(confidence, bins, binning);
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  const n = confidence.length;
  for (let i = 0; i < n; i++) {
    const c = confidence[i] as number;
    const b = binIndex(edges, c);
    count[b] = (count[b] as number) + 1;
    conf[b] = (conf[b] as number) + c;
    acc[b] = (acc[b] as number) + (correct[i] as number);
  }
  for (let b = 0; b < bins; b++) {
    const m = count[b] as number;
    if (m > 0) {
      conf[b] = (conf[b] as number) / m;
      acc[b] = (acc[b] as number) / m;
    }
  }
  return { edges, count, confidence: conf, accuracy: acc, n };
}
