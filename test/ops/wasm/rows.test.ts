/**
 * The WebAssembly row kernels (src/ops/wasm/rows.wat) against the scalar loops they replace in the dense engine:
 * each lane is one column summed in row order with the same float32 / float64 operations, so the results are
 * equal value for value (fast-check over shapes with column tails: n mod 4 ≠ 0, one row, one column).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimdGemm } from '../../../src/ops/wasm/gemm.js';
import { rowKernels } from '../../../src/ops/wasm/rows.js';
import { adamConstants, adamUpdate } from '../../../src/models/training/adam-kernel.js';

const f = Math.fround;

function setup(rows: number, n: number, seed: number) {
  const g = new SimdGemm();
  const rk = rowKernels(g);
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return f(((s >>> 0) / 2 ** 32) * 4 - 2);
  };
  const len = rows * n;
  const arr = (k: number, fill = true): number => {
    const at = g.alloc(k);
    if (fill) for (let i = 0; i < k; i++) g.f32[at + i] = rnd();
    return at;
  };
  const f64 = (at: number, k: number): Float64Array => new Float64Array(g.memory.buffer, at * 4, k);
  return { g, rk, len, arr, f64 };
}

const shape = fc.record({ rows: fc.integer({ min: 1, max: 40 }), n: fc.integer({ min: 1, max: 13 }), seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }) });

describe('row kernels (WebAssembly SIMD)', () => {
  it('relu, its gradient and the element-wise product equal the scalar loops', () => {
    fc.assert(
      fc.property(shape, ({ rows, n, seed }) => {
        const { g, rk, len, arr } = setup(rows, n, seed);
        const x = arr(len);
        const dy = arr(len);
        const y = arr(len, false);
        const dx = arr(len, false);
        const p = arr(len, false);
        rk.relu(x, y, len);
        rk.reluGrad(dy, x, dx, len);
        rk.mul(dy, x, p, len);
        const m = g.f32;
        for (let i = 0; i < len; i++) {
          const v = m[x + i] as number;
          expect(m[y + i]).toBe(v > 0 ? v : 0);
          expect(m[dx + i]).toBe(v > 0 ? m[dy + i] : 0);
          expect(m[p + i]).toBe(f((m[dy + i] as number) * v));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('column sums, batch-norm centring, scaling and input gradient equal the scalar loops', () => {
    fc.assert(
      fc.property(shape, ({ rows, n, seed }) => {
        const { g, rk, len, arr, f64 } = setup(rows, n, seed);
        const x = arr(len);
        const y = arr(len);
        const s1 = arr(2 * n, false);
        const s2 = arr(2 * n, false);
        const mu = arr(n);
        const inv = arr(n);
        const gamma = arr(n);
        const beta = arr(n);
        const mb = arr(2 * n, false);
        const mg = arr(2 * n, false);
        const kk = arr(2 * n, false);
        const c = arr(len, false);
        const yy = arr(len, false);
        const dx = arr(len, false);
        const m = g.f32;
        const [mbv, mgv, kkv] = [f64(mb, n), f64(mg, n), f64(kk, n)];
        for (let j = 0; j < n; j++) {
          mbv[j] = (m[mu + j] as number) / 3;
          mgv[j] = (m[inv + j] as number) / 7;
          kkv[j] = (m[gamma + j] as number) * (m[beta + j] as number);
        }
        rk.colSums(x, y, rows, n, s1, s2);
        const want1 = new Float64Array(n);
        const want2 = new Float64Array(n);
        for (let r = 0; r < rows; r++)
          for (let j = 0; j < n; j++) {
            want1[j] = (want1[j] as number) + (m[x + r * n + j] as number);
            want2[j] = (want2[j] as number) + (m[x + r * n + j] as number) * (m[y + r * n + j] as number);
          }
        expect(Array.from(f64(s1, n))).toEqual(Array.from(want1));
        expect(Array.from(f64(s2, n))).toEqual(Array.from(want2));
        rk.colSums(y, -1, rows, n, s1, s1);
        const want3 = new Float64Array(n);
        for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) want3[j] = (want3[j] as number) + (m[y + r * n + j] as number);
        expect(Array.from(f64(s1, n))).toEqual(Array.from(want3));

        rk.bnCenter(x, rows, n, mu, c, s2);
        const sq = new Float64Array(n);
        for (let r = 0; r < rows; r++)
          for (let j = 0; j < n; j++) {
            const cv = f((m[x + r * n + j] as number) - (m[mu + j] as number));
            expect(m[c + r * n + j]).toBe(cv);
            sq[j] = (sq[j] as number) + f(cv * cv);
          }
        expect(Array.from(f64(s2, n))).toEqual(Array.from(sq));

        const cCopy = m.slice(c, c + len);
        rk.bnScale(c, rows, n, inv, gamma, beta, c, yy);
        for (let i = 0; i < len; i++) {
          const j = i % n;
          const xh = f((cCopy[i] as number) * (m[inv + j] as number));
          expect(m[c + i]).toBe(xh);
          expect(m[yy + i]).toBe(f(f(xh * (m[gamma + j] as number)) + (m[beta + j] as number)));
        }

        rk.bnGrad(x, y, rows, n, mb, mg, kk, dx);
        for (let i = 0; i < len; i++) {
          const j = i % n;
          const want = f(((m[x + i] as number) - (mbv[j] as number) - (m[y + i] as number) * (mgv[j] as number)) * (kkv[j] as number));
          expect(m[dx + i]).toBe(want);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("adam equals FusedAdam's scalar update (adamUpdate) value for value, moments and weights", () => {
    fc.assert(
      fc.property(shape, fc.integer({ min: 1, max: 5000 }), fc.constantFrom(1e-3, 0.1, 3), ({ rows, n, seed }, t, lr) => {
        const { g, rk, len, arr } = setup(rows, n, seed);
        const grad = arr(len);
        const m = arr(len);
        const w = arr(len);
        const v = arr(len);
        for (let i = 0; i < len; i++) g.f32[v + i] = Math.abs(g.f32[v + i] as number) * 1e-3; // second moments ≥ 0
        g.f32[grad] = 0; // a zero gradient
        const c = adamConstants({ beta1: 0.9, beta2: 0.999, stepSize: lr / (1 - 0.9 ** t), c2: 1 / (1 - 0.999 ** t), epsilon: 1e-8 });
        const want = { m: g.f32.slice(m, m + len), v: g.f32.slice(v, v + len), w: g.f32.slice(w, w + len) };
        adamUpdate(c, g.f32.slice(grad, grad + len), want.m, want.v, want.w, 0, want.m, want.v, want.w);
        rk.adam(grad, m, v, w, len, c.B1, c.A1, c.B2, c.A2, c.S, c.C2, c.E);
        expect(Array.from(g.f32.slice(m, m + len))).toEqual(Array.from(want.m));
        expect(Array.from(g.f32.slice(v, v + len))).toEqual(Array.from(want.v));
        expect(Array.from(g.f32.slice(w, w + len))).toEqual(Array.from(want.w));
      }),
      { numRuns: 80 },
    );
  });
});
