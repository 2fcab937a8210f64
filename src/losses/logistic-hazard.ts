import * as tf from '@tensorflow/tfjs';
import { oneHotAt, upToMask } from './discrete-targets.js';
import { discreteBatch } from './deephit-nll.js';
import { survkitError } from '../core/errors.js';
import { assertFiniteTensor } from './inputs.js';

/**
 * Negative log-likelihood of the logistic-hazard (nnet-survival / pycox
 * LogisticHazard) model, pycox 0.3.0 `nll_logistic_hazard`:
 * the discrete hazard is h_ik = sigmoid(φ_ik), and
 *
 * loss = mean_i Σ_{k ≤ κ_i} BCE(φ_ik, y_ik),  y_ik = d_i · 1[k = κ_i],
 *
 * with BCE(x, y) = max(x, 0) − x·y + log(1 + e^{−|x|}) (binary cross-entropy with logits).
 * Host-built masks instead of scatter/gather, so it differentiates on WASM.
 *
 * @param phi hazard logits, [n, m]
 * @param idxDuration κ_i ∈ [0, m − 1] (see `discretize`)
 * @param event 1 = event in interval κ_i, 0 = censored there
 * @example
 * const loss = logisticHazardLoss(tf.tensor2d([[-1, 0.5], [0, -2]]), [1, 0], [1, 0]);
 * @param opts.validate read `phi` back and reject NaN/±Infinity (default true; false skips the device read)
 * @throws {SurvkitError} on a shape other than [n, m], an index outside [0, m − 1], event codes other than 0/1,
 *   or NaN/±Infinity in `phi`
 * @see Gensheimer & Narasimhan (2019) PeerJ 7:e6257; Kvamme & Borgan (2019) arXiv:1910.06724;
 *   pycox `models/loss.py:nll_logistic_hazard`
 */
export function logisticHazardLoss(phi: tf.Tensor, idxDuration: ArrayLike<number>, event: ArrayLike<number>, opts: { validate?: boolean } = {}): tf.Scalar {
  const fn = 'logisticHazardLoss';
  const b = discreteBatch(fn, phi, idxDuration, event, false);
  if (phi.rank !== 2) throw survkitError('shapeMismatch', fn, 'phi', '[n, m]', `[${phi.shape.join(', ')}]`);
  const { n, m } = b.layout;
  assertFiniteTensor(fn, 'phi', phi, opts.validate);
  return tf.tidy(() => {
    const x = phi as tf.Tensor2D;
    const y = tf.mul(tf.tensor2d(oneHotAt(n, m, b.idx), [n, m]), tf.tensor2d(Float32Array.from(b.event), [n, 1]));
    const bce = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    const upTo = tf.tensor2d(upToMask(b.layout, b.idx, 0), [n, m]);
    return tf.div<tf.Scalar>(tf.sum(tf.mul(bce, upTo)), n);
  });
}
