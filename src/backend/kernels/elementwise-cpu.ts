/**
 * cpu kernels for the element-wise arithmetic of batch normalisation,
 * ReLU gradients and optimisers: Multiply, Add, Sub and RealDiv of float32
 * tensors of the same shape or where one operand is broadcast along the
 * leading axes of the other (a per-channel vector `[C]` against
 * `[b, h, w, C]`, or a scalar), and Mean over any axes.
 * TF.js's cpu kernels compute a multi-index per element for any
 * broadcast and transpose before a mean over leading axes; in a small
 * ResNet's cpu training step these took ~60 % of the time. Here a broadcast
 * is a loop over blocks (without the stock kernel's modulo and closure per
 * element) and a mean is survkit's one-pass `sumValues`
 * divided by the count. Every other case goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { sumValues } from './sum.js';

/** The binary kernels patched here. */
export const BINARY_OPS = ['Multiply', 'Add', 'Sub', 'RealDiv'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): TensorInfo;
}

/**
 * Whether `small` broadcasts along the leading axes of `big`: without its
 * leading 1s, `small` equals the trailing axes of `big` (a scalar always does).
 */
export function trailingBroadcast(big: readonly number[], small: readonly number[]): boolean {
  let k = 0;
  while (k < small.length && small[k] === 1) k++;
  const s = small.slice(k);
  if (s.length > big.length) return false;
  return s.every((d, i) => d === big[big.length - s.length + i]);
}

/**
 * out = a ∘ b where `small` (length m) repeats along the leading axes of
 * `big` (length n, a multiple of m); `smallFirst` puts the small operand on
 * the left (matters for Sub and RealDiv).
 */
export function broadcastBinary(op: BinaryOp, big: Float32Array, small: Float32Array, smallFirst: boolean): Float32Array {
  const n = big.length;
  const m = small.length;
  const out = new Float32Array(n);
  if (m === 0) return out;
  for (let o = 0; o < n; o += m) {
    switch (op) {
      case 'Multiply':
        for (let j = 0; j < m; j++) out[o + j] = (big[o + j] as number) * (small[j] as number);
        break;
      case 'Add':
        for (let j = 0; j < m; j++) out[o + j] = (big[o + j] as number) + (small[j] as number);
        break;
      case 'Sub':
        if (smallFirst) for (let j = 0; j < m; j++) out[o + j] = (small[j] as number) - (big[o + j] as number);
        else for (let j = 0; j < m; j++) out[o + j] = (big[o + j] as number) - (small[j] as number);
        break;
      case 'RealDiv':
        if (smallFirst) for (let j = 0; j < m; j++) out[o + j] = (small[j] as number) / (big[o + j] as number);
        else for (let j = 0; j < m; j++) out[o + j] = (big[o + j] as number) / (small[j] as number);
        break;
    }
  }
  return out;
}

function valuesOf(be: CpuBackend, t: TensorInfo): Float32Array | null {
  const v = be.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/** The cpu config of one binary op; `stock` handles the cases not covered. */
export function binaryCpuConfig(op: BinaryOp, stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const be = args.backend as unknown as CpuBackend;
    const av = a.dtype === 'float32' ? valuesOf(be, a) : null;
    const bv = b.dtype === 'float32' ? valuesOf(be, b) : null;
    if (av !== null && bv !== null) {
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const size = tf.util.sizeFromShape(shape);
      if (av.length === size && trailingBroadcast(shape, b.shape)) return be.makeTensorInfo(shape, 'float32', broadcastBinary(op, av, bv, false));
      if (bv.length === size && trailingBroadcast(shape, a.shape)) return be.makeTensorInfo(shape, 'float32', broadcastBinary(op, bv, av, true));
    }
    if (stock === undefined) throw new Error(`survkit: no stock cpu ${op} kernel`);
    return stock.kernelFunc(args);
  };
  return { kernelName: op, backendName: 'cpu', kernelFunc };
}

/** The cpu Mean config: float32 input in one pass; other dtypes to `stock`. */
export function meanCpuConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const be = args.backend as unknown as CpuBackend;
    const xv = x.dtype === 'float32' ? valuesOf(be, x) : null;
    if (xv === null) {
      if (stock === undefined) throw new Error('survkit: no stock cpu Mean kernel');
      return stock.kernelFunc(args);
    }
    const { axis, keepDims } = args.attrs as NamedAttrMap & { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const count = axes.reduce((p, d) => p * (x.shape[d] as number), 1);
    const sums = sumValues(xv, x.shape, axes);
    const out = new Float32Array(sums.length);
    for (let i = 0; i < sums.length; i++) out[i] = (sums[i] as number) / count;
    const shape = keepDims ? x.shape.map((n, d) => (axes.includes(d) ? 1 : n)) : x.shape.filter((_, d) => !axes.includes(d));
    return be.makeTensorInfo(shape, 'float32', out);
  };
  return { kernelName: tf.Mean, backendName: 'cpu', kernelFunc };
}

/**
 * cpu Relu (max(x, 0), NaN kept, −0 → +0) and Step (the ReLU gradient: 1 for x > 0,
 * `alpha` otherwise, NaN kept) on float32 in one plain loop; other dtypes to `stock`.
 */
export function unaryCpuConfig(name: 'Relu' | 'Step', stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const be = args.backend as unknown as CpuBackend;
    const xv = x.dtype === 'float32' ? valuesOf(be, x) : null;
    if (xv === null) {
      if (stock === undefined) throw new Error(`survkit: no stock cpu ${name} kernel`);
      return stock.kernelFunc(args);
    }
    const out = new Float32Array(xv.length);
    if (name === 'Relu') {
      for (let i = 0; i < xv.length; i++) {
        const v = xv[i] as number;
        out[i] = v > 0 ? v : v !== v ? NaN : 0; // −0 → +0, as the stock kernel
      }
    } else {
      const alpha = (args.attrs as { alpha?: number }).alpha ?? 0;
      for (let i = 0; i < xv.length; i++) {
        const v = xv[i] as number;
        out[i] = v > 0 ? 1 : v !== v ? NaN : alpha;
      }
    }
    return be.makeTensorInfo(x.shape, 'float32', out);
  };
  return { kernelName: name, backendName: 'cpu', kernelFunc };
}
