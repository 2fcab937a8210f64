/**
 * Float64 Cox negative partial log-likelihood and its exact gradient,
 * computed on the host in O(n log n). {@link coxPhLoss} wraps this in a
 * `tf.customGrad`; it is exported as the float64 reference of that loss.
 */
import { argsort } from '../core/sort.js';

/** How tied event times enter the partial likelihood. */
export type CoxTies = 'efron' | 'breslow';
/** `'exact'`: true risk sets with tie handling; `'pycox'`: pycox's `cox_ph_loss`. */
export type CoxConvention = 'exact' | 'pycox';

/** The risk-set structure of one batch: sorted order and tie groups (independent of the log-risks). */
export interface CoxRiskSets {
  readonly n: number;
  /** Subjects sorted by ascending time (stable). */
  readonly order: Int32Array;
  /** Start of each unique-time group in `order`, plus `n` at the end. */
  readonly groupStart: Int32Array;
  readonly event: Int32Array;
  readonly nEvents: number;
}

/** Sorts once and finds the groups of equal times. */
export function coxRiskSets(time: Float64Array, event: Int32Array): CoxRiskSets {
  const n = time.length;
  const order = argsort(time);
  const starts: number[] = [];
  for (let p = 0; p < n; p++) {
    if (p === 0 || time[order[p] as number] !== time[order[p - 1] as number]) starts.push(p);
  }
  starts.push(n);
  let nEvents = 0;
  for (let i = 0; i < n; i++) if (event[i] !== 0) nEvents++;
  return { n, order, groupStart: Int32Array.from(starts), event, nEvents };
}

/** Value (negative log partial likelihood, summed) and its gradient with respect to each log-risk. */
export interface CoxValueGrad {
  value: number;
  gradient: Float64Array;
}

/**
 * Exact Cox negative log partial likelihood with Breslow or Efron ties:
 *
 * Breslow: −Σ_k [Σ_{i∈H_k} g_i − m_k log Σ_{j∈R_k} e^{g_j}]
 * Efron:   −Σ_k [Σ_{i∈H_k} g_i − Σ_{r=0}^{m_k−1} log(Σ_{j∈R_k} e^{g_j} − (r/m_k) Σ_{i∈H_k} e^{g_i})]
 *
 * with H_k the m_k events at the k-th distinct event time t_k and R_k = {j: T_j ≥ t_k}.
 * Every log-sum-exp subtracts its own running maximum, so log-risks of ±1e4 are exact.
 */
export function coxExactNll(sets: CoxRiskSets, g: ArrayLike<number>, ties: CoxTies): CoxValueGrad {
  const { n, order, groupStart, event } = sets;
  const nGroups = groupStart.length - 1;
  const logRisk = new Float64Array(nGroups); // log Σ_{R_k} e^g, per group
  // Reverse pass: online log-sum-exp over the suffix (risk set) of each group.
  let m = -Infinity;
  let s = 0;
  for (let k = nGroups - 1; k >= 0; k--) {
    for (let p = (groupStart[k + 1] as number) - 1; p >= (groupStart[k] as number); p--) {
      const v = g[order[p] as number] as number;
      if (v > m) {
        s = s * Math.exp(m - v) + 1;
        m = v;
      } else s += Math.exp(v - m);
    }
    logRisk[k] = m + Math.log(s);
  }
  const gradient = new Float64Array(n);
  let value = 0;
  // Ascending pass: running log Σ_{k: t_k ≤ T_j} a_k e^{−L_k}, with a_k = Σ_r 1/(1 − (r/m_k)ρ_k).
  let bm = -Infinity;
  let bs = 0;
  for (let k = 0; k < nGroups; k++) {
    const lo = groupStart[k] as number;
    const hi = groupStart[k + 1] as number;
    const L = logRisk[k] as number;
    let mk = 0;
    let am = -Infinity;
    let as = 0;
    for (let p = lo; p < hi; p++) {
      const i = order[p] as number;
      if (event[i] === 0) continue;
      const v = g[i] as number;
      mk++;
      value -= v;
      if (v > am) {
        as = as * Math.exp(am - v) + 1;
        am = v;
      } else as += Math.exp(v - am);
    }
    let b = 0;
    if (mk > 0) {
      let a = mk;
      if (ties === 'efron' && mk > 1) {
        const rho = Math.min(1, Math.exp(am + Math.log(as) - L)); // Σ_H e^g / Σ_R e^g
        a = 0;
        for (let r = 0; r < mk; r++) {
          const q = 1 - (r / mk) * rho;
          value += L + Math.log1p(-(r / mk) * rho);
          a += 1 / q;
          b += r / mk / q;
        }
      } else {
        value += mk * L;
      }
      const lw = Math.log(a) - L;
      if (lw > bm) {
        bs = bs * Math.exp(bm - lw) + 1;
        bm = lw;
      } else bs += Math.exp(lw - bm);
    }
    for (let p = lo; p < hi; p++) {
      const i = order[p] as number;
      const v = g[i] as number;
      // exp(v + bm) <= a_k-sized numbers because v <= L_k for every group counted.
      let gr = bs === 0 ? 0 : Math.exp(v + bm) * bs;
      if (event[i] !== 0) gr -= 1 + (b === 0 ? 0 : Math.exp(v - L) * b);
      gradient[i] = gr;
    }
  }
  return { value, gradient };
}

/**
 * pycox's `cox_ph_loss` (summed, not yet divided by the number of events):
 * sort by descending time (stable: ties keep input order), γ = max g,
 * −Σ_p d_p (g_p − log(Σ_{q≤p} e^{g_q−γ} + ε) − γ) with ε = 1e-7. No tie handling.
 * The gradient includes the ε-sized dependence through γ, split evenly over tied maxima (as torch does).
 */
export function coxPycoxNll(time: Float64Array, event: Int32Array, g: ArrayLike<number>, eps = 1e-7): CoxValueGrad {
  const n = time.length;
  const neg = new Float64Array(n);
  for (let i = 0; i < n; i++) neg[i] = -(time[i] as number);
  const order = argsort(neg);
  let gamma = -Infinity;
  for (let i = 0; i < n; i++) gamma = Math.max(gamma, g[i] as number);
  const csum = new Float64Array(n);
  let c = 0;
  let value = 0;
  let dGamma = 0;
  for (let p = 0; p < n; p++) {
    const i = order[p] as number;
    c += Math.exp((g[i] as number) - gamma);
    csum[p] = c;
    if (event[i] !== 0) {
      value -= (g[i] as number) - (Math.log(c + eps) + gamma);
      dGamma += eps / (c + eps);
    }
  }
  const gradient = new Float64Array(n);
  let tail = 0; // Σ_{p' ≥ p} d_{p'} / (C_{p'} + ε)
  for (let p = n - 1; p >= 0; p--) {
    const i = order[p] as number;
    if (event[i] !== 0) tail += 1 / ((csum[p] as number) + eps);
    gradient[i] = Math.exp((g[i] as number) - gamma) * tail - (event[i] !== 0 ? 1 : 0);
  }
  let nMax = 0;
  for (let i = 0; i < n; i++) if (g[i] === gamma) nMax++;
  for (let i = 0; i < n; i++) if (g[i] === gamma) gradient[i] = (gradient[i] as number) + dGamma / nMax;
  return { value, gradient };
}
