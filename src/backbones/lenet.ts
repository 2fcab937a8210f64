import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { deriveSeed, torchLinearInit } from '../ops/init.js';
import { SeededDropout } from './seeded-dropout.js';

/** Options of {@link lenet}. */
export interface LeNetOptions {
  /** `[height, width, channels]` of the images (default [28, 28, 1], MNIST). */
  inputShape?: readonly [number, number, number];
  /** Filters of the two convolutions (default [20, 50]). */
  filters?: readonly [number, number];
  /** Side of the square convolution kernels (default 5). */
  kernelSize?: number;
  /** Convolution padding: 'valid' (default, PyTorch's `Conv2d` without padding) or 'same' (Sensoy et al.'s TensorFlow code). */
  padding?: 'valid' | 'same';
  /** Width of the dense feature layer (default 500). */
  units?: number;
  /** Dropout rate after the dense layer (default 0.5, `F.dropout`'s; 0 for none). */
  dropout?: number;
  /** Seed of the weight initialisation and of the dropout masks. */
  seed?: number;
  /** Model name and layer-name prefix (default 'lenet'). */
  name?: string;
  /** Name of the input layer (default 'image'). */
  inputName?: string;
}

/**
 * The LeNet-style convolutional feature extractor of the evidential
 * deep-learning MNIST experiments (Sensoy et al. 2018; the layers of
 * dougbrion/pytorch-classification-uncertainty `lenet.py`):
 *
 * `image [b, 28, 28, 1] → conv 5×5, 20 → ReLU → max-pool 2 → conv 5×5, 50 → ReLU → max-pool 2
 *  → flatten (4·4·50 = 800) → dense 500 → ReLU → dropout → features [b, 500]`.
 *
 * (ReLU and 2×2 max pooling commute, so this equals the reference's
 * `relu(max_pool2d(conv(x), 2))`.) Weights and biases start at PyTorch's
 * defaults for `Conv2d` and `Linear`, U(−1/√fanIn, 1/√fanIn), seeded; the
 * dropout is survkit's {@link SeededDropout} (a fresh mask per batch, and
 * the layer MC dropout switches on). Built from standard `tf.layers` plus
 * `SeededDropout`, so `model.save` / `tf.loadLayersModel` round-trip it.
 * Layer names: `lenet_conv1`, `lenet_pool1`, `lenet_conv2`, `lenet_pool2`,
 * `lenet_flatten`, `lenet_fc1`, `lenet_dropout` (with the `name` prefix).
 *
 * Put a classification head on it with `attachHead` (the output is already
 * a vector) or pass it as `backbone` to `EvidentialClassifier` /
 * `SoftmaxClassifier`.
 *
 * @example
 * const backbone = lenet({ seed: 1 });
 * backbone.outputs[0].shape; // [null, 500]
 * const model = new EvidentialClassifier({ backbone, classes: 10, evidence: 'relu', seed: 1 });
 * @throws {SurvkitError} for an input shape that is not 3 positive integers, an image too small for the
 *   two convolutions and poolings, or a bad filter count, kernel size, width or dropout rate
 * @see Sensoy, Kaplan & Kandemir (2018) NeurIPS; LeCun et al. (1998) Proc. IEEE 86(11)
 */
export function lenet(opts: LeNetOptions = {}): tf.LayersModel {
  const fn = 'lenet';
  const shape = opts.inputShape ?? [28, 28, 1];
  if (!Array.isArray(shape) || shape.length !== 3) throw survkitError('optionRange', fn, 'inputShape', '[height, width, channels]', shape);
  shape.forEach((d, i) => assertNumberOption(fn, `inputShape[${i}]`, d, { min: 1, integer: true }));
  const [h0, w0, c0] = shape as [number, number, number];
  const filters = opts.filters ?? [20, 50];
  if (!Array.isArray(filters) || filters.length !== 2) throw survkitError('optionRange', fn, 'filters', 'two filter counts [conv1, conv2]', filters);
  const [f1, f2] = filters.map((f, i) => assertNumberOption(fn, `filters[${i}]`, f, { min: 1, integer: true })) as [number, number];
  const k = assertNumberOption(fn, 'kernelSize', opts.kernelSize ?? 5, { min: 1, integer: true });
  const padding = assertChoice(fn, 'padding', opts.padding ?? 'valid', ['valid', 'same'] as const);
  const units = assertNumberOption(fn, 'units', opts.units ?? 500, { min: 1, integer: true });
  const dropout = assertNumberOption(fn, 'dropout', opts.dropout ?? 0.5, { min: 0, max: 1, maxExclusive: true });
  const seed = opts.seed === undefined ? undefined : assertNumberOption(fn, 'seed', opts.seed, { integer: true });
  const p = opts.name ?? 'lenet';

  // Spatial size after conv (valid: n − k + 1) and 2×2 pooling (floor).
  const after = (n: number): number => Math.floor((padding === 'valid' ? n - k + 1 : n) / 2);
  const [h2, w2] = [after(after(h0)), after(after(w0))];
  if (h2 < 1 || w2 < 1 || (padding === 'valid' && (Math.min(h0, w0) < k || Math.min(after(h0), after(w0)) < k))) {
    throw survkitError(
      'optionRange',
      fn,
      'inputShape',
      `an image large enough for two ${k}×${k} '${padding}' convolutions each followed by 2×2 pooling`,
      `[${shape.join(', ')}]`,
    );
  }

  const input = tf.input({ shape: [h0, w0, c0], name: opts.inputName ?? 'image' });
  const conv = (x: tf.SymbolicTensor, out: number, inC: number, i: number): tf.SymbolicTensor => {
    const fanIn = k * k * inC;
    return tf.layers
      .conv2d({
        filters: out,
        kernelSize: k,
        padding,
        activation: 'relu',
        kernelInitializer: torchLinearInit(fanIn, deriveSeed(seed, 2 * i)),
        biasInitializer: torchLinearInit(fanIn, deriveSeed(seed, 2 * i + 1)),
        name: `${p}_conv${i + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
  };
  const pool = (x: tf.SymbolicTensor, i: number): tf.SymbolicTensor =>
    tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${p}_pool${i + 1}` }).apply(x) as tf.SymbolicTensor;

  let h = pool(conv(input, f1, c0, 0), 0);
  h = pool(conv(h, f2, f1, 1), 1);
  h = tf.layers.flatten({ name: `${p}_flatten` }).apply(h) as tf.SymbolicTensor;
  const fanIn = h2 * w2 * f2;
  h = tf.layers
    .dense({
      units,
      activation: 'relu',
      kernelInitializer: torchLinearInit(fanIn, deriveSeed(seed, 4)),
      biasInitializer: torchLinearInit(fanIn, deriveSeed(seed, 5)),
      name: `${p}_fc1`,
    })
    .apply(h) as tf.SymbolicTensor;
  if (dropout > 0) h = new SeededDropout({ rate: dropout, seed: deriveSeed(seed, 6) ?? null, name: `${p}_dropout` }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: h, name: p });
}
