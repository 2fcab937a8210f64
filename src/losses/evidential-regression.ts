/**
 * Deep evidential regression (Amini, Schwarting, Soleimany & Rus, NeurIPS
 * 2020): a Normal-Inverse-Gamma (NIG) prior over the mean and variance of a
 * Gaussian likelihood, learned per input; its negative log marginal
 * likelihood (a Student-t) plus an evidence regulariser.
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { lgamma } from '../ops/lgamma.js';
import { matrixShape } from './inputs.js';

/** Options of {@link evidentialRegressionLoss}. */
export interface EvidentialRegressionLossOptions {
  /** Weight λ ≥ 0 of the evidence regulariser |y − γ|·(2ν + α) (default 0.01). */
  coeff?: number;
  /** 'mean' over samples (default, as the reference), 'sum', or 'none' (`[n]`). */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Default regulariser weight of {@link evidentialRegressionLoss}. */
export const NIG_REG_COEFF = 0.01;

/**
 * The deep evidential regression loss of Amini et al. (2020). `params` holds
 * per row the NIG parameters (γ, ν, α, β) with ν > 0, α > 1, β > 0 (an
 * {@link EvidentialRegressionHead}'s output). Per sample, with Ω = 2β(1 + ν):
 *
 *   NLL = ½ log(π/ν) − α log Ω + (α + ½) log(ν(y − γ)² + Ω) + lnΓ(α) − lnΓ(α + ½)   (Eq. 8)
 *   reg = |y − γ| · (2ν + α)                                                          (Eq. 9)
 *   ℓ = NLL + λ·reg
 *
 * The reference (`EvidentialRegression` in aamini/evidential-deep-learning)
 * averages each term over the batch; 'mean' gives the same total. Float32, differentiable.
 *
 * @param yTrue targets: `[n]`, `[n, 1]` tensor or n numbers
 * @param params `[n, 4]` columns γ, ν, α, β
 * @param opts `coeff` (λ, default 0.01), `reduction`
 * @returns scalar (or `[n]`), float32
 * @example
 * const loss = evidentialRegressionLoss([0.5], tf.tensor2d([[0.4, 1, 2, 0.5]]), { coeff: 0.01 });
 * @throws {SurvkitError} when `params` is not `[n, 4]`, has ν ≤ 0, α ≤ 1 or β ≤ 0, the targets' length differs, or an option is invalid
 * @see Amini et al. (2020), Deep Evidential Regression, NeurIPS (arXiv:1910.02600);
 *   github.com/aamini/evidential-deep-learning `evidential_deep_learning/losses/continuous.py`
 */
export function evidentialRegressionLoss(yTrue: tf.Tensor | ArrayLike<number>, params: tf.Tensor, opts: EvidentialRegressionLossOptions = {}): tf.Tensor {
  const fn = 'evidentialRegressionLoss';
  const [n, c] = matrixShape(fn, 'params', params);
  if (c !== 4) throw survkitError('shapeMismatch', fn, 'params', `[${n}, 4] (columns gamma, nu, alpha, beta)`, `[${n}, ${c}]`);
  if (typeof opts !== 'object' || opts === null) throw survkitError('optionsObject', fn, 'opts', ['coeff', 'reduction'], opts);
  const coeff = assertNumberOption(fn, 'coeff', opts.coeff ?? NIG_REG_COEFF, { min: 0, max: 1e6 });
  const reduction = assertChoice(fn, 'reduction', opts.reduction ?? 'mean', ['mean', 'sum', 'none'] as const);
  checkNig(fn, params.dataSync(), n);
  const y = targetVector(fn, yTrue, n);
  return tf.tidy(() => {
    const [gamma, nu, alpha, beta] = tf.split(tf.cast(params, 'float32'), 4, 1).map((t) => tf.reshape<tf.Rank.R1>(t, [-1])) as [
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    const t = y instanceof tf.Tensor ? tf.reshape(tf.cast(y, 'float32'), [-1]) : tf.tensor1d(y);
    const omega = tf.mul(tf.mul(beta, 2), tf.add(nu, 1));
    const err = tf.sub(t, gamma);
    const nll = tf.add(
      tf.sub(tf.mul(0.5, tf.log(tf.div(Math.PI, nu))), tf.mul(alpha, tf.log(omega))),
      tf.add(tf.mul(tf.add(alpha, 0.5), tf.log(tf.add(tf.mul(nu, tf.square(err)), omega))), tf.sub(lgamma(alpha), lgamma(tf.add(alpha, 0.5)))),
    );
    const reg = tf.mul(tf.abs(err), tf.add(tf.mul(nu, 2), alpha));
    const per = tf.add<tf.Tensor1D>(nll, tf.mul(reg, coeff));
    if (reduction === 'none') return per;
    return reduction === 'sum' ? tf.sum(per) : tf.mean(per);
  });
}

function checkNig(fn: string, v: ArrayLike<number>, n: number): void {
  const names = ['gamma', 'nu', 'alpha', 'beta'];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) {
      const x = v[i * 4 + j] as number;
      const ok = Number.isFinite(x) && (j === 0 || (j === 2 ? x > 1 : x > 0));
      if (!ok) throw survkitError('nigParameter', fn, names[j] as string, i, x);
    }
  }
}

function targetVector(fn: string, y: tf.Tensor | ArrayLike<number>, n: number): tf.Tensor | Float32Array {
  if (y instanceof tf.Tensor) {
    if (!((y.rank === 1 && y.shape[0] === n) || (y.rank === 2 && y.shape[0] === n && y.shape[1] === 1))) {
      throw survkitError('shapeMismatch', fn, 'yTrue', `[${n}] or [${n}, 1] (one target per row of params)`, `[${y.shape.join(', ')}]`);
    }
    return y;
  }
  if (typeof y !== 'object' || y === null || typeof y.length !== 'number' || y.length !== n) {
    throw survkitError('shapeMismatch', fn, 'yTrue', `${n} numbers (one per row of params)`, y && typeof y === 'object' ? `${y.length} values` : typeof y);
  }
  const out = Float32Array.from(y);
  for (let i = 0; i < n; i++) if (!Number.isFinite(out[i])) throw survkitError('nigParameter', fn, 'yTrue', i, y[i] as number);
  return out;
}

/** Prediction and uncertainties of a NIG output (float64). */
export interface NigPrediction {
  n: number;
  /** E[μ] = γ. */
  mean: Float64Array;
  /** Aleatoric uncertainty E[σ²] = β/(α − 1). */
  aleatoric: Float64Array;
  /** Epistemic uncertainty Var[μ] = β/(ν(α − 1)). */
  epistemic: Float64Array;
}

/**
 * Mean, aleatoric E[σ²] = β/(α − 1) and epistemic Var[μ] = β/(ν(α − 1))
 * uncertainty of NIG parameters (Amini et al. 2020, Eq. 5), in float64.
 *
 * @param params `[n, 4]` rows (γ, ν, α, β) as a flat host array
 * @param n number of rows
 * @example
 * nigPrediction(Float64Array.from([0, 1, 2, 0.5]), 1); // mean 0, aleatoric 0.5, epistemic 0.5
 * @throws {SurvkitError} when the array is not n rows of 4 or a parameter is out of range
 * @see Amini et al. (2020), Deep Evidential Regression, NeurIPS
 */
export function nigPrediction(params: ArrayLike<number>, n: number): NigPrediction {
  const fn = 'nigPrediction';
  if (params.length !== 4 * n) throw survkitError('shapeMismatch', fn, 'params', `${4 * n} values (${n} rows of gamma, nu, alpha, beta)`, `${params.length}`);
  checkNig(fn, params, n);
  const mean = new Float64Array(n);
  const aleatoric = new Float64Array(n);
  const epistemic = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [g, v, a, b] = [params[4 * i], params[4 * i + 1], params[4 * i + 2], params[4 * i + 3]] as [number, number, number, number];
    mean[i] = g;
    aleatoric[i] = b / (a - 1);
    epistemic[i] = b / (v * (a - 1));
  }
  return { n, mean, aleatoric, epistemic };
}
