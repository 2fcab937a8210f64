/**
 * Internal engine of the risk-score concordance metrics (Harrell, Uno,
 * confidence intervals): counts comparable pairs by risk relation in
 * O(n log n) time and O(n) memory: radix-sorted time groups and risk ranks,
 * tie boundaries by two pointers, then one Fenwick sweep — over time with a
 * tree on risk ranks, or over risk with trees on time keys, whichever has
 * fewer distinct values to index (concordance-sweeps.ts).
 *
 * Pairs (i, j) are comparable when δ_i = 1 and T_i < T_j, or δ_i = 1,
 * δ_j = 0 and T_i = T_j (scikit-survival / R survival / lifelines rule).
 * Risks are tied when |r_j − r_i| <= tol, the exact predicate of
 * scikit-survival; concordant when r_j < r_i and not tied.
 *
 * Inputs are validated by the callers; nothing here checks them.
 */
import { tieGroups, type TieGroups } from '../core/tie-groups.js';
import { countAsLater, sweepByRisk, sweepByTime, type SweepInput } from './concordance-sweeps.js';

/** Raw pair counts (unweighted) and, with anchor weights, weighted sums. */
export interface PairCounts {
  concordant: number;
  discordant: number;
  tiedRisk: number;
  /** scikit-survival's `tied_time`: Σ over events of the censored subjects at the same time. */
  tiedTime: number;
  comparable: number;
  /** Event–event pairs with equal times (R `tied.y` + `tied.xy`); not comparable. */
  tiedEventPairs: number;
  /** Σ_i w_i·concordant_i etc. over events i (all 1 without weights). */
  wConcordant: number;
  wDiscordant: number;
  wTiedRisk: number;
  wComparable: number;
}

/** Per-subject counts: as the earlier event ("anchor") and as the later subject. */
export interface PerSubjectCounts {
  anchorC: Float64Array;
  anchorD: Float64Array;
  anchorT: Float64Array;
  otherC: Float64Array;
  otherD: Float64Array;
  otherT: Float64Array;
}

/**
 * Tie-aware boundaries on the distinct sorted risks `uv`: for rank g,
 * `lower[g]` = number of distinct values below uv[g] and not tied with it,
 * `upper[g]` = number of distinct values that are not (above uv[g] and not
 * tied). Both are monotone in g, so two pointers find them in O(u).
 */
export function tieBoundaries(uv: Float64Array, tol: number): { lower: Int32Array; upper: Int32Array } {
  const u = uv.length;
  const lower = new Int32Array(u);
  const upper = new Int32Array(u);
  let lo = 0;
  let hi = 0;
  for (let g = 0; g < u; g++) {
    const x = uv[g] as number;
    while (lo < u && (uv[lo] as number) < x && Math.abs((uv[lo] as number) - x) > tol) lo++;
    if (hi < g) hi = g;
    while (hi < u && !((uv[hi] as number) > x && Math.abs((uv[hi] as number) - x) > tol)) hi++;
    lower[g] = lo;
    upper[g] = hi;
  }
  return { lower, upper };
}

export interface CountPairsOptions {
  /** Weight of each subject when it is the event of a pair (Uno: 1/G²). */
  weight?: Float64Array;
  /** Also return per-subject counts: as the event only (`'anchor'`), or in both roles (`'both'`; one more sweep). */
  perSubject?: 'anchor' | 'both';
  /** Precomputed time groups of `time`. */
  groups?: TieGroups;
  /** Force one sweep (tests); default: over risk when there are fewer distinct times than risks. */
  sweep?: 'time' | 'risk';
}

/** Counts the comparable pairs of validated inputs (see the file header). */
export function countPairs(
  time: Float64Array,
  event: ArrayLike<number>,
  risk: Float64Array,
  tol: number,
  opts: CountPairsOptions = {},
): PairCounts & { perSubject?: PerSubjectCounts } {
  const n = time.length;
  const tg = opts.groups ?? tieGroups(time);
  const rg = tieGroups(risk);
  const u = rg.starts.length - 1;
  const uv = new Float64Array(u);
  for (let g = 0; g < u; g++) uv[g] = rg.sorted[rg.starts[g] as number] as number;
  const { lower, upper } = tieBoundaries(uv, tol);
  const per = opts.perSubject === undefined ? undefined : newPerSubject(n);
  const x: SweepInput = { tg, rg, event, lower, upper, weight: opts.weight, per };
  const sweep = opts.sweep ?? (tg.starts.length < rg.starts.length ? 'risk' : 'time');
  const o = sweep === 'risk' ? sweepByRisk(x) : sweepByTime(x);
  // tie counts on time from the per-group event / censored counts
  const gc = o.groupCounts;
  let tiedTime = 0;
  let tiedEventPairs = 0;
  for (let g = 0; 2 * g < gc.length; g++) {
    const d = gc[2 * g] as number;
    tiedTime += d * (gc[2 * g + 1] as number);
    tiedEventPairs += (d * (d - 1)) / 2;
  }
  if (per !== undefined && opts.perSubject === 'both') countAsLater(x);
  const out: PairCounts = {
    concordant: o.concordant,
    discordant: o.discordant,
    tiedRisk: o.tiedRisk,
    comparable: o.comparable,
    wConcordant: o.wConcordant,
    wDiscordant: o.wDiscordant,
    wTiedRisk: o.wTiedRisk,
    wComparable: o.wComparable,
    tiedTime,
    tiedEventPairs,
  };
  return per === undefined ? out : { ...out, perSubject: per };
}

function newPerSubject(n: number): PerSubjectCounts {
  const z = (): Float64Array => new Float64Array(n);
  return { anchorC: z(), anchorD: z(), anchorT: z(), otherC: z(), otherD: z(), otherT: z() };
}
