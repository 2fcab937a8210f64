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
