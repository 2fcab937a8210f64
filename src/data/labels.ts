import { assertSameLength, toFloat64, assertArrayLike } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/**
 * Validated time-to-event labels. `time[i] >= 0` is the observed time of
 * subject i and `event[i]` its status: 0 = censored, k >= 1 = event of cause
 * k (1 for single-risk data). Both arrays are fresh copies owned by the
 * labels object, which is frozen (JavaScript cannot freeze the elements of a
 * typed array: do not write into them).
 */
export interface SurvivalLabels {
  readonly time: Float64Array;
  readonly event: Int32Array;
}

/** What {@link survivalLabels} accepts for the event indicator. */
export type EventInput = ArrayLike<number> | ArrayLike<boolean> | readonly (number | boolean)[];

/**
 * Validates and copies time-to-event labels.
 *
 * @param time observed times, finite and >= 0 (array or typed array)
 * @param event 0/1 (or false/true) event indicators; k >= 2 marks a competing cause
 * @returns `{ time: Float64Array, event: Int32Array }`
 * @throws {SurvkitError} on unequal lengths, empty input, NaN/±Infinity,
 *   negative times, or event codes that are not non-negative integers
 * @example
 * const y = survivalLabels([5, 3, 9], [1, 0, true]);
 * y.event; // Int32Array [1, 0, 1]
 */
export function survivalLabels(time: unknown, event: unknown): SurvivalLabels;
/** @deprecated since 0.2: call `survivalLabels(time, event)`; the caller's name `fn` (for messages) will be removed from the signature. */
export function survivalLabels(time: unknown, event: unknown, fn: string): SurvivalLabels;
export function survivalLabels(time: unknown, event: unknown, fn?: string): SurvivalLabels {
  return survivalLabelsAs(fn ?? 'survivalLabels', time, event);
}

/** {@link survivalLabels} in the name of `fn` (survkit's own callers). */
export function survivalLabelsAs(fn: string, time: unknown, event: unknown): SurvivalLabels {
  const t = toFloat64(fn, 'time', time);
  const e = toEventCodes(fn, 'event', event);
  assertSameLength(fn, 'time', t.length, 'event', e.length);
  for (let i = 0; i < t.length; i++) {
    if ((t[i] as number) < 0) throw survkitError('negative', fn, 'time', i, t[i] as number);
  }
  return markValidated(Object.freeze({ time: t, event: e }));
}

/**
 * Labels objects built by {@link survivalLabels} / {@link subsetLabels}.
 * {@link asLabels} passes only these through unchecked; any other object,
 * even one with a `Float64Array` time and an `Int32Array` event, is validated.
 */
const validated = new WeakSet<SurvivalLabels>();

function markValidated(y: SurvivalLabels): SurvivalLabels {
  validated.add(y);
  return y;
}

/**
 * Converts 0/1/k or boolean event indicators into a fresh `Int32Array`.
 * @throws {SurvkitError} `notArray` for a non-array, `empty` for no values,
 *   `badEventCode` for anything but a non-negative integer or a boolean
 */
export function toEventCodes(fn: string, arg: string, values: unknown): Int32Array {
  assertArrayLike(fn, arg, values);
  const src = values as ArrayLike<unknown>;
  if (src.length === 0) throw survkitError('empty', fn, arg);
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v === true || v === false) {
      out[i] = v ? 1 : 0;
    } else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1) {
      out[i] = v;
    } else {
      throw survkitError('badEventCode', fn, arg, i, v);
    }
  }
  return out;
}

/**
 * True when `x` has the shape of a {@link SurvivalLabels} object
 * (`time: Float64Array`, `event: Int32Array`). A structural check only: it
 * says nothing about the values.
 */
export function isSurvivalLabels(x: unknown): x is SurvivalLabels {
  return typeof x === 'object' && x !== null && (x as SurvivalLabels).time instanceof Float64Array && (x as SurvivalLabels).event instanceof Int32Array;
}

/**
 * Labels in any of the forms survkit's functions accept: a
 * {@link SurvivalLabels} object, `{ time, event }` with arrays (or typed
 * arrays), a `[time, event]` pair of arrays, or row records
 * `[{ time, event }, …]`. Everything but labels made by
 * {@link survivalLabels} is validated and copied.
 */
export type LabelsInput =
  | SurvivalLabels
  | { readonly time: unknown; readonly event: unknown }
  | readonly [time: ArrayLike<number>, event: EventInput]
  | readonly { readonly time: unknown; readonly event: unknown }[];

function isArrayLikeObject(x: unknown): x is ArrayLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { length?: unknown }).length === 'number';
}

/** A `[time, event]` pair: an array of exactly two arrays (or typed arrays). */
function isLabelsPair(x: unknown): x is readonly [unknown, unknown] {
  return Array.isArray(x) && x.length === 2 && isArrayLikeObject(x[0]) && isArrayLikeObject(x[1]);
}

/** Row records: a non-empty array whose first element is an object that is not an array. */
function isLabelRecords(x: unknown): x is readonly Record<string, unknown>[] {
  if (!Array.isArray(x) || x.length === 0) return false;
  const first: unknown = x[0];
  return typeof first === 'object' && first !== null && !isArrayLikeObject(first);
}

/**
 * True when `x` has one of the shapes of {@link LabelsInput} (a structural
 * check only, nothing about the values). Used to tell the labels-first call
 * forms from the deprecated `(time, event, …)` ones.
 */
export function isLabelsShape(x: unknown): boolean {
  if (isLabelsPair(x) || isLabelRecords(x)) return true;
  return typeof x === 'object' && x !== null && !isArrayLikeObject(x) && 'time' in x && 'event' in x;
}

/**
 * Validates anything {@link LabelsInput} allows, in the name of `fn` (the
 * internal form of {@link asLabels}: errors name the calling function and
 * the argument `arg`). Labels made by {@link survivalLabels} (or
 * {@link subsetLabels} of such) are returned as they are; everything else,
 * typed arrays included, is validated and copied as {@link survivalLabels} does.
 *
 * @throws {SurvkitError} `notLabels` when `x` is none of the label forms, and
 *   every error of {@link survivalLabels}
 */
export function labelsArg(fn: string, arg: string, x: unknown): SurvivalLabels {
  if (isSurvivalLabels(x) && validated.has(x)) return x;
  const c = labelColumns(fn, arg, x);
  return survivalLabelsAs(fn, c.time, c.event);
}

/**
 * The time and event columns of any {@link LabelsInput} form, not yet
 * validated (for functions that validate them with their own checks).
 * @throws {SurvkitError} `notLabels` when `x` is none of the label forms
 */
export function labelColumns(fn: string, arg: string, x: unknown): { time: unknown; event: unknown } {
  if (isLabelsPair(x)) return { time: x[0], event: x[1] };
  if (isLabelRecords(x)) {
    const row = (r: unknown, k: 'time' | 'event'): unknown => (typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[k] : undefined);
    return { time: x.map((r) => row(r, 'time')), event: x.map((r) => row(r, 'event')) };
  }
  if (typeof x !== 'object' || x === null || !('time' in x) || !('event' in x)) {
    throw survkitError('notLabels', fn, arg, x);
  }
  return { time: x.time, event: x.event };
}

/**
 * Validates labels given in any form {@link LabelsInput} allows and returns
 * them as {@link SurvivalLabels}. Labels made by {@link survivalLabels} (or
 * {@link subsetLabels} of such) are returned as they are; everything else,
 * typed arrays included, is validated and copied as {@link survivalLabels} does.
 * Errors name `asLabels`.
 *
 * @throws {SurvkitError} `notLabels` when `labels` is none of the label forms,
 *   and every error of {@link survivalLabels}
 * @example
 * asLabels({ time: [1, 2], event: [1, 0] }).event; // Int32Array [1, 0]
 * asLabels([[1, 2], [true, false]]).event; // Int32Array [1, 0]
 * asLabels([{ time: 1, event: 1 }, { time: 2, event: 0 }]).time; // Float64Array [1, 2]
 */
export function asLabels(labels: LabelsInput): SurvivalLabels;
/**
 * @deprecated since 0.2: call `asLabels(labels)`; errors then name `asLabels`.
 * The caller's function name `fn` and argument name `arg` are for survkit's
 * own messages and will be removed from the public signature.
 */
export function asLabels(fn: string, arg: string, x: unknown): SurvivalLabels;
export function asLabels(...args: unknown[]): SurvivalLabels {
  if (typeof args[0] === 'string') return labelsArg(args[0], String(args[1]), args[2]);
  return labelsArg('asLabels', 'labels', args[0]);
}

/**
 * Throws unless every event code is 0 or 1 (single risk).
 * @throws {SurvkitError} `notBinaryEvent` naming the first index with a code >= 2
 */
export function assertSingleRisk(fn: string, arg: string, labels: SurvivalLabels): void {
  const e = labels.event;
  for (let i = 0; i < e.length; i++) {
    if ((e[i] as number) > 1) throw survkitError('notBinaryEvent', fn, arg, i, e[i] as number);
  }
}

/**
 * Number of subjects with an event (any cause, i.e. a non-zero code).
 * @example
 * countEvents(survivalLabels([1, 2, 3], [1, 0, 2])); // 2
 */
export function countEvents(labels: SurvivalLabels): number {
  let d = 0;
  for (const v of labels.event) if (v !== 0) d++;
  return d;
}

/**
 * The labels of subjects `idx` (repeats allowed, any order), e.g. for a
 * bootstrap sample. O(|idx|).
 *
 * @throws {SurvkitError} `subjectIndex` when an index is not an integer in [0, n)
 * @example
 * subsetLabels(survivalLabels([5, 3, 9], [1, 0, 1]), [2, 2, 0]).time; // Float64Array [9, 9, 5]
 */
export function subsetLabels(labels: SurvivalLabels, idx: ArrayLike<number>): SurvivalLabels {
  const n = idx.length;
  const size = labels.time.length;
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k] as number;
    if (!(Number.isInteger(i) && i >= 0 && i < size)) throw survkitError('subjectIndex', 'subsetLabels', `idx[${k}]`, size, i);
    time[k] = labels.time[i] as number;
    event[k] = labels.event[i] as number;
  }
  const out = Object.freeze({ time, event });
  return validated.has(labels) ? markValidated(out) : out;
}
