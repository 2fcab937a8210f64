import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { featureWidth, seedOf, singleShape, uniqueLayerName, type HeadLayerArgs } from './common.js';
import { deriveSeed, torchLinearInit } from './init.js';

/** Options of {@link DiscreteHead}. */
export interface DiscreteHeadArgs extends HeadLayerArgs {
  /** Number of output intervals per cause (the label transform's `outFeatures`, e.g. the number of cuts). */
  cuts: number;
  /** Number of competing causes K (default 1). */
  causes?: number;
  /** Whether the logits have a bias (default true, as pycox's `MLPVanilla`). */
  useBias?: boolean;
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
 * Weights and bias start at PyTorch's `nn.Linear` default. Registered as
 * `'survkit>DiscreteHead'`.
 *
 * @example
 * const head = new DiscreteHead({ cuts: 10, seed: 1 });
 * const phi = head.apply(tf.ones([4, 8])) as tf.Tensor; // [4, 10]
 * @throws {SurvkitError} for a non-positive `cuts` / `causes` or an input that is not `[batch, d]`
 * @see Lee et al. (2018), DeepHit, AAAI; Gensheimer & Narasimhan (2019), nnet-survival, PeerJ.
 */
export class DiscreteHead extends tf.layers.Layer {
  static className = 'survkit>DiscreteHead';
  readonly cuts: number;
  readonly causes: number;
  readonly useBias: boolean;
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: DiscreteHeadArgs) {
    super({ ...args, name: args.name ?? uniqueLayerName('discrete_head') });
    this.cuts = assertNumberOption('DiscreteHead', 'cuts', args.cuts, { min: 1, integer: true });
    this.causes = assertNumberOption('DiscreteHead', 'causes', args.causes ?? 1, { min: 1, integer: true });
    this.useBias = args.useBias ?? true;
    this.seed = seedOf('DiscreteHead', args.seed);
  }

  /** Number of logits per subject, causes × cuts. */
  get units(): number {
    return this.cuts * this.causes;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = featureWidth('DiscreteHead', 'inputs', singleShape('DiscreteHead', inputShape));
    this.kernel = this.addWeight('kernel', [d, this.units], 'float32', torchLinearInit(d, deriveSeed(this.seed, 0)));
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', torchLinearInit(d, deriveSeed(this.seed, 1)));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [singleShape('DiscreteHead', inputShape)[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const z = tf.matMul(x, (this.kernel as tf.LayerVariable).read());
      return this.bias ? tf.add(z, this.bias.read()) : z;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cuts: this.cuts, causes: this.causes, useBias: this.useBias, seed: this.seed ?? null };
  }
}
tf.serialization.registerClass(DiscreteHead);
