import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { assertFiniteTensor, matrixShape, vectorLength } from './inputs.js';

/** Options of {@link coxCcLoss}. */
export interface CoxCcLossOptions {
  /** Shrinkage of the outputs towards 0 (pycox `shrink`, default 0). */
  shrink?: number;
  /** Read the outputs back and reject NaN/±Infinity (default true; costs one device read per call). */
  validate?: boolean;
}

const FN = 'coxCcLoss';

/**
 * Case-control approximation of the Cox partial likelihood, the loss of
 * pycox's CoxCC and Cox-Time (pycox 0.3.0 `cox_cc_loss` / `cox_cc_loss_single_ctrl`).
 *
 * With one row per case i (a subject with an event) and k controls c drawn from
 * its risk set (see `sampleCaseControl`):
 * k = 1: mean_i softplus(g_c − g_i);
 * k > 1: mean_i log(1 + Σ_c exp(clamp(g_ic − g_i, −3e38, 80)))
 * (the clamp zeroes the gradient of a difference above 80, as pycox's does);
 * plus shrink · (mean|g_case| + Σ_c mean|g_c|) / k.
 *
 * Built from differentiable element-wise ops only (no gather), so it trains on
 * every backend. For Cox-Time, g_i = g(T_i, x_i) and g_ic = g(T_i, x_c): both
 * evaluated at the case's (standardised) event time.
 *
 * @param gCase model output for the cases, shape [n] or [n, 1]
 * @param gControls model output for the controls, shape [n, k] (column c = c-th control of each case)
 * @example
 * const loss = coxCcLoss(tf.tensor1d([0.3, -0.2]), tf.tensor2d([[0.1], [0.4]]));
 * @throws {SurvkitError} on shapes that are not [n]/[n, 1] and [n, k] with the same n, a negative `shrink`,
 *   or NaN/±Infinity in an output (unless `validate: false`)
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129), eq. (8); pycox `models/loss.py:cox_cc_loss`
 */
export function coxCcLoss(gCase: tf.Tensor, gControls: tf.Tensor, opts: CoxCcLossOptions = {}): tf.Scalar {
  const n = vectorLength(FN, 'gCase', gCase);
  const [nc, k] = matrixShape(FN, 'gControls', gControls);
  if (nc !== n) throw survkitError('lengthMismatch', FN, 'gControls', nc, 'gCase', n);
  const shrink = assertNumberOption(FN, 'shrink', opts.shrink ?? 0, { min: 0 });
  assertFiniteTensor(FN, 'gCase', gCase, opts.validate);
  assertFiniteTensor(FN, 'gControls', gControls, opts.validate);
  return tf.tidy(() => {
    const cases = tf.reshape(gCase, [n, 1]);
    const diff = tf.sub(gControls, cases);
    let loss: tf.Scalar = k === 1 ? tf.mean(tf.softplus(diff)) : tf.mean(tf.log1p(tf.sum(tf.exp(tf.clipByValue(diff, -3e38, 80)), 1)));
    if (shrink !== 0) {
      // shrink · (mean|g_case| + Σ_c mean|g_c|) / k (for k = 1 pycox's single-control form).
      const absMeans = tf.add(tf.mean(tf.abs(cases)), tf.sum(tf.mean(tf.abs(gControls), 0)));
      loss = tf.add(loss, tf.mul(shrink / k, absMeans));
    }
    return loss;
  });
}
