/**
 * Two published refinements of the evidential classification loss that target
 * its failure modes: the Fisher-information loss of I-EDL (Deng et al., ICML
 * 2023) and the relaxed loss of R-EDL (Chen et al., ICLR 2024). Both take the
 * α = e + 1 of an {@link EvidentialHead}.
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { digamma, trigamma } from '../ops/digamma.js';
import { lgammaScalar } from '../ops/gamma-math.js';
import { lgamma } from '../ops/lgamma.js';
import { dirichletKlToUniform, MAX_KL_WEIGHT, oneHotOf, type EvidentialTargets } from './evidential.js';
import { matrixShape } from './inputs.js';

/** Options of {@link iedlLoss}. */
export interface IedlLossOptions {
  /** Weight λ_t of the KL regulariser (required; the reference anneals min(1, epoch/10)). */
  klWeight: number;
  /** Weight of the log-determinant of the Fisher information (default 0.005, the reference's MNIST setting). */
  fisherWeight?: number;
  /** 'mean' over samples (default, as the reference), 'sum', or 'none' (`[n]`). */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Options of {@link redlLoss}. */
export interface RedlLossOptions {
  /** Weight λ_t of the KL regulariser (required; the reference anneals min(1, epoch/10)). */
  klWeight: number;
  /** Prior weight λ > 0 that replaces the fixed 1 of α = e + 1 (default 0.1, the reference's MNIST setting). */
  lambda?: number;
  /** 'mean' over samples (default, as the reference), 'sum', or 'none' (`[n]`). */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Default Fisher weight of {@link iedlLoss}. */
export const IEDL_FISHER_WEIGHT = 0.005;
/** Default prior weight λ of {@link redlLoss}. */
export const REDL_LAMBDA = 0.1;

interface Prepared {
  n: number;
  k: number;
  reduction: 'mean' | 'sum' | 'none';
  klWeight: number;
  y: Float32Array | tf.Tensor;
}

function prepare(fn: string, yTrue: EvidentialTargets, alpha: tf.Tensor, opts: { klWeight: number; reduction?: string }): Prepared {
  const [n, k] = matrixShape(fn, 'alpha', alpha);
  if (typeof opts !== 'object' || opts === null) throw survkitError('optionsObject', fn, 'opts', ['klWeight'], opts);
  const klWeight = assertNumberOption(fn, 'klWeight', opts.klWeight, { min: 0, max: MAX_KL_WEIGHT });
  const reduction = assertChoice(fn, 'reduction', opts.reduction ?? 'mean', ['mean', 'sum', 'none'] as const);
  const v = alpha.dataSync();
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (!(x >= 1) || !Number.isFinite(x)) throw survkitError('evidentialAlpha', fn, 'alpha', i, x);
  }
  let y: Float32Array | tf.Tensor;
  if (yTrue instanceof tf.Tensor) {
    if (yTrue.rank !== 2 || yTrue.shape[0] !== n || yTrue.shape[1] !== k) {
      throw survkitError('shapeMismatch', fn, 'yTrue', `[${n}, ${k}] (one-hot, like alpha) or ${n} class indices`, `[${yTrue.shape.join(', ')}]`);
    }
    y = yTrue;
  } else y = oneHotOf(fn, yTrue, n, k);
  return { n, k, reduction, klWeight, y };
}

function reduce(perSample: tf.Tensor1D, reduction: 'mean' | 'sum' | 'none'): tf.Tensor {
  if (reduction === 'none') return perSample;
  return reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample);
}

function targets(p: Prepared): tf.Tensor2D {
  return (p.y instanceof tf.Tensor ? tf.cast(p.y, 'float32') : tf.tensor2d(p.y, [p.n, p.k])) as tf.Tensor2D;
}

/**
 * The I-EDL loss of Deng et al. (2023): the MSE loss of Sensoy et al. with
 * each class weighted by its Fisher information ψ′(α_k), minus the log
 * determinant of the Dirichlet's Fisher information, plus the usual KL on the
 * misleading evidence. Per sample, with S = Σ α_k, p = α/S and one-hot y:
 *
 *   ℓ = Σ_k ψ′(α_k)(y_k − p_k)² + Σ_k ψ′(α_k) α_k(S − α_k)/(S²(S + 1))
 *       − c·[Σ_k log ψ′(α_k) + log(1 − ψ′(S) Σ_k 1/ψ′(α_k))] + λ·KL(Dir(α̃) ‖ Dir(1)),
 *
 * α̃ = (α − 1)(1 − y) + 1, c = `fisherWeight`. Classes with little evidence
 * (large ψ′) weigh more, so the model is not pushed to be over-confident on
 * the hard samples. The reference (danruod/IEDL `FisherEvidentialN`) returns
 * the batch mean of each term; 'mean' gives the same total.
 *
 * @param yTrue one-hot `[n, K]` tensor or n class indices
 * @param alpha Dirichlet parameters `[n, K]`, every entry ≥ 1 (an {@link EvidentialHead}'s output)
 * @param opts `klWeight` (required), `fisherWeight` (default 0.005), `reduction`
 * @returns scalar (or `[n]`), float32
 * @example
 * const loss = iedlLoss([0, 2], tf.tensor2d([[5, 1, 1], [1, 1, 2]]), { klWeight: 0.5 });
 * @throws {SurvkitError} when `alpha` is not `[n, K]` with entries ≥ 1, the labels do not match, or an option is invalid
 * @see Deng, Chen, Yu, Liu & Heng (2023), Uncertainty Estimation by Fisher Information-based Evidential Deep Learning, ICML;
 *   github.com/danruod/IEDL `code_classical/models/FisherEvidentialN.py`
 */
export function iedlLoss(yTrue: EvidentialTargets, alpha: tf.Tensor, opts: IedlLossOptions): tf.Tensor {
  const fn = 'iedlLoss';
  const p = prepare(fn, yTrue, alpha, opts);
  const c = assertNumberOption(fn, 'fisherWeight', opts.fisherWeight ?? IEDL_FISHER_WEIGHT, { min: 0, max: MAX_KL_WEIGHT });
  return tf.tidy(() => {
    const a = tf.cast(alpha, 'float32') as tf.Tensor2D;
    const y = targets(p);
    const s = tf.sum(a, 1, true);
    const g = trigamma(a);
    const gs = trigamma(s);
    const mse = tf.sum(tf.mul(g, tf.square(tf.sub(y, tf.div(a, s)))), 1);
    const variance = tf.sum(tf.div(tf.mul(tf.mul(a, tf.sub(s, a)), g), tf.mul(tf.mul(s, s), tf.add(s, 1))), 1);
    const logDet = tf.add(tf.sum(tf.log(g), 1), tf.log(tf.sub(1, tf.sum(tf.div(gs, g), 1))));
    let per: tf.Tensor1D = tf.sub(tf.add(mse, variance), tf.mul(logDet, c));
    if (p.klWeight > 0) {
      const tilde = tf.add<tf.Tensor2D>(tf.mul(tf.sub(a, 1), tf.sub(1, y)), 1);
      per = tf.add(per, tf.mul(dirichletKlToUniform(tilde), p.klWeight));
    }
    return reduce(per, p.reduction);
  });
}

/**
 * KL(Dir(a) ‖ Dir(c, …, c)) per row: lnΓ(S) − lnΓ(Kc) − Σ lnΓ(a_k) + K lnΓ(c) + Σ (a_k − c)(ψ(a_k) − ψ(S)).
 */
function klToSymmetric(a: tf.Tensor2D, k: number, c: number): tf.Tensor1D {
  const s = tf.sum(a, 1, true);
  const constant = k * lgammaScalar(c) - lgammaScalar(k * c);
  const cross = tf.sum(tf.mul(tf.sub(a, c), tf.sub(digamma(a), digamma(s))), 1);
  return tf.add(tf.sub(tf.reshape(lgamma(s), [-1]), tf.sum(lgamma(a), 1)), tf.add(cross, constant));
}

/**
 * The relaxed evidential loss of R-EDL (Chen et al., 2024). With evidence
 * e = α − 1 (the head's α = e + 1), the prior weight λ replaces the fixed 1:
 * α′ = e + λ, S′ = Σ_k e_k + Kλ, projected probability p = α′/S′ and
 * uncertainty u = Kλ/S′. The variance term of the MSE loss is dropped. Per sample:
 *
 *   ℓ = Σ_k (y_k − p_k)² + λ_t·KL(Dir(e ⊙ (1 − y) + λ) ‖ Dir(λ, …, λ)).
 *
 * (The reference's second relaxation weight, on the other classes' evidence, is 1 in its published
 * settings and is fixed at 1 here.) {@link EvidentialClassifier} reads α′ and u this way when trained with it.
 *
 * @param yTrue one-hot `[n, K]` tensor or n class indices
 * @param alpha the head's α = e + 1, `[n, K]`, every entry ≥ 1
 * @param opts `klWeight` (required), `lambda` (default 0.1), `reduction`
 * @returns scalar (or `[n]`), float32
 * @example
 * const loss = redlLoss([0, 2], tf.tensor2d([[5, 1, 1], [1, 1, 2]]), { klWeight: 0.5, lambda: 0.1 });
 * @throws {SurvkitError} when `alpha` is not `[n, K]` with entries ≥ 1, the labels do not match, or an option is invalid
 * @see Chen, Gao & Xu (2024), R-EDL: Relaxing Nonessential Settings of Evidential Deep Learning, ICLR;
 *   github.com/MengyuanChen21/ICLR2024-REDL `code_classical/models/ModifiedEvidentialN.py`
 */
export function redlLoss(yTrue: EvidentialTargets, alpha: tf.Tensor, opts: RedlLossOptions): tf.Tensor {
  const fn = 'redlLoss';
  const p = prepare(fn, yTrue, alpha, opts);
  const lambda = assertNumberOption(fn, 'lambda', opts.lambda ?? REDL_LAMBDA, { min: 0, minExclusive: true, max: 1e6 });
  return tf.tidy(() => {
    const e = tf.sub<tf.Tensor2D>(tf.cast(alpha, 'float32'), 1);
    const y = targets(p);
    const a = tf.add(e, lambda);
    const prob = tf.div(a, tf.sum(a, 1, true));
    let per: tf.Tensor1D = tf.sum(tf.square(tf.sub(y, prob)), 1);
    if (p.klWeight > 0) {
      const tilde = tf.add<tf.Tensor2D>(tf.mul(e, tf.sub(1, y)), lambda);
      per = tf.add(per, tf.mul(klToSymmetric(tilde, p.k, lambda), p.klWeight));
    }
    return reduce(per, p.reduction);
  });
}
