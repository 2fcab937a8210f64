import * as tf from '@tensorflow/tfjs';
import { forEachSourceBatch, isBatchSource } from './in-memory-data.js';
import type { BatchSource, ModelInput } from './fit-types.js';
import { ensureBackend } from '../../backend/select.js';

/** Network outputs of n subjects, row-major n × width, in float64. */
export interface Outputs {
  values: Float64Array;
  n: number;
  width: number;
}

/** Rows per inference call (memory and speed trade-off). */
export const PREDICT_BATCH = 4096;

/**
 * Runs `net` in inference mode over in-memory inputs in chunks of `batchSize`
 * rows; `extra(start, size)` may append inputs (e.g. a time column) for each
 * chunk. Returns the flattened outputs in float64. Tensors are disposed.
 */
export function forwardMemory(
  net: tf.LayersModel,
  xs: readonly tf.Tensor[],
  batchSize = PREDICT_BATCH,
  extra?: (start: number, size: number) => tf.Tensor[],
): Outputs {
  const n = xs[0]?.shape[0] as number;
  const chunks: Float32Array[] = [];
  let width = 0;
  for (let s = 0; s < n; s += batchSize) {
    const size = Math.min(batchSize, n - s);
    const out = tf.tidy(() => {
      const inputs = xs.map((t) => (s === 0 && size === n ? t : tf.slice(t, s, size)));
      const all = extra ? [...inputs, ...extra(s, size)] : inputs;
      // One network call per chunk: tf.layers' predict would otherwise cut it into batches of 32 rows.
      const y = net.predict(all.length === 1 ? (all[0] as tf.Tensor) : all, { batchSize: size }) as tf.Tensor;
      return tf.reshape(y, [size, -1]);
    });
    width = out.shape[1] as number;
    chunks.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const values = new Float64Array(n * width);
  let o = 0;
  for (const c of chunks) {
    values.set(c, o);
    o += c.length;
  }
  return { values, n, width };
}

/** {@link forwardMemory} over a {@link BatchSource} (batch tensors are disposed after use). */
export async function forwardSource(fn: string, net: tf.LayersModel, source: BatchSource, count: number): Promise<Outputs> {
  const parts: Outputs[] = [];
  await forEachSourceBatch(fn, source, count, false, (b) => {
    parts.push(forwardMemory(net, b.x));
  });
  const n = parts.reduce((a, p) => a + p.n, 0);
  const width = parts[0]?.width ?? 0;
  const values = new Float64Array(n * width);
  let o = 0;
  for (const p of parts) {
    values.set(p.values, o);
    o += p.values.length;
  }
  return { values, n, width };
}

/** Outputs for in-memory inputs or a source. */
export async function forward(fn: string, net: tf.LayersModel, x: readonly tf.Tensor[] | BatchSource, count: number): Promise<Outputs> {
  await ensureBackend(); // survkit's kernels and backend, installed on first use (backend/install.ts)
  return isBatchSource(x) ? forwardSource(fn, net, x, count) : forwardMemory(net, x);
}

/** Re-export for families. */
export type { ModelInput };
