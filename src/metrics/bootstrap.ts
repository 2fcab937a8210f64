import { quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { assertNumberOption } from '../core/assert.js';
import { SurvkitError, survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';

/** Options of {@link bootstrap}. */
export interface BootstrapOptions {
  /** Number of bootstrap replicates. Default 1000. */
  replicates?: number;
  /** Seed of the resampling; the same seed gives the same replicates. Default 0. */
  seed?: number;
  /** Confidence level of the percentile interval, in (0, 1). Default 0.95. */
  level?: number;
  /**
   * Called after every replicate with the number done and the total (e.g. to
   * draw a progress bar); at most once per 1 % of the replicates.
   */
  onProgress?: (done: number, total: number) => void;
  /** Stops the loop between replicates when aborted (throws `aborted`), e.g. on Ctrl-C. */
  signal?: AbortSignal;
}

/**
 * Largest accepted number of replicates: 1e6 (8 MB of replicate values;
 * percentile limits are stable to ~1e-3 long before, and 2000 is the usual count).
 */
export const MAX_REPLICATES = 1_000_000;

/** Result of {@link bootstrap}. */
export interface BootstrapResult {
  /** The statistic on the original sample. */
  estimate: number;
  /** Percentile interval limits. */
  lower: number;
  upper: number;
  /** Bootstrap standard error (sample standard deviation of the replicates). */
  se: number;
  level: number;
  /** The replicate values that could be computed, in draw order. */
  replicates: Float64Array;
  /**
   * Replicates skipped because the statistic was undefined on the resample (it threw a
   * SurvkitError, e.g. no comparable pairs, or returned NaN or ±Infinity).
   */
  skipped: number;
}

/**
 * Nonparametric bootstrap with a percentile confidence interval. The
 * statistic receives the row indices of a resample (drawn with replacement,
 * n of n) and returns a number; the original sample is `0..n−1`.
 * Resamples on which the statistic throws a {@link SurvkitError} (undefined
 * there, like a C-index without comparable pairs) or returns a non-finite
 * number are skipped and counted; if more than half are skipped, the
 * bootstrap throws.
 *
 * Percentiles interpolate linearly between order statistics (Hyndman–Fan
 * type 7, numpy's and R's default; simple-statistics `quantileSorted`).
 *
 * @param statistic function of a row-index array
 * @param n number of subjects
 * @throws {SurvkitError} on bad options (more than {@link MAX_REPLICATES} replicates), when the
 *   statistic is not finite on the original sample, when it is undefined on most resamples, or
 *   `aborted` when `signal` aborts (checked between replicates)
 * @example
 * const y = survivalLabels(time, event);
 * const ci = bootstrap((idx) => concordanceIndex(subsetLabels(y, idx), take(risk, idx)).cIndex,
 *   y.time.length, { replicates: 500, seed: 1 });
 * @see Efron & Tibshirani (1993), An Introduction to the Bootstrap, ch. 13
 */
export function bootstrap(statistic: (idx: Int32Array) => number, n: number, opts: BootstrapOptions = {}): BootstrapResult {
  const fn = 'bootstrap';
  assertNumberOption(fn, 'n', n, { min: 1, integer: true });
  const reps = assertNumberOption(fn, 'replicates', opts.replicates ?? 1000, { min: 2, integer: true });
  if (reps > MAX_REPLICATES) throw survkitError('sizeLimit', fn, 'replicates', MAX_REPLICATES, 'percentile limits are stable long before', reps);
  const { onProgress, signal } = opts;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw survkitError('optionRange', fn, 'onProgress', 'a function (done, total)', onProgress);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw survkitError('optionRange', fn, 'signal', 'an AbortSignal', signal);
  const every = Math.max(1, Math.floor(reps / 100));
  const seed = assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true });
  const level = assertNumberOption(fn, 'level', opts.level ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const estimate = statistic(identity);
  if (!Number.isFinite(estimate)) throw survkitError('statisticNotFinite', fn, 'statistic', estimate);
  const rng = new Random(seed);
  const values: number[] = [];
  let skipped = 0;
  for (let b = 0; b < reps; b++) {
    if (signal?.aborted === true) throw survkitError('aborted', fn, b, reps);
    const idx = rng.sampleWithReplacement(n);
    try {
      const v = statistic(idx);
      if (Number.isFinite(v)) values.push(v);
      else skipped++;
    } catch (err) {
      if (!(err instanceof SurvkitError)) throw err;
      skipped++;
    }
    if (onProgress !== undefined && ((b + 1) % every === 0 || b + 1 === reps)) onProgress(b + 1, reps);
  }
  if (values.length < Math.max(2, reps / 2)) {
    throw survkitError('statisticUndefined', fn, 'statistic', skipped, reps);
  }
  const sorted = Float64Array.from(values).sort();
  const alpha = (1 - level) / 2;
  const arr = Array.from(sorted);
  return {
    estimate,
    lower: quantileSorted(arr, alpha),
    upper: quantileSorted(arr, 1 - alpha),
    se: sampleStandardDeviation(arr),
    level,
    replicates: Float64Array.from(values),
    skipped,
  };
}
