import { assertChoice } from '../core/assert.js';
import { asLabels, subsetLabels, type LabelsInput } from '../data/labels.js';
import { groupCodes, type GroupInput } from './cox-data.js';
import { logrankIn, sortedLevels, type LogrankOptions } from './logrank.js';

/** p-value adjustments of {@link pairwiseLogrank} (R `p.adjust`). */
export type PAdjustMethod = 'BH' | 'holm' | 'bonferroni' | 'none';

/** One pair of a {@link PairwiseLogrankResult}. */
export interface PairwiseComparison {
  a: number | string;
  b: number | string;
  statistic: number;
  df: number;
  p: number;
  pAdjusted: number;
}

/** Result of {@link pairwiseLogrank}. */
export interface PairwiseLogrankResult {
  comparisons: PairwiseComparison[];
  method: PAdjustMethod;
}

/**
 * Adjusted p-values as R's `p.adjust`: Bonferroni min(1, m·p); Holm's step-down
 * cummax((m − i + 1) p_(i)); Benjamini–Hochberg's step-up cummin(m/i · p_(i)).
 *
 * @example
 * pAdjust([0.01, 0.04, 0.03], 'holm'); // [0.03, 0.06, 0.06]
 */
export function pAdjust(p: readonly number[], method: PAdjustMethod): number[] {
  const m = p.length;
  if (method === 'none' || m === 0) return [...p];
  if (method === 'bonferroni') return p.map((v) => Math.min(1, m * v));
  const out = new Array<number>(m);
  if (method === 'holm') {
    const o = [...p.keys()].sort((i, j) => (p[i] as number) - (p[j] as number));
    let run = 0;
    o.forEach((idx, i) => {
      run = Math.max(run, (m - i) * (p[idx] as number));
      out[idx] = Math.min(1, run);
    });
    return out;
  }
  const o = [...p.keys()].sort((i, j) => (p[j] as number) - (p[i] as number));
  let run = Infinity;
  o.forEach((idx, r) => {
    run = Math.min(run, (m / (m - r)) * (p[idx] as number));
    out[idx] = Math.min(1, run);
  });
  return out;
}

/**
 * Log-rank (or G(ρ, γ)) tests between every pair of groups, each on the
 * subjects of those two groups only, with adjusted p-values — as
 * `survminer::pairwise_survdiff` computes them (survdiff per pair, then
 * `p.adjust` over all pairs). Pairs in the order (level 1, level 2),
 * (1, 3), …, (2, 3), … of the sorted levels.
 *
 * @param labels survival labels `{ time, event }`
 * @param groups the group of each subject
 * @param opts {@link LogrankOptions} plus `method`: 'BH' (default, as survminer), 'holm', 'bonferroni' or 'none'
 * @throws {SurvkitError} as {@link logrank}, and `optionRange` for an unknown method
 * @example
 * const r = pairwiseLogrank({ time: [3, 5, 7, 4, 6, 8, 2, 9, 1], event: [1, 1, 0, 1, 0, 1, 1, 1, 1] }, [1, 1, 1, 2, 2, 2, 3, 3, 3]);
 * r.comparisons.map((c) => c.pAdjusted);
 */
export function pairwiseLogrank(labels: LabelsInput, groups: GroupInput, opts: LogrankOptions & { method?: PAdjustMethod } = {}): PairwiseLogrankResult {
  const fn = 'pairwiseLogrank';
  const method = assertChoice(fn, 'method', opts.method ?? 'BH', ['BH', 'holm', 'bonferroni', 'none'] as const);
  const y = asLabels(fn, 'labels', labels);
  const n = y.time.length;
  const g = groupCodes(fn, 'groups', groups, n);
  const levels = sortedLevels(g.levels);
  const code = g.levels.map((l) => levels.indexOf(l));
  const strata = opts.strata === undefined ? undefined : groupCodes(fn, 'strata', opts.strata, n).codes;
  const pairs: Omit<PairwiseComparison, 'pAdjusted'>[] = [];
  for (let i = 0; i < levels.length; i++) {
    for (let j = i + 1; j < levels.length; j++) {
      const idx: number[] = [];
      for (let s = 0; s < n; s++) {
        const c = code[g.codes[s] as number];
        if (c === i || c === j) idx.push(s);
      }
      const sub: LogrankOptions = { rho: opts.rho ?? 0, gamma: opts.gamma ?? 0 };
      if (strata !== undefined) sub.strata = idx.map((s) => strata[s] as number);
      const r = logrankIn(
        fn,
        subsetLabels(y, idx),
        idx.map((s) => ((code[g.codes[s] as number] as number) === i ? 0 : 1)),
        sub,
      );
      pairs.push({ a: levels[i] as number | string, b: levels[j] as number | string, statistic: r.statistic, df: r.df, p: r.p });
    }
  }
  const adj = pAdjust(
    pairs.map((q) => q.p),
    method,
  );
  return { comparisons: pairs.map((q, k) => ({ ...q, pAdjusted: adj[k] as number })), method };
}
