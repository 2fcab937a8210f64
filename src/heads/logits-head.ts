import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { LinearHead, type LinearHeadArgs } from './linear-head.js';

/** Options of {@link LogitsHead}. */
export interface LogitsHeadArgs extends LinearHeadArgs {
  /** Number of classes K (≥ 2). */
  classes: number;
}

/**
 * A plain classification head: a linear map from features to K logits
 * (softmax classifiers, the baselines of the evidential head). It is the
 * {@link EvidentialHead} without the evidence function, initialised the same
 * way (PyTorch's `nn.Linear` default, seeded), so both start alike on the
 * same backbone. Input `[batch, d]`; output `[batch, K]` float32 logits.
 * Serialised (see `registerSurvkitLayers`) as `'survkit>LogitsHead'`.
 *
 * @example
 * const head = new LogitsHead({ classes: 10, seed: 1 });
 * const logits = head.apply(tf.ones([4, 8])) as tf.Tensor; // [4, 10]
 * @throws {SurvkitError} for fewer than 2 classes, a non-integer seed, or an input that is not `[batch, d]`
 */
export class LogitsHead extends LinearHead {
  static className = 'survkit>LogitsHead';
  readonly classes: number;

  constructor(args: LogitsHeadArgs) {
    super('LogitsHead', 'logits_head', args);
    this.classes = assertNumberOption('LogitsHead', 'classes', args.classes, { min: 2, integer: true });
  }

  /** Number of logits, the number of classes K. */
  get units(): number {
    return this.classes;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.linear(inputs));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), classes: this.classes };
  }
}
