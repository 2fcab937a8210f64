/**
 * The digamma function ψ = (log Γ)′ and its derivatives as differentiable
 * TF.js ops.
 */
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { asFloatTensor } from './as-float.js';
import { runPolygamma } from './gamma-kernels.js';

/**
 * Elementwise polygamma ψ⁽ⁿ⁾(x) = dⁿ⁺¹ log Γ(x)/dxⁿ⁺¹, float32, with
 * gradient ψ⁽ⁿ⁺¹⁾(x) (so every order is differentiable).
 *
 * Computed in float64 (recurrence shift to x ≥ 10 + 2n, then the asymptotic
 * series with Bernoulli numbers up to B₁₆; tiny x through ψ(x) = ψ(x+1) − 1/x,
 * no reflection) and rounded once to float32.
 *
 * Domain: x > 0. At x = 0: −∞ for n = 0, +∞ for odd n, −∞ for even n ≥ 2;
 * x < 0 or NaN gives NaN; x = +∞ gives +∞ (n = 0) or 0.
 *
 * @param n integer order ≥ 0.
 * @param x any shape (converted to float32).
 * @example
 * polygamma(1, tf.scalar(1)); // π²/6 = 1.6449341
 * @throws SurvkitError when n is not an integer ≥ 0, or x is not numeric.
 */
export function polygamma<T extends tf.Tensor>(n: number, x: T | tf.TensorLike): T {
  if (!Number.isInteger(n) || n < 0) throw survkitError('nonNegativeInteger', 'polygamma', 'n', n);
  return tf.tidy(() => runPolygamma(asFloatTensor('polygamma', x), n)) as T;
}

/**
 * Elementwise digamma ψ(x) = d/dx log Γ(x), float32, with gradient
 * trigamma ψ′(x). Within 1e-6 relative of SciPy's `psi` over (1e-6, 1e6)
 * (near its zero x₀ ≈ 1.4616 the float32 result keeps the float32-rounding
 * relative accuracy, since it is computed in float64 for the float32 input).
 * Domain as {@link polygamma} with n = 0.
 *
 * Used by the evidential (Dirichlet) losses of Sensoy et al. (2018).
 *
 * @example
 * digamma(tf.tensor1d([1, 0.5])); // [−0.5772157, −1.9635100]
 * @throws SurvkitError when x is not numeric.
 */
export function digamma<T extends tf.Tensor>(x: T | tf.TensorLike): T {
  return tf.tidy(() => runPolygamma(asFloatTensor('digamma', x), 0)) as T;
}

/**
 * Elementwise trigamma ψ′(x) = d²/dx² log Γ(x), float32, with gradient
 * ψ″(x). Domain as {@link polygamma} with n = 1.
 *
 * @example
 * trigamma(tf.scalar(1)); // 1.6449341
 * @throws SurvkitError when x is not numeric.
 */
export function trigamma<T extends tf.Tensor>(x: T | tf.TensorLike): T {
  return tf.tidy(() => runPolygamma(asFloatTensor('trigamma', x), 1)) as T;
}
