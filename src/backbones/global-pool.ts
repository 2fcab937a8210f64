import * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../core/assert.js';

/** Options of {@link GlobalPool}. */
export interface GlobalPoolArgs {
  /** 'avg' (default) or 'max'. */
  mode?: 'avg' | 'max';
  name?: string;
}

let uid = 0;

/**
 * Global pooling over every axis between the batch and the channel axis
 * (channels last): `[b, s, c]` (sequence), `[b, h, w, c]` (image) or
 * `[b, t, h, w, c]` (video) → `[b, c]`. `tf.layers` has no 3-D global pooling;
 * this covers all ranks > 2 in one serialisable layer, registered as
 * `'survkit>GlobalPool'`.
 *
 * @example
 * const gap = new GlobalPool({ mode: 'avg' });
 * (gap.apply(tf.ones([2, 4, 8, 8, 16])) as tf.Tensor).shape; // [2, 16]
 * @throws {SurvkitError} for an unknown mode
 */
export class GlobalPool extends tf.layers.Layer {
  static className = 'survkit>GlobalPool';
  readonly mode: 'avg' | 'max';

  constructor(args: GlobalPoolArgs = {}) {
    super({ name: args.name ?? `global_pool_${++uid}` });
    this.mode = assertChoice('GlobalPool', 'mode', args.mode ?? 'avg', ['avg', 'max'] as const);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, s[s.length - 1] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
    if (axes.length === 0) return tf.clone(x);
    return this.mode === 'avg' ? tf.mean(x, axes) : tf.max(x, axes);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
