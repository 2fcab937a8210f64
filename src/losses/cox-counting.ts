/**
 * Float64 Cox negative partial log-likelihood with strata and left truncation
 * (counting-process data (entry, exit]), and its exact gradient, on the host in
 * O(n log n). Used by {@link coxPhLoss} when `strata` or `entry` is given.
 */
import { argsort, searchSorted } from '../core/sort.js';
import { coxExactNll, coxRiskSets, type CoxTies, type CoxValueGrad } from './cox-partial-likelihood.js';

/**
 * One stratum with entry times: risk set R_k = {j: entry_j < t_k ≤ T_j}. With w_j = e^{g_j − c}
 * (c the stratum's largest log-risk), S_k = Σ_{T_j ≥ t_k} w_j − Σ_{entry_j ≥ t_k} w_j, and
 * a_k = Σ_r 1/(S_k − (r/m_k)H_k), b_k = Σ_r (r/m_k)/(S_k − (r/m_k)H_k) (Breslow: r = 0 only):
 * value = −Σ_k [Σ_{H_k} g − Σ_r log(S_k − (r/m_k)H_k) − m_k c],
 * ∂/∂g_j = w_j Σ_{k: entry_j < t_k ≤ T_j} a_k − d_j (1 + w_j b_{k(j)}).
 */
function truncatedNll(time: Float64Array, entry: Float64Array, event: Int32Array, g: ArrayLike<number>, ties: CoxTies, out: Float64Array): number {
  const n = time.length;
  let c = -Infinity;
  for (let i = 0; i < n; i++) c = Math.max(c, g[i] as number);
  const w = Float64Array.from({ length: n }, (_, i) => Math.exp((g[i] as number) - c));
  // suffix sums over exits and entries sorted ascending
  const byExit = argsort(time);
  const exits = Float64Array.from(byExit, (i) => time[i] as number);
  const exitSuffix = new Float64Array(n + 1);
  for (let p = n - 1; p >= 0; p--) exitSuffix[p] = (exitSuffix[p + 1] as number) + (w[byExit[p] as number] as number);
  const byEntry = argsort(entry);
  const entries = Float64Array.from(byEntry, (i) => entry[i] as number);
  const entrySuffix = new Float64Array(n + 1);
  for (let p = n - 1; p >= 0; p--) entrySuffix[p] = (entrySuffix[p + 1] as number) + (w[byEntry[p] as number] as number);
  // distinct event times, ascending
  const evTimes = [
    ...new Set(
      Array.from({ length: n }, (_, i) => i)
        .filter((i) => event[i] !== 0)
        .map((i) => time[i] as number),
    ),
  ].sort((a, b) => a - b);
  const K = evTimes.length;
  const a = new Float64Array(K);
  const b = new Float64Array(K);
  let value = 0;
  for (let k = 0; k < K; k++) {
    const t = evTimes[k] as number;
    const S = (exitSuffix[searchSorted(exits, t, 'left')] as number) - (entrySuffix[searchSorted(entries, t, 'left')] as number);
    let m = 0;
    let H = 0;
    for (let p = searchSorted(exits, t, 'left'); p < n && exits[p] === t; p++) {
      const i = byExit[p] as number;
      if (event[i] === 0) continue;
      m++;
      H += w[i] as number;
      value -= g[i] as number;
    }
    for (let r = 0; r < m; r++) {
      const f = ties === 'efron' ? r / m : 0;
      const q = S - f * H;
      value += Math.log(q) + c;
      a[k] = (a[k] as number) + 1 / q;
      b[k] = (b[k] as number) + f / q;
    }
  }
  const prefix = new Float64Array(K + 1); // prefix[k] = Σ_{l<k} a_l
  for (let k = 0; k < K; k++) prefix[k + 1] = (prefix[k] as number) + (a[k] as number);
  for (let j = 0; j < n; j++) {
    // k with entry_j < t_k ≤ T_j
    const hi = searchSorted(evTimes, time[j] as number, 'right');
    const lo = searchSorted(evTimes, entry[j] as number, 'right');
    let gr = (w[j] as number) * ((prefix[hi] as number) - (prefix[lo] as number));
    if (event[j] !== 0) gr -= 1 + (w[j] as number) * (b[hi - 1] as number);
    out[j] = gr;
  }
  return value;
}

/**
 * Stratified (and optionally left-truncated) Cox negative log partial likelihood, summed over strata:
 * each stratum's risk sets hold only its own subjects; with `entry`, subject j is at risk at t when
 * entry_j < t ≤ T_j (R `Surv(entry, exit, event)`). Without `entry`, each stratum uses the exact
 * tie-grouped computation of {@link coxExactNll} (stable for log-risks of ±1e4); with `entry`, the
 * risk sums are differences of suffix sums scaled by the stratum's largest log-risk (float64; exact
 * while the log-risks of one stratum span less than about 700).
 */
export function coxStratifiedNll(
  time: Float64Array,
  event: Int32Array,
  g: ArrayLike<number>,
  ties: CoxTies,
  groups: Int32Array[],
  entry: Float64Array | undefined,
): CoxValueGrad {
  const gradient = new Float64Array(time.length);
  let value = 0;
  for (const idx of groups) {
    const t = Float64Array.from(idx, (i) => time[i] as number);
    const e = Int32Array.from(idx, (i) => event[i] as number);
    const gs = Float64Array.from(idx, (i) => g[i] as number);
    if (!e.some((v) => v !== 0)) continue; // a stratum without events adds nothing
    let grad: Float64Array;
    if (entry === undefined) {
      const r = coxExactNll(coxRiskSets(t, e), gs, ties);
      value += r.value;
      grad = r.gradient;
    } else {
      grad = new Float64Array(idx.length);
      value += truncatedNll(
        t,
        Float64Array.from(idx, (i) => entry[i] as number),
        e,
        gs,
        ties,
        grad,
      );
    }
    idx.forEach((i, p) => (gradient[i] = grad[p] as number));
  }
  return { value, gradient };
}
