import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { featureWidth, seedOf, singleShape, uniqueLayerName, type HeadLayerArgs } from './common.js';
import { deriveSeed, torchLinearInit } from './init.js';

/** Options of {@link LogitsHead}. */
export interface LogitsHeadArgs extends HeadLayerArgs {
  /** Number of classes K (≥ 2). */
  classes: number;
  /** Whether the logits have a bias (default true). */
  useBias?: boolean;
}

/**
 * A plain classification head: a linear map from features to K logits
 * (softmax classifiers, the baselines of the evidential head). It is the
 * {@link EvidentialHead} without the evidence function, initialised the same
 * way (PyTorch's `nn.Linear` default, seeded), so both start alike on the
 * same backbone. Input `[batch, d]`; output `[batch, K]` float32 logits.
 * Registered as `'survkit>LogitsHead'`.
 *
 * @example
 * const head = new LogitsHead({ classes: 10, seed: 1 });
 * const logits = head.apply(tf.ones([4, 8])) as tf.Tensor; // [4, 10]
 * @throws {SurvkitError} for fewer than 2 classes, a non-integer seed, or an input that is not `[batch, d]`
 */
export class LogitsHead extends tf.layers.Layer {
  static className = 'survkit>LogitsHead';
  readonly classes: number;
  readonly useBias: boolean;
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: LogitsHeadArgs) {
    super({ ...args, name: args.name ?? uniqueLayerName('logits_head') });
    this.classes = assertNumberOption('LogitsHead', 'classes', args.classes, { min: 2, integer: true });
    this.useBias = args.useBias ?? true;
    this.seed = seedOf('LogitsHead', args.seed);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = featureWidth('LogitsHead', 'inputs', singleShape('LogitsHead', inputShape));
    this.kernel = this.addWeight('kernel', [d, this.classes], 'float32', torchLinearInit(d, deriveSeed(this.seed, 0)));
    if (this.useBias) this.bias = this.addWeight('bias', [this.classes], 'float32', torchLinearInit(d, deriveSeed(this.seed, 1)));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [singleShape('LogitsHead', inputShape)[0] ?? null, this.classes];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const z = tf.matMul(x, (this.kernel as tf.LayerVariable).read());
      return this.bias ? tf.add(z, this.bias.read()) : z;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), classes: this.classes, useBias: this.useBias, seed: this.seed ?? null };
  }
}
tf.serialization.registerClass(LogitsHead);
