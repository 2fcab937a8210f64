/** Input conversion shared by survkit's elementwise ops. */
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';

/** `x` as a float32 tensor (numbers and arrays are converted; int32 and bool tensors are cast). */
export function asFloatTensor(fn: string, x: tf.Tensor | tf.TensorLike): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.dtype === 'float32') return x;
    if (x.dtype === 'int32' || x.dtype === 'bool') return tf.cast(x, 'float32');
    throw survkitError('realInput', fn, 'x', `a ${x.dtype} tensor`);
  }
  if (typeof x === 'string' || (Array.isArray(x) && x.some((v) => typeof v === 'string'))) {
    throw survkitError('realInput', fn, 'x', 'strings');
  }
  return tf.tensor(x, undefined, 'float32');
}
