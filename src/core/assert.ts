import { survkitError } from './errors.js';

/**
 * Largest length survkit accepts for an input array: 2³¹ − 1, the limit of
 * the Int32 indices its sorts and groupings use.
 */
export const MAX_INPUT_LENGTH = 2 ** 31 - 1;

/**
 * Throws unless `values` is an array-like: an object whose `length` is an
 * integer in [0, {@link MAX_INPUT_LENGTH}] (`notArray`, or `badLength` for a
 * length such as −1, 1.5, NaN or 1e12, which would otherwise surface as a raw
 * RangeError when memory is allocated for it).
 */
export function assertArrayLike(fn: string, arg: string, values: unknown): ArrayLike<unknown> {
  if (values === null || typeof values !== 'object' || typeof (values as { length?: unknown }).length !== 'number') {
    throw survkitError('notArray', fn, arg, values);
  }
  const n = (values as { length: number }).length;
  if (!Number.isInteger(n) || n < 0 || n > MAX_INPUT_LENGTH) throw survkitError('badLength', fn, arg, n, MAX_INPUT_LENGTH);
  return values as ArrayLike<unknown>;
}

/**
 * Copies a numeric vector into a fresh `Float64Array`, rejecting
 * non-numbers and non-finite values with a message naming `fn` and `arg`.
 */
export function toFloat64(fn: string, arg: string, values: unknown, opts: { allowEmpty?: boolean } = {}): Float64Array {
  const src = assertArrayLike(fn, arg, values);
  const n = src.length;
  if (n === 0 && opts.allowEmpty !== true) throw survkitError('empty', fn, arg);
  const out = new Float64Array(n);
  if (src instanceof Float64Array || src instanceof Float32Array) {
    for (let i = 0; i < n; i++) {
      const v = src[i] as number;
      if (!Number.isFinite(v)) throw survkitError('notFinite', fn, arg, i, v);
      out[i] = v;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (typeof v !== 'number') throw survkitError('notNumber', fn, arg, i, v);
    if (!Number.isFinite(v)) throw survkitError('notFinite', fn, arg, i, v);
    out[i] = v;
  }
  return out;
}

/** Throws unless `a` and `b` have the same length. */
export function assertSameLength(fn: string, a: string, na: number, b: string, nb: number): void {
  if (na !== nb) throw survkitError('lengthMismatch', fn, a, na, b, nb);
}

/** Throws unless `x` is a finite number within [lo, hi] (inclusive unless told otherwise). */
export function assertNumberOption(
  fn: string,
  option: string,
  x: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean } = {},
): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false, integer = false } = range;
  const ok =
    typeof x === 'number' &&
    Number.isFinite(x) &&
    (minExclusive ? x > min : x >= min) &&
    (maxExclusive ? x < max : x <= max) &&
    (!integer || Number.isInteger(x));
  if (!ok) {
    const lo = Number.isFinite(min) ? `${minExclusive ? '>' : '>='} ${min}` : '';
    const hi = Number.isFinite(max) ? `${maxExclusive ? '<' : '<='} ${max}` : '';
    const what = [integer ? 'an integer' : 'a finite number', [lo, hi].filter(Boolean).join(' and ')].filter(Boolean).join(' ');
    throw survkitError('optionRange', fn, option, what, x);
  }
  return x;
}

/** Throws unless `x` is one of `choices`. */
export function assertChoice<T extends string>(fn: string, option: string, x: unknown, choices: readonly T[]): T {
  if (typeof x !== 'string' || !(choices as readonly string[]).includes(x)) {
    throw survkitError('optionRange', fn, option, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, x);
  }
  return x as T;
}

/** Throws unless `times` is strictly ascending. */
export function assertStrictlyAscending(fn: string, arg: string, times: Float64Array): void {
  for (let i = 1; i < times.length; i++) {
    if (!((times[i] as number) > (times[i - 1] as number))) throw survkitError('notAscending', fn, arg, i);
  }
}
