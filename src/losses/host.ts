/**
 * The discrete-time and case-control losses on the host, for a training loop
 * that runs the network itself (the dense engine): each maps the network's
 * float32 output (row-major, as the TF.js loss reshapes it) to the loss value
 * and its gradient with respect to that output, in float64, with the formula,
 * reductions, ε's, clipping and autodiff conventions of the TF.js loss it
 * replaces (see each function). Labels come validated from the model's label
 * transform; only the output is checked here, where the TF.js loss checks it.
 */
import { survkitError } from '../core/errors.js';
import { rankValueGrad } from './deephit-rank-host.js';
import { likelihoodMask, width, type DiscreteLayout } from './discrete-targets.js';
import type { DeepHitConvention } from './deephit-nll.js';
import { assertFiniteOutput } from './inputs.js';

/** A host loss: the value and ∂value/∂output (float64, the output's layout). */
export type HostValueGrad = { value: number; gradient: Float64Array };

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** softplus as the TF.js losses build it: relu(x) + log(1 + e^{−|x|}). */
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** Scratch for one row's e^{ψ − γ} (grown as needed). */
let rowExp = new Float64Array(64);

/**
 * pycox `nll_pmf` on one row of m logits ψ (zero pad logit appended), added
 * into `grad` (scaled by `scale` = 1/n) — the single-cause branch of `nllOf`:
 * ll = d(ψ_κ − γ) − log(Σ E + ε) + (1 − d) log(Σ_{k>κ} E + ε), E = e^{ψ − γ}, γ = max(ψ, 0), ε = 1e-7.
 * TF.js's max gradient goes to every entry equal to the maximum; with the ε's the γ terms do
 * not cancel exactly, and that residue is kept. Returns −ll · scale.
 */
function pmfRow(psi: ArrayLike<number>, off: number, m: number, k: number, d: number, scale: number, grad: Float64Array, gOff: number): number {
  let gamma = 0;
  for (let j = 0; j < m; j++) gamma = Math.max(gamma, psi[off + j] as number);
  if (rowExp.length < m) rowExp = new Float64Array(m);
  const ePad = Math.exp(-gamma);
  let sum = ePad;
  let tail = ePad;
  for (let j = 0; j < m; j++) {
    const e = Math.exp((psi[off + j] as number) - gamma);
    rowExp[j] = e;
    sum += e;
    if (j > k) tail += e;
  }
  const sEps = sum + 1e-7;
  const tEps = tail + 1e-7;
  const ll = d * ((psi[off + k] as number) - gamma) - Math.log(sEps) + (1 - d) * Math.log(tEps);
  const cGamma = -d + sum / sEps - ((1 - d) * tail) / tEps;
  for (let j = 0; j < m; j++) {
    const x = psi[off + j] as number;
    const e = rowExp[j] as number;
    let g = -e / sEps;
    if (j === k) g += d;
    if (j > k) g += ((1 - d) * e) / tEps;
    if (x === gamma) g += cGamma;
    grad[gOff + j] = (grad[gOff + j] as number) - g * scale;
  }
  return -ll * scale;
}

/**
 * `pmfLoss` on the host: logits φ [n, m] → −mean_i ll_i (see `pmfRow`) and ∂/∂φ.
 *
 * @example
 * const { value, gradient } = pmfLossHost(2, 3, Int32Array.of(1, 2), Int32Array.of(1, 0))(Float32Array.of(0.1, -0.2, 0.3, 0, 0.5, -1));
 */
export function pmfLossHost(n: number, m: number, idx: Int32Array, event: Int32Array): (phi: ArrayLike<number>) => HostValueGrad {
  return (phi) => {
    const gradient = new Float64Array(n * m);
    let value = 0;
    for (let i = 0; i < n; i++) value += pmfRow(phi, i * m, m, idx[i] as number, event[i] !== 0 ? 1 : 0, 1 / n, gradient, i * m);
    return { value, gradient };
  };
}

/**
 * `mtlrLoss` on the host: the PMF loss of ψ_ik = Σ_{j ≥ k} φ_ij; ∂/∂φ_ij = Σ_{k ≤ j} ∂/∂ψ_ik.
 *
 * @example
 * const { value, gradient } = mtlrLossHost(2, 3, Int32Array.of(1, 2), Int32Array.of(1, 0))(Float32Array.of(0.1, -0.2, 0.3, 0, 0.5, -1));
 */
export function mtlrLossHost(n: number, m: number, idx: Int32Array, event: Int32Array): (phi: ArrayLike<number>) => HostValueGrad {
  return (phi) => {
    const psi = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = m - 1; k >= 0; k--) {
        s += phi[i * m + k] as number;
        psi[i * m + k] = s;
      }
    }
    const { value, gradient: dPsi } = pmfLossHost(n, m, idx, event)(psi);
    const gradient = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) {
        s += dPsi[i * m + j] as number;
        gradient[i * m + j] = s;
      }
    }
    return { value, gradient };
  };
}

/**
 * `bceSurvLoss` on the host: Σ_ik c_ik BCE(φ_ik, y_ik) / (n·m) with y_ik = [k < κ_i],
 * c_ik = y_ik + (1 − y_ik) d_i; ∂/∂φ_ik = c_ik (σ(φ_ik) − y_ik) / (n·m) (TF.js's subgradients at 0 give σ(0) − y).
 *
 * @example
 * const { value, gradient } = bceSurvLossHost(2, 3, Int32Array.of(1, 2), Int32Array.of(1, 0))(Float32Array.of(2, 0.5, -1, 1, 1, 0));
 */
export function bceSurvLossHost(n: number, m: number, idx: Int32Array, event: Int32Array): (phi: ArrayLike<number>) => HostValueGrad {
  const scale = 1 / (n * m);
  return (phi) => {
    const gradient = new Float64Array(n * m);
    let value = 0;
    for (let i = 0; i < n; i++) {
      const k = idx[i] as number;
      const d = event[i] !== 0 ? 1 : 0;
      for (let j = 0; j < m; j++) {
        const y = j < k ? 1 : 0;
        const c = y + (1 - y) * d;
        if (c === 0) continue;
        const x = phi[i * m + j] as number;
        value += c * (Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))));
        gradient[i * m + j] = c * (sigmoid(x) - y) * scale;
      }
    }
    return { value: value * scale, gradient };
  };
}

/**
 * `pcHazardLoss` on the host: η = softplus(φ), log η as pycox's `log_softplus` (φ itself below −15),
 * loss = Σ_i [Σ_{j<κ_i} η_ij + ρ_i η_iκ − d_i log η_iκ] / max(kept, 1) over the subjects with κ_i ≥ 0;
 * ∂η/∂φ = σ(φ), ∂log η/∂φ = σ(φ)/softplus(φ) for φ ≥ −15 (TF.js's maximum passes the gradient at −15), 1 below.
 *
 * @example
 * const { value, gradient } = pcHazardLossHost(2, 2, Int32Array.of(1, 0), Int32Array.of(1, 0), Float64Array.of(0.5, 0.25))(Float32Array.of(0.1, -0.3, 1, 0));
 */
export function pcHazardLossHost(n: number, m: number, idx: Int32Array, event: Int32Array, frac: ArrayLike<number>): (phi: ArrayLike<number>) => HostValueGrad {
  let kept = 0;
  for (let i = 0; i < n; i++) if ((idx[i] as number) >= 0) kept++;
  const scale = 1 / Math.max(kept, 1);
  return (phi) => {
    const gradient = new Float64Array(n * m);
    let value = 0;
    for (let i = 0; i < n; i++) {
      const k = idx[i] as number;
      if (k < 0) continue;
      for (let j = 0; j < k; j++) {
        const x = phi[i * m + j] as number;
        value += softplus(x);
        gradient[i * m + j] = sigmoid(x) * scale;
      }
      const x = phi[i * m + k] as number;
      const r = frac[i] as number;
      const d = event[i] !== 0 ? 1 : 0;
      const sp = softplus(x);
      const below = x < -15;
      value += r * sp - d * (below ? x : Math.log(sp));
      gradient[i * m + k] = (r * sigmoid(x) - d * (below ? 1 : sigmoid(x) / sp)) * scale;
    }
    return { value: value * scale, gradient };
  };
}

/** Resolved weights of the DeepHit loss (see `deepHitWeights`). */
export interface DeepHitHostOptions {
  alpha: number;
  beta: number;
  sigma: number;
  convention: DeepHitConvention;
}

/**
 * `deepHitLoss` on the host for logits [n, K·m] (cause-major, as [n, K, m] flattened):
 * α·nll + β·rank. Single cause with the pycox convention: `nll_pmf` (see `pmfRow`); otherwise
 * −mean_i log(Σ_l p_il M_il + ε) with p the (pycox: zero-padded) softmax and M `likelihoodMask`
 * (ε = 1e-7 pycox, 1e-8 paper), whose gradient is −(1/n) p_ij (M_ij − mass_i)/(mass_i + ε).
 * The ranking term is `rankValueGrad` on the same softmax, taken back through it
 * (∂/∂φ_ij = p_ij (G_ij − Σ_l p_il G_il)). Non-finite logits are rejected as `deepHitLoss` rejects them.
 *
 * @example
 * const opts = { alpha: 0.2, beta: 0.8, sigma: 0.1, convention: 'pycox' as const };
 * const lossOf = deepHitLossHost({ n: 2, causes: 1, m: 2, pad: true }, Int32Array.of(0, 1), Int32Array.of(1, 0), opts);
 * const { value, gradient } = lossOf(Float32Array.of(0.1, 0.3, 1, 0));
 */
export function deepHitLossHost(l: DiscreteLayout, idx: Int32Array, event: Int32Array, o: DeepHitHostOptions): (phi: ArrayLike<number>) => HostValueGrad {
  const { n, causes, m } = l;
  const km = causes * m;
  const w = width(l);
  const single = o.convention === 'pycox' && causes === 1;
  const mask = single ? undefined : likelihoodMask(l, idx, event);
  const eps = o.convention === 'pycox' ? 1e-7 : 1e-8;
  return (phi) => {
    assertFiniteOutput('deepHitLoss', 'phi', phi);
    // softmax over the (padded) rows, float64
    const p = new Float64Array(n * w);
    for (let i = 0; i < n; i++) {
      let mx = l.pad ? 0 : -Infinity;
      for (let j = 0; j < km; j++) mx = Math.max(mx, phi[i * km + j] as number);
      let s = 0;
      for (let j = 0; j < w; j++) {
        const e = Math.exp((j < km ? (phi[i * km + j] as number) : 0) - mx);
        p[i * w + j] = e;
        s += e;
      }
      for (let j = 0; j < w; j++) p[i * w + j] = (p[i * w + j] as number) / s;
    }
    const nllGrad = new Float64Array(n * km);
    let nll = 0;
    if (single) {
      for (let i = 0; i < n; i++) nll += pmfRow(phi, i * m, m, idx[i] as number, event[i] !== 0 ? 1 : 0, 1 / n, nllGrad, i * m);
    } else {
      for (let i = 0; i < n; i++) {
        let mass = 0;
        for (let j = 0; j < w; j++) mass += (p[i * w + j] as number) * (mask![i * w + j] as number);
        nll -= Math.log(mass + eps) / n;
        const c = -1 / (n * (mass + eps));
        for (let j = 0; j < km; j++) nllGrad[i * km + j] = c * (p[i * w + j] as number) * ((mask![i * w + j] as number) - mass);
      }
    }
    const rank = rankValueGrad(p, l, idx, event, o.sigma, o.convention);
    const gradient = new Float64Array(n * km);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < w; j++) dot += (p[i * w + j] as number) * (rank.grad[i * w + j] as number);
      for (let j = 0; j < km; j++) {
        const dRank = (p[i * w + j] as number) * ((rank.grad[i * w + j] as number) - dot);
        gradient[i * km + j] = o.alpha * (nllGrad[i * km + j] as number) + o.beta * dRank;
      }
    }
    return { value: o.alpha * nll + o.beta * rank.value, gradient };
  };
}

/**
 * `coxCcLoss` on the host for the output of one case-control call: `g` holds b cases then k blocks
 * of b controls (block j = the j-th control of each case, as the case-control plan lays them out).
 * k = 1: mean_i softplus(g_ic − g_i); k > 1: mean_i log(1 + Σ_c exp(min(g_ic − g_i, 80))) with a zero
 * gradient for differences above 80 (TF.js's clipByValue); plus shrink·(mean|g_case| + Σ_c mean|g_c|)/k
 * with TF.js's |x| subgradient (−1 at 0). Non-finite outputs are rejected as `coxCcLoss` rejects them.
 *
 * @example
 * const { value, gradient } = coxCcLossHost(2, 1, 0)(Float32Array.of(0.3, -0.2, 0.1, 0.4));
 */
export function coxCcLossHost(b: number, k: number, shrink: number): (g: ArrayLike<number>) => HostValueGrad {
  return (g) => {
    for (let c = 0; c < b; c++) if (!Number.isFinite(g[c])) throw survkitError('notFinite', 'coxCcLoss', 'gCase', c, g[c] as number);
    for (let c = 0; c < b; c++) {
      for (let j = 0; j < k; j++) {
        const v = g[(1 + j) * b + c] as number;
        if (!Number.isFinite(v)) throw survkitError('notFinite', 'coxCcLoss', 'gControls', c * k + j, v);
      }
    }
    const gradient = new Float64Array(b * (1 + k));
    let value = 0;
    for (let c = 0; c < b; c++) {
      const gc = g[c] as number;
      if (k === 1) {
        const diff = (g[b + c] as number) - gc;
        value += softplus(diff);
        const s = sigmoid(diff) / b;
        gradient[b + c] = s;
        gradient[c] = -s;
        continue;
      }
      let sum = 1;
      for (let j = 0; j < k; j++) sum += Math.exp(Math.min((g[(1 + j) * b + c] as number) - gc, 80));
      value += Math.log(sum);
      let own = 0;
      for (let j = 0; j < k; j++) {
        const diff = (g[(1 + j) * b + c] as number) - gc;
        const t = diff <= 80 ? Math.exp(diff) / (sum * b) : 0;
        gradient[(1 + j) * b + c] = t;
        own -= t;
      }
      gradient[c] = own;
    }
    value /= b;
    if (shrink !== 0) {
      let abs = 0;
      const s = shrink / (k * b);
      for (let r = 0; r < b * (1 + k); r++) {
        const v = g[r] as number;
        abs += Math.abs(v);
        gradient[r] = (gradient[r] as number) + (v > 0 ? s : -s);
      }
      value += (shrink / k) * (abs / b);
    }
    return { value, gradient };
  };
}
