/**
 * Conv2DBackpropFilter for the cpu and wasm backends: the filter gradient of
 * a 2D convolution as one matrix product,
 *   dW[K, Co] = Pᵀ[K, N] · dY[N, Co]
 * (P the patch matrix of x, see conv-geometry.ts). On wasm the product runs
 * through the backend's BatchMatMul (XNNPACK); on cpu through survkit's
 * blocked JS GEMM, in chunks of the batch so the patch matrix stays small.
 *
 * Why: stock TF.js has no such kernel on wasm (conv training fails there),
 * and the stock cpu kernel reads element by element (~90 s per step of a
 * small CNN). The fused conv2d op's gradient calls this kernel directly, so
 * a gradient override alone does not cover it.
 * The wasm path lives in filter-grad-wasm.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { convGeometry, filterShape, type ConvGeometry } from './conv-geometry.js';
import { gemmNT, transpose2d } from './gemm.js';
import { im2colCols } from './im2col.js';
import { filterGradWasm } from './filter-grad-wasm.js';
import { f32, fromValues, release, type AnyBackend, type PatchedBackend } from './kernel-io.js';
import { toNhwc } from './layout.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** Attributes of the Conv2DBackpropFilter kernel (plus optional dilations, used by survkit's Conv2D gradient). */
export interface FilterGradAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: number | [number, number];
}

/** Patch-matrix elements per chunk on cpu (about 16 MB of float32). */
const CHUNK_ELEMENTS = 1 << 22;

/** dW on cpu from NHWC values. */
export function filterGradCpu(x: Float32Array, dy: Float32Array, g: ConvGeometry, chunkElements = CHUNK_ELEMENTS): Float32Array {
  const { k: K, outChannels: Co } = g;
  const perImage = g.outHeight * g.outWidth;
  const imagesPerChunk = Math.max(1, Math.min(g.batch, Math.floor(chunkElements / Math.max(1, K * perImage))));
  const dw = new Float32Array(K * Co);
  const xImage = g.inHeight * g.inWidth * g.inChannels;
  for (let b0 = 0; b0 < g.batch; b0 += imagesPerChunk) {
    const nb = Math.min(imagesPerChunk, g.batch - b0);
    const gc: ConvGeometry = { ...g, batch: nb, n: nb * perImage };
    const pt = im2colCols(x.subarray(b0 * xImage, (b0 + nb) * xImage), gc, new Float32Array(K * gc.n));
    const dyt = transpose2d(dy.subarray(b0 * perImage * Co, (b0 + nb) * perImage * Co), gc.n, Co);
    gemmNT(pt, dyt, dw, K, Co, gc.n, b0 > 0);
  }
  return dw;
}

/** The filter gradient on `backendName` for TensorInfo inputs (NHWC or NCHW). */
export function conv2dFilterGrad(backendName: PatchedBackend, backend: AnyBackend, x: TensorInfo, dy: TensorInfo, attrs: FilterGradAttrs): TensorInfo {
  const nchw = attrs.dataFormat === 'NCHW';
  const xs = nchw ? toNhwc(backendName, backend, x) : x;
  const dys = nchw ? toNhwc(backendName, backend, dy) : dy;
  const info = tf.backend_util.computeConv2DInfo(
    xs.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const g = convGeometry(info);
  let out: TensorInfo;
  if (backendName === 'wasm') out = filterGradWasm(backend, xs, dys, g);
  else out = fromValues(backend, filterShape(g), filterGradCpu(f32(backend, xs), f32(backend, dys), g));
  if (nchw) {
    release(backend, xs);
    release(backend, dys);
  }
  return out;
}

/** Kernel config for `backendName`. */
export function conv2dBackpropFilterConfig(backendName: PatchedBackend): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) =>
    conv2dFilterGrad(backendName, backend, inputs.x as TensorInfo, inputs.dy as TensorInfo, attrs as NamedAttrMap & FilterGradAttrs);
  return { kernelName: tf.Conv2DBackpropFilter, backendName, kernelFunc };
}
