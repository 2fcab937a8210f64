/** argsort's radix path gives exactly the order of the stable comparator sort (ties by index, −0 = +0, ±Infinity). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsort, RADIX_ARGSORT_MIN } from '../../src/core/sort.js';

/** The definition: indices sorted by value, ties by index. */
function comparatorArgsort(values: ArrayLike<number>): Int32Array {
  const idx = Int32Array.from({ length: values.length }, (_, i) => i);
  return idx.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
}

describe('argsort above the radix threshold', () => {
  it('equals the comparator sort on values with many ties, signed zeros and infinities', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, Infinity, -Infinity, 1e-300, -1e300), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { minLength: RADIX_ARGSORT_MIN, maxLength: RADIX_ARGSORT_MIN + 300 }), fc.boolean(), (xs, typed) => {
        const v = typed ? Float64Array.from(xs) : xs;
        expect(argsort(v)).toEqual(comparatorArgsort(v));
      }),
      { numRuns: 60 },
    );
  });
  it('keeps the comparator sort when a NaN is present (any order it gave before)', () => {
    const xs = Array.from({ length: RADIX_ARGSORT_MIN + 5 }, (_, i) => (i === 7 ? NaN : (i * 7919) % 101));
    expect(argsort(xs)).toEqual(comparatorArgsort(xs));
  });
});
