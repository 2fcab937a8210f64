import { assertChoice, assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { isLabelsShape, labelsArg, type LabelsInput } from '../data/labels.js';
import { riskTable } from './risk-table.js';
import { StepFunction } from './step-function.js';
import quantile from '@stdlib/stats-base-dists-normal-quantile';

/** How pointwise confidence limits are formed (R `survfit`'s `conf.type`). */
export type ConfType = 'log-log' | 'log' | 'plain';

/** Options of {@link kaplanMeier}. */
export interface KaplanMeierOptions {
  /** Confidence level of the pointwise limits, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Transform for the limits. Default `'log-log'`. */
  confType?: ConfType;
  /**
   * Entry (left-truncation) time of each subject, below its time: subject j is at risk at t when
   * entry_j < t ≤ T_j (R `survfit(Surv(entry, time, event) ~ 1)`). Default: all at risk from the start.
   */
  entry?: ArrayLike<number>;
}

/**
 * The Kaplan–Meier estimate as a right-continuous {@link StepFunction}
 * (`values` = Ŝ(t), 1 before the first time) with its risk table, Greenwood
 * standard error and pointwise confidence limits at every distinct
 * observed time (censoring-only times included, as R `survfit` reports them).
 */
export class KaplanMeier extends StepFunction {
  constructor(
    times: Float64Array,
    survival: Float64Array,
    /** Subjects at risk just before each time. */
    readonly nRisk: Float64Array,
    /** Events at each time. */
    readonly nEvents: Float64Array,
    /** Censorings at each time. */
    readonly nCensored: Float64Array,
    /**
     * Greenwood standard error of the cumulative hazard −log Ŝ, sqrt(Σ d_k / (n_k (n_k − d_k))),
     * as R `survfit`'s `std.err` (not the SE of Ŝ, which is Ŝ · stdErr). +Infinity once Ŝ = 0.
     */
    readonly stdErr: Float64Array,
    /** Lower confidence limit of Ŝ(t). */
    readonly lower: Float64Array,
    /** Upper confidence limit of Ŝ(t). */
    readonly upper: Float64Array,
    readonly confidence: number,
    readonly confType: ConfType,
  ) {
    super(times, survival, 1);
    Object.freeze(this);
  }
}

/**
 * Kaplan–Meier product-limit estimator, Ŝ(t) = Π_{t_k ≤ t} (1 − d_k / n_k),
 * with Greenwood's variance Var(−log Ŝ) = Σ d_k / (n_k (n_k − d_k)) and
 * pointwise limits as in R `survival::survfit` (`conf.type` 'log-log', 'log'
 * or 'plain'). Any non-zero event code counts as an event.
 *
 * Limits, with z the normal quantile and se = `stdErr`: 'plain'
 * Ŝ(1 ∓ z·se); 'log' Ŝ·exp(∓z·se); 'log-log' exp(−exp(log(−log Ŝ) ∓ z·se / log Ŝ))
 * (lower first in each pair);
 * all clipped to [0, 1]. Equal to R survival 3.5.3 `survfit(..., conf.type)`
 * to a few ulps (checked on lung, veteran, METABRIC and hand-made ties).
 * Times are compared exactly: R's default `timefix = TRUE` merges times that
 * differ by rounding (0.1 + 0.2 and 0.3), survkit keeps them apart.
 *
 * Degenerate cases: where Ŝ = 1 (no event yet) both limits are 1 (R reports
 * NA for 'log-log' there); where n_k = d_k (Ŝ drops to 0) the standard error
 * is +Infinity and both limits are 0 from then on (R reports NA for 'log' and
 * 'log-log', NaN for 'plain').
 *
 * @param labels n >= 1 subjects' labels ({@link LabelsInput}: `{ time, event }`, a `[time, event]`
 *   pair, row records); times finite and >= 0, events 0 = censored, any k >= 1 = event, booleans allowed
 * @param opts `confidence` (default 0.95), `confType` (default 'log-log'), `entry` (left truncation: risk sets
 *   start at entry, as R `survfit(Surv(entry, time, event) ~ 1)`)
 * @returns a {@link KaplanMeier} with one entry per distinct time (m <= n), O(n log n)
 * @throws {SurvkitError} on invalid labels (see `survivalLabels`: length
 *   mismatch, empty, NaN/Infinity, negative time, bad event code) or options
 *   (`confidence` outside (0, 1), unknown `confType`)
 * @example
 * const km = kaplanMeier({ time: [1, 2, 2, 3], event: [1, 1, 0, 1] });
 * km.at(2); // 0.5
 * @see Kaplan & Meier (1958), JASA 53:457–481; Greenwood (1926)
 */
export function kaplanMeier(labels: LabelsInput, opts?: KaplanMeierOptions): KaplanMeier;
/** @deprecated since 0.2: call `kaplanMeier({ time, event }, opts)` — labels first, as every metric and estimator. */
export function kaplanMeier(time: unknown, event: unknown, opts?: KaplanMeierOptions): KaplanMeier;
export function kaplanMeier(...args: unknown[]): KaplanMeier {
  const fn = 'kaplanMeier';
  const deprecated = isTimeEventForm(args, 1);
  const y = labelsArg(fn, 'labels', deprecated ? { time: args[0], event: args[1] } : args[0]);
  const opts = ((deprecated ? args[2] : args[1]) ?? {}) as KaplanMeierOptions;
  const confidence = assertNumberOption(fn, 'confidence', opts.confidence ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const confType = assertChoice(fn, 'confType', opts.confType ?? 'log-log', ['log-log', 'log', 'plain'] as const);
  const tab = riskTable(y.time, y.event);
  const m = tab.times.length;
  const nRisk = opts.entry === undefined ? tab.nRisk : atRiskAfterEntry(fn, tab.times, tab.nRisk, y.time, opts.entry);
  const s = new Float64Array(m);
  const se = new Float64Array(m);
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  const z = quantile(1 - (1 - confidence) / 2, 0, 1);
  let surv = 1;
  let green = 0;
  for (let k = 0; k < m; k++) {
    const n = nRisk[k] as number;
    const d = tab.nEvents[k] as number;
    if (d > 0) {
      surv *= 1 - d / n;
      green = n > d ? green + d / (n * (n - d)) : Infinity;
    }
    s[k] = surv;
    const sek = Math.sqrt(green);
    se[k] = sek;
    const [lo, hi] = limits(surv, sek, z, confType);
    lower[k] = lo;
    upper[k] = hi;
  }
  return new KaplanMeier(tab.times, s, nRisk, tab.nEvents, tab.nCensored, se, lower, upper, confidence, confType);
}

/** n_k minus the subjects not yet entered at t_k (entry_j ≥ t_k); checks entry_j < T_j. */
function atRiskAfterEntry(fn: string, times: Float64Array, nRisk: Float64Array, time: Float64Array, entryArg: ArrayLike<number>): Float64Array {
  const entry = toFloat64(fn, 'entry', entryArg);
  if (entry.length !== time.length) throw survkitError('lengthMismatch', fn, 'entry', entry.length, 'labels.time', time.length);
  entry.forEach((v, i) => {
    if (!(v < (time[i] as number))) throw survkitError('entryNotBeforeExit', fn, 'entry', i, v, time[i] as number);
  });
  const sorted = entry.slice().sort();
  const out = new Float64Array(nRisk.length);
  for (let k = 0; k < times.length; k++) out[k] = (nRisk[k] as number) - (sorted.length - searchSorted(sorted, times[k] as number, 'left'));
  return out;
}

/** Pointwise limits for Ŝ given the standard error of −log Ŝ. */
function limits(s: number, se: number, z: number, type: ConfType): [number, number] {
  if (s >= 1 || se === 0) return [s, s];
  if (s <= 0 || !Number.isFinite(se)) return [0, 0];
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  if (type === 'plain') return [clip(s - z * se * s), clip(s + z * se * s)];
  if (type === 'log') return [clip(s * Math.exp(-z * se)), clip(s * Math.exp(z * se))];
  const ll = Math.log(-Math.log(s));
  const w = (z * se) / Math.log(s); // negative
  return [clip(Math.exp(-Math.exp(ll - w))), clip(Math.exp(-Math.exp(ll + w)))];
}

/**
 * {@link kaplanMeier} on a labels object (`SurvivalLabels` or `{ time, event }`).
 * @deprecated since 0.2: `kaplanMeier(labels, opts)` takes labels itself; this twin will be removed.
 * @throws {SurvkitError} as {@link kaplanMeier}, and `notLabels` when `labels` has no `time` / `event`
 * @example
 * kaplanMeierOf({ time: [1, 2, 2, 3], event: [1, 1, 0, 1] }).at(3); // 0
 */
export function kaplanMeierOf(labels: LabelsInput, opts: KaplanMeierOptions = {}): KaplanMeier {
  return kaplanMeier(labelsArg('kaplanMeier', 'labels', labels), opts);
}

/**
 * True for the deprecated `(time, event, …)` form of an estimator whose
 * labels-first form takes `(labels, …rest)` with `rest` optional arguments
 * (an options object or none): more arguments than that, an array second, or
 * a first argument that is an array of values rather than labels.
 */
export function isTimeEventForm(args: readonly unknown[], rest: number): boolean {
  const arrayLike = (x: unknown): boolean => typeof x === 'object' && x !== null && typeof (x as { length?: unknown }).length === 'number';
  if (args.length > rest + 1 || arrayLike(args[1])) return true;
  return arrayLike(args[0]) && !isLabelsShape(args[0]);
}
