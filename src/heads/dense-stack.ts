import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from '../ops/batch-norm.js';
import { activate, deriveSeed, kaimingNormalInit, torchLinearInit, type ActivationName, type Initializer } from '../ops/init.js';

/** Options of a stack of pycox `DenseVanillaBlock`s (dense → activation → batch norm → dropout). */
export interface DenseStackOptions {
  hidden: readonly number[];
  activation: ActivationName;
  batchNorm: boolean;
  dropout: number;
  /** Batch-norm momentum in Keras' convention (moving = m·moving + (1−m)·batch); PyTorch's 0.1 is 0.9 here. */
  momentum: number;
  /** Batch-norm epsilon (PyTorch's 1e-5). */
  epsilon: number;
  seed: number | undefined;
}

interface Block {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean?: tf.LayerVariable;
  movingVariance?: tf.LayerVariable;
}

/**
 * The hidden layers of a head, held as weights of the owning layer (so they
 * are saved, frozen and counted with it). Used by {@link CoxTimeHead}.
 */
export class DenseStack {
  private readonly blocks: Block[] = [];
  private dropoutCalls = 0;

  constructor(
    private readonly owner: tf.layers.Layer,
    private readonly opts: DenseStackOptions,
  ) {}

  /** Creates the weights for an input of width `inputDim`; returns the output width. */
  build(inputDim: number): number {
    let fanIn = inputDim;
    this.opts.hidden.forEach((units, k) => {
      const s = (j: number): number | undefined => deriveSeed(this.opts.seed, 10 * k + j);
      const add = (name: string, shape: number[], init: Initializer, trainable = true): tf.LayerVariable =>
        // addWeight is protected on tf.layers.Layer; the owner delegates its weights to this stack.
        (this.owner as unknown as { addWeight: AddWeight }).addWeight(name, shape, 'float32', init, undefined, trainable);
      const block: Block = {
        kernel: add(`dense_${k}/kernel`, [fanIn, units], kaimingNormalInit(fanIn, s(0))),
        bias: add(`dense_${k}/bias`, [units], torchLinearInit(fanIn, s(1))),
      };
      if (this.opts.batchNorm) {
        block.gamma = add(`batch_norm_${k}/gamma`, [units], tf.initializers.ones());
        block.beta = add(`batch_norm_${k}/beta`, [units], tf.initializers.zeros());
        block.movingMean = add(`batch_norm_${k}/moving_mean`, [units], tf.initializers.zeros(), false);
        block.movingVariance = add(`batch_norm_${k}/moving_variance`, [units], tf.initializers.ones(), false);
      }
      this.blocks.push(block);
      fanIn = units;
    });
    return fanIn;
  }

  /** Applies the blocks; in training mode batch statistics are used and the moving averages updated. */
  apply(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const { activation, dropout, momentum, epsilon } = this.opts;
    let h = x;
    for (const b of this.blocks) {
      h = tf.add(tf.matMul(h, b.kernel.read() as tf.Tensor2D), b.bias.read());
      h = activate(h, activation) as tf.Tensor2D;
      if (b.gamma && b.beta && b.movingMean && b.movingVariance) {
        h = batchNorm(h, b as Required<Block>, training, momentum, epsilon);
      }
      if (training && dropout > 0) {
        h = tf.dropout(h, dropout, undefined, deriveSeed(this.opts.seed, 1_000_003 + this.dropoutCalls++)) as tf.Tensor2D;
      }
    }
    return h;
  }
}

type AddWeight = (name: string, shape: number[], dtype: 'float32', initializer: Initializer, regularizer: undefined, trainable: boolean) => tf.LayerVariable;

function batchNorm(h: tf.Tensor2D, b: Required<Block>, training: boolean, momentum: number, epsilon: number): tf.Tensor2D {
  if (!training) {
    return tf.batchNorm2d(
      h,
      b.movingMean.read() as tf.Tensor1D,
      b.movingVariance.read() as tf.Tensor1D,
      b.beta.read() as tf.Tensor1D,
      b.gamma.read() as tf.Tensor1D,
      epsilon,
    );
  }
  // Closed-form gradient (batchNormTraining); moving averages: a variable write is not recorded on the gradient tape.
  return batchNormTraining(h, b.gamma.read() as tf.Tensor1D, b.beta.read() as tf.Tensor1D, epsilon, (mean, variance) => {
    const m = b.movingMean.read();
    const v = b.movingVariance.read();
    b.movingMean.write(tf.add(tf.mul(m, momentum), tf.mul(mean, 1 - momentum)));
    b.movingVariance.write(tf.add(tf.mul(v, momentum), tf.mul(variance, 1 - momentum)));
  }) as tf.Tensor2D;
}
