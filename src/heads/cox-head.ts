import * as tf from '@tensorflow/tfjs';
import { featureWidth, seedOf, singleShape, uniqueLayerName, type HeadLayerArgs } from './common.js';
import { torchLinearInit } from '../ops/init.js';

/** Options of {@link CoxHead}. */
export type CoxHeadArgs = HeadLayerArgs;

/**
 * The Cox (DeepSurv) head: a linear map without bias from features to the
 * log relative hazard, g(x) = wᵀx. No bias because the Cox partial likelihood
 * is invariant to it (it is absorbed by the baseline hazard), as in pycox's
 * `MLPVanilla(..., out_features=1, output_bias=False)`.
 *
 * Input `[batch, d]` float32; output `[batch, 1]` log-risk. Weights start at
 * PyTorch's `nn.Linear` default U(−1/√d, 1/√d) (seeded with `seed`).
 * Serialisable: registered as `'survkit>CoxHead'`.
 *
 * @example
 * const head = new CoxHead({ seed: 1 });
 * const logRisk = head.apply(tf.ones([4, 8])) as tf.Tensor; // [4, 1]
 * @throws {SurvkitError} when the input is not `[batch, d]`
 * @see Katzman et al. (2018), DeepSurv, BMC Med Res Methodol 18:24.
 */
export class CoxHead extends tf.layers.Layer {
  static className = 'survkit>CoxHead';
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | null = null;

  constructor(args: CoxHeadArgs = {}) {
    super({ ...args, name: args.name ?? uniqueLayerName('cox_head') });
    this.seed = seedOf('CoxHead', args.seed);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = featureWidth('CoxHead', 'inputs', singleShape('CoxHead', inputShape));
    this.kernel = this.addWeight('kernel', [d, 1], 'float32', torchLinearInit(d, this.seed));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [singleShape('CoxHead', inputShape)[0] ?? null, 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      return tf.matMul(x, (this.kernel as tf.LayerVariable).read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed ?? null };
  }
}
