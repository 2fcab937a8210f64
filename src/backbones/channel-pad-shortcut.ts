import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';

/** Options of {@link ChannelPadShortcut}. */
export interface ChannelPadShortcutArgs {
  /** Subsampling step along frames / slices, rows and columns (1 = none). */
  stride: number;
  /** Output channels (≥ the input's): the extra channels are zeros. */
  channels: number;
  name?: string;
}

let uid = 0;

/**
 * The parameter-free "type A" shortcut of 3D ResNets (MONAI's
 * `ResNet._downsample_basic_block`, MedicalNet's `downsample_basic_block`):
 * `[b, d, h, w, c]` → every `stride`-th voxel along d, h and w (average pooling
 * with kernel 1) → zero channels appended up to `channels`.
 * Serialised (see `registerSurvkitLayers`) as `'survkit>ChannelPadShortcut'`.
 *
 * @example
 * const s = new ChannelPadShortcut({ stride: 2, channels: 16 });
 * (s.apply(tf.zeros([1, 4, 8, 8, 8])) as tf.Tensor).shape; // [1, 2, 4, 4, 16]
 * @throws {SurvkitError} unless `stride` and `channels` are positive integers
 */
export class ChannelPadShortcut extends tf.layers.Layer {
  static className = 'survkit>ChannelPadShortcut';
  readonly stride: number;
  readonly channels: number;

  constructor(args: ChannelPadShortcutArgs) {
    super({ name: args.name ?? `channel_pad_shortcut_${++uid}` });
    if (!Number.isInteger(args.stride) || args.stride < 1) throw survkitError('optionRange', 'ChannelPadShortcut', 'stride', 'an integer >= 1', args.stride);
    if (!Number.isInteger(args.channels) || args.channels < 1)
      throw survkitError('optionRange', 'ChannelPadShortcut', 'channels', 'an integer >= 1', args.channels);
    this.stride = args.stride;
    this.channels = args.channels;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const sub = (d: number | null | undefined): number | null => (d === null || d === undefined ? null : Math.floor((d - 1) / this.stride) + 1);
    return [s[0] ?? null, sub(s[1]), sub(s[2]), sub(s[3]), this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor5D;
    return tf.tidy(() => {
      const c = x.shape[4];
      if (c > this.channels) throw survkitError('optionRange', this.name, 'channels', `at least the input's ${c} channels`, this.channels);
      const y = this.stride === 1 ? x : tf.avgPool3d(x, 1, this.stride, 'valid');
      if (c === this.channels) return y;
      const [b, d, h, w] = y.shape;
      // a rank-3 pad of the channel axis (a 5D pad's gradient is slow on wasm)
      const padded = tf.pad(tf.reshape(y, [b, d * h * w, c]), [
        [0, 0],
        [0, 0],
        [0, this.channels - c],
      ]);
      return tf.reshape(padded, [b, d, h, w, this.channels]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stride: this.stride, channels: this.channels };
  }
}
