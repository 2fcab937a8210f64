import * as tf from '@tensorflow/tfjs';
import { assertFiniteTensor } from './inputs.js';
import { discreteBatch } from './deephit-nll.js';
import { survkitError } from '../core/errors.js';

/**
 * pycox 0.3.0 `bce_surv_loss` (BCESurv): one binary classifier per cut, whose
 * logit φ_ik gives S_i(τ_k) = sigmoid(φ_ik). Target y_ik = 1[k < κ_i] ("still
 * alive at τ_k"), weight c_ik = y_ik + (1 − y_ik)·d_i (a censored subject is
 * dropped from the classifiers at and after its censoring), and
 *
 * loss = (1 / (n·m)) Σ_ik c_ik · BCE(φ_ik, y_ik),  BCE(x, y) = max(x, 0) − x·y + log(1 + e^{−|x|})
 *
 * (the mean is over all n·m entries, zero-weighted ones included, as torch's weighted mean).
 *
 * @param phi logits, [n, m]
 * @param idxDuration κ_i ∈ [0, m − 1]
 * @param event 1 = event in interval κ_i, 0 = censored there
 * @param opts.validate read `phi` back and reject NaN/±Infinity (default true)
 * @example
 * const loss = bceSurvLoss(tf.tensor2d([[2, 0.5, -1], [1, 1, 0]]), [1, 2], [1, 0]);
 * @throws {SurvkitError} on a shape other than [n, m], an index outside [0, m − 1], event codes other than 0/1, or NaN/±Infinity in `phi`
 * @see Kvamme & Borgan (2019) arXiv:1912.08581; pycox `models/loss.py:bce_surv_loss`
 */
export function bceSurvLoss(phi: tf.Tensor, idxDuration: ArrayLike<number>, event: ArrayLike<number>, opts: { validate?: boolean } = {}): tf.Scalar {
  const fn = 'bceSurvLoss';
  if (phi.rank !== 2) throw survkitError('shapeMismatch', fn, 'phi', '[n, m]', `[${phi.shape.join(', ')}]`);
  const b = discreteBatch(fn, phi, idxDuration, event, false);
  assertFiniteTensor(fn, 'phi', phi, opts.validate);
  const { n, m } = b.layout;
  const y = new Float32Array(n * m);
  const c = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const k = b.idx[i] as number;
    const d = b.event[i] as number;
    for (let j = 0; j < m; j++) {
      const alive = j < k ? 1 : 0;
      y[i * m + j] = alive;
      c[i * m + j] = alive + (1 - alive) * d;
    }
  }
  return tf.tidy(() => {
    const x = phi as tf.Tensor2D;
    const yt = tf.tensor2d(y, [n, m]);
    const bce = tf.add(tf.sub(tf.relu(x), tf.mul(x, yt)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return tf.div<tf.Scalar>(tf.sum(tf.mul(bce, tf.tensor2d(c, [n, m]))), n * m);
  });
}
