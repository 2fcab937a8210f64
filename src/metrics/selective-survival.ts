/**
 * Selective prediction for survival models: keep the subjects whose
 * predictions are most certain and compare discrimination and Brier score on
 * the kept and the flagged subjects, coverage by coverage. Plain TypeScript.
 */
import { assertNumberOption, assertSameLength, toFloat64 } from '../core/assert.js';
import { SurvkitError, survkitError } from '../core/errors.js';
import { take } from '../core/take.js';
import { labelsArg, assertSingleRisk, type LabelsInput, type SurvivalLabels } from '../data/labels.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';
import type { BrierOptions } from './brier.js';
import { concordanceIndex } from './concordance-harrell.js';
import { integratedBrierScore } from './integrated.js';
import { isArrayLikeObject } from './call-forms.js';
import { casesForCoverage } from './selective-core.js';

/** Options of {@link selectiveSurvivalTable}. */
export interface SelectiveSurvivalOptions {
  /** Coverages in (0, 1] to report, in the given order (default 1, 0.9, 0.8, 0.7, 0.6, 0.5). */
  coverages?: readonly number[];
  /** Evaluation times of the integrated Brier score (default: 100 equidistant points from the smallest to the largest observed time, pycox's practice). */
  times?: ArrayLike<number>;
  /**
   * Options of `integratedBrierScore` (convention, integration, maxWeight,
   * train). Unless `train` is given, Ĝ is estimated from ALL n labels, so
   * both groups are weighted by the same censoring distribution.
   */
  brier?: BrierOptions;
}

/**
 * The predictions that {@link selectiveSurvivalTable} compares: the
 * uncertainty score that ranks the subjects, the risk for C and the curves
 * for the Brier score.
 */
export interface SelectiveSurvivalPrediction {
  /** n uncertainty scores (higher = less certain), finite. */
  score: ArrayLike<number>;
  /** n risk scores for Harrell's C (higher = earlier event). */
  risk: ArrayLike<number>;
  /** The n subjects' predicted survival curves for the Brier score. */
  curves: SurvivalCurves;
}

/** One coverage of {@link selectiveSurvivalTable}. */
export interface SelectiveSurvivalRow {
  /** Requested coverage. */
  coverage: number;
  /** Kept subjects: the ⌈n·coverage⌉ smallest scores. */
  kept: number;
  /** Flagged subjects: the rest (kept + flagged = n). */
  flagged: number;
  /** Largest score among the kept subjects. */
  threshold: number;
  /** Harrell's C of the kept / flagged subjects; null where undefined (empty group, no events or no comparable pairs). */
  keptC: number | null;
  flaggedC: number | null;
  /** Integrated Brier score of the kept / flagged subjects; null where undefined (empty group, or Ĝ = 0 where a weight is needed). */
  keptIbs: number | null;
  flaggedIbs: number | null;
}

/** Result of {@link selectiveSurvivalTable}. */
export interface SelectiveSurvivalTable {
  rows: SelectiveSurvivalRow[];
  /** Evaluation times of the integrated Brier scores. */
  times: Float64Array;
}

/** A metric that is undefined on a group (a SurvkitError) becomes null; other errors propagate. */
function orNull(f: () => number): number | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof SurvkitError) return null;
    throw e;
  }
}

function defaultTimes(y: SurvivalLabels): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of y.time) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  const out = new Float64Array(100);
  for (let k = 0; k < 100; k++) out[k] = lo + ((hi - lo) * k) / 99;
  return out;
}

/**
 * A risk–coverage-style table for survival predictions. Subjects are ranked
 * by their uncertainty score (ascending, ties by index: a stable sort); for
 * each coverage c the k = ⌈n·c⌉ most certain are kept (n·c within 1e-9 of an
 * integer counts as that integer) and the other n − k are flagged. On each
 * group it reports Harrell's C of `risk` ({@link concordanceIndex}, higher
 * risk = earlier event) and the integrated Brier score of `curves`
 * ({@link integratedBrierScore}, pycox convention by default) on one shared
 * grid `times`, with the censoring distribution Ĝ estimated once from all n
 * subjects (or `brier.train`) so the groups are weighted alike.
 *
 * A useful uncertainty score gives kept subjects a higher C and a lower IBS
 * than flagged ones, increasingly so as the coverage falls. Note that IBS
 * also depends on how hard a group is (e.g. subjects whose S(t) is near 0.5
 * have a larger Brier score even for a perfect model), so compare methods at
 * the same coverage rather than reading the gap as calibration alone.
 *
 * @param labels the n held-out `{ time, event }` (single risk), first as in every metric
 * @param prediction `{ score, risk, curves }`: n uncertainty scores (higher = less certain, finite),
 *   n risk scores for C (higher = earlier event) and the n subjects' predicted survival curves
 * @param opts coverages, evaluation times, Brier options
 * @returns rows in the order of `coverages`, and the evaluation times
 * @throws {SurvkitError} for unequal lengths, non-finite scores or risks, bad
 *   labels, coverages outside (0, 1], or invalid `times` / Brier options
 * @example
 * const bands = await ensemble.predictBands(xTest, { times: grid });
 * const score = survivalBandWidth(bands, { from: grid[0], to: grid[99] });
 * const { rows } = selectiveSurvivalTable(yTest, { score, risk: bands.risk.mean, curves: bands.mean }, { times: grid });
 * // rows[2]: { coverage: 0.8, kept: …, keptC, keptIbs, flaggedC, flaggedIbs }
 * @see Geifman & El-Yaniv (2017), Selective classification for deep neural networks, NeurIPS
 *   (risk–coverage); Harrell et al. (1996); Graf et al. (1999)
 */
export function selectiveSurvivalTable(labels: LabelsInput, prediction: SelectiveSurvivalPrediction, opts?: SelectiveSurvivalOptions): SelectiveSurvivalTable;
/**
 * @deprecated since 0.2: call `selectiveSurvivalTable(labels, { score, risk, curves }, opts)` — the labels first and
 *   the predictions as one object, as every metric.
 */
export function selectiveSurvivalTable(
  score: ArrayLike<number>,
  labels: LabelsInput,
  risk: ArrayLike<number>,
  curves: SurvivalCurves,
  opts?: SelectiveSurvivalOptions,
): SelectiveSurvivalTable;
export function selectiveSurvivalTable(...args: unknown[]): SelectiveSurvivalTable {
  if (args.length <= 3 && isSelectivePrediction(args[1])) {
    const p = args[1];
    return table(
      p.score as ArrayLike<number>,
      args[0] as LabelsInput,
      p.risk as ArrayLike<number>,
      p.curves as SurvivalCurves,
      args[2] as SelectiveSurvivalOptions,
    );
  }
  return table(
    args[0] as ArrayLike<number>,
    args[1] as LabelsInput,
    args[2] as ArrayLike<number>,
    args[3] as SurvivalCurves,
    args[4] as SelectiveSurvivalOptions,
  );
}

/**
 * True for the `{ score, risk, curves }` of the labels-first form: a plain
 * object with a `score` key. The second argument of the deprecated form is
 * the labels, which have no `score`.
 */
function isSelectivePrediction(x: unknown): x is { score: unknown; risk: unknown; curves: unknown } {
  if (typeof x !== 'object' || x === null || isArrayLikeObject(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && 'score' in x;
}

function table(
  score: ArrayLike<number>,
  labels: LabelsInput,
  risk: ArrayLike<number>,
  curves: SurvivalCurves,
  opts: SelectiveSurvivalOptions = {},
): SelectiveSurvivalTable {
  const fn = 'selectiveSurvivalTable';
  const s = toFloat64(fn, 'score', score);
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const r = toFloat64(fn, 'risk', risk);
  const n = s.length;
  assertSameLength(fn, 'score', n, 'labels.time', y.time.length);
  assertSameLength(fn, 'score', n, 'risk', r.length);
  if (!(curves instanceof SurvivalCurves)) throw survkitError('notInstance', fn, 'curves', 'SurvivalCurves object (n subjects × m grid times)', curves);
  if (curves.n !== n) throw survkitError('shapeMismatch', fn, 'curves', `${n} subjects (one per score)`, `${curves.n} subjects`);
  const given: unknown = opts.coverages ?? [1, 0.9, 0.8, 0.7, 0.6, 0.5];
  if (!Array.isArray(given) || given.length === 0) throw survkitError('optionRange', fn, 'coverages', 'a non-empty array of numbers in (0, 1]', given);
  const coverages = (given as unknown[]).map((c) => assertNumberOption(fn, 'coverages', c, { min: 0, max: 1, minExclusive: true }));
  const times = opts.times === undefined ? defaultTimes(y) : toFloat64(fn, 'times', opts.times);
  const brier: BrierOptions = { ...opts.brier, train: opts.brier?.train ?? y };
  integratedBrierScore(y, curves, { ...brier, times }); // validates times and Brier options on the whole set

  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (s[a] as number) - (s[b] as number) || a - b);
  const group = (idx: Int32Array): { c: number | null; ibs: number | null } => {
    if (idx.length === 0) return { c: null, ibs: null };
    const gy = { time: take(y.time, idx), event: take(y.event, idx) };
    return {
      c: orNull(() => concordanceIndex(gy, take(r, idx)).cIndex),
      ibs: orNull(() => integratedBrierScore(gy, curves.subset(idx), { ...brier, times }).value),
    };
  };
  const rows = coverages.map((coverage): SelectiveSurvivalRow => {
    const k = casesForCoverage(n, coverage);
    const kept = group(order.subarray(0, k));
    const flagged = group(order.subarray(k));
    return {
      coverage,
      kept: k,
      flagged: n - k,
      threshold: s[order[k - 1] as number] as number,
      keptC: kept.c,
      flaggedC: flagged.c,
      keptIbs: kept.ibs,
      flaggedIbs: flagged.ibs,
    };
  });
  return { rows, times };
}
