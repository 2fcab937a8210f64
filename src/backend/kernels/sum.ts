/**
 * Sum for the cpu backend in one pass over the input, for any set of axes.
 * The stock kernel first transposes the reduced axes innermost (a generic,
 * per-element transpose); for the bias gradient of a conv layer — a sum over
 * batch, height and width of [32, 64, 64, 16] — that took ~150 ms of a
 * ~1 s training step, this takes ~3 ms. Sums accumulate in float64, as the
 * stock kernel does; float32 input gives float32, int32 and bool give int32.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { stockKernel } from './stock.js';

/** Floats per block of rows in the column sums over every axis but the last (128 KB). */
const SUM_BLOCK_FLOATS = 1 << 15;

/** Σ over `axes` of x (row-major, `shape`), as a float64 array over the kept axes in order. */
export function sumValues(x: ArrayLike<number>, shape: readonly number[], axes: readonly number[]): Float64Array {
  const rank = shape.length;
  const reduced = new Set(axes);
  const kept = shape.filter((_, d) => !reduced.has(d));
  const out = new Float64Array(kept.reduce((a, b) => a * b, 1));
  if (rank === 0) {
    out[0] = x[0] as number;
    return out;
  }
  // Output stride of each input axis (0 for reduced axes).
  const oStride = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (!reduced.has(d)) {
      oStride[d] = s;
      s *= shape[d] as number;
    }
  }
  const last = shape[rank - 1] as number;
  if (reduced.size === rank - 1 && !reduced.has(rank - 1) && last > 0) {
    // Every axis but the innermost (a conv bias gradient): column sums in a register over blocks of rows
    // small enough for the cache (each column still summed in row order, in float64), no index bookkeeping.
    const rows = x.length / last;
    const block = Math.max(1, Math.floor(SUM_BLOCK_FLOATS / last));
    for (let r0 = 0; r0 < rows; r0 += block) {
      const end = Math.min(rows, r0 + block) * last;
      for (let j = 0; j < last; j++) {
        let acc = out[j] as number;
        for (let i = r0 * last + j; i < end; i += last) acc += x[i] as number;
        out[j] = acc;
      }
    }
    return out;
  }
  const lastKept = (oStride[rank - 1] as number) !== 0;
  const outer = last === 0 ? 0 : x.length / last;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  let i = 0;
  for (let k = 0; k < outer; k++) {
    if (lastKept) {
      for (let j = 0; j < last; j++) out[o + j] = (out[o + j] as number) + (x[i++] as number);
    } else {
      let acc = 0;
      for (let j = 0; j < last; j++) acc += x[i++] as number;
      out[o] = (out[o] as number) + acc;
    }
    for (let d = rank - 2; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      o += oStride[d] as number;
      if ((idx[d] as number) < (shape[d] as number)) break;
      o -= (oStride[d] as number) * (shape[d] as number);
      idx[d] = 0;
    }
  }
  return out;
}

interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): TensorInfo;
}

/** Kernel config (cpu only); complex input goes to the stock kernel. */
export function sumCpuConfig(): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
      const stock = stockKernel(tf.Sum, 'cpu');
      if (stock === undefined) throw new Error(`survkit: Sum of ${x.dtype} is not supported`);
      return stock.kernelFunc(args);
    }
    const { axis, keepDims } = attrs as NamedAttrMap & { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const be = backend as unknown as CpuBackend;
    const sums = sumValues(be.data.get(x.dataId).values as ArrayLike<number>, x.shape, axes);
    const kept = x.shape.filter((_, d) => !axes.includes(d));
    const shape = keepDims ? x.shape.map((n, d) => (axes.includes(d) ? 1 : n)) : kept;
    return x.dtype === 'float32' ? be.makeTensorInfo(shape, 'float32', Float32Array.from(sums)) : be.makeTensorInfo(shape, 'int32', Int32Array.from(sums));
  };
  return { kernelName: tf.Sum, backendName: 'cpu', kernelFunc };
}
