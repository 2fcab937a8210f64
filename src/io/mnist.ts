/**
 * MNIST in the raw layout of `../shared/datasets` (what survkit's dataset
 * generator writes): `<prefix>_images.u8` holds n×784 unsigned bytes, row by
 * row, 28×28 pixels per image, no header; `<prefix>_labels.u8` holds n bytes,
 * the digits 0–9. (The IDX files `t10k-images-idx3-ubyte` are the same bytes
 * after a 16-byte header, and the labels after an 8-byte header.)
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { readFileBytes } from './read-bytes.js';

/** Rows and columns of an MNIST image. */
export const MNIST_SIDE = 28;
/** Bytes per MNIST image (28 × 28). */
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

/** Options of {@link readMnistArrays} / {@link readMnist}. */
export interface ReadMnistOptions {
  /** File-name prefix (default 'mnist_t10k': `mnist_t10k_images.u8`, `mnist_t10k_labels.u8`). */
  prefix?: string;
  /** Read only the first `limit` images (default: all in the file). */
  limit?: number;
}

/** MNIST images on the host. */
export interface MnistArrays {
  /** n × 28 × 28 pixels, row-major, scaled to [0, 1] (byte / 255). */
  images: Float32Array;
  /** n digits 0–9. */
  labels: Int32Array;
  /** Number of images. */
  n: number;
}

/** MNIST images as a tensor. */
export interface MnistTensors {
  /** `[n, 28, 28, 1]` float32 in [0, 1] (channels last, as TF.js convolutions expect). */
  images: tf.Tensor4D;
  /** n digits 0–9. */
  labels: Int32Array;
  /** Number of images. */
  n: number;
}

/**
 * Reads the raw MNIST files from `dir` into host arrays: pixels scaled to
 * [0, 1] (float32, byte / 255) and the labels.
 *
 * @param dir directory holding `<prefix>_images.u8` and `<prefix>_labels.u8`
 * @example
 * const { images, labels, n } = await readMnistArrays('../shared/datasets', { limit: 1000 });
 * // images.length === n * 784
 * @throws {SurvkitError} (`dataFile`) when a file is missing, the images file is
 *   empty or not a whole number of 784-byte images, the two files hold different
 *   numbers of images, a label is not a digit 0–9, or `limit` exceeds the images in the files
 */
export async function readMnistArrays(dir: string, opts: ReadMnistOptions = {}): Promise<MnistArrays> {
  const fn = 'readMnist';
  if (typeof dir !== 'string' || dir === '') throw survkitError('directoryPath', fn, 'dir', dir);
  const prefix = opts.prefix ?? 'mnist_t10k';
  const imagePath = join(dir, `${prefix}_images.u8`);
  const labelPath = join(dir, `${prefix}_labels.u8`);
  const bytes = await readFileBytes(fn, 'images', imagePath);
  const labelBytes = await readFileBytes(fn, 'labels', labelPath);
  if (bytes.length === 0 || bytes.length % MNIST_PIXELS !== 0) {
    throw survkitError(
      'dataFile',
      fn,
      'images',
      imagePath,
      `it has ${bytes.length} bytes, which is not a positive multiple of ${MNIST_PIXELS} (28×28 bytes per image, no header)`,
    );
  }
  const inFile = bytes.length / MNIST_PIXELS;
  if (labelBytes.length !== inFile) {
    throw survkitError('dataFile', fn, 'labels', labelPath, `it has ${labelBytes.length} labels but the images file has ${inFile} images`);
  }
  const n = opts.limit === undefined ? inFile : assertNumberOption(fn, 'limit', opts.limit, { min: 1, integer: true });
  if (n > inFile) throw survkitError('dataFile', fn, 'images', imagePath, `'limit' asks for ${n} images but the file holds only ${inFile}`);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const d = labelBytes[i] as number;
    if (d > 9) throw survkitError('dataFile', fn, 'labels', labelPath, `label ${i} is ${d}, not a digit 0–9`);
    labels[i] = d;
  }
  const images = new Float32Array(n * MNIST_PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = (bytes[i] as number) / 255;
  return { images, labels, n };
}

/**
 * Reads the raw MNIST files from `dir` (see {@link readMnistArrays}) into a
 * `[n, 28, 28, 1]` float32 tensor in [0, 1] and the labels. The caller owns
 * (and disposes) the tensor.
 *
 * @example
 * const { images, labels } = await readMnist('../shared/datasets');
 * images.shape; // [10000, 28, 28, 1]
 * @throws {SurvkitError} as {@link readMnistArrays}
 */
export async function readMnist(dir: string, opts: ReadMnistOptions = {}): Promise<MnistTensors> {
  const a = await readMnistArrays(dir, opts);
  return { images: tf.tensor4d(a.images, [a.n, MNIST_SIDE, MNIST_SIDE, 1]), labels: a.labels, n: a.n };
}
