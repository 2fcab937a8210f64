/**
 * The shape arithmetic of a 2D convolution in NHWC, in the flat form that
 * survkit's typed-array kernels use (im2col, col2im, GEMM).
 *
 * Forward convolution, for output pixel (b, oh, ow) and filter tap (kh, kw):
 *   ih = oh·sh + kh·dh − padTop,  iw = ow·sw + kw·dw − padLeft,
 *   y[b, oh, ow, co] = Σ_{kh, kw, ci} x[b, ih, iw, ci] · w[kh, kw, ci, co]
 * (taps with ih or iw outside the input read zero). With N = B·OH·OW output
 * pixels and K = KH·KW·Ci filter rows, the patch matrix P[N, K] turns this
 * into Y[N, Co] = P · W[K, Co].
 */
import * as tf from '@tensorflow/tfjs';

/** Flat NHWC convolution geometry. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  /** Output pixels B·OH·OW (rows of the patch matrix). */
  n: number;
  /** Filter rows KH·KW·Ci (columns of the patch matrix). */
  k: number;
}

/** Geometry from TF.js's own shape computation (so padding and rounding match the stock kernels). */
export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    n: info.batchSize * info.outHeight * info.outWidth,
    k: info.filterHeight * info.filterWidth * info.inChannels,
  };
}

/** The NHWC input shape of a geometry. */
export function inShape(g: ConvGeometry): [number, number, number, number] {
  return [g.batch, g.inHeight, g.inWidth, g.inChannels];
}

/** The NHWC output shape of a geometry. */
export function outShape(g: ConvGeometry): [number, number, number, number] {
  return [g.batch, g.outHeight, g.outWidth, g.outChannels];
}

/** The filter shape [KH, KW, Ci, Co] of a geometry. */
export function filterShape(g: ConvGeometry): [number, number, number, number] {
  return [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
}

/**
 * The valid input range [lo, hi) of the pooling window of output index `o` along one axis: the window starts at
 * o·stride − pad (stepping by `dilation` past 0) and spans `effective` = (filter − 1)·dilation + 1 inputs, cut at `size`.
 */
export function windowRange(o: number, stride: number, pad: number, dilation: number, effective: number, size: number): [number, number] {
  const start = o * stride - pad;
  let lo = start;
  while (lo < 0) lo += dilation;
  return [lo, Math.min(size, start + effective)];
}
