/**
 * 3D convolution (NDHWC) and its two gradients as one 2D convolution per
 * temporal filter tap, on the cpu and wasm backends.
 *
 * With output frame od and tap kd reading input frame
 *   id = od·sd + kd·dd − padFront   (taps outside [0, D) read zero),
 *   y[b, od] = Σ_kd conv2d(x[b, id], W[kd])
 * so tap kd is a single conv2d over the stacked frames {(b, od) : id valid}
 * (batch B·OD at most) with the spatial strides, padding and dilations. The
 * gradients follow the same pairing:
 *   dx[b, id] += conv2dBackpropInput(dy[b, od], W[kd]),
 *   dW[kd] = conv2dBackpropFilter(x[b, id], dy[b, od]).
 * The 2D kernels are whatever is registered — survkit's conv patches, i.e.
 * XNNPACK on wasm and im2col + GEMM on cpu. The stock 3D kernels are scalar
 * loop nests: on wasm a (1, 3, 3) convolution of a [4, 8, 32, 32, 8] clip
 * trained ~9× slower than the same work as conv2d. When a tap covers every
 * frame in order (KD = 1, stride 1, no temporal padding) no frames are copied.
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

/** The (b, od) ↔ (b, id) frame pairs of tap kd, as flat frame indices. */
interface Pairs {
  /** Frame index b·D + id in the input. */
  inFrame: Int32Array;
  /** Frame index b·OD + od in the output. */
  outFrame: Int32Array;
  /** Whether the pairs are every input and output frame in order (no copy needed). */
  identity: boolean;
}

function pairsOf(c: tf.backend_util.Conv3DInfo, kd: number): Pairs {
  const { batchSize: B, inDepth: D, outDepth: OD } = c;
  const inFrame: number[] = [];
  const outFrame: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let od = 0; od < OD; od++) {
      const id = od * c.strideDepth + kd * c.dilationDepth - c.padInfo.front;
      if (id < 0 || id >= D) continue;
      inFrame.push(b * D + id);
      outFrame.push(b * OD + od);
    }
  }
  const identity = OD === D && inFrame.length === B * D && inFrame.every((f, i) => f === i);
  return { inFrame: Int32Array.from(inFrame), outFrame: Int32Array.from(outFrame), identity };
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

/** A view of `info` as a 4D tensor of frames (same data). */
function asFrames(info: TensorInfo, frames: number, rest: number[]): TensorInfo {
  return { dataId: info.dataId, shape: [frames, ...rest], dtype: info.dtype };
}

/** Copies the listed frames of `src` (frameSize floats each) into a new [n, ...rest] tensor (or of shape `shape`). */
function gather(be: AnyBackend, src: TensorInfo, frames: Int32Array, rest: number[], shape = [frames.length, ...rest]): TensorInfo {
  const frameSize = rest.reduce((a, b) => a * b, 1);
  const out = alloc(be, shape, false);
  const s = f32(be, src);
  const d = f32(be, out);
  for (let p = 0; p < frames.length; p++) {
    const f = frames[p] as number;
    d.set(s.subarray(f * frameSize, (f + 1) * frameSize), p * frameSize);
  }
  return out;
}

/** Adds frame p of `part` to frame frames[p] of `dst`. */
function scatterAdd(be: AnyBackend, part: TensorInfo, dst: TensorInfo, frames: Int32Array, frameSize: number): void {
  const s = f32(be, part);
  const d = f32(be, dst);
  for (let p = 0; p < frames.length; p++) {
    const o = (frames[p] as number) * frameSize;
    const q = p * frameSize;
    for (let i = 0; i < frameSize; i++) d[o + i] = (d[o + i] as number) + (s[q + i] as number);
  }
}

/** Filter tap kd, W[kd] of shape [KH, KW, Ci, Co], as a new tensor. */
function tap(be: AnyBackend, filter: TensorInfo, kd: number): TensorInfo {
  const [, KH, KW, Ci, Co] = filter.shape as Shape5;
  return gather(be, filter, Int32Array.of(kd), [KH, KW, Ci, Co], [KH, KW, Ci, Co]);
}

function info(xShape: Shape5, filterShape: Shape5, a: Conv3DAttrs): tf.backend_util.Conv3DInfo {
  return tf.backend_util.computeConv3DInfo(xShape, filterShape, a.strides, a.dilations ?? 1, a.pad);
}

/** Kernel configs of Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 for `backendName`. */
export function conv3dConfigs(backendName: PatchedBackend): KernelConfig[] {
  const forward: KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const c = info(x.shape as Shape5, filter.shape as Shape5, attrs as unknown as Conv3DAttrs);
    const { batchSize: B, inDepth: D, inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = c;
    const a2 = attrs2d(c);
    if (c.filterDepth === 1) {
      const p = pairsOf(c, 0);
      if (p.identity) {
        const w0 = tap(be, filter, 0);
        const y = callKernel('Conv2D', backendName, be, { x: asFrames(x, B * D, [H, W, Ci]), filter: w0 }, a2);
        release(be, w0);
        return { dataId: y.dataId, shape: c.outShape, dtype: 'float32' };
      }
    }
    const y = alloc(be, c.outShape);
    for (let kd = 0; kd < c.filterDepth; kd++) {
      const p = pairsOf(c, kd);
      if (p.inFrame.length === 0) continue;
      const xs = gather(be, x, p.inFrame, [H, W, Ci]);
      const wk = tap(be, filter, kd);
      const part = callKernel('Conv2D', backendName, be, { x: xs, filter: wk }, a2);
      scatterAdd(be, part, y, p.outFrame, OH * OW * Co);
      release(be, xs);
      release(be, wk);
      release(be, part);
    }
    return y;
  };

  const inputGrad: KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as Conv3DAttrs & { inputShape: Shape5 };
    const c = info(a.inputShape, filter.shape as Shape5, a);
    const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = c;
    const a2 = attrs2d(c);
    const dx = alloc(be, [...a.inputShape]);
    for (let kd = 0; kd < c.filterDepth; kd++) {
      const p = pairsOf(c, kd);
      if (p.inFrame.length === 0) continue;
      const dys = p.identity ? asFrames(dy, p.outFrame.length, [OH, OW, Co]) : gather(be, dy, p.outFrame, [OH, OW, Co]);
      const wk = tap(be, filter, kd);
      const part = callKernel('Conv2DBackpropInput', backendName, be, { dy: dys, filter: wk }, { ...a2, inputShape: [p.inFrame.length, H, W, Ci] });
      scatterAdd(be, part, dx, p.inFrame, H * W * Ci);
      if (!p.identity) release(be, dys);
      release(be, wk);
      release(be, part);
    }
    return dx;
  };

  const filterGrad: KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as Conv3DAttrs & { filterShape: Shape5 };
    const c = info(x.shape as Shape5, a.filterShape, a);
    const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = c;
    const [KD, KH, KW] = a.filterShape;
    const a2 = attrs2d(c);
    const tapSize = KH * KW * Ci * Co;
    const dw = alloc(be, [...a.filterShape]);
    for (let kd = 0; kd < KD; kd++) {
      const p = pairsOf(c, kd);
      if (p.inFrame.length === 0) continue;
      const n = p.inFrame.length;
      const xs = p.identity ? asFrames(x, n, [H, W, Ci]) : gather(be, x, p.inFrame, [H, W, Ci]);
      const dys = p.identity ? asFrames(dy, n, [OH, OW, Co]) : gather(be, dy, p.outFrame, [OH, OW, Co]);
      const part = callKernel('Conv2DBackpropFilter', backendName, be, { x: xs, dy: dys }, { ...a2, filterShape: [KH, KW, Ci, Co] });
      f32(be, dw).set(f32(be, part).subarray(0, tapSize), kd * tapSize);
      if (!p.identity) {
        release(be, xs);
        release(be, dys);
      }
      release(be, part);
    }
    return dw;
  };

  return [
    { kernelName: tf.Conv3D, backendName, kernelFunc: forward },
    { kernelName: tf.Conv3DBackpropInputV2, backendName, kernelFunc: inputGrad },
    { kernelName: tf.Conv3DBackpropFilterV2, backendName, kernelFunc: filterGrad },
  ];
}
