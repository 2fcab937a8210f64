import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { ACTIVATIONS, deriveSeed, kaimingNormalInit, torchLinearInit, type ActivationName } from '../ops/init.js';
import { SeededDropout } from './seeded-dropout.js';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Number of input features. */
  inputDim: number;
  /** Widths of the hidden layers (default [32, 32]); `[]` gives an identity feature extractor. */
  hidden?: readonly number[];
  /** Batch normalisation after each activation (default true). */
  batchNorm?: boolean;
  /** Dropout rate after each block (default 0.1; 0 for none). */
  dropout?: number;
  /** Hidden activation (default 'relu'). */
  activation?: ActivationName;
  /** Batch-norm momentum in Keras' convention (default 0.9, which is PyTorch's momentum 0.1). */
  momentum?: number;
  /** Batch-norm epsilon (default 1e-5, PyTorch's). */
  epsilon?: number;
  /** Seed of the weight initialisation and of the dropout masks. */
  seed?: number;
  /** Model name (default 'mlp'). */
  name?: string;
  /** Name of the input layer (default 'features'). */
  inputName?: string;
}

/**
 * The tabular feature extractor of pycox's examples (torchtuples
 * `MLPVanilla` without its output layer): for each width h in `hidden`,
 * dense(h) → activation → batch norm → dropout. Dense kernels start at
 * Kaiming-normal N(0, 2/fanIn) and biases at U(−1/√fanIn, 1/√fanIn), as
 * torchtuples initialises them; batch norm uses PyTorch's momentum and
 * epsilon. Attach a head with {@link attachHead}.
 *
 * Input `[batch, inputDim]` float32; output `[batch, hidden.at(-1)]` (or
 * `[batch, inputDim]` when `hidden` is empty).
 *
 * @example
 * const backbone = mlp({ inputDim: 9, hidden: [32, 32], batchNorm: true, dropout: 0.1, seed: 1 });
 * const net = attachHead(backbone, new CoxHead({ seed: 1 }));
 * @throws {SurvkitError} for a non-positive `inputDim` or width, a dropout outside [0, 1), an unknown activation
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129); torchtuples `practical.MLPVanilla`.
 */
export function mlp(opts: MlpOptions): tf.LayersModel {
  const fn = 'mlp';
  const inputDim = assertNumberOption(fn, 'inputDim', opts.inputDim, { min: 1, integer: true });
  const given: unknown = opts.hidden ?? [32, 32];
  if (!Array.isArray(given)) throw survkitError('optionRange', fn, 'hidden', 'an array of layer widths', given);
  const hidden = given as readonly number[];
  hidden.forEach((h) => assertNumberOption(fn, 'hidden', h, { min: 1, integer: true }));
  const activation = assertChoice(fn, 'activation', opts.activation ?? 'relu', ACTIVATIONS);
  const dropout = assertNumberOption(fn, 'dropout', opts.dropout ?? 0.1, { min: 0, max: 1, maxExclusive: true });
  const momentum = assertNumberOption(fn, 'momentum', opts.momentum ?? 0.9, { min: 0, max: 1 });
  const epsilon = assertNumberOption(fn, 'epsilon', opts.epsilon ?? 1e-5, { min: 0, minExclusive: true });
  const batchNorm = opts.batchNorm ?? true;
  const seed = opts.seed === undefined ? undefined : assertNumberOption(fn, 'seed', opts.seed, { integer: true });
  const name = opts.name ?? 'mlp';

  const input = tf.input({ shape: [inputDim], name: opts.inputName ?? 'features' });
  let h: tf.SymbolicTensor = input;
  if (hidden.length === 0) {
    h = tf.layers.activation({ activation: 'linear', name: `${name}_identity` }).apply(h) as tf.SymbolicTensor;
  }
  let fanIn = inputDim;
  hidden.forEach((units, k) => {
    h = tf.layers
      .dense({
        units,
        name: `${name}_dense_${k}`,
        kernelInitializer: kaimingNormalInit(fanIn, deriveSeed(seed, 3 * k)),
        biasInitializer: torchLinearInit(fanIn, deriveSeed(seed, 3 * k + 1)),
      })
      .apply(h) as tf.SymbolicTensor;
    if (activation !== 'linear') h = tf.layers.activation({ activation, name: `${name}_${activation}_${k}` }).apply(h) as tf.SymbolicTensor;
    if (batchNorm) h = tf.layers.batchNormalization({ momentum, epsilon, name: `${name}_batch_norm_${k}` }).apply(h) as tf.SymbolicTensor;
    if (dropout > 0)
      h = new SeededDropout({ rate: dropout, seed: deriveSeed(seed, 3 * k + 2) ?? null, name: `${name}_dropout_${k}` }).apply(h) as tf.SymbolicTensor;
    fanIn = units;
  });
  return tf.model({ inputs: input, outputs: h, name });
}
