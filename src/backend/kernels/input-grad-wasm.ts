/**
 * The wasm path of Conv2DBackpropInput: XNNPACK convolutions instead of the
 * stock scalar loop — one "full" convolution with the flipped filter for
 * stride 1, one per output phase for larger strides, and GEMM + col2im where
 * a phase would need negative padding.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { inShape, type ConvGeometry } from './conv-geometry.js';
import { transpose2d } from './gemm.js';
import { col2imRows } from './im2col.js';
import { alloc, callKernel, f32, fromValues, release, type AnyBackend } from './kernel-io.js';

/** Explicit padding of the stride-1 "full" convolution that computes dx, or null if it would be negative. */
function transposedPadding(g: ConvGeometry): tf.backend_util.ExplicitPadding | null {
  const top = (g.filterHeight - 1) * g.dilationHeight - g.padTop;
  const left = (g.filterWidth - 1) * g.dilationWidth - g.padLeft;
  const bottom = g.inHeight + g.padTop - g.outHeight;
  const right = g.inWidth + g.padLeft - g.outWidth;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
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
      phases.push({
        r,
        t,
        i0,
        j0,
        nI,
        nJ,
        filter,
        shape: [A, C, Co, Ci],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
      });
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

export function inputGradWasm(backend: AnyBackend, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
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
