/**
 * The O(m·n log n) sweep behind {@link concordanceTd} (internal; inputs are
 * validated by the caller). For every grid column k that holds event times,
 * the subjects from the first event time read on k onwards are ranked by
 * Ŝ_j(t_k) (radix sort) and swept from the largest time down with a Fenwick
 * tree of counts over those ranks, so each event i compares s_i = Ŝ_i(t_k)
 * with the Ŝ_j(t_k) of its comparable partners.
 */
import { tieGroups } from '../core/tie-groups.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import { CountTree } from '../core/fenwick.js';

/** Concordant (with ½ credits for 'adjAntolini') and comparable ordered pairs. */
export function tdCounts(curves: SurvivalCurves, time: Float64Array, event: Int32Array, adjusted: boolean): { concordant: number; comparable: number } {
  const n = time.length;
  const { m, values } = curves;
  const { order, starts } = tieGroups(time);
  const nGroups = starts.length - 1;
  const ev = new Uint8Array(n); // events in time order
  for (let p = 0; p < n; p++) ev[p] = (event[order[p] as number] as number) === 0 ? 0 : 1;
  // grid column of each time group that holds events (pycox clips −1 to 0), −1 otherwise
  const col = new Int32Array(nGroups).fill(-1);
  for (let g = 0; g < nGroups; g++) {
    for (let p = starts[g] as number; p < (starts[g + 1] as number); p++) {
      if (ev[p] === 1) {
        col[g] = Math.max(0, curves.indexAt(time[order[p] as number] as number));
        break;
      }
    }
  }
  const s: Scratch = { buf: new Float64Array(n), grA: new Int32Array(n), eqA: new Int32Array(n), eqB: new Int32Array(n) };
  let concordant = 0;
  let comparable = 0;
  let prevK = -1;
  for (let g0 = 0; g0 < nGroups; g0++) {
    const k = col[g0] as number;
    if (k < 0 || k === prevK) continue; // columns are non-decreasing in time
    prevK = k;
    const first = starts[g0] as number;
    for (let p = first; p < n; p++) s.buf[p - first] = values[(order[p] as number) * m + k] as number;
    const vg = tieGroups(s.buf.subarray(0, n - first));
    const col0: Column = { rank: vg.group, first, tree: new CountTree(vg.starts.length - 1), cnt: new Int32Array(vg.starts.length - 1), inserted: 0 };
    for (let g = nGroups - 1; g >= g0; g--) {
      const a = starts[g] as number;
      const b = starts[g + 1] as number;
      if (col[g] !== k) {
        for (let p = a; p < b; p++) insert(col0, p);
        continue;
      }
      const r = scoreGroup(col0, ev, a, b, adjusted, s);
      concordant += r.concordant;
      comparable += r.comparable;
    }
  }
  return { concordant, comparable };
}

interface Scratch {
  buf: Float64Array;
  grA: Int32Array;
  eqA: Int32Array;
  eqB: Int32Array;
}

/** The tree over the ranks of one column; positions p are in time order. */
interface Column {
  rank: Int32Array;
  first: number;
  tree: CountTree;
  cnt: Int32Array;
  inserted: number;
}

function insert(c: Column, p: number): void {
  const r = c.rank[p - c.first] as number;
  c.tree.add(r);
  c.cnt[r] = (c.cnt[r] as number) + 1;
  c.inserted++;
}

/** Subjects in the tree with a value below / equal to subject p's. */
function below(c: Column, p: number): number {
  return c.tree.prefix(c.rank[p - c.first] as number);
}
function equal(c: Column, p: number): number {
  return c.cnt[c.rank[p - c.first] as number] as number;
}

/** Scores the events of one time group [a, b) against the tree, then inserts the group. */
function scoreGroup(c: Column, ev: Uint8Array, a: number, b: number, adjusted: boolean, s: Scratch): { concordant: number; comparable: number } {
  let concordant = 0;
  let comparable = 0;
  const before = c.inserted; // state A: only later times
  if (adjusted) {
    for (let p = a; p < b; p++) {
      if (ev[p] === 0) continue;
      const eq = equal(c, p);
      s.grA[p] = before - below(c, p) - eq;
      s.eqA[p] = eq;
    }
  }
  for (let p = a; p < b; p++) if (ev[p] === 0) insert(c, p); // state B: + censored at this time
  let d = 0;
  for (let p = a; p < b; p++) {
    if (ev[p] === 0) continue;
    d++;
    const eq = equal(c, p);
    const greater = c.inserted - below(c, p) - eq;
    if (!adjusted) {
      concordant += greater; // strict S_i(T_i) < S_j(T_i)
      comparable += c.inserted;
      continue;
    }
    // later subjects once; equal-time censored in both orders (twice)
    concordant += 2 * (greater + 0.5 * eq) - ((s.grA[p] as number) + 0.5 * (s.eqA[p] as number));
    comparable += 2 * c.inserted - before;
    s.eqB[p] = eq;
  }
  // equal-time event pairs (adjusted: both orders, 1 if S equal else ½), then insert the events
  let equalPairs = 0;
  for (let p = a; p < b; p++) {
    if (ev[p] === 0) continue;
    if (adjusted && d > 1) equalPairs += equal(c, p) - (s.eqB[p] as number);
    insert(c, p);
  }
  if (adjusted) {
    concordant += 0.5 * d * (d - 1) + equalPairs;
    comparable += d * (d - 1);
  }
  return { concordant, comparable };
}
