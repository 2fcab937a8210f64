/**
 * log Γ(x) as a differentiable TF.js op.
 */
import * as tf from '@tensorflow/tfjs';
import { asFloatTensor } from './as-float.js';
import { runLgamma } from './gamma-kernels.js';

/**
 * Elementwise log Γ(x), float32, with gradient d/dx log Γ(x) = ψ(x) (digamma).
 *
 * Computed in float64 (recurrence shift to x ≥ 10 + Stirling series; Taylor
 * series in ζ(k) − 1 near x = 1 and 2) and rounded once to float32, so the
 * error is float32 rounding: within 1e-6 relative of SciPy's `gammaln` over
 * (1e-6, 1e6), including next to the zeros at 1 and 2 (see the golden test).
 *
 * Domain: x > 0. lgamma(0) = +∞; x < 0 or NaN gives NaN (log|Γ| of negative
 * arguments is not supported); +∞ gives +∞. Values above ~1e37 overflow float32.
 *
 * @param x any shape; int32/bool tensors and plain numbers or arrays are converted to float32.
 * @returns a float32 tensor of the same shape.
 * @example
 * lgamma(tf.tensor1d([0.5, 1, 10])); // [0.5723649, 0, 12.801827]
 * tf.grad((a) => lgamma(a).sum())(tf.tensor1d([1])); // [−0.5772157] = ψ(1) = −γ
 * @throws SurvkitError for string or complex input.
 */
export function lgamma<T extends tf.Tensor>(x: T | tf.TensorLike): T {
  return tf.tidy(() => runLgamma(asFloatTensor('lgamma', x))) as T;
}
