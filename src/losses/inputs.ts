/**
 * Argument checks shared by the losses: tensor shapes, event codes and
 * discrete-time indices, each failing with a catalogue message that names the
 * loss and the argument.
 */
import type * as tf from '@tensorflow/tfjs';
import { toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { toEventCodes } from '../data/labels.js';

function isTensor(x: unknown): x is tf.Tensor {
  return typeof x === 'object' && x !== null && Array.isArray((x as tf.Tensor).shape) && typeof (x as tf.Tensor).dataSync === 'function';
}

function shapeText(x: unknown): string {
  return isTensor(x) ? `[${x.shape.join(', ')}]` : 'not a tf.Tensor';
}

/** Length n of a tensor of shape [n] or [n, 1] (n ≥ 1). */
export function vectorLength(fn: string, arg: string, x: unknown): number {
  if (!isTensor(x) || !(x.rank === 1 || (x.rank === 2 && x.shape[1] === 1)) || x.shape[0] < 1) {
    throw survkitError('shapeMismatch', fn, arg, '[n] or [n, 1] with n >= 1', shapeText(x));
  }
  return x.shape[0];
}

/** Shape [n, k] of a rank-2 tensor (n, k ≥ 1). */
export function matrixShape(fn: string, arg: string, x: unknown): [number, number] {
  if (!isTensor(x) || x.rank !== 2 || x.shape[0] < 1 || (x.shape[1] as number) < 1) {
    throw survkitError('shapeMismatch', fn, arg, '[n, k] with n, k >= 1', shapeText(x));
  }
  return [x.shape[0], x.shape[1] as number];
}

/** Shape of discrete-time logits: [n, m] (one cause) or [n, K, m] (K competing causes). */
export function logitShape(fn: string, arg: string, x: unknown): { n: number; causes: number; m: number } {
  if (isTensor(x) && x.rank === 2 && x.size > 0) return { n: x.shape[0], causes: 1, m: x.shape[1] as number };
  if (isTensor(x) && x.rank === 3 && x.size > 0) {
    return { n: x.shape[0], causes: x.shape[1] as number, m: x.shape[2] as number };
  }
  throw survkitError('shapeMismatch', fn, arg, '[n, m] or [n, K, m] (K competing causes) with no zero dimension', shapeText(x));
}

/** Event codes, as many as `ref` (the output tensor) has rows (n), each 0..maxCode (maxCode 1 = single risk). */
export function eventCodes(fn: string, arg: string, event: unknown, ref: string, n: number, maxCode: number): Int32Array {
  const e = toEventCodes(fn, arg, event);
  if (e.length !== n) throw survkitError('lengthMismatch', fn, arg, e.length, ref, n);
  for (let i = 0; i < n; i++) {
    const v = e[i] as number;
    if (v > maxCode) {
      if (maxCode === 1) throw survkitError('notBinaryEvent', fn, arg, i, v);
      throw survkitError('eventCodeRange', fn, arg, maxCode, v);
    }
  }
  return e;
}

/** Finite times of length n. */
export function timesOfLength(fn: string, arg: string, time: unknown, ref: string, n: number): Float64Array {
  const t = toFloat64(fn, arg, time);
  if (t.length !== n) throw survkitError('lengthMismatch', fn, arg, t.length, ref, n);
  return t;
}

/** Discrete-time indices of length n, integers in [0, m − 1]. */
export function durationIndices(fn: string, arg: string, idx: unknown, ref: string, n: number, m: number): Int32Array {
  const v = toFloat64(fn, arg, idx);
  if (v.length !== n) throw survkitError('lengthMismatch', fn, arg, v.length, ref, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = v[i] as number;
    if (!Number.isInteger(k) || k < 0 || k >= m) {
      throw survkitError('durationIndex', fn, `${arg}[${i}]`, m, k);
    }
    out[i] = k;
  }
  return out;
}

/** Throws with `noEvents` unless some event code is non-zero. */
export function assertSomeEvent(fn: string, arg: string, e: Int32Array): number {
  let d = 0;
  for (const v of e) if (v !== 0) d++;
  if (d === 0) throw survkitError('noEvents', fn, arg);
  return d;
}

/**
 * Reads a model output back (one device read) and throws `notFinite` at its
 * first NaN or ±Infinity, unless `validate` is false (the opt-out for hot loops
 * whose inputs are known to be finite).
 */
export function assertFiniteTensor(fn: string, arg: string, x: tf.Tensor, validate: boolean | undefined): void {
  if (validate === false) return;
  if (validate !== undefined && validate !== true) throw survkitError('optionRange', fn, 'validate', 'true or false', validate);
  assertFiniteOutput(fn, arg, x.dataSync());
}

/** Throws unless every value read back from a model output is finite. */
export function assertFiniteOutput(fn: string, arg: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw survkitError('notFinite', fn, arg, i, v);
  }
}
