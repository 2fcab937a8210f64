/**
 * survkit's gradient for the Conv2D kernel (replaces TF.js's, which refuses
 * dilations > 1 and, on wasm, needs the missing Conv2DBackpropFilter).
 *
 * - Dilations 1, or a backend survkit patches (cpu, wasm): the
 *   Conv2DBackpropInput / Conv2DBackpropFilter kernels, with the dilations
 *   passed along (survkit's kernels honour them; native kernels on tfjs-node
 *   are used as they are).
 * - Dilations > 1 on any other backend: the filter gradient is a forward
 *   convolution on transposed tensors (see {@link filterGradViaConv}) and the
 *   input gradient the stock op with the filter dilated by zero insertion.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs';
import type { FilterGradAttrs } from './conv2d-backprop-filter.js';
import type { InputGradAttrs } from './conv2d-backprop-input.js';

/** Convolution padding as TF.js kernels take it. */
export type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
/** A 4-D shape `[a, b, c, d]` (a filter `[kh, kw, in, out]`). */
export type Shape4 = [number, number, number, number];

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pair(v: number | [number, number] | undefined): [number, number] {
  if (v === undefined) return [1, 1];
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * The filter gradient of an NHWC conv2d as one forward conv2d:
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh·d − p, ow·s + kw·d − p, ci] · dy[b, oh, ow, co]
 * is conv2d(xᵀ, dyᵀ) with xᵀ = x transposed to [Ci, H, W, B] (images as
 * batch, batch as channels), dyᵀ = dy as a filter [OH, OW, B, Co], the
 * forward dilation as the stride and the forward stride as the dilation;
 * the result [Ci, KH, KW, Co] is transposed back to [KH, KW, Ci, Co]. On
 * wasm this runs through XNNPACK. Works for any strides and dilations.
 * survkit uses it for dilated convolutions on backends it does not patch;
 * on cpu/wasm its Conv2DBackpropFilter kernel is faster (measured).
 *
 * @example
 * const dw = filterGradViaConv(x, dy, [3, 3, 1, 16], 2, 'same'); // [3, 3, 1, 16]
 */
export function filterGradViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: Shape4,
  strides: number | [number, number],
  pad: Pad,
  dilations: number | [number, number] = 1,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, dilations, pad, dimRoundingMode);
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const [KH, KW] = filterShape;
    const [, H, W] = x.shape;
    const pt = info.padInfo.top;
    const pl = info.padInfo.left;
    // Rows read beyond the input on the bottom/right; negative means unused rows to crop.
    const pb = (KH - 1) * dh + (info.outHeight - 1) * sh - pt - (H - 1);
    const pr = (KW - 1) * dw + (info.outWidth - 1) * sw - pl - (W - 1);
    let xc: tf.Tensor4D = x;
    if (pb < 0 || pr < 0) xc = tf.slice(x, [0, 0, 0, 0], [-1, H + Math.min(pb, 0), W + Math.min(pr, 0), -1]);
    const xt = tf.transpose(xc, [3, 1, 2, 0]);
    const dyt = tf.transpose(dy, [1, 2, 0, 3]);
    const padding: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [pt, Math.max(pb, 0)],
      [pl, Math.max(pr, 0)],
      [0, 0],
    ];
    const out = tf.conv2d(xt, dyt, [dh, dw], padding, 'NHWC', [sh, sw]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** Inserts d − 1 zeros between filter taps: [KH, KW, Ci, Co] → [(KH−1)·dh+1, (KW−1)·dw+1, Ci, Co]. */
function dilateFilter(w: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [KH, KW, Ci, Co] = w.shape;
    const e = tf.reshape(w, [KH, 1, KW, 1, Ci, Co]);
    const p = tf.pad(e, [
      [0, 0],
      [0, dh - 1],
      [0, 0],
      [0, dw - 1],
      [0, 0],
      [0, 0],
    ]);
    const full = tf.reshape(p, [KH * dh, KW * dw, Ci, Co]);
    return tf.slice(full, [0, 0, 0, 0], [(KH - 1) * dh + 1, (KW - 1) * dw + 1, Ci, Co]) as tf.Tensor4D;
  });
}

/** Whether survkit's own conv kernels serve the active backend. */
let patchedBackends: ReadonlySet<string> = new Set();

/** Tells the gradient which backends have survkit's kernels (set by the registry). */
export function setPatchedBackends(names: Iterable<string>): void {
  patchedBackends = new Set(names);
}

function run(kernel: string, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>(kernel, inputs, attrs as unknown as NamedAttrMap);
}

/** The gradient config that survkit registers for Conv2D. */
export const conv2dGradConfig: GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const dy4 = dy as tf.Tensor4D;
    const a = attrs as NamedAttrMap & Conv2DAttrs;
    const [dh, dw] = pair(a.dilations);
    const dilated = dh !== 1 || dw !== 1;
    if (!dilated || patchedBackends.has(tf.getBackend())) {
      // Stock kernels take no dilations: pass them only where survkit's kernels read them.
      const common = {
        strides: a.strides,
        pad: a.pad,
        dataFormat: a.dataFormat,
        dimRoundingMode: a.dimRoundingMode,
        ...(dilated ? { dilations: [dh, dw] as [number, number] } : {}),
      };
      const inputAttrs: InputGradAttrs = { ...common, inputShape: x.shape };
      const filterAttrs: FilterGradAttrs = { ...common, filterShape: filter.shape };
      return {
        x: () => run(tf.Conv2DBackpropInput, { dy: dy4, filter }, inputAttrs),
        filter: () => run(tf.Conv2DBackpropFilter, { x, dy: dy4 }, filterAttrs),
      };
    }
    if (a.dataFormat === 'NCHW') throw new Error('survkit: the Conv2D gradient with dilations > 1 supports only NHWC on this backend');
    return {
      x: () => tf.conv2dTranspose(dy4, dilateFilter(filter, dh, dw), x.shape, a.strides, a.pad, a.dimRoundingMode),
      filter: () => filterGradViaConv(x, dy4, filter.shape, a.strides, a.pad, [dh, dw], a.dimRoundingMode),
    };
  },
};
