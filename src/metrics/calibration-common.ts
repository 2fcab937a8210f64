/**
 * Input checks and the grouping rule shared by the survival calibration
 * metrics ({@link dCalibration}, {@link oneCalibration}, {@link calibrationAt}).
 */
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { argsort } from '../core/sort.js';
import { labelsArg, assertSingleRisk, type SurvivalLabels } from '../data/labels.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';
import { assertNotTwice, isCurvesFirstCall } from './call-forms.js';

/** Validates curves + single-risk labels of the same subjects. */
export function calibrationInputs(fn: string, curves: unknown, labels: unknown): { curves: SurvivalCurves; y: SurvivalLabels } {
  if (!(curves instanceof SurvivalCurves)) throw survkitError('notInstance', fn, 'curves', 'SurvivalCurves object', curves);
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  if (curves.n !== y.time.length) throw survkitError('lengthMismatch', fn, 'curves', curves.n, 'labels', y.time.length);
  return { curves, y };
}

/** Checks an integer group count `k` with `min <= k <= n`. */
export function assertGroups(fn: string, option: string, k: unknown, n: number, min: number): number {
  const g = assertNumberOption(fn, option, k, { min, integer: true });
  if (g > n) throw survkitError('tooFewSubjects', fn, option, g, n);
  return g;
}

/** Checks that `t` is a finite time within [min T, max T) of the labels. */
export function assertTimeInRange(fn: string, t: unknown, y: SurvivalLabels): number {
  if (typeof t !== 'number' || !Number.isFinite(t)) throw survkitError('finiteNumber', fn, 't', t);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y.time) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(t >= lo && t < hi)) throw survkitError('timeOutsideFollowUp', fn, 't', t, lo, hi);
  return t;
}

/**
 * Sizes of `numpy.array_split` of n items into k parts: the first `n % k`
 * parts get `⌊n/k⌋ + 1` items, the others `⌊n/k⌋`.
 */
export function splitSizes(n: number, k: number): number[] {
  const q = Math.floor(n / k);
  const r = n % k;
  return Array.from({ length: k }, (_, b) => (b < r ? q + 1 : q));
}

/**
 * Subjects ordered by descending predicted event probability `q` (ties keep
 * input order) and cut into k contiguous groups with {@link splitSizes} —
 * SurvivalEVAL's and survival_evaluation's `np.array_split(argsort(-q), k)`.
 * Group 0 holds the highest predicted risks.
 */
export function groupByPrediction(q: Float64Array, k: number): Int32Array[] {
  const neg = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) neg[i] = -(q[i] as number);
  const order = argsort(neg);
  const out: Int32Array[] = [];
  let start = 0;
  for (const size of splitSizes(q.length, k)) {
    out.push(order.slice(start, start + size));
    start += size;
  }
  return out;
}

/** Ŝ_i(t) for every subject, read as a right-continuous step (1 before the grid). */
export function survivalAt(curves: SurvivalCurves, t: number): Float64Array {
  const k = curves.indexAt(t);
  const out = new Float64Array(curves.n);
  for (let i = 0; i < curves.n; i++) out[i] = k < 0 ? 1 : curves.get(i, k);
  return out;
}

/**
 * `(labels, curves, opts)` (with `opts.t` when `timed`) or the deprecated
 * `(curves, labels, t?, opts?)` as the curves, labels, t and options the
 * calibration metrics read.
 */
export function calibrationArgs<O extends { t?: number }>(
  fn: string,
  args: readonly unknown[],
  timed: boolean,
): { curves: unknown; labels: unknown; t: unknown; opts: O; deprecated: boolean } {
  if (isCurvesFirstCall(args) || (timed && (typeof args[2] === 'number' || args.length > 3))) {
    const opts = ((timed ? args[3] : args[2]) ?? {}) as O;
    if (timed) assertNotTwice(fn, 't', opts.t);
    return { curves: args[0], labels: args[1], t: timed ? args[2] : undefined, opts, deprecated: true };
  }
  const opts = (args[2] ?? {}) as O;
  return { curves: args[1], labels: args[0], t: opts.t, opts, deprecated: false };
}

/** One risk group of a calibration table at t: size, mean prediction, the estimate with its limits, and the number at risk. */
export interface CalibrationGroupRow {
  n: number;
  predicted: number;
  observed: number;
  lower: number;
  upper: number;
  nRisk: number;
}

/**
 * The calibration table at t shared by {@link calibrationAt} and the competing-risks version: subjects grouped by
 * `order` ({@link groupByPrediction}), the group mean of `p`, the observed value of each group from `observe`, and
 * Σ_b n_b |predicted_b − observed_b| / n and max_b |predicted_b − observed_b|.
 */
export function calibrationGroups(
  y: SurvivalLabels,
  t: number,
  order: Float64Array,
  p: Float64Array,
  k: number,
  observe: (idx: Int32Array) => { observed: number; lower: number; upper: number },
): { groups: CalibrationGroupRow[]; meanAbsDiff: number; maxAbsDiff: number } {
  const groups: CalibrationGroupRow[] = [];
  let weighted = 0;
  let maxAbsDiff = 0;
  for (const idx of groupByPrediction(order, k)) {
    let sum = 0;
    let nRisk = 0;
    for (const i of idx) {
      sum += p[i] as number;
      if ((y.time[i] as number) >= t) nRisk++;
    }
    const predicted = sum / idx.length;
    const { observed, lower, upper } = observe(idx);
    groups.push({ n: idx.length, predicted, observed, lower, upper, nRisk });
    const d = Math.abs(predicted - observed);
    weighted += idx.length * d;
    if (d > maxAbsDiff) maxAbsDiff = d;
  }
  return { groups, meanAbsDiff: weighted / y.time.length, maxAbsDiff };
}
