/**
 * A Fenwick (binary indexed) tree of int32 counts over positions
 * 0..size−1: add one and prefix count in O(log n), O(n) memory. The sweeps
 * behind the concordance indices count with it.
 */
export class CountTree {
  readonly t: Int32Array;
  constructor(readonly size: number) {
    this.t = new Int32Array(size + 1);
  }

  /** Adds one at position `i` (0-based). */
  add(i: number): void {
    const t = this.t;
    for (let k = i + 1; k <= this.size; k += k & -k) t[k] = (t[k] as number) + 1;
  }

  /** Count at positions 0..i−1 (the first `i` positions). */
  prefix(i: number): number {
    const t = this.t;
    let s = 0;
    for (let k = i; k > 0; k -= k & -k) s += t[k] as number;
    return s;
  }
}

/**
 * The weighted form of {@link CountTree}: float64 sums of case weights over
 * positions 0..size−1 (add a weight, prefix and range sums in O(log n)).
 * Kept apart so that the unweighted concordance sweeps keep their int32
 * counts; the weighted concordance of `stats/coxph` sums with it.
 */
export class WeightTree {
  readonly t: Float64Array;
  constructor(readonly size: number) {
    this.t = new Float64Array(size + 1);
  }

  /** Adds `w` at position `i` (0-based). */
  add(i: number, w: number): void {
    const t = this.t;
    for (let k = i + 1; k <= this.size; k += k & -k) t[k] = (t[k] as number) + w;
  }

  /** Sum over positions 0..i−1. */
  prefix(i: number): number {
    const t = this.t;
    let s = 0;
    for (let k = i; k > 0; k -= k & -k) s += t[k] as number;
    return s;
  }

  /** Sum over positions lo..hi−1. */
  range(lo: number, hi: number): number {
    return hi <= lo ? 0 : this.prefix(hi) - this.prefix(lo);
  }
}
