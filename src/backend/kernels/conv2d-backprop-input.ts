/**
 * Conv2DBackpropInput for the cpu and wasm backends: the input gradient of a
 * 2D convolution (the adjoint of the forward map x ↦ y).
 *
 * - wasm, stride 1: one forward convolution through XNNPACK,
 *     dx = conv2d(dy, W̃, pad = (KH−1)·dh − padTop, …), W̃[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co]
 *   (the stock wasm kernel is a scalar C++ loop, ~10× slower).
 * - wasm, strides > 1: one such convolution per output phase with a
 *   sub-filter (see planPhases), interleaved into dx — no zero-stuffing.
 * - otherwise (cpu; wasm fallback): cols[N, K] = dY[N, Co] · W[K, Co]ᵀ as one
 *   matrix product (XNNPACK on wasm, survkit's JS GEMM on cpu), then col2im
 *   scatters the columns back onto the input grid.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { convGeometry, inShape, type ConvGeometry } from './conv-geometry.js';
import { gemmNT } from './gemm.js';
import { col2imRows } from './im2col.js';
import { inputGradWasm } from './input-grad-wasm.js';
import { f32, fromValues, release, type AnyBackend, type PatchedBackend } from './kernel-io.js';
import { toNchw, toNhwc } from './layout.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** Attributes of the Conv2DBackpropInput kernel (plus optional dilations, used by survkit's Conv2D gradient). */
export interface InputGradAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
  dilations?: number | [number, number];
}

/** Column-matrix elements per chunk on cpu (about 16 MB of float32). */
const CHUNK_ELEMENTS = 1 << 22;

/** dx on cpu from NHWC values (w is [KH, KW, Ci, Co], i.e. [K, Co] row-major). */
export function inputGradCpu(dy: Float32Array, w: Float32Array, g: ConvGeometry, chunkElements = CHUNK_ELEMENTS): Float32Array {
  const { k: K, outChannels: Co } = g;
  const perImage = g.outHeight * g.outWidth;
  const xImage = g.inHeight * g.inWidth * g.inChannels;
  const imagesPerChunk = Math.max(1, Math.min(g.batch, Math.floor(chunkElements / Math.max(1, K * perImage))));
  const dx = new Float32Array(g.batch * xImage);
  const cols = new Float32Array(imagesPerChunk * perImage * K);
  for (let b0 = 0; b0 < g.batch; b0 += imagesPerChunk) {
    const nb = Math.min(imagesPerChunk, g.batch - b0);
    const gc: ConvGeometry = { ...g, batch: nb, n: nb * perImage };
    gemmNT(dy, w, cols, gc.n, K, Co, false, b0 * perImage * Co, 0);
    col2imRows(cols, gc, dx.subarray(b0 * xImage, (b0 + nb) * xImage));
  }
  return dx;
}

/** The input gradient on `backendName` for TensorInfo inputs (NHWC or NCHW). */
export function conv2dInputGrad(backendName: PatchedBackend, backend: AnyBackend, dy: TensorInfo, filter: TensorInfo, attrs: InputGradAttrs): TensorInfo {
  const nchw = attrs.dataFormat === 'NCHW';
  const dys = nchw ? toNhwc(backendName, backend, dy) : dy;
  const s = attrs.inputShape;
  const xShape: [number, number, number, number] = nchw ? [s[0], s[2], s[3], s[1]] : s;
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const g = convGeometry(info);
  const dx =
    backendName === 'wasm' ? inputGradWasm(backend, dys, filter, g) : fromValues(backend, inShape(g), inputGradCpu(f32(backend, dys), f32(backend, filter), g));
  if (!nchw) return dx;
  release(backend, dys);
  const out = toNchw(backendName, backend, dx);
  release(backend, dx);
  return out;
}

/** Kernel config for `backendName`. */
export function conv2dBackpropInputConfig(backendName: PatchedBackend): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) =>
    conv2dInputGrad(backendName, backend, inputs.dy as TensorInfo, inputs.filter as TensorInfo, attrs as NamedAttrMap & InputGradAttrs);
  return { kernelName: tf.Conv2DBackpropInput, backendName, kernelFunc };
}
