/**
 * DepthwiseConv2dNativeBackpropFilter and …BackpropInput for the wasm backend
 * (missing there in stock TF.js, so depthwise layers such as MobileNet's
 * cannot be fine-tuned on wasm). NHWC, filter [KH, KW, Ci, M], output channel
 * ci·M + m:
 *   dW[kh, kw, ci, m] = Σ_{b, oh, ow} x[b, ih, iw, ci] · dy[b, oh, ow, ci·M + m]
 *   dx[b, ih, iw, ci] = Σ_{kh, kw, m} dy[b, oh, ow, ci·M + m] · W[kh, kw, ci, m]
 * with ih = oh·sh + kh·dh − padTop (and likewise for columns); dilations work.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { alloc, f32, type PatchedBackend } from './kernel-io.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface DepthwiseAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function info(xShape: number[], wShape: number[], a: DepthwiseAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    wShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    true,
  );
}

/**
 * Visits every (input element, output element, filter element) triple of a
 * depthwise convolution: fn(xIndex, yIndex, wIndex).
 */
function forEachTap(c: tf.backend_util.Conv2DInfo, fn: (xi: number, yi: number, wi: number) => void): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW } = c;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const M = c.outChannels / Ci;
  const pt = c.padInfo.top;
  const pl = c.padInfo.left;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const yo = ((b * OH + oh) * OW + ow) * Ci * M;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const xo = ((b * H + ih) * W + iw) * Ci;
            const wo = (kh * KW + kw) * Ci * M;
            for (let ci = 0; ci < Ci; ci++) {
              for (let m = 0; m < M; m++) fn(xo + ci, yo + ci * M + m, wo + ci * M + m);
            }
          }
        }
      }
    }
  }
}

/** dW values. */
export function depthwiseFilterGradValues(x: Float32Array, dy: Float32Array, c: tf.backend_util.Conv2DInfo): Float64Array {
  const dw = new Float64Array(tf.util.sizeFromShape(c.filterShape));
  forEachTap(c, (xi, yi, wi) => {
    dw[wi] = (dw[wi] as number) + (x[xi] as number) * (dy[yi] as number);
  });
  return dw;
}

/** dx values. */
export function depthwiseInputGradValues(dy: Float32Array, w: Float32Array, c: tf.backend_util.Conv2DInfo): Float64Array {
  const dx = new Float64Array(tf.util.sizeFromShape(c.inShape));
  forEachTap(c, (xi, yi, wi) => {
    dx[xi] = (dx[xi] as number) + (dy[yi] as number) * (w[wi] as number);
  });
  return dx;
}

/** DepthwiseConv2dNativeBackpropFilter kernel config. */
export function depthwiseBackpropFilterConfig(backendName: PatchedBackend): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as NamedAttrMap & DepthwiseAttrs & { filterShape: number[] };
    const c = info(x.shape, a.filterShape, a);
    const be = backend;
    const values = depthwiseFilterGradValues(f32(be, x), f32(be, dy), c);
    const out = alloc(be, c.filterShape);
    f32(be, out).set(values);
    return out;
  };
  return { kernelName: tf.DepthwiseConv2dNativeBackpropFilter, backendName, kernelFunc };
}

/** DepthwiseConv2dNativeBackpropInput kernel config. */
export function depthwiseBackpropInputConfig(backendName: PatchedBackend): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as NamedAttrMap & DepthwiseAttrs & { inputShape: number[] };
    const c = info(a.inputShape, filter.shape, a);
    const be = backend;
    const values = depthwiseInputGradValues(f32(be, dy), f32(be, filter), c);
    const out = alloc(be, c.inShape);
    f32(be, out).set(values);
    return out;
  };
  return { kernelName: tf.DepthwiseConv2dNativeBackpropInput, backendName, kernelFunc };
}
