import * as tf from '@tensorflow/tfjs';

export { deriveSeed } from '../core/seed.js';
/** The type of a `tf.initializers` initialiser (not exported by name from @tensorflow/tfjs). */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/**
 * Seeded weight initialisers matching PyTorch's defaults, so that survkit's
 * MLPs start where pycox's do (in distribution, not bit for bit):
 *
 * - {@link torchLinearInit}: `nn.Linear`'s default for weights and biases,
 *   U(−1/√fanIn, 1/√fanIn) (pycox's output layers keep it);
 * - {@link kaimingNormalInit}: `nn.init.kaiming_normal_(w, nonlinearity='relu')`,
 *   N(0, 2/fanIn) (torchtuples' `MLPVanilla` hidden layers).
 *
 * A seed of `undefined` draws a random initialisation.
 */
export function torchLinearInit(fanIn: number, seed: number | undefined): Initializer {
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  return tf.initializers.randomUniform({ minval: -bound, maxval: bound, ...(seed === undefined ? {} : { seed }) });
}

/** N(0, 2/fanIn), PyTorch's `kaiming_normal_` for ReLU layers; see {@link torchLinearInit}. */
export function kaimingNormalInit(fanIn: number, seed: number | undefined): Initializer {
  const stddev = Math.sqrt(2 / Math.max(1, fanIn));
  return tf.initializers.randomNormal({ mean: 0, stddev, ...(seed === undefined ? {} : { seed }) });
}

/** Activation functions accepted by the MLP backbone and the Cox-Time head. */
export type ActivationName = 'relu' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'softplus' | 'linear';

/** The activation names, for validation. */
export const ACTIVATIONS: readonly ActivationName[] = ['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'softplus', 'linear'];

/** Applies the named activation. */
export function activate(x: tf.Tensor, name: ActivationName): tf.Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'linear':
      return x;
  }
}
