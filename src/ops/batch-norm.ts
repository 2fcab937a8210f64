import * as tf from '@tensorflow/tfjs';

/**
 * Batch normalisation in training mode over every axis but the last, with a
 * closed-form gradient (one custom op instead of the autodiff of
 * `tf.moments` + `tf.batchNorm`, which costs ~110 kernels per layer and
 * dominated the training step of a small MLP on wasm).
 *
 * With μ, σ² the batch mean and biased variance of each channel (N values),
 * x̂ = (x − μ)/√(σ² + ε), y = γ x̂ + β:
 * ∂L/∂β = Σ dy, ∂L/∂γ = Σ dy·x̂,
 * ∂L/∂x = γ/√(σ² + ε) · (dy − ∂L/∂β / N − x̂ · ∂L/∂γ / N).
 * `onStats(mean, variance)` receives the batch statistics (e.g. to update
 * moving averages; the tensors are disposed after it returns).
 *
 * @param x input `[..., C]` float32
 * @param gamma scale `[C]`
 * @param beta offset `[C]`
 * @param epsilon added to the variance
 * @example
 * const y = batchNormTraining(tf.randomNormal([256, 32]), tf.ones([32]), tf.zeros([32]), 1e-5);
 * @see Ioffe & Szegedy (2015), ICML, §3
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStats?: (mean: tf.Tensor1D, variance: tf.Tensor1D) => void,
): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const n = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean<tf.Tensor1D>(xi, axes);
    const centred = tf.sub(xi, mean);
    const variance = tf.mean<tf.Tensor1D>(tf.square(centred), axes);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(centred, invStd);
    onStats?.(mean, variance);
    save([xhat, invStd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, si, sg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, sx), axes);
        const k = tf.mul(si, sg);
        const inner = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(sx, tf.div(dGamma, n)));
        return [tf.mul(inner, k), dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta);
}
