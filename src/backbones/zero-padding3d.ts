import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';

/** Options of {@link ZeroPadding3D}: zeros before and after each of the frame, row and column axes. */
export interface ZeroPadding3DArgs {
  padding: [[number, number], [number, number], [number, number]];
  name?: string;
}

let uid = 0;

/**
 * Zero padding of a `[b, t, h, w, c]` clip (Keras' `ZeroPadding3D`, which
 * tf.layers lacks): `padding` = [[front, back], [top, bottom], [left, right]].
 * survkit's video networks use it so that strided 3D convolutions pad
 * exactly as PyTorch's do (TF's 'same' pads one more at the end instead).
 * Serialised (see `registerSurvkitLayers`) as `'survkit>ZeroPadding3D'`.
 *
 * @example
 * const pad = new ZeroPadding3D({ padding: [[1, 1], [3, 3], [3, 3]] });
 * (pad.apply(tf.zeros([1, 4, 8, 8, 3])) as tf.Tensor).shape; // [1, 6, 14, 14, 3]
 * @throws {SurvkitError} unless `padding` is three pairs of non-negative integers
 */
export class ZeroPadding3D extends tf.layers.Layer {
  static className = 'survkit>ZeroPadding3D';
  readonly padding: [[number, number], [number, number], [number, number]];

  constructor(args: ZeroPadding3DArgs) {
    super({ name: args.name ?? `zero_padding3d_${++uid}` });
    const p: unknown = args.padding;
    const ok =
      Array.isArray(p) &&
      p.length === 3 &&
      p.every((q: unknown) => Array.isArray(q) && q.length === 2 && q.every((v: unknown) => Number.isInteger(v) && (v as number) >= 0));
    if (!ok) throw survkitError('optionRange', 'ZeroPadding3D', 'padding', 'three [before, after] pairs of non-negative integers', p);
    this.padding = args.padding.map((q) => [q[0], q[1]]) as [[number, number], [number, number], [number, number]];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const grow = (d: number | null, k: number): number | null => (d === null ? null : d + this.padding[k]![0] + this.padding[k]![1]);
    return [s[0] ?? null, grow(s[1] ?? null, 0), grow(s[2] ?? null, 1), grow(s[3] ?? null, 2), s[4] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor5D;
    return tf.tidy(() => {
      // Two pads of rank <= 4: the gradient of a 5D pad is a 5D slice, which TF.js's wasm backend runs
      // element by element (~100 ms for a small clip batch); rank-3/4 slices take a fast path.
      const [b, t, h, w, c] = x.shape;
      const [[f, k], [top, bottom], [left, right]] = this.padding;
      const h2 = h + top + bottom;
      const w2 = w + left + right;
      let y: tf.Tensor = tf.pad(tf.reshape(x, [b * t, h, w, c]), [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ]);
      y = tf.pad(tf.reshape(y, [b, t, h2 * w2 * c]), [
        [0, 0],
        [f, k],
        [0, 0],
      ]);
      return tf.reshape(y, [b, t + f + k, h2, w2, c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}
