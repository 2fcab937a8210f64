import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';

/**
 * A row-major n × d float32 table as a `[n, d]` tensor, the input of the
 * tabular models (the caller disposes it).
 *
 * @example
 * const x = tabularTensor(Float32Array.from([1, 2, 3, 4]), 2, 2); // [[1, 2], [3, 4]]
 * @throws {SurvkitError} when `values` does not hold n · d numbers
 */
export function tabularTensor(values: Float32Array, n: number, d: number): tf.Tensor2D {
  if (values.length !== n * d) throw survkitError('rowMajorSize', 'tabularTensor', 'values', n, d, values.length);
  return tf.tensor2d(values, [n, d], 'float32');
}
