import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { argsort, searchSorted, uniqueSorted } from '../../src/core/sort.js';
import { CountTree } from '../../src/core/fenwick.js';
import { Random } from '../../src/core/random.js';

describe('core/sort', () => {
  it('argsort is stable and sorts ascending', () => {
    expect(Array.from(argsort([3, 1, 2, 1]))).toEqual([1, 3, 2, 0]);
  });
  it('searchSorted matches numpy left/right', () => {
    const a = [1, 2, 2, 3];
    expect(searchSorted(a, 2, 'left')).toBe(1);
    expect(searchSorted(a, 2, 'right')).toBe(3);
    expect(searchSorted(a, 0, 'right')).toBe(0);
    expect(searchSorted(a, 9, 'left')).toBe(4);
  });
  it('uniqueSorted drops duplicates', () => {
    expect(Array.from(uniqueSorted([3, 1, 3, 2, 1]))).toEqual([1, 2, 3]);
  });
  it('searchSorted agrees with a linear count (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 })), fc.integer({ min: -6, max: 6 }), (xs, x) => {
        const s = [...xs].sort((a, b) => a - b);
        expect(searchSorted(s, x, 'left')).toBe(s.filter((v) => v < x).length);
        expect(searchSorted(s, x, 'right')).toBe(s.filter((v) => v <= x).length);
      }),
    );
  });
  it('Fenwick prefix counts equal direct counts (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(19), { maxLength: 60 }), (adds) => {
        const f = new CountTree(20);
        const direct = new Array<number>(20).fill(0);
        for (const i of adds) {
          f.add(i);
          direct[i] = (direct[i] ?? 0) + 1;
        }
        for (let k = 0; k <= 20; k++) expect(f.prefix(k)).toBe(direct.slice(0, k).reduce((a, b) => a + b, 0));
      }),
    );
  });
});

describe('argsort: the radix path (from RADIX_ARGSORT_MIN values) equals the stable comparator order', () => {
  it('ties, ±0, ±Infinity and typed or plain input', () => {
    const r = new Random(9);
    const pool = [0, -0, 1, -1, 0.5, Infinity, -Infinity, 1e-300, -2.25];
    const xs = Array.from({ length: 5000 }, () => (r.next() < 0.5 ? (pool[Math.floor(r.next() * pool.length)] as number) : r.normal()));
    const idx = Array.from(xs, (_, i) => i);
    idx.sort((a, b) => (xs[a] as number) - (xs[b] as number) || a - b);
    expect(Array.from(argsort(xs))).toEqual(idx);
    expect(Array.from(argsort(Float64Array.from(xs)))).toEqual(idx);
  });
});
