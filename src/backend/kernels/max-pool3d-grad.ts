/**
 * MaxPool3DGrad for the cpu and wasm backends, as one pass over the pooling
 * windows: each window's gradient goes to the position holding its maximum
 * — the LAST one in (depth, row, column) window order on ties (`>=` scan),
 * the stock cpu rule of TF.js 4.22 — summed where windows overlap; windows
 * with only NaN pass nothing.
 *
 * Why: the stock cpu kernel walks every input element through all filter
 * taps with per-element buffer reads and a position buffer (about 2.7 s of a
 * 5–8 s training step of the max-pool 3D CNN of bench/cnn3d-step.ts at batch
 * 8); this pass reads each window once. The stock kernel also computes the
 * wrong position when the window's height and width differ (it multiplies
 * the row by the filter height); this one follows the definition.
 *
 * The kernel functions are module constants, so a test can check that the
 * registered kernel is survkit's by identity ({@link maxPool3dGradKernelFunc}).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { alloc, f32, fromValues, type PatchedBackend } from './kernel-io.js';
import { windowRange } from './conv-geometry.js';

/** Attributes of the MaxPool3DGrad kernel. */
export interface MaxPool3DGradAttrs {
  filterSize: number | [number, number, number];
  strides: number | [number, number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Shape5 = [number, number, number, number, number];

/** dx (NDHWC) from x and dy values; `dx` must be zero on entry. */
export function maxPool3dGradValues(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv3DInfo, dx: Float32Array): Float32Array {
  const { batchSize: B, inDepth: D, inHeight: H, inWidth: W, inChannels: C, outDepth: OD, outHeight: OH, outWidth: OW } = info;
  const { strideDepth: sd, strideHeight: sh, strideWidth: sw, dilationDepth: dd, dilationHeight: dh, dilationWidth: dw } = info;
  const { effectiveFilterDepth: FD, effectiveFilterHeight: FH, effectiveFilterWidth: FW } = info;
  const { front: pf, top: pt, left: pl } = info.padInfo;
  const rowStride = W * C;
  const planeStride = H * W * C;
  if (dd === 1 && dh === 1 && dw === 1 && pf === 0 && pt === 0 && pl === 0 && (OD - 1) * sd + FD <= D && (OH - 1) * sh + FH <= H && (OW - 1) * sw + FW <= W) {
    return maxPool3dGradFull(x, dy, info, dx);
  }
  const best = new Float64Array(C);
  const at = new Int32Array(C);
  let o = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * D * planeStride;
    for (let od = 0; od < OD; od++) {
      const [dLo, dHi] = windowRange(od, sd, pf, dd, FD, D);
      for (let oh = 0; oh < OH; oh++) {
        const [rLo, rHi] = windowRange(oh, sh, pt, dh, FH, H);
        for (let ow = 0; ow < OW; ow++, o += C) {
          const [cLo, cHi] = windowRange(ow, sw, pl, dw, FW, W);
          // All channels of the window at once: contiguous reads, the same (depth, row, column) scan order per channel.
          best.fill(-Infinity);
          at.fill(-1);
          for (let d = dLo; d < dHi; d += dd) {
            for (let r = rLo; r < rHi; r += dh) {
              let s = xb + d * planeStride + r * rowStride + cLo * C;
              for (let q = cLo; q < cHi; q += dw, s += dw * C) {
                for (let c = 0; c < C; c++) {
                  const v = x[s + c] as number;
                  if (v >= (best[c] as number)) {
                    best[c] = v;
                    at[c] = s + c;
                  }
                }
              }
            }
          }
          for (let c = 0; c < C; c++) {
            const a = at[c] as number;
            if (a >= 0) dx[a] = (dx[a] as number) + (dy[o + c] as number);
          }
        }
      }
    }
  }
  return dx;
}

/**
 * {@link maxPool3dGradValues} where every window lies inside the input (no padding, no dilation; e.g. 2×2×2
 * stride 2 'valid'): the taps as a list of offsets, the maximum per channel in scalar registers, the same
 * scan order and tie rule.
 */
function maxPool3dGradFull(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv3DInfo, dx: Float32Array): Float32Array {
  const { batchSize: B, inDepth: D, inHeight: H, inWidth: W, inChannels: C, outDepth: OD, outHeight: OH, outWidth: OW } = info;
  const { strideDepth: sd, strideHeight: sh, strideWidth: sw, filterDepth: FD, filterHeight: FH, filterWidth: FW } = info;
  const rowStride = W * C;
  const planeStride = H * W * C;
  const taps = new Int32Array(FD * FH * FW);
  let t = 0;
  for (let d = 0; d < FD; d++) for (let r = 0; r < FH; r++) for (let q = 0; q < FW; q++) taps[t++] = d * planeStride + r * rowStride + q * C;
  const T = taps.length;
  const [t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0] = T === 8 ? Array.from(taps) : [];
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++, o += C) {
          const s0 = b * D * planeStride + od * sd * planeStride + oh * sh * rowStride + ow * sw * C;
          if (T === 8) {
            // 2×2×2 windows unrolled (the usual pooling): the eight taps in scan order, no tap table.
            for (let c = 0; c < C; c++) {
              const i = s0 + c;
              let best = -Infinity;
              let at = -1;
              let v = x[i + t0] as number;
              if (v >= best) {
                best = v;
                at = i + t0;
              }
              v = x[i + t1] as number;
              if (v >= best) {
                best = v;
                at = i + t1;
              }
              v = x[i + t2] as number;
              if (v >= best) {
                best = v;
                at = i + t2;
              }
              v = x[i + t3] as number;
              if (v >= best) {
                best = v;
                at = i + t3;
              }
              v = x[i + t4] as number;
              if (v >= best) {
                best = v;
                at = i + t4;
              }
              v = x[i + t5] as number;
              if (v >= best) {
                best = v;
                at = i + t5;
              }
              v = x[i + t6] as number;
              if (v >= best) {
                best = v;
                at = i + t6;
              }
              v = x[i + t7] as number;
              if (v >= best) {
                best = v;
                at = i + t7;
              }
              if (at >= 0) dx[at] = (dx[at] as number) + (dy[o + c] as number);
            }
            continue;
          }
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = -1;
            for (let k = 0; k < T; k++) {
              const i = s0 + (taps[k] as number) + c;
              const v = x[i] as number;
              // Selects rather than a branch: the comparison is unpredictable on real activations.
              const take = v >= best;
              at = take ? i : at;
              best = take ? v : best;
            }
            if (at >= 0) dx[at] = (dx[at] as number) + (dy[o + c] as number);
          }
        }
      }
    }
  }
  return dx;
}

function grad(backendName: PatchedBackend): KernelFunc {
  return ({ inputs, backend: be, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const a = attrs as NamedAttrMap & MaxPool3DGradAttrs;
    const info = tf.backend_util.computePool3DInfo(input.shape as Shape5, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    if (backendName === 'wasm') {
      const out = alloc(be, input.shape);
      maxPool3dGradValues(f32(be, input), f32(be, dy), info, f32(be, out));
      return out;
    }
    const dx = new Float32Array(tf.util.sizeFromShape(input.shape));
    return fromValues(be, input.shape, maxPool3dGradValues(f32(be, input), f32(be, dy), info, dx));
  };
}

const KERNELS: Record<PatchedBackend, KernelFunc> = { cpu: grad('cpu'), wasm: grad('wasm') };

/** survkit's MaxPool3DGrad kernel function for `backendName` (the same function object on every call). */
export function maxPool3dGradKernelFunc(backendName: PatchedBackend): KernelFunc {
  return KERNELS[backendName];
}

/** Kernel config for `backendName`. */
export function maxPool3dGradConfig(backendName: PatchedBackend): KernelConfig {
  return { kernelName: tf.MaxPool3DGrad, backendName, kernelFunc: KERNELS[backendName] };
}
