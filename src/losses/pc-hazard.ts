import * as tf from '@tensorflow/tfjs';
import { toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { assertFiniteTensor, eventCodes } from './inputs.js';

/** Softplus as relu(x) + log(1 + e^{−|x|}) (stable; differentiable on every backend). */
export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

/**
 * pycox's `log_softplus`: log(softplus(x)) for x ≥ −15, x below. The branch mask is
 * `step(−15 − x)` (its gradient is zero) and the clamp keeps the unused branch finite.
 */
function logSoftplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const below = tf.step(tf.sub(-15, x));
    return tf.add(tf.mul(below, x), tf.mul(tf.sub(1, below), tf.log(softplus(tf.maximum(x, -15)))));
  });
}

/**
 * Negative log-likelihood of the piecewise-constant hazard model (PC-Hazard),
 * pycox 0.3.0 `nll_pc_hazard_loss`. The hazard in interval j is η_ij = softplus(φ_ij);
 * subject i ends in interval κ_i after a fraction ρ_i of it, and
 *
 * loss = −mean_i [d_i log η_iκ − ρ_i η_iκ − Σ_{j<κ} η_ij]
 *
 * over the subjects with κ_i ≥ 0 (κ_i = −1, an event or censoring at the first
 * cut, contributes nothing, as in pycox; a batch of such subjects only has loss 0).
 * Labels from {@link PcHazardTransform}.
 *
 * @param phi logits, [n, m] with m = cuts − 1 intervals
 * @param idxDuration κ_i ∈ [−1, m − 1]
 * @param event 1 = event, 0 = censored
 * @param intervalFrac ρ_i ≥ 0 (in [0, 1], or above 1 for a time beyond the last cut, as {@link PcHazardTransform} gives)
 * @param opts.validate read `phi` back and reject NaN/±Infinity (default true)
 * @example
 * const loss = pcHazardLoss(tf.tensor2d([[0.1, -0.3], [1, 0]]), [1, 0], [1, 0], [0.5, 0.25]);
 * @throws {SurvkitError} on a shape other than [n, m], an index outside [−1, m − 1], event codes other than 0/1,
 *   negative fractions, or NaN/±Infinity in `phi`
 * @see Kvamme & Borgan (2019) arXiv:1910.06724; pycox `models/loss.py:nll_pc_hazard_loss`
 */
export function pcHazardLoss(
  phi: tf.Tensor,
  idxDuration: ArrayLike<number>,
  event: ArrayLike<number>,
  intervalFrac: ArrayLike<number>,
  opts: { validate?: boolean } = {},
): tf.Scalar {
  const fn = 'pcHazardLoss';
  if (phi.rank !== 2 || phi.size === 0) throw survkitError('shapeMismatch', fn, 'phi', '[n, m] with no zero dimension', `[${phi.shape.join(', ')}]`);
  const [n, m] = phi.shape as [number, number];
  const idx = toFloat64(fn, 'idxDuration', idxDuration);
  if (idx.length !== n) throw survkitError('lengthMismatch', fn, 'idxDuration', idx.length, 'phi', n);
  idx.forEach((k, i) => {
    if (!Number.isInteger(k) || k < -1 || k >= m) throw survkitError('pcHazardIndex', fn, `idxDuration[${i}]`, m, k);
  });
  const d = eventCodes(fn, 'event', event, 'phi', n, 1);
  const frac = toFloat64(fn, 'intervalFrac', intervalFrac);
  if (frac.length !== n) throw survkitError('lengthMismatch', fn, 'intervalFrac', frac.length, 'phi', n);
  frac.forEach((r, i) => {
    if (!(r >= 0)) throw survkitError('intervalFraction', fn, 'intervalFrac', i, r);
  });
  assertFiniteTensor(fn, 'phi', phi, opts.validate);
  const before = new Float32Array(n * m); // 1 at j < κ_i
  const wEvent = new Float32Array(n * m); // d_i at κ_i
  const wFrac = new Float32Array(n * m); // ρ_i at κ_i
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const k = idx[i] as number;
    if (k < 0) continue;
    kept++;
    wEvent[i * m + k] = d[i] as number;
    wFrac[i * m + k] = frac[i] as number;
    for (let j = 0; j < k; j++) before[i * m + j] = 1;
  }
  return tf.tidy(() => {
    const x = phi as tf.Tensor2D;
    const eta = softplus(x);
    const logEta = logSoftplus(x);
    const ev = tf.mul(logEta, tf.tensor2d(wEvent, [n, m]));
    const cum = tf.mul(eta, tf.add(tf.tensor2d(before, [n, m]), tf.tensor2d(wFrac, [n, m])));
    return tf.div<tf.Scalar>(tf.sub(tf.sum(cum), tf.sum(ev)), Math.max(kept, 1));
  });
}
