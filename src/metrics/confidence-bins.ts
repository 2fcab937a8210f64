import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { argsort, searchSorted } from '../core/sort.js';

/**
 * How confidence bins are laid out: 'equal-width' (edges b/B), 'equal-mass' (quantile edges) or
 * 'equal-count' (the cases sorted by confidence, ties in row order, split into B consecutive groups of
 * `numpy.array_split` sizes: the first n mod B groups hold ⌊n/B⌋ + 1 cases, the others ⌊n/B⌋).
 */
export type Binning = 'equal-width' | 'equal-mass' | 'equal-count';

/**
 * Where a confidence of exactly 1 goes: 'last-bin' (default; the last bin is closed, [e_{B−1}, 1]) or
 * 'extra-bin' (torchmetrics: a (B+1)-th slot [1, 1] of its own, counted in every norm).
 */
export type ConfidenceOne = 'last-bin' | 'extra-bin';

/** Per-bin sums of a binned set of confidences. */
export interface BinStats {
  /** The B + 1 ascending edges; edges[0] = 0, edges[B] = 1 (equal-count: the first confidence of each group, then the largest). */
  edges: Float64Array;
  /** Lower and upper end of each bin (B, or B + 1 with the extra bin [1, 1]; equal-count: smallest and largest confidence of the group). */
  lower: Float64Array;
  upper: Float64Array;
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

/** The binning options of the calibration metrics. */
export interface BinChoice {
  bins: number;
  binning: Binning;
  confidenceOne: ConfidenceOne;
}

/** Reads and checks the `bins` (integer >= 1), `binning` and `confidenceOne` options (the extra bin needs edges, not equal-count groups). */
export function binOptions(fn: string, opts: { bins?: number; binning?: Binning; confidenceOne?: ConfidenceOne }, defaultBinning: Binning): BinChoice {
  const bins = assertNumberOption(fn, 'bins', opts.bins ?? 15, { min: 1, integer: true });
  const binning = assertChoice(fn, 'binning', opts.binning ?? defaultBinning, ['equal-width', 'equal-mass', 'equal-count'] as const);
  const confidenceOne = assertChoice(fn, 'confidenceOne', opts.confidenceOne ?? 'last-bin', ['last-bin', 'extra-bin'] as const);
  if (binning === 'equal-count' && confidenceOne === 'extra-bin') throw survkitError('extraBinEqualCount', fn);
  return { bins, binning, confidenceOne };
}

/** Throws unless `bins` fits n cases: at most max(n, 100), and at most n for equal-count groups (no empty group). */
export function assertBinChoice(fn: string, c: BinChoice, n: number): void {
  assertBinsForCases(fn, c.bins, n);
  if (c.binning === 'equal-count' && c.bins > n) throw survkitError('equalCountBins', fn, c.bins, n);
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
export function binEdges(confidence: Float64Array, bins: number, binning: Exclude<Binning, 'equal-count'>): Float64Array {
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

/** Bin of every case: edges with the [lo, hi) rule (c = 1 in the last bin, or slot B with 'extra-bin'), or equal-count groups. */
function assignBins(confidence: Float64Array, c: BinChoice): { index: Int32Array; edges: Float64Array; lower: Float64Array; upper: Float64Array } {
  const n = confidence.length;
  const B = c.bins;
  const index = new Int32Array(n);
  if (c.binning === 'equal-count') {
    const order = argsort(confidence); // stable: tied confidences in row order
    const q = Math.floor(n / B);
    const r = n % B;
    const edges = new Float64Array(B + 1);
    const lower = new Float64Array(B);
    const upper = new Float64Array(B);
    let k = 0;
    for (let b = 0; b < B; b++) {
      const size = b < r ? q + 1 : q;
      lower[b] = confidence[order[k] as number] as number;
      edges[b] = lower[b] as number;
      for (let j = 0; j < size; j++) index[order[k++] as number] = b;
      upper[b] = confidence[order[k - 1] as number] as number;
    }
    edges[B] = upper[B - 1] as number;
    return { index, edges, lower, upper };
  }
  const edges = binEdges(confidence, B, c.binning);
  const extra = c.confidenceOne === 'extra-bin';
  const slots = extra ? B + 1 : B;
  const lower = new Float64Array(slots);
  const upper = new Float64Array(slots);
  for (let b = 0; b < B; b++) {
    lower[b] = edges[b] as number;
    upper[b] = edges[b + 1] as number;
  }
  if (extra) {
    lower[B] = 1;
    upper[B] = 1;
  }
  for (let i = 0; i < n; i++) {
    const v = confidence[i] as number;
    index[i] = extra && v === 1 ? B : binIndex(edges, v);
  }
  return { index, edges, lower, upper };
}

/** Counts, mean confidence and accuracy per bin (sums taken in case order); B bins, or B + 1 with the extra bin for c = 1. */
export function binStats(confidence: Float64Array, correct: Uint8Array, choice: BinChoice): BinStats {
  const { index, edges, lower, upper } = assignBins(confidence, choice);
  const slots = lower.length;
  const count = new Float64Array(slots);
  const conf = new Float64Array(slots);
  const acc = new Float64Array(slots);
  const n = confidence.length;
  for (let i = 0; i < n; i++) {
    const b = index[i] as number;
    count[b] = (count[b] as number) + 1;
    conf[b] = (conf[b] as number) + (confidence[i] as number);
    acc[b] = (acc[b] as number) + (correct[i] as number);
  }
  for (let b = 0; b < slots; b++) {
    const m = count[b] as number;
    if (m > 0) {
      conf[b] = (conf[b] as number) / m;
      acc[b] = (acc[b] as number) / m;
    }
  }
  return { edges, lower, upper, count, confidence: conf, accuracy: acc, n };
}
