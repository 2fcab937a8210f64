/**
 * A Fenwick (binary indexed) tree of float64 weights over positions
 * 0..n-1: point add and prefix sum in O(log n), O(n) memory.
 */
export class FenwickTree {
  private readonly tree: Float64Array;
  constructor(readonly size: number) {
    this.tree = new Float64Array(size + 1);
  }

  /** Adds `w` at position `i` (0-based). */
  add(i: number, w: number): void {
    const t = this.tree;
    for (let k = i + 1; k <= this.size; k += k & -k) t[k] = (t[k] as number) + w;
  }

  /** Sum of the weights at positions 0..i-1 (the first `i` positions). */
  prefix(i: number): number {
    const t = this.tree;
    let s = 0;
    for (let k = i; k > 0; k -= k & -k) s += t[k] as number;
    return s;
  }

  /** Sum of the weights at positions lo..hi-1. */
  range(lo: number, hi: number): number {
    return hi <= lo ? 0 : this.prefix(hi) - this.prefix(lo);
  }

  /** Clears every weight. */
  clear(): void {
    this.tree.fill(0);
  }
}
