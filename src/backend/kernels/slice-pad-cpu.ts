/**
 * Slice and PadV2 for the cpu backend as copies of contiguous rows.
 * TF.js's cpu kernels read and write through `TensorBuffer` one element at
 * a time unless the slice is contiguous; the zero padding before a
 * stride-2 convolution (and its gradient, a slice) took ~15 % of a small
 * ResNet's cpu training step. Here the output is built row by row with
 * `TypedArray.set`. Float32 and int32 tensors; other dtypes go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array;

interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Values): TensorInfo;
}

/** Row-major strides of `shape`. */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = (s[d + 1] as number) * (shape[d + 1] as number);
  return s;
}

/**
 * Calls `row(srcOffset, dstOffset)` for every row (all indices but the last)
 * of a `size`-shaped region that starts at `srcStart` in a tensor of `srcShape`
 * and at `dstStart` in a tensor of `dstShape`.
 */
export function forEachRow(
  size: readonly number[],
  srcShape: readonly number[],
  srcStart: readonly number[],
  dstShape: readonly number[],
  dstStart: readonly number[],
  row: (src: number, dst: number) => void,
): void {
  const rank = size.length;
  if (rank === 0) {
    row(0, 0);
    return;
  }
  if (size.some((n) => n === 0)) return;
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  const idx = new Array<number>(rank - 1).fill(0);
  let src = srcStart.reduce((a, v, d) => a + v * (ss[d] as number), 0);
  let dst = dstStart.reduce((a, v, d) => a + v * (ds[d] as number), 0);
  for (;;) {
    row(src, dst);
    let d = rank - 2;
    for (; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      src += ss[d] as number;
      dst += ds[d] as number;
      if ((idx[d] as number) < (size[d] as number)) break;
      src -= (ss[d] as number) * (size[d] as number);
      dst -= (ds[d] as number) * (size[d] as number);
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function valuesOf(be: CpuBackend, t: TensorInfo): Values | null {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') return null;
  const v = be.data.get(t.dataId).values;
  return v instanceof Float32Array || v instanceof Int32Array ? v : null;
}

function make(v: Values, n: number): Values {
  return v instanceof Float32Array ? new Float32Array(n) : new Int32Array(n);
}

/** cpu Slice; `stock` handles other dtypes. */
export function sliceCpuConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const be = args.backend as unknown as CpuBackend;
    const xv = valuesOf(be, x);
    if (xv === null) {
      if (stock === undefined) throw new Error('survkit: no stock cpu Slice kernel');
      return stock.kernelFunc(args);
    }
    const { begin, size } = args.attrs as NamedAttrMap & { begin: number | number[]; size: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    tf.slice_util.assertParamsValid(x, b, s);
    const out = make(xv, tf.util.sizeFromShape(s));
    const run = s[s.length - 1] ?? 1;
    forEachRow(
      s,
      x.shape,
      b,
      s,
      s.map(() => 0),
      (src, dst) => out.set(xv.subarray(src, src + run), dst),
    );
    return be.makeTensorInfo(s, x.dtype, out);
  };
  return { kernelName: tf.Slice, backendName: 'cpu', kernelFunc };
}

/** cpu PadV2 (constant padding); `stock` handles other dtypes. */
export function padCpuConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const be = args.backend as unknown as CpuBackend;
    const xv = valuesOf(be, x);
    if (xv === null) {
      if (stock === undefined) throw new Error('survkit: no stock cpu PadV2 kernel');
      return stock.kernelFunc(args);
    }
    const { paddings, constantValue } = args.attrs as NamedAttrMap & { paddings: [number, number][]; constantValue: number };
    const shape = x.shape.map((n, d) => n + (paddings[d]?.[0] ?? 0) + (paddings[d]?.[1] ?? 0));
    const out = make(xv, tf.util.sizeFromShape(shape));
    if (constantValue !== 0) out.fill(constantValue);
    const run = x.shape[x.shape.length - 1] ?? 1;
    forEachRow(
      x.shape,
      x.shape,
      x.shape.map(() => 0),
      shape,
      paddings.map((p) => p[0]),
      (src, dst) => out.set(xv.subarray(src, src + run), dst),
    );
    return be.makeTensorInfo(shape, x.dtype, out);
  };
  return { kernelName: tf.PadV2, backendName: 'cpu', kernelFunc };
}
