/**
 * Conv2D for the cpu backend as im2col + one matrix product,
 *   Y[N, Co] = P[N, K] · W[K, Co]
 * computed by survkit's blocked JS GEMM in chunks of the batch (see gemm.ts).
 * The stock cpu kernel is a scalar loop nest, about 4× slower. (wasm keeps
 * its own XNNPACK kernel, which is faster still.)
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { convGeometry, outShape, type ConvGeometry } from './conv-geometry.js';
import { gemmNT, transpose2d } from './gemm.js';
import { im2colRows } from './im2col.js';
import { f32, fromValues, release } from './kernel-io.js';
import { toNchw, toNhwc } from './layout.js';

/** Attributes of the Conv2D kernel. */
export interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Patch-matrix elements per chunk (about 16 MB of float32). */
const CHUNK_ELEMENTS = 1 << 22;

/** y (NHWC) from NHWC x and a [KH, KW, Ci, Co] filter. */
export function conv2dCpu(x: Float32Array, w: Float32Array, g: ConvGeometry, chunkElements = CHUNK_ELEMENTS): Float32Array {
  const { k: K, outChannels: Co } = g;
  const perImage = g.outHeight * g.outWidth;
  const xImage = g.inHeight * g.inWidth * g.inChannels;
  const imagesPerChunk = Math.max(1, Math.min(g.batch, Math.floor(chunkElements / Math.max(1, K * perImage))));
  const wt = transpose2d(w, K, Co);
  const y = new Float32Array(g.n * Co);
  const p = new Float32Array(imagesPerChunk * perImage * K);
  for (let b0 = 0; b0 < g.batch; b0 += imagesPerChunk) {
    const nb = Math.min(imagesPerChunk, g.batch - b0);
    const gc: ConvGeometry = { ...g, batch: nb, n: nb * perImage };
    im2colRows(x.subarray(b0 * xImage, (b0 + nb) * xImage), gc, p);
    gemmNT(p, wt, y.subarray(b0 * perImage * Co, (b0 + nb) * perImage * Co), gc.n, Co, K);
  }
  return y;
}

/** Kernel config (cpu only). */
export function conv2dCpuConfig(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const a = attrs as NamedAttrMap & Conv2DAttrs;
    const be = backend;
    const nchw = a.dataFormat === 'NCHW';
    const xs = nchw ? toNhwc('cpu', be, x) : x;
    const info = tf.backend_util.computeConv2DInfo(
      xs.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations ?? 1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const g = convGeometry(info);
    const y = fromValues(be, outShape(g), conv2dCpu(f32(be, xs), f32(be, filter), g));
    if (!nchw) return y;
    release(be, xs);
    const out = toNchw('cpu', be, y);
    release(be, y);
    return out;
  };
  return { kernelName: tf.Conv2D, backendName: 'cpu', kernelFunc };
}
