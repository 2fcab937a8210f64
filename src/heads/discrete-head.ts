import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { LinearHead, type LinearHeadArgs } from './linear-head.js';

/** Options of {@link DiscreteHead}. */
export interface DiscreteHeadArgs extends LinearHeadArgs {
  /** Number of output intervals per cause (the label transform's `outFeatures`, e.g. the number of cuts). */
  cuts: number;
  /** Number of competing causes K (default 1). */
  causes?: number;
}

/**
 * The discrete-time head for DeepHit and logistic-hazard models: a linear map
 * from features to logits φ over the `cuts` intervals, K causes × cuts for
 * competing risks.
 *
 * Input `[batch, d]`; output `[batch, K·cuts]` float32, cause-major: column
 * `k·cuts + j` is cause k+1 at interval j (reshape to `[batch, K, cuts]` for
 * pycox's layout). What the logits mean is the loss's business: hazards
 * `sigmoid(φ)` for logistic hazard, a PMF `softmax([φ, 0])` for DeepHit.
 * Weights and bias start at PyTorch's `nn.Linear` default. Serialised (see `registerSurvkitLayers`) as
 * `'survkit>DiscreteHead'`.
 *
 * @example
 * const head = new DiscreteHead({ cuts: 10, seed: 1 });
 * const phi = head.apply(tf.ones([4, 8])) as tf.Tensor; // [4, 10]
 * @throws {SurvkitError} for a non-positive `cuts` / `causes` or an input that is not `[batch, d]`
 * @see Lee et al. (2018), DeepHit, AAAI; Gensheimer & Narasimhan (2019), nnet-survival, PeerJ.
 */
export class DiscreteHead extends LinearHead {
  static className = 'survkit>DiscreteHead';
  readonly cuts: number;
  readonly causes: number;

  constructor(args: DiscreteHeadArgs) {
    super('DiscreteHead', 'discrete_head', args);
    this.cuts = assertNumberOption('DiscreteHead', 'cuts', args.cuts, { min: 1, integer: true });
    this.causes = assertNumberOption('DiscreteHead', 'causes', args.causes ?? 1, { min: 1, integer: true });
  }

  /** Number of logits per subject, causes × cuts. */
  get units(): number {
    return this.cuts * this.causes;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.linear(inputs));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cuts: this.cuts, causes: this.causes };
  }
}
