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
import { gemmNT, transpose2d } from './gemm.js';
import { col2imRows } from './im2col.js';
import { alloc, callKernel, f32, fromValues, release, type AnyBackend, type PatchedBackend } from './kernel-io.js';
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

/** Explicit padding of the stride-1 "full" convolution that computes dx, or null if it would be negative. */
function transposedPadding(g: ConvGeometry): tf.backend_util.ExplicitPadding | null {
  const top = (g.filterHeight - 1) * g.dilationHeight - g.padTop;
  const left = (g.filterWidth - 1) * g.dilationWidth - g.padLeft;
  const bottom = g.inHeight + g.padTop - g.outHeight;
  const right = g.inWidth + g.padLeft - g.outWidth;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

/** W̃[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co]. */
function flipFilter(w: Float32Array, g: ConvGeometry): Float32Array {
  const { filterHeight: KH, filterWidth: KW, inChannels: Ci, outChannels: Co } = g;
  const out = new Float32Array(w.length);
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * Ci * Co;
      const dst = (kh * KW + kw) * Co * Ci;
      for (let ci = 0; ci < Ci; ci++) {
        for (let co = 0; co < Co; co++) out[dst + co * Ci + ci] = w[src + ci * Co + co] as number;
      }
    }
  }
  return out;
}

interface Phase {
  /** Phase offsets (row, column): dx rows ih with ih + padTop ≡ r (mod sh). */
  r: number;
  t: number;
  /** First phase-grid row/column and their counts. */
  i0: number;
  j0: number;
  nI: number;
  nJ: number;
  /** The flipped sub-filter [A, C, Co, Ci] and the convolution's explicit padding. */
  filter: Float32Array;
  shape: [number, number, number, number];
  pad: tf.backend_util.ExplicitPadding;
}

/**
 * Plans dx for strides > 1 (dilation 1) as sh·sw stride-1 convolutions, one
 * per output phase (r, t): rows ih with ih + padTop = sh·i + r receive only the
 * taps kh = sh·a + r, so dx_phase[i] = Σ_a dy[i − a] · W[sh·a + r] — a
 * convolution of dy with a flipped sub-filter. Null when a phase would need
 * negative padding (then the GEMM + col2im path is used).
 */
function planPhases(w: Float32Array, g: ConvGeometry): Phase[] | null {
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW, inChannels: Ci, outChannels: Co } = g;
  if (g.dilationHeight !== 1 || g.dilationWidth !== 1) return null;
  const phases: Phase[] = [];
  for (let r = 0; r < sh; r++) {
    for (let t = 0; t < sw; t++) {
      const A = Math.max(0, Math.ceil((KH - r) / sh));
      const C = Math.max(0, Math.ceil((KW - t) / sw));
      const i0 = Math.ceil((g.padTop - r) / sh);
      const j0 = Math.ceil((g.padLeft - t) / sw);
      const nI = Math.floor((g.inHeight - 1 + g.padTop - r) / sh) - i0 + 1;
      const nJ = Math.floor((g.inWidth - 1 + g.padLeft - t) / sw) - j0 + 1;
      if (nI <= 0 || nJ <= 0 || A === 0 || C === 0) continue; // no rows, or no taps (dx stays 0 there)
      const top = A - 1 - i0;
      const left = C - 1 - j0;
      const bottom = nI - g.outHeight - top + A - 1;
      const right = nJ - g.outWidth - left + C - 1;
      if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
      const filter = new Float32Array(A * C * Co * Ci);
      for (let a = 0; a < A; a++) {
        for (let c = 0; c < C; c++) {
          const src = ((sh * (A - 1 - a) + r) * KW + (sw * (C - 1 - c) + t)) * Ci * Co;
          const dst = (a * C + c) * Co * Ci;
          for (let ci = 0; ci < Ci; ci++) {
            for (let co = 0; co < Co; co++) filter[dst + co * Ci + ci] = w[src + ci * Co + co] as number;
          }
        }
      }
      phases.push({ r, t, i0, j0, nI, nJ, filter, shape: [A, C, Co, Ci], pad: [[0, 0], [top, bottom], [left, right], [0, 0]] });
    }
  }
  return phases;
}

/** Runs the phase convolutions through XNNPACK and interleaves their outputs into dx. */
function inputGradWasmPhased(backend: AnyBackend, dy: TensorInfo, phases: Phase[], g: ConvGeometry): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: Ci, strideHeight: sh, strideWidth: sw } = g;
  const dx = alloc(backend, inShape(g));
  for (const ph of phases) {
    const filter = fromValues(backend, ph.shape, ph.filter);
    const out = callKernel('Conv2D', 'wasm', backend, { x: dy, filter }, {
      strides: [1, 1],
      pad: ph.pad,
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: null,
    } as unknown as NamedAttrMap);
    release(backend, filter);
    const ov = f32(backend, out);
    const dxv = f32(backend, dx);
    for (let b = 0; b < g.batch; b++) {
      for (let u = 0; u < ph.nI; u++) {
        const ih = sh * (ph.i0 + u) + ph.r - g.padTop;
        const row = (b * H + ih) * W;
        const src = (b * ph.nI + u) * ph.nJ * Ci;
        for (let v = 0; v < ph.nJ; v++) {
          const iw = sw * (ph.j0 + v) + ph.t - g.padLeft;
          const d = (row + iw) * Ci;
          const s = src + v * Ci;
          for (let ci = 0; ci < Ci; ci++) dxv[d + ci] = ov[s + ci] as number;
        }
      }
    }
    release(backend, out);
  }
  return dx;
}

function inputGradWasm(backend: AnyBackend, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  if (g.strideHeight > 1 || g.strideWidth > 1) {
    const phases = planPhases(f32(backend, filter).slice(), g);
    if (phases !== null) return inputGradWasmPhased(backend, dy, phases, g);
  }
  const pad = g.strideHeight === 1 && g.strideWidth === 1 ? transposedPadding(g) : null;
  if (pad !== null) {
    const flipped = fromValues(backend, [g.filterHeight, g.filterWidth, g.outChannels, g.inChannels], flipFilter(f32(backend, filter), g));
    const dx = callKernel('Conv2D', 'wasm', backend, { x: dy, filter: flipped }, {
      strides: [1, 1],
      pad,
      dataFormat: 'NHWC',
      dilations: [g.dilationHeight, g.dilationWidth],
      dimRoundingMode: null,
    } as unknown as NamedAttrMap);
    release(backend, flipped);
    return dx;
  }
  const wt = fromValues(backend, [1, g.outChannels, g.k], transpose2d(f32(backend, filter), g.k, g.outChannels));
  const dy3 = { dataId: dy.dataId, shape: [1, g.n, g.outChannels], dtype: dy.dtype };
  const cols = callKernel('BatchMatMul', 'wasm', backend, { a: dy3, b: wt }, { transposeA: false, transposeB: false });
  release(backend, wt);
  const dx = alloc(backend, inShape(g));
  col2imRows(f32(backend, cols), g, f32(backend, dx));
  release(backend, cols);
  return dx;
}

/** The input gradient on `backendName` for TensorInfo inputs (NHWC or NCHW). */
export function conv2dInputGrad(
  backendName: PatchedBackend,
  backend: AnyBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: InputGradAttrs,
): TensorInfo {
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
    backendName === 'wasm'
      ? inputGradWasm(backend, dys, filter, g)
      : fromValues(backend, inShape(g), inputGradCpu(f32(backend, dys), f32(backend, filter), g));
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
