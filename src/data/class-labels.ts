/**
 * Class-index labels: the one validation of the integers 0 … K−1 that
 * classifiers, evidential losses, temperature fitting and the classifier
 * metrics take (no TensorFlow.js: a tensor is read through its `dataSync`).
 */
import { assertArrayLike } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** What survkit reads from a tensor of labels (a `tf.Tensor` satisfies it). */
export interface TensorLike {
  readonly rank: number;
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** Class indices 0 … K−1: an array, a typed array, or a rank-1 `tf.Tensor`. */
export type ClassIndexInput = ArrayLike<number> | TensorLike;

/** True for a `tf.Tensor` (or anything shaped like one). */
export function isTensorLike(y: unknown): y is TensorLike {
  return (
    typeof y === 'object' &&
    y !== null &&
    typeof (y as TensorLike).dataSync === 'function' &&
    typeof (y as TensorLike).rank === 'number' &&
    Array.isArray((y as TensorLike).shape)
  );
}

/**
 * Validates class labels: n integers in 0 … classes−1, as an `Int32Array`.
 *
 * @param fn public function name for messages
 * @param arg argument name for messages
 * @param y an array, typed array or rank-1 tensor of class indices
 * @param n expected number of labels
 * @param classes K, the number of classes
 * @param ref the argument whose length n is (for the length message)
 * @param of what K counts, for the message: "(K = 3 classes of the model)"
 * @throws {SurvkitError} `shapeMismatch` for a tensor of rank ≠ 1, `notArray`,
 *   `lengthMismatch` for a length other than n, `classLabel` for a value that
 *   is not a class index
 * @example
 * classLabels('f', 'y', [0, 2, 1], 3, 3); // Int32Array [0, 2, 1]
 */
export function classLabels(fn: string, arg: string, y: unknown, n: number, classes: number, ref = 'x', of = 'classes of the model'): Int32Array {
  const t = isTensorLike(y) ? y : undefined;
  if (t !== undefined && t.rank !== 1) throw survkitError('shapeMismatch', fn, arg, `[${n}] (class indices)`, `[${t.shape.join(', ')}]`);
  const values: unknown = t === undefined ? y : t.dataSync();
  assertArrayLike(fn, arg, values);
  const v = values as ArrayLike<unknown>;
  if (v.length !== n) throw survkitError('lengthMismatch', fn, arg, v.length, ref, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = v[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= classes) throw survkitError('classLabel', fn, arg, i, c, classes, of);
    out[i] = c;
  }
  return out;
}
