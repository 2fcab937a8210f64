import * as tf from '@tensorflow/tfjs';
import { assertFiniteTensor } from './inputs.js';
import { discreteBatch, nllOf } from './deephit-nll.js';
import { survkitError } from '../core/errors.js';

/**
 * Negative log-likelihood of the PMF model, pycox 0.3.0 `nll_pmf`: the
 * probability mass over the m cuts is the softmax of the logits padded with a
 * zero logit for "after the last cut", and with γ_i = max of the padded row,
 * E_ik = e^{φ_ik − γ_i}, ε = 1e-7,
 *
 * loss = −mean_i [d_i(φ_iκ − γ_i) − log(Σ_k E_ik + ε) + (1 − d_i) log(Σ_{k>κ} E_ik + ε)]
 *
 * (DeepHit's likelihood term alone, single risk).
 *
 * @param phi logits, [n, m]
 * @param idxDuration κ_i ∈ [0, m − 1] (see `discretize`)
 * @param event 1 = event in interval κ_i, 0 = censored there
 * @param opts.validate read `phi` back and reject NaN/±Infinity (default true)
 * @example
 * const loss = pmfLoss(tf.tensor2d([[0.1, 0.3, -0.2], [1, 0, 0]]), [1, 2], [1, 0]);
 * @throws {SurvkitError} on a shape other than [n, m], an index outside [0, m − 1], event codes other than 0/1, or NaN/±Infinity in `phi`
 * @see Kvamme & Borgan (2019) arXiv:1910.06724; pycox `models/loss.py:nll_pmf`
 */
export function pmfLoss(phi: tf.Tensor, idxDuration: ArrayLike<number>, event: ArrayLike<number>, opts: { validate?: boolean } = {}): tf.Scalar {
  const fn = 'pmfLoss';
  if (phi.rank !== 2) throw survkitError('shapeMismatch', fn, 'phi', '[n, m]', `[${phi.shape.join(', ')}]`);
  const b = discreteBatch(fn, phi, idxDuration, event, true);
  assertFiniteTensor(fn, 'phi', phi, opts.validate);
  return nllOf(phi, b, 'pycox');
}

/** Upper-triangular ones U (U_jk = 1 for j ≥ k), so φ·U is the reverse cumulative sum Σ_{j ≥ k} φ_j along each row. */
export function reverseCumsumMatrix(m: number): tf.Tensor2D {
  const u = new Float32Array(m * m);
  for (let j = 0; j < m; j++) for (let k = 0; k <= j; k++) u[j * m + k] = 1;
  return tf.tensor2d(u, [m, m]);
}

/**
 * Negative log-likelihood of (N-)MTLR, pycox 0.3.0 `nll_mtlr`: the PMF
 * likelihood ({@link pmfLoss}) of the reverse cumulative sums ψ_ik = Σ_{j ≥ k} φ_ij
 * (a matrix product with a triangular matrix, so it differentiates on WASM).
 *
 * @param phi logits, [n, m]
 * @param idxDuration κ_i ∈ [0, m − 1]
 * @param event 1 = event in interval κ_i, 0 = censored there
 * @param opts.validate read `phi` back and reject NaN/±Infinity (default true)
 * @example
 * const loss = mtlrLoss(tf.tensor2d([[0.1, 0.3, -0.2], [1, 0, 0]]), [1, 2], [1, 0]);
 * @throws {SurvkitError} as {@link pmfLoss}
 * @see Yu et al. (2011) NeurIPS 24; Fotso (2018) arXiv:1801.05512; pycox `models/loss.py:nll_mtlr`
 */
export function mtlrLoss(phi: tf.Tensor, idxDuration: ArrayLike<number>, event: ArrayLike<number>, opts: { validate?: boolean } = {}): tf.Scalar {
  const fn = 'mtlrLoss';
  if (phi.rank !== 2) throw survkitError('shapeMismatch', fn, 'phi', '[n, m]', `[${phi.shape.join(', ')}]`);
  const b = discreteBatch(fn, phi, idxDuration, event, true);
  assertFiniteTensor(fn, 'phi', phi, opts.validate);
  return tf.tidy(() => nllOf(tf.matMul(phi as tf.Tensor2D, reverseCumsumMatrix(b.layout.m)), b, 'pycox'));
}
