import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../../core/errors.js';
import { labelsArg, type LabelsInput, type SurvivalLabels } from '../../data/labels.js';
import type { BatchSource, ModelInput, SourceBatch } from './fit-types.js';

/** Features held in memory with their labels (n rows). */
export interface InMemoryData {
  x: tf.Tensor[];
  labels: SurvivalLabels;
  n: number;
}

/** A batch as the training loop sees it: input tensors (owned by the loop), host labels. */
export interface Batch {
  x: tf.Tensor[];
  time: Float64Array;
  event: Int32Array;
  /** Training batches of in-memory data: the rows of the training data in the batch (for per-subject fit options). */
  rows?: Int32Array;
  /** The inputs as host arrays (row-major), where the plan gathered them on the host; `x` is then made on first read. */
  xHost?: Float32Array[];
  /** Frees what the batch made (with `xHost`: the tensors of `x`, if they were read). */
  release?: () => void;
}

/** True for a {@link BatchSource}. */
export function isBatchSource(x: unknown): x is BatchSource {
  return typeof x === 'object' && x !== null && !(x instanceof tf.Tensor) && !Array.isArray(x) && typeof (x as BatchSource).batches === 'function';
}

/** Checks a {@link ModelInput} against the model's `count` data inputs; returns the tensors as a list. */
export function asInputs(fn: string, arg: string, x: unknown, count: number): tf.Tensor[] {
  const list: unknown = x instanceof tf.Tensor ? [x] : x;
  if (!Array.isArray(list) || !list.every((t: unknown) => t instanceof tf.Tensor)) {
    throw survkitError('modelInput', fn, arg, x);
  }
  if (list.length !== count) throw survkitError('inputCount', fn, arg, count, list.length);
  const tensors = list as tf.Tensor[];
  const n = (tensors[0] as tf.Tensor).shape[0] ?? 0;
  tensors.forEach((t, k) => {
    if (t.rank < 1 || t.shape[0] !== n)
      throw survkitError('shapeMismatch', fn, `${arg}[${k}]`, `[${n}, …] (the same number of rows as ${arg}[0])`, `[${t.shape.join(', ')}]`);
  });
  if (n === 0) throw survkitError('empty', fn, arg);
  return tensors;
}

/** Validates in-memory features and labels of the same length. */
export function inMemory(fn: string, x: ModelInput, labels: LabelsInput, count: number): InMemoryData {
  const xs = asInputs(fn, 'x', x, count);
  const y = labelsArg(fn, 'labels', labels);
  const n = xs[0]?.shape[0] as number;
  if (y.time.length !== n) throw survkitError('lengthMismatch', fn, 'labels.time', y.time.length, 'x', n);
  return { x: xs, labels: y, n };
}

/** Inputs up to this many values are gathered on the host from a copy read once (see {@link gatherRows}). */
const HOST_GATHER_MAX = 1 << 24;
const hostCopies = new WeakMap<tf.Tensor, Float32Array | Int32Array>();

/**
 * A host copy of a numeric tensor of at most 2²⁴ values, read once and kept while the tensor lives (tensors are
 * immutable): the one copy every host path of training (batches, case-control draws, validation) reads.
 */
export function hostCopy(t: tf.Tensor): Float32Array | Int32Array | undefined {
  if (t.isDisposed || t.rank < 1 || (t.shape[0] ?? 0) === 0 || t.size > HOST_GATHER_MAX || (t.dtype !== 'float32' && t.dtype !== 'int32')) return undefined;
  let a = hostCopies.get(t);
  if (a === undefined) {
    a = t.dataSync() as Float32Array | Int32Array;
    hostCopies.set(t, a);
  }
  return a;
}

/** Rows of a tensor gathered from its host copy, as a new tensor (the same values as `tf.gather`). */
function hostGather(t: tf.Tensor, a: Float32Array | Int32Array, rows: ArrayLike<number>): tf.Tensor {
  const n = t.shape[0];
  const w = t.size / n;
  const out = a instanceof Float32Array ? new Float32Array(rows.length * w) : new Int32Array(rows.length * w);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    if (!(i >= 0 && i < n)) throw new RangeError(`gatherRows: row ${i} outside [0, ${n})`);
    const src = i * w;
    const dst = r * w;
    for (let j = 0; j < w; j++) out[dst + j] = a[src + j] as number;
  }
  return tf.tensor(out, [rows.length, ...t.shape.slice(1)], t.dtype);
}

/** The rows `rows` of every input tensor (new tensors; the caller disposes them). */
export function gatherRows(xs: readonly tf.Tensor[], rows: ArrayLike<number>): tf.Tensor[] {
  const host = xs.map(hostCopy);
  if (host.every((a) => a !== undefined)) return xs.map((t, k) => hostGather(t, host[k] as Float32Array | Int32Array, rows));
  return tf.tidy(() => {
    const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
    return xs.map((t) => tf.gather(t, idx));
  });
}

/** Labels of `rows`. */
export function labelRows(y: SurvivalLabels, rows: ArrayLike<number>): { time: Float64Array; event: Int32Array } {
  const time = new Float64Array(rows.length);
  const event = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] as number;
    time[k] = y.time[i] as number;
    event[k] = y.event[i] as number;
  }
  return { time, event };
}

/** Disposes every tensor of a list. */
export function disposeAll(xs: readonly tf.Tensor[]): void {
  for (const t of xs) t.dispose();
}

/**
 * The validated batches of a {@link BatchSource}; with `needLabels` every
 * batch must carry time and event. A batch's tensors are disposed when the
 * consumer asks for the next one (or stops).
 */
export async function* sourceBatches(fn: string, source: BatchSource, count: number, needLabels: boolean): AsyncGenerator<Batch> {
  let k = 0;
  for await (const raw of source.batches()) {
    const b = sourceBatch(fn, raw, count, needLabels, k++);
    try {
      yield b;
    } finally {
      disposeAll(b.x);
    }
  }
}

/** Calls `use` on every batch of a source (see {@link sourceBatches}). */
export async function forEachSourceBatch(
  fn: string,
  source: BatchSource,
  count: number,
  needLabels: boolean,
  use: (b: Batch, k: number) => Promise<void> | void,
): Promise<void> {
  let k = 0;
  for await (const b of sourceBatches(fn, source, count, needLabels)) await use(b, k++);
}

function sourceBatch(fn: string, raw: SourceBatch, count: number, needLabels: boolean, k: number): Batch {
  const given = raw.x instanceof tf.Tensor ? [raw.x] : raw.x;
  let xs: tf.Tensor[];
  try {
    xs = asInputs(fn, `batch ${k}: x`, raw.x, count);
  } catch (e) {
    if (Array.isArray(given)) for (const t of given) if (t instanceof tf.Tensor) t.dispose();
    throw e;
  }
  const n = xs[0]?.shape[0] as number;
  if (!needLabels || (raw.time === undefined && raw.event === undefined)) {
    if (needLabels) {
      disposeAll(xs);
      throw survkitError('unlabelledBatch', fn, `batch ${k}`);
    }
    return { x: xs, time: new Float64Array(n), event: new Int32Array(n) };
  }
  try {
    const y = labelsArg(fn, `batch ${k}`, { time: raw.time, event: raw.event });
    if (y.time.length !== n) throw survkitError('lengthMismatch', fn, `batch ${k}: time`, y.time.length, 'x', n);
    return { x: xs, time: y.time, event: y.event };
  } catch (e) {
    disposeAll(xs);
    throw e;
  }
}
