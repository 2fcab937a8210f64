import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { radixArgsort } from '../../src/core/radix-sort.js';
import { argsort } from '../../src/core/sort.js';

describe('core/radix-sort', () => {
  it('doc example, negatives, ±0, huge and tiny magnitudes', () => {
    expect(Array.from(radixArgsort(Float64Array.from([2.5, -1, 2.5, 0])))).toEqual([1, 3, 0, 2]);
    const v = Float64Array.from([0, -0, -1e308, 5e-324, -5e-324, 1e308, -0, 3]);
    expect(Array.from(radixArgsort(v))).toEqual([2, 4, 0, 1, 6, 3, 7, 5]);
    expect(radixArgsort(new Float64Array(0)).length).toBe(0);
  });

  it('equals the stable comparator argsort on random doubles with many ties (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, -1, 0.1, 1e-300)), { maxLength: 200 }),
        (xs) => {
          const v = Float64Array.from(xs);
          expect(Array.from(radixArgsort(v))).toEqual(Array.from(argsort(v)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
