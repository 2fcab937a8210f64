import { radixArgsort } from './radix-sort.js';

/**
 * Grouping of equal float64 values in O(n) time and memory (radix argsort,
 * then one scan).
 */

/** Subjects grouped by equal value, ascending. */
export interface TieGroups {
  /** Subject indices, ascending by value; stable (equal values keep input order). */
  readonly order: Int32Array;
  /** Group g is `order[starts[g] .. starts[g + 1])`; `starts.length` = groups + 1. */
  readonly starts: Int32Array;
  /** The values sorted ascending (one entry per subject; −0 read as +0). */
  readonly sorted: Float64Array;
  /** Group (dense rank among the distinct values, 0-based) of every subject. */
  readonly group: Int32Array;
}

/**
 * Groups the indices of `values` (finite, no NaN) by equal value, ascending.
 * −0 and +0 fall in one group.
 *
 * @example
 * const g = tieGroups(Float64Array.from([3, 1, 3]));
 * Array.from(g.order); // [1, 0, 2]
 * Array.from(g.starts); // [0, 1, 3]
 */
export function tieGroups(values: Float64Array): TieGroups {
  const n = values.length;
  const order = radixArgsort(values);
  const sorted = new Float64Array(n);
  for (let p = 0; p < n; p++) sorted[p] = (values[order[p] as number] as number) + 0;
  const starts = new Int32Array(n + 1);
  const group = new Int32Array(n);
  let g = -1;
  for (let p = 0; p < n; p++) {
    if (p === 0 || (sorted[p] as number) !== (sorted[p - 1] as number)) starts[++g] = p;
    group[order[p] as number] = g;
  }
  starts[g + 1] = n;
  return { order, starts: starts.slice(0, g + 2), sorted, group };
}
