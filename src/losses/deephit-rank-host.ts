import type { DeepHitConvention } from './deephit-nll.js';
import { width, type DiscreteLayout } from './discrete-targets.js';

/** Largest 1/σ for which the pair terms are computed as products of per-row exponentials (exp(±300) is far from overflow). */
const FACTORED_MAX = 300;

/**
 * The value and gradient of DeepHit's ranking loss with respect to the
 * (padded) softmax probabilities p, in float64 on the host — the float64
 * reference of `deepHitRankLoss`'s custom gradient, and what it runs (one
 * read-back of p instead of ~20 n × n tensor kernels per batch).
 *
 * For each cause e and acceptable pair (i, j) (see `deepHitRankLoss`):
 * t_ij = exp(−R_ij/σ) with R_ij = F_{e,i}(κ_i) − F_{e,j}(κ_i) and
 * F_{e,j}(k) = Σ_{l ≤ k} p_{j, e·m + l}; value = scale · Σ t_ij with scale
 * 1/n² (pycox) or 1/(n·K) (paper). With g_ij = −scale·t_ij/σ,
 * ∂/∂F_{e,i}(κ_i) += g_ij, ∂/∂F_{e,j}(κ_i) −= g_ij, and
 * ∂/∂p_{j, e·m + l} = Σ_{k ≥ l} ∂/∂F_{e,j}(k). Cost O(n²·K + n·K·m).
 *
 * @param p row-major n × width(layout) probabilities
 * @param l the batch layout (n, causes K, cuts m, pad column)
 * @param idx κ_i, duration indices in [0, m)
 * @param event 0 = censored, 1..K = cause
 * @returns the loss value and ∂value/∂p (n × width, row-major)
 * @example
 * const layout = { n: 2, causes: 1, m: 2, pad: true };
 * const { value, grad } = rankValueGrad([0.2, 0.3, 0.5, 0.6, 0.1, 0.3], layout, Int32Array.of(0, 1), Int32Array.of(1, 0), 0.1, 'pycox');
 * @see Lee et al. (2018) DeepHit, AAAI, eq. (L2); pycox `models/loss.py:_rank_loss_deephit`
 */
export function rankValueGrad(
  p: ArrayLike<number>,
  l: DiscreteLayout,
  idx: Int32Array,
  event: Int32Array,
  sigma: number,
  convention: DeepHitConvention,
): { value: number; grad: Float64Array } {
  const { n, causes, m } = l;
  const w = width(l);
  const scale = convention === 'pycox' ? 1 / (n * n) : 1 / (n * causes);
  const grad = new Float64Array(n * w);
  const cdf = new Float64Array(n * m);
  const dCdf = new Float64Array(n * m);
  // exp(−(F_i − F_j)/σ) = exp(−F_i/σ)·exp(F_j/σ): n·m exponentials per cause instead of one per pair, where both
  // factors stay far inside float64's range (F ∈ [0, 1], so |F/σ| ≤ 1/σ ≤ 300); smaller σ takes one exponential per pair
  const factored = 1 / sigma <= FACTORED_MAX;
  const up = factored ? new Float64Array(n * m) : cdf;
  const gScale = scale / sigma;
  let value = 0;
  for (let c = 0; c < causes; c++) {
    const cause = causes === 1 ? 0 : c + 1; // 0: any event (single risk)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) {
        s += p[j * w + c * m + k] as number;
        cdf[j * m + k] = s;
        if (factored) up[j * m + k] = Math.exp(s / sigma);
      }
    }
    dCdf.fill(0);
    for (let i = 0; i < n; i++) {
      const ei = event[i] as number;
      if (ei === 0 || (cause !== 0 && ei !== cause)) continue;
      const ki = idx[i] as number;
      const own = cdf[i * m + ki] as number;
      const down = Math.exp(-own / sigma);
      const tiesCount = convention === 'pycox';
      // Σ_j t_ij; each t_ij adds g_ij = −(scale/σ)·t_ij to ∂/∂F_i and subtracts it from ∂/∂F_j
      let tSum = 0;
      for (let j = 0; j < n; j++) {
        const kj = idx[j] as number;
        if (!(ki < kj || (tiesCount && ki === kj && event[j] === 0))) continue;
        const t = factored ? down * (up[j * m + ki] as number) : Math.exp(-(own - (cdf[j * m + ki] as number)) / sigma);
        tSum += t;
        dCdf[j * m + ki] = (dCdf[j * m + ki] as number) + gScale * t;
      }
      value += tSum;
      dCdf[i * m + ki] = (dCdf[i * m + ki] as number) - gScale * tSum;
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = m - 1; k >= 0; k--) {
        s += dCdf[j * m + k] as number;
        grad[j * w + c * m + k] = s;
      }
    }
  }
  return { value: value * scale, grad };
}
