/**
 * The WebAssembly SIMD matrix product against a float64 reference: random shapes (1, tails of the 4×8 tile,
 * k = 0), every operand layout (strides with padding, transposes), bias and accumulation. Tolerance from the
 * float32 error bound of a k-term sum plus two adds: |ĉ − c| ≤ (k + 2)·u·(Σ|a·b| + |bias| + |c₀|), u = 2⁻²⁴
 * (first order; 1.01 covers the second-order term for k ≤ 10⁴).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../../src/core/errors.js';
import { SimdGemm, simdMatmul, simdSupported } from '../../../src/ops/wasm/gemm.js';

const U = 2 ** -24;

interface Case {
  m: number;
  n: number;
  k: number;
  aCol: boolean;
  bCol: boolean;
  padA: number;
  padB: number;
  padC: number;
  accumulate: boolean;
  bias: boolean;
  seed: number;
}

/** A deterministic float32 stream in [−2, 2) with varied magnitudes. */
function stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const u = (s >>> 0) / 2 ** 32;
    return Math.fround((u * 4 - 2) * (u < 0.1 ? 1e-3 : 1));
  };
}

function run(c: Case): void {
  const { m, n, k } = c;
  const rnd = stream(c.seed);
  const g = new SimdGemm();
  // A(i, p) at a + i·sam + p·sak; B(p, j) at b + p·sbk + j·sbn; C(i, j) at cc + i·ldc + j
  const [sam, sak] = c.aCol ? [1, m + c.padA] : [k + c.padA, 1];
  const [sbk, sbn] = c.bCol ? [1, k + c.padB] : [n + c.padB, 1];
  const ldc = n + c.padC;
  const aLen = c.aCol ? Math.max(k, 1) * (m + c.padA) : Math.max(m, 1) * (k + c.padA);
  const bLen = c.bCol ? Math.max(n, 1) * (k + c.padB) : Math.max(k, 1) * (n + c.padB);
  const cLen = Math.max(m, 1) * ldc + 8;
  const a = g.alloc(aLen);
  const b = g.alloc(bLen);
  const bias = g.alloc(Math.max(n, 1));
  const cc = g.alloc(cLen);
  g.prepare(k);
  const mem = g.f32;
  for (let i = 0; i < aLen; i++) mem[a + i] = rnd();
  for (let i = 0; i < bLen; i++) mem[b + i] = rnd();
  for (let i = 0; i < n; i++) mem[bias + i] = rnd();
  for (let i = 0; i < cLen; i++) mem[cc + i] = rnd();
  const before = mem.slice(cc, cc + cLen);
  g.gemm(m, n, k, a, sam, sak, b, sbk, sbn, cc, ldc, { accumulate: c.accumulate, ...(c.bias ? { bias } : {}) });
  const after = g.f32;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const t = (after[a + i * sam + p * sak] as number) * (after[b + p * sbk + j * sbn] as number);
        s += t;
        mag += Math.abs(t);
      }
      if (c.bias) {
        s += after[bias + j] as number;
        mag += Math.abs(after[bias + j] as number);
      }
      const c0 = before[i * ldc + j] as number;
      if (c.accumulate) {
        s += c0;
        mag += Math.abs(c0);
      }
      const got = after[cc + i * ldc + j] as number;
      const tol = (k + 2) * U * 1.01 * mag + 1e-37;
      if (!(Math.abs(got - s) <= tol)) expect.fail(`C(${i}, ${j}) = ${got}, expected ${s} ± ${tol} (${JSON.stringify(c)})`);
    }
  }
  // nothing outside C's m×n block is written
  for (let i = 0; i < cLen; i++) {
    const r = Math.floor(i / ldc);
    const col = i % ldc;
    if (r < m && col < n) continue;
    if (after[cc + i] !== before[i]) expect.fail(`C's padding at ${i} changed (${JSON.stringify(c)})`);
  }
}

describe('SimdGemm (WebAssembly SIMD matrix product)', () => {
  it('runs on this engine', () => {
    expect(simdSupported()).toBe(true);
  });

  it('matches a float64 reference within the float32 error bound for random shapes, layouts, bias and accumulation', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constantFrom(1, 4, 5, 31, 64)),
          n: fc.oneof(fc.integer({ min: 0, max: 19 }), fc.constantFrom(1, 8, 9, 32, 33)),
          k: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(0, 1, 14, 64, 257)),
          aCol: fc.boolean(),
          bCol: fc.boolean(),
          padA: fc.integer({ min: 0, max: 3 }),
          padB: fc.integer({ min: 0, max: 3 }),
          padC: fc.integer({ min: 0, max: 5 }),
          accumulate: fc.boolean(),
          bias: fc.boolean(),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        }),
        run,
      ),
      { numRuns: 300 },
    );
  });

  it('the engine shapes (256 rows; widths 9, 14, 32; products of the forward and both gradients)', () => {
    for (const nIn of [9, 14, 32])
      for (const [m, n, k, aCol, bCol] of [
        [256, 32, nIn, false, false], // x·W
        [nIn, 32, 256, true, false], // xᵀ·d
        [256, nIn, 32, false, true], // d·Wᵀ
        [256, 1, 32, false, false], // the head
      ] as const)
        run({ m, n, k, aCol, bCol, padA: 0, padB: 0, padC: 0, accumulate: false, bias: true, seed: nIn + m });
  });

  it('is exact on small integers (every partial sum below 2²⁴)', () => {
    const m = 6;
    const n = 10;
    const k = 7;
    const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 11) - 5);
    const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 9) - 4);
    const want = new Float32Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += (a[i * k + p] as number) * (b[p * n + j] as number);
        want[i * n + j] = s;
      }
    expect(simdMatmul(a, b, m, n, k)).toEqual(want);
    // transposed operands: Aᵀ stored [k×m], Bᵀ stored [n×k]
    const at = new Float32Array(k * m);
    const bt = new Float32Array(n * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p] as number;
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j] as number;
    expect(simdMatmul(at, bt, m, n, k, { transA: true, transB: true })).toEqual(want);
  });

  it('k = 0 gives bias (or zeros), plus C when accumulating', () => {
    const g = new SimdGemm();
    const c = g.alloc(6);
    const bias = g.alloc(3);
    g.f32.set([1, 2, 3], bias);
    g.f32.set([10, 20, 30, 40, 50, 60], c);
    g.gemm(2, 3, 0, 4, 0, 0, 4, 0, 0, c, 3, { accumulate: true, bias });
    expect(Array.from(g.view(c, 6))).toEqual([11, 22, 33, 41, 52, 63]);
    g.gemm(2, 3, 0, 4, 0, 0, 4, 0, 0, c, 3);
    expect(Array.from(g.view(c, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps working after the memory grows (views re-taken), and release reuses space', () => {
    const g = new SimdGemm();
    const mark = g.mark;
    const a = g.alloc(4);
    g.f32.set([1, 2, 3, 4], a);
    const big = g.alloc(70000); // > one 64 KiB page
    expect(g.capacity).toBeGreaterThanOrEqual(70000);
    const c = g.alloc(4);
    g.matmul(2, 2, 2, a, a, c); // [[1,2],[3,4]]²
    expect(Array.from(g.view(c, 4))).toEqual([7, 10, 15, 22]);
    expect(big).toBeGreaterThan(a);
    g.release(mark);
    expect(g.alloc(4)).toBe(a);
  });

  it('rejects bad sizes and operands outside the arena with a SurvkitError naming the argument', () => {
    const g = new SimdGemm();
    const a = g.alloc(4);
    expect(() => g.gemm(-1, 1, 1, a, 1, 1, a, 1, 1, a, 1)).toThrow(SurvkitError);
    expect(() => g.gemm(1.5, 1, 1, a, 1, 1, a, 1, 1, a, 1)).toThrow(/'m' must be a non-negative integer; got 1.5/);
    expect(() => g.gemm(2, 2, 2, a, 2, 1, a, 2, 1, a + 100000, 2)).toThrow(/SimdGemm.gemm: option 'c' must be an operand inside the arena/);
    expect(() => g.gemm(2, 2, 2, 0, 2, 1, a, 2, 1, a, 2)).toThrow(/option 'a'/);
    expect(() => simdMatmul(new Float32Array(3), new Float32Array(4), 2, 2, 2)).toThrow(/simdMatmul: 'a' has 3 values but 'm·k' has 4/);
  });

  it("checks operands against the caller's allocations before it reserves scratch for a larger inner size", () => {
    const g = new SimdGemm();
    const a = g.alloc(4); // 4 floats: a 1×4 row; the first product with k = 1000 reserves scratch above it
    const c = g.alloc(4);
    // B as 1000×1 at c reaches ~1000 floats past the last allocation: refused (it would have landed in the new scratch)
    expect(() => g.gemm(1, 1, 1000, a, 1000, 1, c, 1, 1, c, 1)).toThrow(/SimdGemm.gemm: option 'a' must be an operand inside the arena/);
  });
});
