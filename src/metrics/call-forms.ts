/**
 * Argument normalisation shared by the metrics: every metric is called
 * `metric(labels, prediction, options)`; the call forms of survkit 0.1
 * (`(time, event, risk)`, `(train, test, risk)`, curves first, times
 * positional) are recognised here, unambiguously, and mapped onto it.
 */
import { assertChoice, assertSameLength, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { assertSingleRisk, countEvents, isLabelsShape, labelColumns, labelsArg, type SurvivalLabels } from '../data/labels.js';
import { isTensorLike } from '../data/class-labels.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';

/** An object with a numeric `length` (an array or typed array). */
export function isArrayLikeObject(x: unknown): x is ArrayLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { length?: unknown }).length === 'number';
}

/**
 * True for the deprecated `(time, event, …arrays, opts?)` form of a function
 * whose labels-first form is `(labels, …arrays, opts?)` with `arrays`
 * positional array arguments: more arguments than the labels-first form
 * takes, an array where its options go, or a first argument that is an
 * array of values rather than labels.
 */
export function isTimeEventCall(args: readonly unknown[], arrays: number): boolean {
  if (args.length > arrays + 2 || isArrayLikeObject(args[arrays + 1])) return true;
  const first = args[0];
  return isArrayLikeObject(first) && !isLabelsShape(first);
}

/** Time and event of `(labels, …)` or of the deprecated `(time, event, …)`, to be validated by the caller, and the arguments after them. */
export function timeEventOf(fn: string, args: readonly unknown[], deprecated: boolean): { time: unknown; event: unknown; rest: unknown[] } {
  if (deprecated) return { time: args[0], event: args[1], rest: args.slice(2) };
  return { ...labelColumns(fn, 'labels', args[0]), rest: args.slice(1) };
}

/** True for the deprecated curves-first `(curves, labels, …)` form: curves first, or labels second. */
export function isCurvesFirstCall(args: readonly unknown[]): boolean {
  return args[0] instanceof SurvivalCurves || (!(args[1] instanceof SurvivalCurves) && isLabelsShape(args[1]));
}

/** Throws `givenTwice` when the deprecated form passed `name` positionally and also as an option. */
export function assertNotTwice(fn: string, name: string, option: unknown): void {
  if (option !== undefined) throw survkitError('givenTwice', fn, name);
}

/** `risk` as given, or negated (validated, as a Float64Array) for `direction: 'survival'` scores. */
export function riskInDirection(fn: string, arg: string, risk: unknown, direction: unknown): unknown {
  const d = assertChoice(fn, 'direction', direction ?? 'risk', ['risk', 'survival'] as const);
  if (d === 'risk') return risk;
  const r = toFloat64(fn, arg, risk);
  for (let i = 0; i < r.length; i++) r[i] = -(r[i] as number);
  return r;
}

/**
 * The evaluated labels of a labels-first call, checked in the names the
 * caller used (`labels`, `labels.event`, `risk`): single-risk codes, at least
 * one event and, for a risk vector (not curves), one score per subject. The
 * metric's own checks then pass; its messages keep naming the arguments of
 * the deprecated form only where they are reached from it.
 */
export function evaluatedLabels(fn: string, labels: unknown, risk?: unknown): SurvivalLabels {
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  if (risk !== undefined && !(risk instanceof SurvivalCurves)) {
    const r = toFloat64(fn, 'risk', risk);
    assertSameLength(fn, 'labels.time', y.time.length, 'risk', r.length);
  }
  if (countEvents(y) === 0) throw survkitError('noEvents', fn, 'labels.event');
  return y;
}

/** The outcome of a classifier metric: the n true class indices. */
export interface ClassOutcome<L = unknown> {
  labels: L;
}

/** True for a plain (non-array, non-tensor) object with a `labels` key: the outcome-first `({ labels }, probs, …)` form of the classifier metrics. */
export function isClassOutcome(x: unknown): x is ClassOutcome {
  if (typeof x !== 'object' || x === null || isArrayLikeObject(x) || isTensorLike(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && 'labels' in x;
}

/**
 * `({ labels }, probs, opts?)` or the deprecated `(probs, labels, opts?)`, as
 * `probs`, `labels` and `opts` (`{}` when left out, as a default parameter:
 * any other value is passed on to the metric's own checks).
 */
export function classifierArgs(args: readonly unknown[]): { probs: unknown; labels: unknown; opts: object; deprecated: boolean } {
  const first = args[0];
  const opts = (args[2] === undefined ? {} : args[2]) as object;
  if (isClassOutcome(first)) return { probs: args[1], labels: first.labels, opts, deprecated: false };
  return { probs: first, labels: args[1], opts, deprecated: true };
}
