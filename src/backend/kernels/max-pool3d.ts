/**
 * MaxPool3D for the wasm and cpu backends: the maximum of each pooling
 * window over its valid (non-padding) elements.
 *
 * Why: TF.js 4.22's wasm MaxPool3D starts each window's maximum at FLT_MIN
 * (1.18e-38, the smallest positive normal float) instead of −∞, so a window
 * whose elements are all ≤ 0 returns 1.18e-38: wrong for negative inputs,
 * and after a ReLU (windows of zeros) it feeds FLT_MIN into the next
 * convolution, whose products with weights below 1 are subnormal floats —
 * which WebAssembly must compute exactly, ~40–75× slower on x86. In the 3D
 * max-pool CNN of bench/cnn3d-step.ts that made the third convolution and its
 * filter gradient about 1 s each instead of 30–50 ms. The cpu backend's stock
 * kernel is right but reads element by element through buffers (~6× slower
 * than one pass).
 *
 * Elements compare with `>` as the stock cpu kernel does (NaN never becomes
 * the maximum; a window of only NaN gives −∞). survkit's MaxPool3DGrad
 * recomputes each window's arg-max from the input, so the two agree.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { alloc, callKernel, f32, release, type PatchedBackend } from './kernel-io.js';
import { windowRange } from './conv-geometry.js';

/** Attributes of the MaxPool3D kernel. */
export interface MaxPool3DAttrs {
  filterSize: number | [number, number, number];
  strides: number | [number, number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Only NDHWC: tf.maxPool3d rejects NCDHW before any kernel runs. */
  dataFormat?: 'NDHWC' | 'NCDHW';
}

type Shape5 = [number, number, number, number, number];

/** y (NDHWC) = the window maxima of x; every element of `y` is written. */
export function maxPool3dValues(x: Float32Array, info: tf.backend_util.Conv3DInfo, y: Float32Array): Float32Array {
  const { batchSize: B, inDepth: D, inHeight: H, inWidth: W, inChannels: C, outDepth: OD, outHeight: OH, outWidth: OW } = info;
  const { strideDepth: sd, strideHeight: sh, strideWidth: sw, dilationDepth: dd, dilationHeight: dh, dilationWidth: dw } = info;
  const { effectiveFilterDepth: FD, effectiveFilterHeight: FH, effectiveFilterWidth: FW } = info;
  const { front: pf, top: pt, left: pl } = info.padInfo;
  const rowStride = W * C;
  const planeStride = H * W * C;
  let o = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * D * planeStride;
    for (let od = 0; od < OD; od++) {
      const [dLo, dHi] = windowRange(od, sd, pf, dd, FD, D);
      for (let oh = 0; oh < OH; oh++) {
        const [rLo, rHi] = windowRange(oh, sh, pt, dh, FH, H);
        for (let ow = 0; ow < OW; ow++, o += C) {
          const [cLo, cHi] = windowRange(ow, sw, pl, dw, FW, W);
          y.fill(-Infinity, o, o + C);
          for (let d = dLo; d < dHi; d += dd) {
            for (let r = rLo; r < rHi; r += dh) {
              let s = xb + d * planeStride + r * rowStride + cLo * C;
              for (let q = cLo; q < cHi; q += dw, s += dw * C) {
                for (let c = 0; c < C; c++) {
                  const v = x[s + c] as number;
                  if (v > (y[o + c] as number)) y[o + c] = v;
                }
              }
            }
          }
        }
      }
    }
  }
  return y;
}

/**
 * y[b, od] = max over the valid frames d of od's temporal window of z[b·D + d]
 * (z: the 2D window maxima of every frame, [B·D, OH, OW, C]); y overwritten.
 */
export function temporalMax(z: Float32Array, info: tf.backend_util.Conv3DInfo, y: Float32Array): Float32Array {
  const { batchSize: B, inDepth: D, outDepth: OD, strideDepth: sd, dilationDepth: dd, effectiveFilterDepth: FD } = info;
  const frame = info.outHeight * info.outWidth * info.inChannels;
  for (let b = 0; b < B; b++) {
    for (let od = 0; od < OD; od++) {
      const o = (b * OD + od) * frame;
      const [dLo, dHi] = windowRange(od, sd, info.padInfo.front, dd, FD, D);
      y.fill(-Infinity, o, o + frame);
      for (let d = dLo; d < dHi; d += dd) {
        const s = (b * D + d) * frame;
        for (let i = 0; i < frame; i++) {
          const v = z[s + i] as number;
          if (v > (y[o + i] as number)) y[o + i] = v;
        }
      }
    }
  }
  return y;
}

function hasNaNOrMinusInf(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (!(v > -Infinity)) return true;
  }
  return false;
}

function poolInfo(x: TensorInfo, a: MaxPool3DAttrs): tf.backend_util.Conv3DInfo {
  return tf.backend_util.computePool3DInfo(x.shape as Shape5, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
}

/**
 * On wasm: the 2D window maxima of every frame by the backend's MaxPool
 * (XNNPACK; its windows start from the first element, so it has no FLT_MIN
 * problem), then the temporal maxima in one pass over those — about a third
 * of the time of {@link maxPool3dValues} on the benchmark's 2×2×2 pools.
 */
const maxPool3dWasm: KernelFunc = ({ inputs, backend: be, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const a = attrs as NamedAttrMap & MaxPool3DAttrs;
  const info = poolInfo(x, a);
  const { batchSize: B, inDepth: D, inHeight: H, inWidth: W, inChannels: C, padInfo: p } = info;
  const frames = { dataId: x.dataId, shape: [B * D, H, W, C], dtype: x.dtype };
  const z = callKernel(
    'MaxPool',
    'wasm',
    be,
    { x: frames },
    {
      filterSize: [info.filterHeight, info.filterWidth],
      strides: [info.strideHeight, info.strideWidth],
      pad: [
        [0, 0],
        [p.top, p.bottom],
        [p.left, p.right],
        [0, 0],
      ],
    },
  );
  const out = alloc(be, info.outShape, false);
  // this module's rule (compare with >) skips NaN; the backend's 2D MaxPool gives −∞ (or NaN) for a window whose first
  // element is NaN, so where a frame maximum is NaN or −∞ the one-pass kernel runs on x instead
  if (z.shape[1] === info.outHeight && z.shape[2] === info.outWidth && !hasNaNOrMinusInf(f32(be, z))) temporalMax(f32(be, z), info, f32(be, out));
  else maxPool3dValues(f32(be, x), info, f32(be, out));
  release(be, z);
  return out;
};

/** On cpu: one pass over the windows (the stock kernel reads element by element through buffers). */
const maxPool3dCpu: KernelFunc = ({ inputs, backend: be, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const info = poolInfo(x, attrs as NamedAttrMap & MaxPool3DAttrs);
  const out = alloc(be, info.outShape, false);
  maxPool3dValues(f32(be, x), info, f32(be, out));
  return out;
};

const KERNELS: Record<PatchedBackend, KernelFunc> = { cpu: maxPool3dCpu, wasm: maxPool3dWasm };

/** survkit's MaxPool3D kernel function for `backendName` (the same function object on every call, for identity checks). */
export function maxPool3dKernelFunc(backendName: PatchedBackend): KernelFunc {
  return KERNELS[backendName];
}

/** Kernel config for `backendName`. */
export function maxPool3dConfig(backendName: PatchedBackend): KernelConfig {
  return { kernelName: tf.MaxPool3D, backendName, kernelFunc: KERNELS[backendName] };
}
