import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsort, searchSorted } from '../../src/core/sort.js';
import { tieGroups } from '../../src/core/tie-groups.js';

describe('core/tie-groups', () => {
  it('doc example; −0 and +0 share a group', () => {
    const g = tieGroups(Float64Array.from([3, 1, 3]));
    expect(Array.from(g.order)).toEqual([1, 0, 2]);
    expect(Array.from(g.starts)).toEqual([0, 1, 3]);
    expect(Array.from(tieGroups(Float64Array.from([0, -0, 1])).starts)).toEqual([0, 2, 3]);
  });

  it('order equals the stable argsort and groups hold equal values (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 60 }), (xs) => {
        const v = Float64Array.from(xs);
        const g = tieGroups(v);
        expect(Array.from(g.order)).toEqual(Array.from(argsort(v)));
        expect(g.starts.length - 1).toBe(new Set(xs).size);
        for (let k = 0; k + 1 < g.starts.length; k++) {
          const vals = Array.from(g.order.subarray(g.starts[k], g.starts[k + 1]), (i) => xs[i]);
          expect(new Set(vals).size).toBe(1);
        }
        for (const x of [-5, 0, 2, 5]) {
          expect(searchSorted(g.sorted, x, 'left')).toBe(xs.filter((y) => y < x).length);
          expect(searchSorted(g.sorted, x, 'right')).toBe(xs.filter((y) => y <= x).length);
        }
      }),
    );
  });
});
