import { WeightTree } from '../core/fenwick.js';
import type { CoxData } from './cox-data.js';

/** Weighted pair counts of {@link weightedConcordance}. */
export interface WeightedConcordance {
  /** (concordant + tied / 2) / (concordant + discordant + tied). */
  concordance: number;
  concordant: number;
  discordant: number;
  tied: number;
}

/**
 * Harrell's concordance of a linear predictor as R survival's `coxph` reports
 * it (`concordancefit(y, lp, strata, weights, reverse = TRUE)`, timewt "n"):
 * within each stratum, a death i is compared with every subject j still at risk
 * after it (T_j > T_i, or censored at T_i), the pair counting w_i·w_j;
 * concordant when η_i > η_j, tied (½) when η_i = η_j exactly; deaths at the same
 * time are not compared. O(n log n): one Fenwick sweep per stratum.
 *
 * `lp` is in the sorted order of `data`.
 */
export function weightedConcordance(data: CoxData, lp: Float64Array): WeightedConcordance {
  const { time, event, weight } = data;
  let conc = 0;
  let disc = 0;
  let tied = 0;
  let start = 0;
  for (const end of data.stratumEnd) {
    const values = Float64Array.from(lp.subarray(start, end)).sort();
    const distinct: number[] = [];
    for (const v of values) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
    const rank = (v: number): number => {
      let lo = 0;
      let hi = distinct.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((distinct[mid] as number) < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const tree = new WeightTree(distinct.length);
    let i = end - 1;
    while (i >= start) {
      const t = time[i] as number;
      let j = i;
      while (j >= start && time[j] === t) j--;
      // censored at t are at risk for the deaths at t: add them first
      for (let k = i; k > j; k--) if (event[k] === 0) tree.add(rank(lp[k] as number), weight[k] as number);
      for (let k = i; k > j; k--) {
        if (event[k] === 0) continue;
        const r = rank(lp[k] as number);
        const w = weight[k] as number;
        const below = tree.prefix(r);
        const at = tree.range(r, r + 1);
        const total = tree.prefix(distinct.length);
        conc += w * below;
        tied += w * at;
        disc += w * (total - below - at);
      }
      for (let k = i; k > j; k--) if (event[k] === 1) tree.add(rank(lp[k] as number), weight[k] as number);
      i = j;
    }
    start = end;
  }
  const comparable = conc + disc + tied;
  return { concordance: (conc + tied / 2) / comparable, concordant: conc, discordant: disc, tied };
}
