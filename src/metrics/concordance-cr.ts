import { survkitError } from '../core/errors.js';
import { WeightTree } from '../core/fenwick.js';
import { argsort } from '../core/sort.js';
import type { LabelsInput } from '../data/labels.js';
import type { CifCurves } from '../estimators/cif-curves.js';
import { causeInputs, type CauseMetricOptions } from './cr-common.js';

/** Result of {@link concordanceIndexCr}. */
export interface ConcordanceCrResult {
  cause: number;
  times: Float64Array;
  /** C_k(τ) at each evaluation time τ. */
  cIndex: Float64Array;
  /** Weighted comparable pairs at each time (the denominator). */
  weightedPairs: Float64Array;
}

/**
 * Time-dependent concordance for competing risks (Wolbers et al. 2009, 2014), as R `pec::cindex(..., cause = k)`
 * computes it with the marginal Kaplan–Meier censoring model. At an evaluation time τ, with F_i = F̂_k,i(τ) the
 * predicted cumulative incidence of cause k, a subject i with a cause-k event at T_i <= τ forms
 *
 * - type A pairs with every j with T_j > T_i, or T_j = T_i and j censored, weighted 1/(Ĝ(T_i−) Ĝ(T_i));
 * - type B pairs with every j with an event of another cause at T_j <= T_i, weighted 1/(Ĝ(T_i−) Ĝ(T_j−));
 *
 * concordant when F_i > F_j, half when F_i = F_j. C_k(τ) = Σ concordant weights / Σ pair weights.
 * Ĝ is the reverse Kaplan–Meier of the evaluated labels (events before censorings in ties, prodlim's
 * `reverse = TRUE`). O(n log n) per time, no n × n matrix.
 *
 * @param labels n subjects, event codes 0 = censored, 1..K = cause
 * @param cif predicted CIF of cause k, one row per subject ({@link CifCurves}, read as steps at each τ)
 * @param opts `cause` (default 1), `times` (strictly ascending, >= 0)
 * @returns C_k(τ) per time
 * @throws {SurvkitError} on bad inputs, a cause without events, no cause-k event at or before a time
 *   (`noCauseEvents`), no comparable pair, or Ĝ = 0 where a weight is needed
 * @example
 * const F = CifCurves.fromRows([5], [[0.6], [0.1], [0.3], [0.2]]);
 * concordanceIndexCr({ time: [1, 4, 2, 6], event: [1, 0, 2, 1] }, F, { cause: 1, times: [5] }).cIndex[0]; // 1
 * @see Wolbers, Koller, Witteman & Steyerberg (2009), Epidemiology 20:555–561; Wolbers et al. (2014), Scand J Stat 41:1–17
 */
export function concordanceIndexCr(labels: LabelsInput, cif: CifCurves, opts: CauseMetricOptions): ConcordanceCrResult {
  const fn = 'concordanceIndexCr';
  const { y, cause, times, G } = causeInputs(fn, labels, cif, opts);
  const n = y.time.length;
  const order = argsort(y.time); // ascending, stable
  const cIndex = new Float64Array(times.length);
  const weightedPairs = new Float64Array(times.length);
  times.forEach((tau, s) => {
    const f = cif.column(tau);
    const { rank, size } = ranks(f);
    let conc = 0;
    let pairs = 0;
    let cases = 0;
    // type A: sweep descending time; censored at T_i join before the cases at T_i are scored
    const a = new WeightTree(size);
    for (let hi = n; hi > 0;) {
      const t = y.time[order[hi - 1] as number] as number;
      let lo = hi;
      while (lo > 0 && y.time[order[lo - 1] as number] === t) lo--;
      for (let q = lo; q < hi; q++) if (y.event[order[q] as number] === 0) a.add(rank[order[q] as number] as number, 1);
      if (t <= tau) {
        for (let q = lo; q < hi; q++) {
          const i = order[q] as number;
          if (y.event[i] !== cause) continue;
          cases++;
          const w = G.eventWeight(t) * G.timeWeight(t);
          const r = rank[i] as number;
          const less = a.prefix(r);
          const eq = a.prefix(r + 1) - less;
          conc += w * (less + eq / 2);
          pairs += w * a.prefix(size);
        }
      }
      for (let q = lo; q < hi; q++) if (y.event[order[q] as number] !== 0) a.add(rank[order[q] as number] as number, 1);
      hi = lo;
    }
    // type B: sweep ascending time; other-cause events at T_i join before the cases at T_i are scored
    const b = new WeightTree(size);
    for (let lo = 0; lo < n;) {
      const t = y.time[order[lo] as number] as number;
      if (t > tau) break;
      let hi = lo;
      while (hi < n && y.time[order[hi] as number] === t) hi++;
      for (let q = lo; q < hi; q++) {
        const j = order[q] as number;
        const e = y.event[j] as number;
        if (e !== 0 && e !== cause) b.add(rank[j] as number, G.eventWeight(t));
      }
      for (let q = lo; q < hi; q++) {
        const i = order[q] as number;
        if (y.event[i] !== cause) continue;
        const w = G.eventWeight(t);
        const r = rank[i] as number;
        const less = b.prefix(r);
        const eq = b.prefix(r + 1) - less;
        conc += w * (less + eq / 2);
        pairs += w * b.prefix(size);
      }
      lo = hi;
    }
    if (cases === 0) throw survkitError('noCauseEvents', fn, 'labels', cause, tau);
    if (!(pairs > 0)) throw survkitError('noComparablePairs', fn);
    cIndex[s] = conc / pairs;
    weightedPairs[s] = pairs;
  });
  return { cause, times, cIndex, weightedPairs };
}

/** Dense ranks 0..size−1 of the values (equal values share a rank). */
export function ranks(x: Float64Array): { rank: Int32Array; size: number } {
  const o = argsort(x);
  const rank = new Int32Array(x.length);
  let r = -1;
  let prev = NaN;
  for (const i of o) {
    const v = x[i] as number;
    if (v !== prev) {
      r++;
      prev = v;
    }
    rank[i] = r;
  }
  return { rank, size: r + 1 };
}
