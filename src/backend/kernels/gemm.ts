/**
 * The one matrix product of survkit's convolution kernels.
 *
 * `gemmNT` computes C[M, N] = A[M, K] · B[N, K]ᵀ with all three row-major.
 * It runs on survkit's WebAssembly SIMD product (src/ops/wasm/gemm.ts: a 4×8
 * f32x4 kernel, 15–19 G multiply-adds/s on the convolution shapes of the
 * benchmark CNNs on the project machine) through one shared arena
 * ({@link convArena}), copying the operands in and the result out; where the
 * runtime has no WebAssembly SIMD it falls back to {@link gemmNTScalar}, a
 * plain-JS 4×2-blocked float64 product (about 1–3 G multiply-adds/s).
 * Kernels that can build their operands in place (the wasm filter gradient)
 * write them into {@link convArena} and call its `gemm` directly.
 */
import { SimdGemm, simdSupported } from '../../ops/wasm/gemm.js';

let arena: SimdGemm | undefined;
let simd: boolean | undefined;

/** Whether the SIMD product is available (checked once). */
export function convGemmIsSimd(): boolean {
  simd ??= simdSupported();
  return simd;
}

/** The arena shared by the convolution kernels (created on first use; requires {@link convGemmIsSimd}). */
export function convArena(): SimdGemm {
  arena ??= new SimdGemm();
  return arena;
}

/**
 * C[i·N + j] = Σ_k A[aOff + i·K + k] · B[bOff + j·K + k] for i < M, j < N
 * (float32 result). When `accumulate` is true the product is added to C
 * instead of overwriting it. SIMD: each C value is one float32 sum over k in
 * order (then + C); scalar fallback: float64 sums.
 */
export function gemmNT(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, accumulate = false, aOff = 0, bOff = 0): void {
  if (!convGemmIsSimd() || m === 0 || n === 0) {
    gemmNTScalar(a, b, c, m, n, k, accumulate, aOff, bOff);
    return;
  }
  const g = convArena();
  const mark = g.mark;
  try {
    const pa = g.alloc(m * k);
    const pb = g.alloc(n * k);
    const pc = g.alloc(m * n);
    g.prepare(k);
    const mem = g.f32;
    mem.set(a.subarray(aOff, aOff + m * k), pa);
    mem.set(b.subarray(bOff, bOff + n * k), pb);
    if (accumulate) mem.set(c.subarray(0, m * n), pc);
    g.matmul(m, n, k, pa, pb, pc, { transB: true, accumulate });
    c.set(g.view(pc, m * n));
  } finally {
    g.release(mark);
  }
}

/**
 * The plain-JS fallback of {@link gemmNT}: blocks of 4 rows × 2 columns keep
 * eight float64 accumulators in registers, every inner loop a dot product
 * over two contiguous runs (float64 accumulation, float32 result).
 */
export function gemmNTScalar(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, accumulate = false, aOff = 0, bOff = 0): void {
  const m4 = m - (m % 4);
  const n2 = n - (n % 2);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n2; j += 2) {
      const b0 = bOff + j * k;
      const b1 = b0 + k;
      let c00 = 0,
        c01 = 0,
        c10 = 0,
        c11 = 0,
        c20 = 0,
        c21 = 0,
        c30 = 0,
        c31 = 0;
      for (let t = 0; t < k; t++) {
        const y0 = b[b0 + t] as number;
        const y1 = b[b1 + t] as number;
        const x0 = a[a0 + t] as number;
        const x1 = a[a1 + t] as number;
        const x2 = a[a2 + t] as number;
        const x3 = a[a3 + t] as number;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c30 += x3 * y0;
        c31 += x3 * y1;
      }
      const r0 = i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      if (accumulate) {
        c00 += c[r0] as number;
        c01 += c[r0 + 1] as number;
        c10 += c[r1] as number;
        c11 += c[r1 + 1] as number;
        c20 += c[r2] as number;
        c21 += c[r2 + 1] as number;
        c30 += c[r3] as number;
        c31 += c[r3 + 1] as number;
      }
      c[r0] = c00;
      c[r0 + 1] = c01;
      c[r1] = c10;
      c[r1 + 1] = c11;
      c[r2] = c20;
      c[r2 + 1] = c21;
      c[r3] = c30;
      c[r3 + 1] = c31;
    }
    for (let j = n2; j < n; j++) {
      for (let r = 0; r < 4; r++) dotInto(a, b, c, aOff + (i + r) * k, bOff + j * k, (i + r) * n + j, k, accumulate);
    }
  }
  for (let i = m4; i < m; i++) {
    for (let j = 0; j < n; j++) dotInto(a, b, c, aOff + i * k, bOff + j * k, i * n + j, k, accumulate);
  }
}

function dotInto(a: Float32Array, b: Float32Array, c: Float32Array, ao: number, bo: number, co: number, k: number, accumulate: boolean): void {
  let s = accumulate ? (c[co] as number) : 0;
  for (let t = 0; t < k; t++) s += (a[ao + t] as number) * (b[bo + t] as number);
  c[co] = s;
}

/** Row-major transpose: out[j·rows + i] = src[i·cols + j]. */
export function transpose2d(src: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = src[o + j] as number;
  }
  return out;
}
