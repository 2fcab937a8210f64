/**
 * The convolution kernels' one matrix product, gemmNT (C = A·Bᵀ, row-major):
 * on the WebAssembly SIMD product and on the plain-JS fallback, against a
 * float64 definition, on odd sizes (row and column tails), with operand
 * offsets and accumulation. Bound: float32 sums of k terms, error at most
 * (k + 2)·2⁻²⁴·(Σ|a·b| + |C|) to first order.
 */
import { describe, expect, it } from 'vitest';
import { convGemmIsSimd, gemmNT, gemmNTScalar } from '../../src/backend/kernels/gemm.js';
import { Random } from '../../src/core/random.js';

const rng = new Random(29);
const rand = (n: number) => Float32Array.from({ length: n }, () => 2 * rng.next() - 1);

describe('gemmNT', () => {
  it('runs on WebAssembly SIMD in Node 20', () => {
    expect(convGemmIsSimd()).toBe(true);
  });

  it.each([
    [1, 1, 1],
    [5, 7, 3],
    [4, 8, 27],
    [13, 17, 432],
    [3, 33, 1],
    [9, 2, 64],
  ])('m=%i n=%i k=%i: both paths match the definition (offsets, accumulation)', (m, n, k) => {
    const aOff = 3;
    const bOff = 5;
    const a = rand(aOff + m * k);
    const b = rand(bOff + n * k);
    const c0 = rand(m * n);
    for (const accumulate of [false, true]) {
      for (const f of [gemmNT, gemmNTScalar]) {
        const c = c0.slice();
        f(a, b, c, m, n, k, accumulate, aOff, bOff);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = accumulate ? (c0[i * n + j] as number) : 0;
            let mag = Math.abs(s);
            for (let t = 0; t < k; t++) {
              const p = (a[aOff + i * k + t] as number) * (b[bOff + j * k + t] as number);
              s += p;
              mag += Math.abs(p);
            }
            expect(Math.abs((c[i * n + j] as number) - s)).toBeLessThanOrEqual((k + 2) * 2 ** -24 * mag + 1e-30);
          }
        }
      }
    }
  });
});
