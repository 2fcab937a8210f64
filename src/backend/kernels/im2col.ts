/**
 * Patch matrices of a 2D NHWC convolution (see conv-geometry.ts):
 * P[n, k] = x[b, ih, iw, ci] with n = (b·OH + oh)·OW + ow and
 * k = (kh·KW + kw)·Ci + ci, zero where the tap falls into the padding.
 * Every element of the output is written, so it may start uninitialised.
 */
import type { ConvGeometry } from './conv-geometry.js';

/** P as rows: out[n·K + k] (N×K). */
export function im2colRows(x: Float32Array, g: ConvGeometry, out: Float32Array): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = g;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop: pt, padLeft: pl, k: K } = g;
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    const xb = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) {
            out.fill(0, o, o + KW * C);
            o += KW * C;
            continue;
          }
          const xr = xb + ih * W * C;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) {
              out.fill(0, o, o + C);
              o += C;
              continue;
            }
            const s = xr + iw * C;
            for (let c = 0; c < C; c++) out[o + c] = x[s + c] as number;
            o += C;
          }
        }
      }
    }
  }
  if (o !== g.n * K) throw new Error('survkit: im2colRows size mismatch');
  return out;
}

/** P transposed: out[k·N + n] (K×N). */
export function im2colCols(x: Float32Array, g: ConvGeometry, out: Float32Array): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = g;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop: pt, padLeft: pl, n: N } = g;
  // The valid ow range for each kw does not depend on the row: precompute it.
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const owLo = Math.max(0, Math.ceil((pl - kw * dw) / sw));
      const owHi = Math.min(OW, Math.floor((W - 1 + pl - kw * dw) / sw) + 1);
      for (let c = 0; c < C; c++) {
        let o = ((kh * KW + kw) * C + c) * N;
        for (let b = 0; b < g.batch; b++) {
          const xb = b * H * W * C + c;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh * dh - pt;
            if (ih < 0 || ih >= H || owHi <= owLo) {
              out.fill(0, o, o + OW);
              o += OW;
              continue;
            }
            if (owLo > 0) out.fill(0, o, o + owLo);
            let s = xb + (ih * W + owLo * sw + kw * dw - pl) * C;
            const step = sw * C;
            for (let ow = owLo; ow < owHi; ow++, s += step) out[o + ow] = x[s] as number;
            if (owHi < OW) out.fill(0, o + owHi, o + OW);
            o += OW;
          }
        }
      }
    }
  }
  return out;
}

/** dx[b, ih, iw, ci] = Σ over taps reading it of cols[n, k] (the adjoint of im2colRows); dx is overwritten. */
export function col2imRows(cols: Float32Array, g: ConvGeometry, dx: Float32Array): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = g;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop: pt, padLeft: pl } = g;
  dx.fill(0);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    const xb = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - pt;
          if (ih < 0 || ih >= H) {
            o += KW * C;
            continue;
          }
          const xr = xb + ih * W * C;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw >= 0 && iw < W) {
              const d = xr + iw * C;
              for (let c = 0; c < C; c++) dx[d + c] = (dx[d + c] as number) + (cols[o + c] as number);
            }
            o += C;
          }
        }
      }
    }
  }
  return dx;
}
