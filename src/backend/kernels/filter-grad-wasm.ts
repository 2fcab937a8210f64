/**
 * The wasm path of Conv2DBackpropFilter: dW = Σ over groups of images of
 * Pᵀ_G · dY_G, each product through survkit's WebAssembly SIMD product
 * (BatchMatMul where the runtime has no WebAssembly SIMD), the patch
 * matrices built from block copies of phase grids rather than by a
 * per-element gather (see {@link filterGradWasmPhased}).
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { filterShape, type ConvGeometry } from './conv-geometry.js';
import { convArena, convGemmIsSimd } from './gemm.js';
import { im2colCols } from './im2col.js';
import { alloc, callKernel, f32, fromValues, release, type AnyBackend } from './kernel-io.js';

/** Floats of dy per product on wasm: keeps the streamed right-hand side in cache (~256 KB). */
const WASM_GROUP_FLOATS = 1 << 16;

let scratch = new Float32Array(0);
/** Largest phase-grid buffer kept between calls (64 MB); larger ones are allocated per call. */
const SCRATCH_KEEP = 1 << 24;

/** A zero-filled Float32Array of `n` floats, reusing one module buffer up to {@link SCRATCH_KEEP} floats (no garbage per call). */
function zeroedScratch(n: number): Float32Array {
  if (n > SCRATCH_KEEP) return new Float32Array(n);
  if (scratch.length < n) scratch = new Float32Array(n);
  const out = scratch.subarray(0, n);
  out.fill(0);
  return out;
}

/**
 * The values of `t` for use inside {@link groupedProduct}: a live heap view
 * where the products run in the convolution arena (no allocation on the wasm
 * backend's heap can move it meanwhile), else a copy.
 */
function heapValues(backend: AnyBackend, t: TensorInfo): Float32Array {
  return convGemmIsSimd() ? f32(backend, t) : f32(backend, t).slice();
}

/** Writes one image group's patch matrix [K, nb·cols] into `p` and its dy rows [nb·cols, Co] into `d`. */
type GroupFiller = (b0: number, nb: number, p: Float32Array, d: Float32Array) => void;

/**
 * dW on wasm as a sum over groups of images of Pᵀ_G · dY_G. The reduction
 * runs over every output pixel, so one product over all of them would stream
 * dY from memory once per row tile; groups small enough for the cache are
 * ~2× faster. `cols` is the number of patch columns per image and `fill`
 * writes a group's operands. With WebAssembly SIMD the operands are built
 * in place in the convolution arena and multiplied there by survkit's SIMD
 * product, accumulating over the groups (15–19 G multiply-adds/s on the
 * benchmark shapes against 7–15 for XNNPACK's BatchMatMul, which also packs
 * its right-hand side on every call); without it, through BatchMatMul.
 */
function groupedProduct(backend: AnyBackend, g: ConvGeometry, cols: number, fill: GroupFiller): TensorInfo {
  const { k: K, outChannels: Co } = g;
  const perGroup = Math.max(1, Math.min(g.batch, Math.floor(WASM_GROUP_FLOATS / (cols * Co))));
  if (convGemmIsSimd()) {
    const ar = convArena();
    const mark = ar.mark;
    try {
      const maxN = perGroup * cols;
      const c = ar.alloc(K * Co);
      const p = ar.alloc(K * maxN);
      const d = ar.alloc(maxN * Co);
      ar.prepare(maxN);
      for (let b0 = 0; b0 < g.batch; b0 += perGroup) {
        const nb = Math.min(perGroup, g.batch - b0);
        const n = nb * cols;
        const mem = ar.f32;
        fill(b0, nb, mem.subarray(p, p + K * n), mem.subarray(d, d + n * Co));
        ar.gemm(K, Co, n, p, n, 1, d, Co, 1, c, Co, { accumulate: b0 > 0 });
      }
      return fromValues(backend, filterShape(g), ar.view(c, K * Co).slice());
    } finally {
      ar.release(mark);
    }
  }
  const acc = new Float32Array(K * Co);
  for (let b0 = 0; b0 < g.batch; b0 += perGroup) {
    const nb = Math.min(perGroup, g.batch - b0);
    const p = alloc(backend, [1, K, nb * cols], false);
    const d = alloc(backend, [1, nb * cols, Co], false);
    fill(b0, nb, f32(backend, p), f32(backend, d));
    const out = callKernel('BatchMatMul', 'wasm', backend, { a: p, b: d }, { transposeA: false, transposeB: false });
    const ov = f32(backend, out);
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (ov[i] as number);
    release(backend, out);
    release(backend, p);
    release(backend, d);
  }
  return fromValues(backend, filterShape(g), acc);
}

/**
 * The transposed patch matrix by block copies instead of a gather. Split
 * the zero-padded input into sh × sw phase grids X_{r,t}[b, i, j] =
 * Xpad[b, sh·i + r, sw·j + t] (channel-major, Hq = OH + ⌊(KH−1)·dh/sh⌋ rows,
 * Wq likewise). Tap (kh, kw) reads Xpad[b, sh·oh + kh·dh, …] = X_{r,t}[b, oh + a, ow + c]
 * with kh·dh = sh·a + r, kw·dw = sw·c + t: a shift by a·Wq + c of one phase
 * grid, so each row of Pᵀ is one contiguous copy. dy is embedded in the same
 * Hq × Wq grid, whose zeros cancel the extra columns.
 */
function filterGradWasmPhased(backend: AnyBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: Co } = g;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = g;
  const { padTop: pt, padLeft: pl } = g;
  const aMax = Math.floor(((KH - 1) * dh) / sh);
  const cMax = Math.floor(((KW - 1) * dw) / sw);
  const Hq = OH + aMax;
  const Wq = OW + cMax;
  const image = Hq * Wq;
  const npad = g.batch * image;
  // Phase grids, phase-major then channel-major: xp[((r·sw + t)·C + c)·npad + (b·Hq + i)·Wq + j].
  const xv = f32(backend, x);
  const xp = zeroedScratch(sh * sw * C * npad + aMax * Wq + cMax);
  for (let b = 0; b < g.batch; b++) {
    for (let h = 0; h < H; h++) {
      const p = h + pt;
      const r = p % sh;
      const i = (p - r) / sh;
      if (i >= Hq) continue;
      for (let w = 0; w < W; w++) {
        const q = w + pl;
        const t = q % sw;
        const j = (q - t) / sw;
        if (j >= Wq) continue;
        const dst = (r * sw + t) * C * npad + (b * Hq + i) * Wq + j;
        const src = ((b * H + h) * W + w) * C;
        for (let c = 0; c < C; c++) xp[dst + c * npad] = xv[src + c] as number;
      }
    }
  }
  const dyv = heapValues(backend, dy);
  return groupedProduct(backend, g, image, (b0, nb, p, d) => {
    const n = nb * image;
    for (let kh = 0; kh < KH; kh++) {
      const r = (kh * dh) % sh;
      const a = (kh * dh - r) / sh;
      for (let kw = 0; kw < KW; kw++) {
        const t = (kw * dw) % sw;
        const c0 = (kw * dw - t) / sw;
        const from = (r * sw + t) * C * npad + b0 * image + a * Wq + c0;
        for (let c = 0; c < C; c++) {
          const src = from + c * npad;
          p.set(xp.subarray(src, src + n), ((kh * KW + kw) * C + c) * n);
        }
      }
    }
    d.fill(0);
    for (let b = 0; b < nb; b++) {
      for (let oh = 0; oh < OH; oh++) {
        const src = ((b0 + b) * OH + oh) * OW * Co;
        d.set(dyv.subarray(src, src + OW * Co), (b * Hq + oh) * Wq * Co);
      }
    }
  });
}

/** dW on wasm: patch matrices by block copies (im2col if the padding were negative), products by the SIMD GEMM. */
export function filterGradWasm(backend: AnyBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  if (g.padTop >= 0 && g.padLeft >= 0) return filterGradWasmPhased(backend, x, dy, g);
  const perImage = g.outHeight * g.outWidth;
  const xImage = g.inHeight * g.inWidth * g.inChannels;
  const xv = heapValues(backend, x);
  const dyv = heapValues(backend, dy);
  const Co = g.outChannels;
  return groupedProduct(backend, g, perImage, (b0, nb, p, d) => {
    const gc: ConvGeometry = { ...g, batch: nb, n: nb * perImage };
    im2colCols(xv.subarray(b0 * xImage, (b0 + nb) * xImage), gc, p);
    d.set(dyv.subarray(b0 * perImage * Co, (b0 + nb) * perImage * Co));
  });
}
