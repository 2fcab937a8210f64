import * as tf from '@tensorflow/tfjs';
import { featureWidth, seedOf, singleShape, uniqueLayerName, type HeadLayerArgs } from './common.js';
import { deriveSeed, torchLinearInit } from '../ops/init.js';

/** Options every linear head shares. */
export interface LinearHeadArgs extends HeadLayerArgs {
  /** Whether the map has a bias (default true). */
  useBias?: boolean;
}

/**
 * The linear map shared by the logits, discrete-time and evidential heads:
 * `[batch, d]` features → `[batch, units]` float32, weights and bias at
 * PyTorch's `nn.Linear` default U(−1/√d, 1/√d), seeded (`kernel` from
 * `deriveSeed(seed, 0)`, `bias` from `deriveSeed(seed, 1)`). Subclasses say
 * how many units they have and what they do with the linear output.
 */
export abstract class LinearHead extends tf.layers.Layer {
  readonly useBias: boolean;
  readonly seed: number | undefined;
  /** The layer's class name, for error messages. */
  private readonly owner: string;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  protected constructor(owner: string, defaultName: string, args: LinearHeadArgs) {
    super({ ...args, name: args.name ?? uniqueLayerName(defaultName) });
    this.owner = owner;
    this.useBias = args.useBias ?? true;
    this.seed = seedOf(owner, args.seed);
  }

  /** Number of outputs per subject. */
  abstract get units(): number;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = featureWidth(this.owner, 'inputs', singleShape(this.owner, inputShape));
    this.kernel = this.addWeight('kernel', [d, this.units], 'float32', torchLinearInit(d, deriveSeed(this.seed, 0)));
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', torchLinearInit(d, deriveSeed(this.seed, 1)));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [singleShape(this.owner, inputShape)[0] ?? null, this.units];
  }

  /** x·W (+ b) for the layer's input; call inside a `tf.tidy`. */
  protected linear(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    const z = tf.matMul(x, (this.kernel as tf.LayerVariable).read());
    return this.bias ? tf.add(z, this.bias.read()) : z;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useBias: this.useBias, seed: this.seed ?? null };
  }
}
