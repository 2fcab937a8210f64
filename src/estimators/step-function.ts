import { toFloat64, assertStrictlyAscending, assertSameLength } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';

/** Which one-sided limit to read at a jump. */
export type Side = 'right' | 'left';

/**
 * An immutable right-continuous step function: `values[k]` holds on
 * `[times[k], times[k+1])`, and `initial` holds before `times[0]`.
 * `at(t)` reads the value at t (`side: 'right'`, the default) or the limit
 * from the left, f(t−) (`side: 'left'`). `at(NaN)` is NaN. O(log m) per
 * point.
 *
 * @throws {SurvkitError} (constructor) when `times` and `values` differ in
 *   length, hold non-finite values, `times` is not strictly ascending, or
 *   `initial` is not finite
 *
 * @example
 * const f = new StepFunction([1, 3], [0.5, 0.25], 1);
 * f.at(2); // 0.5
 * f.at(3, { side: 'left' }); // 0.5
 */
export class StepFunction {
  readonly times: Float64Array;
  readonly values: Float64Array;
  constructor(
    times: ArrayLike<number>,
    values: ArrayLike<number>,
    readonly initial = 1,
  ) {
    const fn = 'StepFunction';
    this.times = toFloat64(fn, 'times', times, { allowEmpty: true });
    this.values = toFloat64(fn, 'values', values, { allowEmpty: true });
    assertSameLength(fn, 'times', this.times.length, 'values', this.values.length);
    assertStrictlyAscending(fn, 'times', this.times);
    if (!Number.isFinite(initial)) throw survkitError('finiteNumber', fn, 'initial', initial);
    // Subclasses add fields after super() returns, so they freeze themselves.
    if (new.target === StepFunction) Object.freeze(this);
  }

  /** Value at `t` (or the left limit with `side: 'left'`). */
  at(t: number, opts?: { side?: Side }): number;
  /** Values at every element of `t`. */
  at(t: ArrayLike<number>, opts?: { side?: Side }): Float64Array;
  at(t: number | ArrayLike<number>, opts: { side?: Side } = {}): number | Float64Array {
    const side = opts.side ?? 'right';
    if (typeof t === 'number') return this.valueAt(t, side);
    const out = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) out[i] = this.valueAt(t[i] as number, side);
    return out;
  }

  private valueAt(t: number, side: Side): number {
    if (Number.isNaN(t)) return NaN;
    // number of jump times <= t (right) or < t (left)
    const k = searchSorted(this.times, t, side === 'right' ? 'right' : 'left');
    return k === 0 ? this.initial : (this.values[k - 1] as number);
  }
}
