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

/**
 * {@link logisticHazardLoss} on the host for logits `phi` `[n, m]` (row-major
 * float32, e.g. a network output): the value Σ_{i, j ≤ idx_i} BCE(φ_ij, y_ij) / n
 * and its gradient (σ(φ_ij) − y_ij) / n on j ≤ idx_i (0 elsewhere), y_ij = δ_i·[j = idx_i].
 * Non-finite logits are rejected as the TF.js loss rejects them.
 *
 * @example
 * const lossOf = logisticHazardLossHost(2, 3, Int32Array.from([1, 2]), Int32Array.from([1, 0]));
 * const { value, gradient } = lossOf(Float32Array.from([0.1, -0.2, 0.3, 0, 0.5, -1]));
 */
export function logisticHazardLossHost(
  n: number,
  m: number,
  idxDuration: Int32Array,
  event: Int32Array,
): (phi: Float32Array) => { value: number; gradient: Float64Array } {
  return (phi) => {
    for (let i = 0; i < phi.length; i++) {
      if (!Number.isFinite(phi[i])) {
        const t = tf.tensor2d(phi, [n, m]);
        try {
          return { value: logisticHazardLoss(t, idxDuration, event).dataSync()[0] as number, gradient: new Float64Array(n * m) };
        } finally {
          t.dispose();
        }
      }
    }
    const gradient = new Float64Array(n * m);
    let value = 0;
    for (let i = 0; i < n; i++) {
      const k = idxDuration[i] as number;
      const d = event[i] !== 0 ? 1 : 0;
      for (let j = 0; j <= k; j++) {
        const x = phi[i * m + j] as number;
        const y = j === k ? d : 0;
        value += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
        gradient[i * m + j] = (1 / (1 + Math.exp(-x)) - y) / n;
      }
    }
    return { value: value / n, gradient };
  };
}
