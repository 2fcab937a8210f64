/**
 * survkit's gradient for the FusedBatchNorm kernel (`tf.batchNorm`, used by
 * `tf.layers.batchNormalization`). TF.js's own gradient broadcasts 1/σ to the
 * full input shape with `tf.tile` (the hottest kernel of a small ResNet's
 * training step on wasm: ~45 % of the step) and recomputes several
 * full-size products; this one broadcasts natively and shares the two
 * reductions:
 *
 *   r = (σ² + ε)^(−1/2),   Σdy and Σdy·(x − μ) over the reduction axes,
 *   ∂x = dy · r·γ,   ∂μ = −r·γ·Σdy,   ∂σ² = −½·r³·γ·Σdy·(x − μ),
 *   ∂γ = r·Σdy·(x − μ),   ∂β = Σdy
 *
 * (the partial derivatives of y = (x − μ)·r·γ + β with μ, σ² as free inputs,
 * exactly what TF.js's gradient returns). Full-size passes: 4 instead of ~12.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs';

/** The gradient config (register with `tf.registerGradient`). */
export const batchNormGradConfig: GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const g = dy as tf.Tensor;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor): tf.Tensor => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
    const r = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const rs = scale === undefined ? r : tf.mul(r, scale);
    const sumDy = reduce(g);
    const sumDyXm = reduce(tf.mul(g, tf.sub(x, mean)));
    return {
      x: () => tf.mul(g, rs),
      mean: () => tf.reshape(tf.neg(tf.mul(rs, sumDy)), mean.shape),
      variance: () => tf.reshape(tf.mul(tf.mul(tf.mul(tf.mul(r, r), rs), sumDyXm), tf.scalar(-0.5)), mean.shape),
      scale: () => tf.reshape(tf.mul(r, sumDyXm), mean.shape),
      offset: () => sumDy,
    };
  },
};
