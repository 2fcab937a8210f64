/**
 * The two O(n log n) sweeps behind {@link countPairs}, plus the per-subject
 * "later member" sweep used by the infinitesimal-jackknife variance.
 * Internal; inputs are validated by the callers.
 */
import { CountTree } from '../core/fenwick.js';
import type { TieGroups } from '../core/tie-groups.js';
import type { PerSubjectCounts } from './concordance-pairs.js';

/** What both sweeps read: time groups, risk groups with tie boundaries. */
export interface SweepInput {
  tg: TieGroups;
  rg: TieGroups;
  event: ArrayLike<number>;
  /** Per distinct risk rank g: ranks below and not tied / not above-and-untied (see tieBoundaries). */
  lower: Int32Array;
  upper: Int32Array;
  weight: Float64Array | undefined;
  per: PerSubjectCounts | undefined;
}

/** Sums over events i (the earlier member of each pair). */
export interface AnchorTotals {
  concordant: number;
  discordant: number;
  tiedRisk: number;
  comparable: number;
  wConcordant: number;
  wDiscordant: number;
  wTiedRisk: number;
  wComparable: number;
  /** Events (2g) and censored subjects (2g + 1) of every time group g. */
  groupCounts: Int32Array;
}

function newTotals(groups: number): AnchorTotals {
  return {
    concordant: 0,
    discordant: 0,
    tiedRisk: 0,
    comparable: 0,
    wConcordant: 0,
    wDiscordant: 0,
    wTiedRisk: 0,
    wComparable: 0,
    groupCounts: new Int32Array(2 * groups),
  };
}

function record(o: AnchorTotals, x: SweepInput, i: number, con: number, tie: number, dis: number, comp: number): void {
  o.concordant += con;
  o.discordant += dis;
  o.tiedRisk += tie;
  o.comparable += comp;
  const wi = x.weight === undefined ? 1 : (x.weight[i] as number);
  if (wi !== 0) {
    o.wConcordant += wi * con;
    o.wDiscordant += wi * dis;
    o.wTiedRisk += wi * tie;
    o.wComparable += wi * comp;
  }
  if (x.per !== undefined) {
    x.per.anchorC[i] = con;
    x.per.anchorD[i] = dis;
    x.per.anchorT[i] = tie;
  }
}

/**
 * Sweep over time groups from the largest time down with a tree over risk
 * ranks: the censored subjects of a group enter before its events are
 * queried, the events after.
 */
export function sweepByTime(x: SweepInput): AnchorTotals {
  const { tg, rg, event, lower, upper } = x;
  const n = event.length;
  const { order, starts } = tg;
  const u = rg.starts.length - 1;
  // a rank is "simple" when its value is unique and has no neighbour within tol:
  // its subject ties with nobody, so neither the tie counts nor the boundaries are needed
  const simple = new Uint8Array(u);
  for (let g = 0; g < u; g++) {
    simple[g] = lower[g] === g && upper[g] === g + 1 && (rg.starts[g + 1] as number) - (rg.starts[g] as number) === 1 ? 1 : 0;
  }
  const plain = x.weight === undefined && x.per === undefined;
  // subjects in time order, so that the sweep reads sequentially
  const ev = new Uint8Array(n);
  const sl = new Int32Array(n);
  const cl = new Uint8Array(n); // 1 = rank in a tie cluster
  for (let p = 0; p < n; p++) {
    const i = order[p] as number;
    const r = rg.group[i] as number;
    ev[p] = (event[i] as number) === 0 ? 0 : 1;
    sl[p] = r;
    cl[p] = 1 - (simple[r] as number);
  }
  const tree = new CountTree(u);
  const cnt = new Int32Array(u); // counts per tie-cluster rank
  const o = newTotals(starts.length - 1);
  let con = 0;
  let tie = 0;
  let comp = 0;
  let inserted = 0;
  const query = (k: number): void => {
    const s = sl[k] as number;
    let pl: number;
    let ph: number;
    if (cl[k] === 0) ph = pl = tree.prefix(s);
    else {
      const lo = lower[s] as number;
      const hi = upper[s] as number;
      pl = tree.prefix(lo);
      ph = pl;
      if (hi - lo <= 4) for (let q = lo; q < hi; q++) ph += cnt[q] as number;
      else ph = tree.prefix(hi);
    }
    if (plain) {
      con += pl;
      tie += ph - pl;
      comp += inserted;
    } else record(o, x, order[k] as number, pl, ph - pl, inserted - ph, inserted);
  };
  const insert = (k: number): void => {
    const s = sl[k] as number;
    tree.add(s);
    if (cl[k] !== 0) cnt[s] = (cnt[s] as number) + 1;
  };
  for (let g = starts.length - 2; g >= 0; g--) {
    const a = starts[g] as number;
    const b = starts[g + 1] as number;
    let c = 0;
    for (let k = a; k < b; k++) {
      if (ev[k] !== 0) continue;
      insert(k);
      c++;
    }
    inserted += c;
    let d = 0;
    for (let k = a; k < b; k++) {
      if (ev[k] === 0) continue;
      query(k);
      d++;
    }
    o.groupCounts[2 * g] = d;
    o.groupCounts[2 * g + 1] = c;
    if (d === 0) continue;
    for (let k = a; k < b; k++) if (ev[k] !== 0) insert(k);
    inserted += d;
  }
  if (plain) addPlain(o, con, tie, comp);
  return o;
}

/** Totals of an unweighted sweep without per-subject output (weights 1). */
function addPlain(o: AnchorTotals, con: number, tie: number, comp: number): void {
  o.concordant = o.wConcordant = con;
  o.tiedRisk = o.wTiedRisk = tie;
  o.comparable = o.wComparable = comp;
  o.discordant = o.wDiscordant = comp - con - tie;
}

/**
 * Sweep over distinct risks ascending with two trees over time keys
 * (2·time group, +1 when censored, so a censored subject ranks after the
 * events at its time): tree A holds the subjects with lower untied risk, tree B
 * those not above-and-untied; an event's comparable partners have keys above
 * its own. Cheaper than {@link sweepByTime} when there are fewer distinct times.
 */
export function sweepByRisk(x: SweepInput): AnchorTotals {
  const { tg, rg, event, lower, upper } = x;
  const n = event.length;
  const ut = tg.starts.length - 1;
  const K = 2 * ut;
  const o = newTotals(ut);
  const perKey = o.groupCounts; // subjects per time key
  // time keys and events in risk order: sequential reads in the sweep
  const rk = new Int32Array(n);
  const rev = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const i = rg.order[p] as number;
    const e = (event[i] as number) === 0 ? 0 : 1;
    const k = 2 * (tg.group[i] as number) + 1 - e;
    rk[p] = k;
    rev[p] = e;
    perKey[k] = (perKey[k] as number) + 1;
  }
  const atLeast = new Float64Array(K + 1); // atLeast[k] = #{subjects with key >= k}
  for (let k = K - 1; k >= 0; k--) atLeast[k] = (perKey[k] as number) + (atLeast[k + 1] as number);
  const treeA = new CountTree(K);
  const treeB = new CountTree(K);
  let pa = 0;
  let pb = 0;
  const u = rg.starts.length - 1;
  const plain = x.weight === undefined && x.per === undefined;
  let con = 0;
  let tie = 0;
  let cmp = 0;
  for (let g = 0; g < u; g++) {
    const endA = rg.starts[lower[g] as number] as number;
    const endB = rg.starts[upper[g] as number] as number;
    for (; pa < endA; pa++) treeA.add(rk[pa] as number);
    for (; pb < endB; pb++) treeB.add(rk[pb] as number);
    for (let p = rg.starts[g] as number; p < (rg.starts[g + 1] as number); p++) {
      if (rev[p] === 0) continue;
      const k0 = (rk[p] as number) + 1;
      const comp = atLeast[k0] as number;
      const a = pa - treeA.prefix(k0);
      const b = pb - treeB.prefix(k0);
      if (plain) {
        con += a;
        tie += b - a;
        cmp += comp;
      } else record(o, x, rg.order[p] as number, a, b - a, comp - b, comp);
    }
  }
  if (plain) addPlain(o, con, tie, cmp);
  return o;
}

/**
 * Counts, for every subject j, the comparable pairs in which j is the later
 * member: events i with T_i < T_j, or T_i = T_j when j is censored. Sweep
 * over time groups ascending with a tree of the events seen so far.
 */
export function countAsLater(x: SweepInput): void {
  const { tg, rg, event, lower, upper } = x;
  const per = x.per as PerSubjectCounts;
  const { order, starts } = tg;
  const slot = rg.group;
  const tree = new CountTree(lower.length);
  let inserted = 0;
  const query = (j: number): void => {
    const sj = slot[j] as number;
    const pl = tree.prefix(lower[sj] as number);
    const ph = tree.prefix(upper[sj] as number);
    per.otherC[j] = inserted - ph; // the earlier event has the higher risk
    per.otherD[j] = pl;
    per.otherT[j] = ph - pl;
  };
  for (let g = 0; g < starts.length - 1; g++) {
    const a = starts[g] as number;
    const b = starts[g + 1] as number;
    for (let k = a; k < b; k++) {
      const j = order[k] as number;
      if ((event[j] as number) !== 0) query(j);
    }
    for (let k = a; k < b; k++) {
      const j = order[k] as number;
      if ((event[j] as number) !== 0) {
        tree.add(slot[j] as number);
        inserted++;
      }
    }
    for (let k = a; k < b; k++) {
      const j = order[k] as number;
      if ((event[j] as number) === 0) query(j);
    }
  }
}
