/**
 * Evidential (Dirichlet) classification losses of Sensoy, Kaplan & Kandemir
 * (2018), as the reference re-implementation
 * dougbrion/pytorch-classification-uncertainty (`losses.py`) computes them.
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { classLabels } from '../data/class-labels.js';
import { lgamma } from '../ops/lgamma.js';
import { digamma } from '../ops/digamma.js';
import { matrixShape } from './inputs.js';

/** The three data terms: 'mse' (Eq. 5), 'log' (Eq. 3), 'digamma' (Eq. 4, expected cross-entropy). */
export type EvidentialLossKind = 'mse' | 'log' | 'digamma';

/** The loss kinds, for validation. */
export const EVIDENTIAL_LOSS_KINDS: readonly EvidentialLossKind[] = ['mse', 'log', 'digamma'];

/** Options of {@link evidentialLoss}. */
export interface EvidentialLossOptions {
  /** Data term (default 'mse'). */
  kind?: EvidentialLossKind;
  /**
   * Weight λ ∈ [0, 1e6] of the KL regulariser (required; see {@link MAX_KL_WEIGHT}). The reference anneals it
   * as λ_t = min(1, epoch / 10); see `klAnnealing` in survkit/models.
   */
  klWeight: number;
  /** 'mean' over samples (default, as the reference), 'sum', or 'none' (per-sample losses `[n]`). */
  reduction?: 'mean' | 'sum' | 'none';
  /** Read α back and reject non-finite or non-positive values (default true; costs one device read). */
  validate?: boolean;
}

/**
 * Largest accepted `klWeight`: the loss is float32 (max 3.4e38) and the
 * reference anneals λ up to 1; a larger weight only overflows the loss.
 */
export const MAX_KL_WEIGHT = 1e6;

/** Class labels for {@link evidentialLoss}: a one-hot `[n, K]` tensor, or n class indices 0 … K−1. */
export type EvidentialTargets = tf.Tensor | ArrayLike<number>;

/**
 * KL divergence of each row's Dirichlet from the uniform Dirichlet Dir(1, …, 1):
 *
 *   KL(Dir(α) ‖ Dir(1)) = lnΓ(S) − Σ_k lnΓ(α_k) − lnΓ(K) + Σ_k (α_k − 1)(ψ(α_k) − ψ(S)),  S = Σ_k α_k,
 *
 * (the reference's `kl_divergence`; lnΓ(1) = 0). It is ≥ 0 and 0 exactly at
 * α = 1. Float32, differentiable (lgamma/digamma from survkit's ops),
 * computed in a cancellation-free rearrangement (see `klRows`), so it stays
 * within float32 precision of the float64 value for α up to 1e12 (the
 * textbook form loses 2 % at evidence 1e6 and turns negative from 1e8).
 *
 * @param alpha Dirichlet parameters `[n, K]`, all > 0
 * @returns `[n]` float32
 * @example
 * dirichletKlToUniform(tf.tensor2d([[1, 1, 1], [2, 1, 1]])); // [0, 0.2472…]
 * @throws {SurvkitError} when `alpha` is not `[n, K]`
 * @see Sensoy et al. (2018) NeurIPS, Eq. 7 and appendix; dougbrion/pytorch-classification-uncertainty `losses.py:kl_divergence`
 */
export function dirichletKlToUniform(alpha: tf.Tensor): tf.Tensor1D {
  const [, k] = matrixShape('dirichletKlToUniform', 'alpha', alpha);
  return tf.tidy(() => klRows(alpha as tf.Tensor2D, k));
}

/**
 * KL = Σ_k h(α_k) − h(S) + (K − 1)ψ(S) − lnΓ(K) with h(x) = (x − 1)ψ(x) − lnΓ(x) − x:
 * an exact rearrangement (Σ_k α_k = S cancels the linear terms) in which no
 * term grows faster than log S, so float32 keeps its relative precision for
 * evidence up to 1e12 (the textbook form subtracts numbers of size S·log S).
 */
function klRows(a: tf.Tensor2D, k: number): tf.Tensor1D {
  const s = tf.sum(a, 1);
  const hA = tf.sum(hTerm(a), 1);
  return tf.add<tf.Tensor1D>(tf.sub(hA, hTerm(s)), tf.sub(tf.mul(k - 1, digamma(s)), lgammaInt(k)));
}

/** Switch point of {@link hTerm} from the direct form to its asymptotic series. */
const H_SERIES_FROM = 8;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * h(x) = (x − 1)ψ(x) − lnΓ(x) − x, elementwise. Below 8 directly (all terms
 * O(1)); from 8 on by the Stirling series of lnΓ and ψ,
 * h(x) = −½ln x − ½ − ½ln 2π + 1/(2x) + (x − 1)ρ(x) − r(x), with
 * r(x) = 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) (lnΓ's remainder) and
 * ρ(x) = −1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) (ψ's), truncation error < 1e-11 at x = 8.
 * Each branch sees its inputs clamped to its own range so neither yields a non-finite gradient.
 */
function hTerm(x: tf.Tensor): tf.Tensor {
  const small = tf.minimum(x, H_SERIES_FROM);
  const direct = tf.sub(tf.sub(tf.mul(tf.sub(small, 1), digamma(small)), lgamma(small)), small);
  const big = tf.maximum(x, H_SERIES_FROM);
  const inv = tf.reciprocal(big);
  const inv2 = tf.square(inv);
  // r(x) and ρ(x) by Horner in 1/x².
  const r = tf.mul(inv, tf.add(1 / 12, tf.mul(inv2, tf.add(-1 / 360, tf.mul(inv2, tf.add(1 / 1260, tf.mul(inv2, -1 / 1680)))))));
  const rho = tf.mul(inv2, tf.add(-1 / 12, tf.mul(inv2, tf.add(1 / 120, tf.mul(inv2, tf.add(-1 / 252, tf.mul(inv2, 1 / 240)))))));
  const series = tf.add(tf.add(tf.mul(-0.5, tf.log(big)), -0.5 - HALF_LOG_2PI), tf.sub(tf.add(tf.mul(0.5, inv), tf.mul(tf.sub(big, 1), rho)), r));
  const useSeries = tf.step(tf.sub(x, H_SERIES_FROM)); // 1 above 8, else 0 (has a gradient, unlike a comparison)
  return tf.add(direct, tf.mul(useSeries, tf.sub(series, direct)));
}

/** lnΓ(k) = ln((k−1)!) for an integer k ≥ 1, in float64. */
function lgammaInt(k: number): number {
  let s = 0;
  for (let j = 2; j < k; j++) s += Math.log(j);
  return s;
}

/**
 * The evidential loss of Sensoy et al. (2018): a data term plus λ times the
 * KL regulariser on the misleading evidence. With α `[n, K]`, S = Σ_k α_k,
 * p = α/S and one-hot y:
 *
 * - 'mse' (Eq. 5): Σ_k (y_k − p_k)² + Σ_k α_k(S − α_k) / (S²(S + 1));
 * - 'log' (Eq. 3): Σ_k y_k (log S − log α_k);
 * - 'digamma' (Eq. 4): Σ_k y_k (ψ(S) − ψ(α_k));
 * - KL: KL(Dir(α̃) ‖ Dir(1)) with α̃ = (α − 1) ⊙ (1 − y) + 1 (the true class's
 *   evidence removed; see {@link dirichletKlToUniform}).
 *
 * Per sample ℓ_i = data_i + λ·KL_i; the result is the batch mean (default),
 * sum, or the `[n]` vector. This is the reference's `mse_loss` / `edl_loss`
 * wrapped in `torch.mean` with `annealing_coef` = λ. Float32 (TF.js),
 * differentiable on cpu, wasm and tfjs-node; the gradient w.r.t. α of the
 * 'digamma' term and of the KL uses trigamma.
 *
 * @param yTrue one-hot `[n, K]` tensor (any non-negative weights are used as given), or n class indices
 * @param alpha Dirichlet parameters `[n, K]`, every entry > 0 (an {@link EvidentialHead} gives α ≥ 1)
 * @param opts `kind`, `klWeight` (required), `reduction`, `validate`
 * @returns a scalar (or `[n]` for reduction 'none'), float32
 * @example
 * const alpha = tf.tensor2d([[5, 1, 1], [1, 1, 2]]);
 * const loss = evidentialLoss([0, 2], alpha, { kind: 'digamma', klWeight: 0.5 });
 * @throws {SurvkitError} when `alpha` is not `[n, K]`, holds a non-finite or non-positive value (with `validate`),
 *   `yTrue` has the wrong shape or length or an index outside 0 … K−1, or an option is invalid
 * @see Sensoy, Kaplan & Kandemir (2018), Evidential Deep Learning to Quantify Classification Uncertainty,
 *   NeurIPS (arXiv:1806.01768); dougbrion/pytorch-classification-uncertainty `losses.py` (commit bed225bd)
 */
export function evidentialLoss(yTrue: EvidentialTargets, alpha: tf.Tensor, opts: EvidentialLossOptions): tf.Tensor {
  const fn = 'evidentialLoss';
  const [n, k] = matrixShape(fn, 'alpha', alpha);
  if (typeof opts !== 'object' || opts === null) throw survkitError('optionsObject', fn, 'opts', ['klWeight'], opts);
  const kind = assertChoice(fn, 'kind', opts.kind ?? 'mse', EVIDENTIAL_LOSS_KINDS);
  const klWeight = assertNumberOption(fn, 'klWeight', opts.klWeight, { min: 0 });
  if (klWeight > MAX_KL_WEIGHT) throw survkitError('optionRange', fn, 'klWeight', `at most ${MAX_KL_WEIGHT} (the loss is float32)`, klWeight);
  const reduction = assertChoice(fn, 'reduction', opts.reduction ?? 'mean', ['mean', 'sum', 'none'] as const);
  if (opts.validate ?? true) assertPositive(fn, alpha);
  const oneHot = yTrue instanceof tf.Tensor ? checkOneHot(fn, yTrue, n, k) : undefined;
  const hostY = oneHot === undefined ? oneHotOf(fn, yTrue as ArrayLike<number>, n, k) : undefined;
  return tf.tidy(() => {
    const a = tf.cast(alpha, 'float32') as tf.Tensor2D;
    const y = (oneHot ? tf.cast(oneHot, 'float32') : tf.tensor2d(hostY as Float32Array, [n, k])) as tf.Tensor2D;
    const s = tf.sum(a, 1, true);
    let data: tf.Tensor1D;
    if (kind === 'mse') {
      const err = tf.sum(tf.square(tf.sub(y, tf.div(a, s))), 1);
      const variance = tf.sum(tf.div(tf.mul(a, tf.sub(s, a)), tf.mul(tf.mul(s, s), tf.add(s, 1))), 1);
      data = tf.add(err, variance);
    } else {
      const f = kind === 'log' ? (t: tf.Tensor): tf.Tensor => tf.log(t) : (t: tf.Tensor): tf.Tensor => digamma(t);
      data = tf.sum(tf.mul(y, tf.sub(f(s), f(a))), 1);
    }
    let perSample: tf.Tensor1D = data;
    if (klWeight > 0) {
      const tilde = tf.add<tf.Tensor2D>(tf.mul(tf.sub(a, 1), tf.sub(1, y)), 1);
      perSample = tf.add(data, tf.mul(klRows(tilde, k), klWeight));
    }
    if (reduction === 'none') return perSample;
    return reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample);
  });
}

function assertPositive(fn: string, alpha: tf.Tensor): void {
  const v = alpha.dataSync();
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!(x > 0) || !Number.isFinite(x)) throw survkitError('dirichletParameter', fn, 'alpha', i, x);
  }
}

function checkOneHot(fn: string, y: tf.Tensor, n: number, k: number): tf.Tensor {
  if (y.rank !== 2 || y.shape[0] !== n || y.shape[1] !== k) {
    throw survkitError('shapeMismatch', fn, 'yTrue', `[${n}, ${k}] (one-hot, like alpha) or ${n} class indices`, `[${y.shape.join(', ')}]`);
  }
  return y;
}

/** One-hot rows (float32) of n class indices 0 … k−1. */
export function oneHotOf(fn: string, y: ArrayLike<number>, n: number, k: number, arg = 'yTrue'): Float32Array {
  const c = classLabels(fn, arg, y, n, k, 'alpha', 'columns of alpha');
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) out[i * k + (c[i] as number)] = 1;
  return out;
}
