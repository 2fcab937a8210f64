/**
 * Harrell's C with entry times (left truncation) and strata, in O(n log n):
 * with entry times, an event i at t_i is compared only with the subjects at
 * risk then (entry_j < t_i ≤ T_j), as R `concordance(Surv(entry, time, event) ~ x)`
 * counts; with strata, only pairs within a stratum count (R `strata(s)`).
 */
import { CountTree } from '../core/fenwick.js';
import { argsort, searchSorted } from '../core/sort.js';
import { countPairs, type PairCounts } from './concordance-pairs.js';

type Counts = Pick<PairCounts, 'concordant' | 'discordant' | 'tiedRisk' | 'tiedTime' | 'comparable'>;

/**
 * Pairs that the right-censored count takes as comparable but that were not at risk together:
 * j entered at or after t_i (entry_j ≥ t_i, so T_j > t_i). Sweeps the events by descending time,
 * adding each subject once its entry is ≥ the current time, and counts the added risks below,
 * within and above r_i ± tol.
 */
function lateEntrants(time: Float64Array, event: ArrayLike<number>, risk: Float64Array, entry: Float64Array, tol: number): Counts {
  const n = time.length;
  const sortedRisk = risk.slice().sort();
  const pos = Int32Array.from(risk, (r) => searchSorted(sortedRisk, r, 'left'));
  const byEntry = argsort(entry); // ascending; walked from the end
  const byTime = argsort(time);
  const tree = new CountTree(n);
  let p = n - 1;
  const out: Counts = { concordant: 0, discordant: 0, tiedRisk: 0, tiedTime: 0, comparable: 0 };
  for (let q = n - 1; q >= 0; q--) {
    const i = byTime[q] as number;
    if (event[i] === 0) continue;
    const t = time[i] as number;
    for (; p >= 0 && (entry[byEntry[p] as number] as number) >= t; p--) tree.add(pos[byEntry[p] as number] as number);
    const r = risk[i] as number;
    const below = tree.prefix(searchSorted(sortedRisk, r - tol, 'left'));
    const upTo = tree.prefix(searchSorted(sortedRisk, r + tol, 'right'));
    const total = tree.prefix(n);
    out.concordant += below;
    out.tiedRisk += upTo - below;
    out.discordant += total - upTo;
    out.comparable += total;
  }
  return out;
}

/** Pair counts with optional entry times and strata (validated inputs). */
export function countPairsEntryStrata(
  time: Float64Array,
  event: ArrayLike<number>,
  risk: Float64Array,
  tol: number,
  entry: Float64Array | undefined,
  groups: Int32Array[],
): Counts {
  const sum: Counts = { concordant: 0, discordant: 0, tiedRisk: 0, tiedTime: 0, comparable: 0 };
  for (const idx of groups) {
    const t = Float64Array.from(idx, (i) => time[i] as number);
    const e = Int32Array.from(idx, (i) => event[i] as number);
    const r = Float64Array.from(idx, (i) => risk[i] as number);
    const c = countPairs(t, e, r, tol);
    const late =
      entry === undefined
        ? undefined
        : lateEntrants(
            t,
            e,
            r,
            Float64Array.from(idx, (i) => entry[i] as number),
            tol,
          );
    sum.concordant += c.concordant - (late?.concordant ?? 0);
    sum.discordant += c.discordant - (late?.discordant ?? 0);
    sum.tiedRisk += c.tiedRisk - (late?.tiedRisk ?? 0);
    sum.tiedTime += c.tiedTime;
    sum.comparable += c.comparable - (late?.comparable ?? 0);
  }
  return sum;
}
