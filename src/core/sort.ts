/**
 * Float64 helpers for sorting and tie groups. All are O(n log n) or O(n)
 * and allocate only O(n).
 */
import { radixArgsort } from './radix-sort.js';

/**
 * From this many values on, {@link argsort} sorts by radix (the same order, faster for large n). The radix sort's
 * four 2^16-bucket histograms cost about 0.4 ms whatever n, so below a few thousand values the comparator sort wins
 * (`bench/argsort.ts` prints the CPU µs per call of each at n = 256 … 16384);
 * a Cox loss sorts every training batch of 256 rows.
 */
export const RADIX_ARGSORT_MIN = 4096;

/**
 * Indices that sort `values` ascending; stable (ties keep input order; −0 and +0 are equal). Large inputs
 * without NaN go through {@link radixArgsort}, which gives exactly this order.
 */
export function argsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  if (n >= RADIX_ARGSORT_MIN) {
    const f = values instanceof Float64Array ? values : Float64Array.from(values);
    let nan = false;
    for (let i = 0; i < n && !nan; i++) nan = f[i] !== f[i];
    if (!nan) return radixArgsort(f);
  }
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // Typed-array sort with a comparator is stable in V8 (TimSort).
  idx.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  return idx;
}

/** Sorted unique values of `values` (ascending). */
export function uniqueSorted(values: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(values).sort();
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    if (i === 0 || (s[i] as number) !== (s[m - 1] as number)) s[m++] = s[i] as number;
  }
  return s.slice(0, m);
}

/**
 * Number of elements of ascending `sorted` that are < x ('left') or <= x
 * ('right') — numpy's `searchsorted`. survkit's one binary search.
 */
export function searchSorted(sorted: ArrayLike<number>, x: number, side: 'left' | 'right' = 'left'): number {
  let lo = 0;
  let hi = sorted.length;
  if (side === 'left') {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
  }
  return lo;
}
