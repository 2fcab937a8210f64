import { survkitError } from '../core/errors.js';
import { normalUpperTail } from '../core/normal-tail.js';
import type { LabelsInput } from '../data/labels.js';
import type { GroupInput } from './cox-data.js';
import { logrankIn, type LogrankOptions } from './logrank.js';

/** Options of {@link logrankTrend}: the weights and strata of {@link logrank}, and the group scores. */
export interface LogrankTrendOptions extends LogrankOptions {
  /** One score per group in sorted level order (numbers ascending, then strings); default 1, 2, …, k. */
  scores?: readonly number[];
}

/** Result of {@link logrankTrend}. */
export interface LogrankTrendResult {
  /** Groups in sorted order with their scores. */
  groups: { group: number | string; score: number; observed: number; expected: number }[];
  /** U = Σ_g c_g (O_g − E_g) (survMisc's `Q` has the opposite sign). */
  statistic: number;
  /** Var(U) = cᵀ V c. */
  variance: number;
  /** z = U / √Var(U); positive when groups with higher scores have more events than expected. */
  z: number;
  /** χ² = z² on 1 df. */
  chisq: number;
  df: 1;
  /** Two-sided p-value, P(χ²₁ > z²). */
  p: number;
  rho: number;
  gamma: number;
}

/**
 * The log-rank test for trend across ordered groups (Collett 2015, §2.7;
 * Klein & Moeschberger 2003, §7.4): with scores c_g, the (weighted) observed
 * and expected numbers of events O_g, E_g and their variance matrix V of
 * {@link logrank} (Fleming–Harrington G(ρ, γ) weights, summed over strata),
 *
 *   U = Σ_g c_g (O_g − E_g),  Var U = cᵀ V c,  χ² = U² / Var U on 1 df.
 *
 * Equal to survMisc's `comp(ten(fit), scores = c)` trend tests (`tft`, rows "1" and "FH_p=ρ_q=γ";
 * survMisc's Q is −U). One degree of freedom instead of k − 1: more power
 * when the hazard changes monotonically with the score.
 *
 * @param labels survival labels `{ time, event }` (event 0/1)
 * @param groups the group of each subject; at least two groups
 * @param opts `scores` (default 1..k in sorted level order), `rho`, `gamma`, `strata`
 * @returns {@link LogrankTrendResult}
 * @throws {SurvkitError} as {@link logrank}; `trendScores` for scores of the wrong length, not finite, or all equal
 * @example
 * const r = logrankTrend({ time: [3, 5, 7, 9, 4, 6, 8, 10, 2, 4], event: [1, 1, 0, 1, 1, 0, 1, 1, 1, 1] }, [1, 1, 1, 2, 2, 2, 3, 3, 3, 3]);
 * r.p; // p-value of the trend across groups 1 < 2 < 3
 * @see Collett (2015), Modelling Survival Data in Medical Research, 3rd ed., §2.7; Klein & Moeschberger (2003), §7.4
 */
export function logrankTrend(labels: LabelsInput, groups: GroupInput, opts: LogrankTrendOptions = {}): LogrankTrendResult {
  const fn = 'logrankTrend';
  const r = logrankIn(fn, labels, groups, opts);
  const k = r.groups.length;
  const scores = opts.scores ?? Array.from({ length: k }, (_, i) => i + 1);
  if (
    !Array.isArray(scores) ||
    scores.length !== k ||
    !scores.every((s) => typeof s === 'number' && Number.isFinite(s)) ||
    scores.every((s) => s === scores[0])
  )
    throw survkitError('trendScores', fn, 'scores', k, opts.scores);
  let u = 0;
  let v = 0;
  for (let a = 0; a < k; a++) {
    const g = r.groups[a] as (typeof r.groups)[number];
    u += (scores[a] as number) * (g.observed - g.expected);
    for (let b = 0; b < k; b++) v += (scores[a] as number) * (r.variance[a]?.[b] as number) * (scores[b] as number);
  }
  // no event time with two groups at risk: nothing to compare
  if (!(v > 0)) throw survkitError('logrankGroups', fn, 'groups', 1);
  const z = u / Math.sqrt(v);
  const chisq = (u * u) / v;
  return {
    groups: r.groups.map((g, a) => ({ group: g.group, score: scores[a] as number, observed: g.observed, expected: g.expected })),
    statistic: u,
    variance: v,
    z,
    chisq,
    df: 1,
    p: Math.min(1, 2 * normalUpperTail(Math.abs(z))),
    rho: r.rho,
    gamma: r.gamma,
  };
}
