import * as tf from '@tensorflow/tfjs';
import { LinearHead, type LinearHeadArgs } from './linear-head.js';

/** Options of {@link EvidentialRegressionHead}. */
export type EvidentialRegressionHeadArgs = LinearHeadArgs;

/**
 * The deep evidential regression head of Amini et al. (2020): a linear map
 * from features to 4 outputs, read as the Normal-Inverse-Gamma parameters
 * γ (identity), ν = softplus(·), α = softplus(·) + 1 and β = softplus(·), the
 * reference's `DenseNormalGamma`. Train it with `evidentialRegressionLoss`
 * and read mean, aleatoric E[σ²] = β/(α − 1) and epistemic
 * Var[μ] = β/(ν(α − 1)) uncertainty with `nigPrediction`.
 *
 * Input `[batch, d]` float32; output `[batch, 4]` float32 (columns γ, ν, α, β;
 * ν and β can underflow to 0 in float32 for logits below about −88, where the
 * loss then rejects them). Weights start at PyTorch's `nn.Linear` default
 * U(−1/√d, 1/√d), seeded by `seed`. Serialisable: registered as `'survkit>EvidentialRegressionHead'`.
 *
 * @example
 * const head = new EvidentialRegressionHead({ seed: 1 });
 * const nig = head.apply(tf.ones([4, 8])) as tf.Tensor; // [4, 4]
 * @throws {SurvkitError} for a non-integer seed or an input that is not `[batch, d]`
 * @see Amini, Schwarting, Soleimany & Rus (2020), Deep Evidential Regression, NeurIPS;
 *   aamini/evidential-deep-learning `layers/dense.py` (`DenseNormalGamma`)
 */
export class EvidentialRegressionHead extends LinearHead {
  static className = 'survkit>EvidentialRegressionHead';

  constructor(args: EvidentialRegressionHeadArgs = {}) {
    super('EvidentialRegressionHead', 'evidential_regression_head', args);
  }

  /** Four NIG parameters per row. */
  get units(): number {
    return 4;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [g, v, a, b] = tf.split(this.linear(inputs), 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      return tf.concat([g, tf.softplus(v), tf.add(tf.softplus(a), 1), tf.softplus(b)], 1);
    });
  }
}
