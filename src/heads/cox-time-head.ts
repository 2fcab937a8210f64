import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { seedOf, uniqueLayerName, type HeadLayerArgs } from './common.js';
import { DenseStack } from './dense-stack.js';
import { ACTIVATIONS, deriveSeed, torchLinearInit, type ActivationName } from '../ops/init.js';

/** Options of {@link CoxTimeHead}. */
export interface CoxTimeHeadArgs extends HeadLayerArgs {
  /** Widths of the hidden layers applied to [features, time] (default [32, 32]). */
  hidden?: readonly number[];
  /** Activation of the hidden layers (default 'relu'). */
  activation?: ActivationName;
  /** Batch normalisation after each activation (default true). */
  batchNorm?: boolean;
  /** Dropout rate after each hidden block (default 0.1). */
  dropout?: number;
  /** Batch-norm momentum, Keras convention (default 0.9 = PyTorch's 0.1). */
  momentum?: number;
  /** Batch-norm epsilon (default 1e-5, PyTorch's). */
  epsilon?: number;
}

/**
 * The Cox-Time head: an MLP on the concatenation [features, t̃] of the
 * backbone features and the standardised time t̃, ending in a linear unit
 * without bias: g(t̃, x). The time enters at the input of the MLP, as in
 * pycox's `MLPVanillaCoxTime`; each hidden block is dense → activation →
 * batch norm → dropout (torchtuples' `DenseVanillaBlock`), hidden weights
 * start at Kaiming-normal, the output at U(−1/√h, 1/√h).
 *
 * Inputs `[features [batch, d], time [batch, 1]]` float32; output
 * `[batch, 1]`. Dropout is seeded per call from `seed`, so training is
 * reproducible. Serialised (see `registerSurvkitLayers`) as `'survkit>CoxTimeHead'`.
 *
 * @example
 * const head = new CoxTimeHead({ hidden: [16], seed: 1 });
 * const g = head.apply([tf.ones([4, 8]), tf.zeros([4, 1])]) as tf.Tensor; // [4, 1]
 * @throws {SurvkitError} for bad options or inputs that are not `[features, time]`
 * @see Kvamme, Borgan & Scheel (2019), Time-to-event prediction with neural networks and Cox regression, JMLR 20(129).
 */
export class CoxTimeHead extends tf.layers.Layer {
  static className = 'survkit>CoxTimeHead';
  readonly hidden: number[];
  readonly activation: ActivationName;
  readonly batchNorm: boolean;
  readonly dropout: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly seed: number | undefined;
  private readonly stack: DenseStack;
  private kernel: tf.LayerVariable | null = null;

  constructor(args: CoxTimeHeadArgs = {}) {
    super({ ...args, name: args.name ?? uniqueLayerName('cox_time_head') });
    const fn = 'CoxTimeHead';
    this.hidden = [...(args.hidden ?? [32, 32])].map((h) => assertNumberOption(fn, 'hidden', h, { min: 1, integer: true }));
    this.activation = assertChoice(fn, 'activation', args.activation ?? 'relu', ACTIVATIONS);
    this.batchNorm = args.batchNorm ?? true;
    this.dropout = assertNumberOption(fn, 'dropout', args.dropout ?? 0.1, { min: 0, max: 1, maxExclusive: true });
    this.momentum = assertNumberOption(fn, 'momentum', args.momentum ?? 0.9, { min: 0, max: 1 });
    this.epsilon = assertNumberOption(fn, 'epsilon', args.epsilon ?? 1e-5, { min: 0, minExclusive: true });
    this.seed = seedOf(fn, args.seed);
    const { hidden, activation, batchNorm, dropout, momentum, epsilon, seed } = this;
    this.stack = new DenseStack(this, { hidden, activation, batchNorm, dropout, momentum, epsilon, seed });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [features, time] = pairShapes(inputShape);
    const d = features[features.length - 1];
    if (features.length !== 2 || typeof d !== 'number') {
      throw survkitError('shapeMismatch', 'CoxTimeHead', 'features', '[batch, d] with a known d', `[${features.map(String).join(', ')}]`);
    }
    if (time.length !== 2 || time[1] !== 1) throw survkitError('shapeMismatch', 'CoxTimeHead', 'time', '[batch, 1]', `[${time.map(String).join(', ')}]`);
    const width = this.stack.build(d + 1);
    this.kernel = this.addWeight('output/kernel', [width, 1], 'float32', torchLinearInit(width, deriveSeed(this.seed, 999)));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [pairShapes(inputShape)[0][0] ?? null, 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2)
        throw survkitError('coxTimeInputs', 'CoxTimeHead', 'inputs', Array.isArray(inputs) ? `${inputs.length} tensors` : 'a single tensor');
      const x = tf.concat([inputs[0] as tf.Tensor2D, inputs[1] as tf.Tensor2D], 1);
      const h = this.stack.apply(x, kwargs.training === true);
      return tf.matMul(h, (this.kernel as tf.LayerVariable).read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      hidden: this.hidden,
      activation: this.activation,
      batchNorm: this.batchNorm,
      dropout: this.dropout,
      momentum: this.momentum,
      epsilon: this.epsilon,
      seed: this.seed ?? null,
    };
  }
}

function pairShapes(shape: tf.Shape | tf.Shape[]): [tf.Shape, tf.Shape] {
  if (!Array.isArray(shape[0]) || shape.length !== 2) {
    throw survkitError('coxTimeInputs', 'CoxTimeHead', 'inputs', Array.isArray(shape[0]) ? `${shape.length} tensors` : 'a single tensor');
  }
  return shape as [tf.Shape, tf.Shape];
}
