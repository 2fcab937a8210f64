/**
 * 3D convolution (NDHWC) and its two gradients as ONE 2D convolution with
 * the temporal taps folded into the channels, on the cpu and wasm backends.
 *
 * With output frame od and tap kd reading input frame
 *   id = od·sd + kd·dd − padFront   (taps outside [0, D) read zero),
 * stack the KD frames each output frame reads along the channel axis:
 *   xs[b·OD + od, h, w, kd·Ci + ci] = x[b, id, h, w, ci]   (0 where id is outside),
 *   Ws[kh, kw, kd·Ci + ci, co] = W[kd, kh, kw, ci, co],
 * then y[b, od] = conv2d(xs[b·OD + od], Ws) with the spatial strides, padding
 * and dilations — one 2D convolution over B·OD frames whose reduction runs
 * over KD·KH·KW·Ci (27·Ci for 3³ filters) instead of KD convolutions over
 * KH·KW·Ci each. The gradients follow:
 *   dxs = conv2dBackpropInput(dy, Ws), dx[b, id] += dxs[b·OD + od, …, kd·Ci + ci] (the adjoint of the stacking),
 *   dWs = conv2dBackpropFilter(xs, dy), permuted back to [KD, KH, KW, Ci, Co].
 * The 2D kernels are whatever is registered — survkit's conv patches, i.e.
 * XNNPACK on wasm and im2col + GEMM on cpu. The stacked copy is KD/sd times
 * the input (3× for 3³ stride 1), against the output-sized scatter-adds of the
 * former one-convolution-per-tap path (which ran at 0.6 G multiply-adds/s on
 * a one-channel input: a 2D convolution with 9-long dot products). When every
 * output frame reads exactly its own input frame (KD = 1, stride 1, no
 * temporal padding) nothing is copied.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { alloc, callKernel, f32, release, type AnyBackend, type PatchedBackend } from './kernel-io.js';

type Shape5 = [number, number, number, number, number];
type Triple = number | [number, number, number];

interface Conv3DAttrs {
  strides: Triple;
  pad: 'same' | 'valid';
  dilations?: Triple;
}

/** The input frame read by output frame od through tap kd, or −1 where it falls into the temporal padding. */
function inFrame(c: tf.backend_util.Conv3DInfo, od: number, kd: number): number {
  const id = od * c.strideDepth + kd * c.dilationDepth - c.padInfo.front;
  return id >= 0 && id < c.inDepth ? id : -1;
}

/** Whether output frame od reads input frame od through its only tap (no copy needed). */
function isIdentity(c: tf.backend_util.Conv3DInfo): boolean {
  if (c.filterDepth !== 1 || c.outDepth !== c.inDepth) return false;
  for (let od = 0; od < c.outDepth; od++) if (inFrame(c, od, 0) !== od) return false;
  return true;
}

/** The 2D attributes of the spatial part. */
function attrs2d(c: tf.backend_util.Conv3DInfo): NamedAttrMap {
  const p = c.padInfo;
  return {
    strides: [c.strideHeight, c.strideWidth],
    pad: [
      [0, 0],
      [p.top, p.bottom],
      [p.left, p.right],
      [0, 0],
    ],
    dilations: [c.dilationHeight, c.dilationWidth],
    dataFormat: 'NHWC',
  };
}

/** A view of `info` as a 4D tensor (same data). */
function view4(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/**
 * xs[b·OD + od, p, kd·Ci + ci] = x[b, id(od, kd), p, ci] for the HW pixels p, and 0 for taps into the
 * temporal padding (left as they are when `zeroed`: the caller passed xs zero-filled).
 */
export function stackTemporalTaps(x: Float32Array, c: tf.backend_util.Conv3DInfo, xs: Float32Array, zeroed = true): Float32Array {
  const { batchSize: B, inDepth: D, outDepth: OD, filterDepth: KD, inChannels: Ci } = c;
  const HW = c.inHeight * c.inWidth;
  const KC = KD * Ci;
  for (let b = 0; b < B; b++) {
    for (let od = 0; od < OD; od++) {
      const dFrame = (b * OD + od) * HW * KC;
      for (let kd = 0; kd < KD; kd++) {
        const id = inFrame(c, od, kd);
        const d0 = dFrame + kd * Ci;
        if (id < 0) {
          if (!zeroed) for (let p = 0; p < HW; p++) xs.fill(0, d0 + p * KC, d0 + p * KC + Ci);
          continue;
        }
        const s0 = (b * D + id) * HW * Ci;
        if (Ci === 1) {
          for (let p = 0; p < HW; p++) xs[d0 + p * KC] = x[s0 + p] as number;
        } else if (KD === 1) {
          xs.set(x.subarray(s0, s0 + HW * Ci), d0);
        } else {
          for (let p = 0; p < HW; p++) {
            const d = d0 + p * KC;
            const s = s0 + p * Ci;
            for (let ci = 0; ci < Ci; ci++) xs[d + ci] = x[s + ci] as number;
          }
        }
      }
    }
  }
  return xs;
}

/** The adjoint of {@link stackTemporalTaps}: dx[b, id, p, ci] = Σ over (od, kd) reading id of dxs[b·OD + od, p, kd·Ci + ci] (dx overwritten). */
export function unstackTemporalTaps(dxs: Float32Array, c: tf.backend_util.Conv3DInfo, dx: Float32Array): Float32Array {
  const { batchSize: B, inDepth: D, outDepth: OD, filterDepth: KD, inChannels: Ci } = c;
  const HW = c.inHeight * c.inWidth;
  const KC = KD * Ci;
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let od = 0; od < OD; od++) {
      const sFrame = (b * OD + od) * HW * KC;
      for (let kd = 0; kd < KD; kd++) {
        const id = inFrame(c, od, kd);
        if (id < 0) continue;
        const d0 = (b * D + id) * HW * Ci;
        const s0 = sFrame + kd * Ci;
        if (Ci === 1) {
          for (let p = 0; p < HW; p++) dx[d0 + p] = (dx[d0 + p] as number) + (dxs[s0 + p * KC] as number);
        } else {
          for (let p = 0; p < HW; p++) {
            const d = d0 + p * Ci;
            const s = s0 + p * KC;
            for (let ci = 0; ci < Ci; ci++) dx[d + ci] = (dx[d + ci] as number) + (dxs[s + ci] as number);
          }
        }
      }
    }
  }
  return dx;
}

/**
 * Ws[kh, kw, kd·Ci + ci, co] = W[kd, kh, kw, ci, co] (`toStacked`), or the
 * inverse permutation (W from Ws) when `toStacked` is false.
 */
export function permuteFilter(src: Float32Array, shape: Shape5, dst: Float32Array, toStacked: boolean): Float32Array {
  const [KD, KH, KW, Ci, Co] = shape;
  const block = Ci * Co;
  for (let kd = 0; kd < KD; kd++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const w5 = ((kd * KH + kh) * KW + kw) * block;
        const ws = ((kh * KW + kw) * KD + kd) * block;
        if (toStacked) dst.set(src.subarray(w5, w5 + block), ws);
        else dst.set(src.subarray(ws, ws + block), w5);
      }
    }
  }
  return dst;
}

function info(xShape: Shape5, filterShape: Shape5, a: Conv3DAttrs): tf.backend_util.Conv3DInfo {
  return tf.backend_util.computeConv3DInfo(xShape, filterShape, a.strides, a.dilations ?? 1, a.pad);
}

/** The stacked input xs [B·OD, H, W, KD·Ci] as a new tensor, or a view of x where no copy is needed. */
function stacked(be: AnyBackend, x: TensorInfo, c: tf.backend_util.Conv3DInfo): { xs: TensorInfo; owned: boolean } {
  const shape = [c.batchSize * c.outDepth, c.inHeight, c.inWidth, c.filterDepth * c.inChannels];
  if (isIdentity(c)) return { xs: view4(x, shape), owned: false };
  const xs = alloc(be, shape, false); // every value is written: no zero fill of the whole copy
  stackTemporalTaps(f32(be, x), c, f32(be, xs), false);
  return { xs, owned: true };
}

/** The stacked filter Ws [KH, KW, KD·Ci, Co] as a new tensor. */
function stackedFilter(be: AnyBackend, filter: TensorInfo): TensorInfo {
  const [KD, KH, KW, Ci, Co] = filter.shape as Shape5;
  const ws = alloc(be, [KH, KW, KD * Ci, Co], false);
  permuteFilter(f32(be, filter), filter.shape as Shape5, f32(be, ws), true);
  return ws;
}

/** Kernel configs of Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 for `backendName`. */
export function conv3dConfigs(backendName: PatchedBackend): KernelConfig[] {
  const forward: KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const c = info(x.shape as Shape5, filter.shape as Shape5, attrs as unknown as Conv3DAttrs);
    const { xs, owned } = stacked(be, x, c);
    const ws = stackedFilter(be, filter);
    const y = callKernel('Conv2D', backendName, be, { x: xs, filter: ws }, attrs2d(c));
    if (owned) release(be, xs);
    release(be, ws);
    return { dataId: y.dataId, shape: c.outShape, dtype: 'float32' };
  };

  const inputGrad: KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as Conv3DAttrs & { inputShape: Shape5 };
    const c = info(a.inputShape, filter.shape as Shape5, a);
    const { batchSize: B, outDepth: OD, inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = c;
    const ws = stackedFilter(be, filter);
    const dy4 = view4(dy, [B * OD, OH, OW, Co]);
    const dxs = callKernel('Conv2DBackpropInput', backendName, be, { dy: dy4, filter: ws }, { ...attrs2d(c), inputShape: [B * OD, H, W, c.filterDepth * Ci] });
    release(be, ws);
    if (isIdentity(c)) return { dataId: dxs.dataId, shape: [...a.inputShape], dtype: 'float32' };
    const dx = alloc(be, [...a.inputShape], false);
    unstackTemporalTaps(f32(be, dxs), c, f32(be, dx));
    release(be, dxs);
    return dx;
  };

  const filterGrad: KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as Conv3DAttrs & { filterShape: Shape5 };
    const c = info(x.shape as Shape5, a.filterShape, a);
    const [KD, KH, KW, Ci, Co] = a.filterShape;
    const { xs, owned } = stacked(be, x, c);
    const dy4 = view4(dy, [c.batchSize * c.outDepth, c.outHeight, c.outWidth, Co]);
    const dws = callKernel('Conv2DBackpropFilter', backendName, be, { x: xs, dy: dy4 }, { ...attrs2d(c), filterShape: [KH, KW, KD * Ci, Co] });
    if (owned) release(be, xs);
    const dw = alloc(be, [...a.filterShape], false);
    permuteFilter(f32(be, dws), a.filterShape, f32(be, dw), false);
    release(be, dws);
    return dw;
  };

  return [
    { kernelName: tf.Conv3D, backendName, kernelFunc: forward },
    { kernelName: tf.Conv3DBackpropInputV2, backendName, kernelFunc: inputGrad },
    { kernelName: tf.Conv3DBackpropFilterV2, backendName, kernelFunc: filterGrad },
  ];
}
