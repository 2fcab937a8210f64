import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankValueGrad } from '../../src/losses/deephit-rank-host.js';
import { rankNaive } from './reference.js';

describe('rankValueGrad (host float64 DeepHit ranking loss)', () => {
  it('property: value equals the naive reference; gradient equals central finite differences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.infiniteStream(fc.double({ min: 0.01, max: 1, noNaN: true })),
        fc.infiniteStream(fc.nat()),
        (n, K, m, paper, probs, ints) => {
          const pad = !paper;
          const w = K * m + (pad ? 1 : 0);
          const raw = Array.from({ length: n * w }, () => probs.next().value as number);
          const p = raw.map((v, k) => v / raw.slice(Math.floor(k / w) * w, Math.floor(k / w) * w + w).reduce((a, b) => a + b, 0));
          const idx = Int32Array.from({ length: n }, () => (ints.next().value as number) % m);
          const event = Int32Array.from({ length: n }, () => (ints.next().value as number) % (K + 1));
          const l = { n, causes: K, m, pad };
          const r = rankValueGrad(p, l, idx, event, 0.1, paper ? 'paper' : 'pycox');
          // rankNaive takes logits; log p gives the same softmax (up to the pad column, which is p's last entry)
          const phi: number[] = [];
          for (let i = 0; i < n; i++)
            for (let k = 0; k < K * m; k++) phi.push(Math.log(p[i * w + k] as number) - (pad ? Math.log(p[i * w + w - 1] as number) : 0));
          const naive = rankNaive(phi, n, K, m, Array.from(idx), Array.from(event), 0.1, paper);
          expect(r.value).toBeCloseTo(naive, 10);
          const h = 1e-6;
          for (let k = 0; k < p.length; k++) {
            const up = [...p];
            const dn = [...p];
            up[k] = (up[k] as number) + h;
            dn[k] = (dn[k] as number) - h;
            const fd =
              (rankValueGrad(up, l, idx, event, 0.1, paper ? 'paper' : 'pycox').value -
                rankValueGrad(dn, l, idx, event, 0.1, paper ? 'paper' : 'pycox').value) /
              (2 * h);
            expect(Math.abs((r.grad[k] as number) - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('rankValueGrad at training batch sizes', () => {
  // pair terms as products of per-row exponentials up to 1/σ = 300, one exponential per pair above: both equal the naive sum
  for (const sigma of [0.1, 1 / 300, 0.002]) {
    it(`σ = ${sigma.toPrecision(3)}: value equals the naive reference; gradient equals central finite differences`, () => {
      let state = 12345;
      const next = (): number => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state / 2 ** 32;
      };
      for (const [K, paper] of [
        [1, false],
        [2, true],
      ] as const) {
        const n = 40;
        const m = 5;
        const pad = !paper;
        const w = K * m + (pad ? 1 : 0);
        const raw = Array.from({ length: n * w }, () => 0.01 + next());
        const p = raw.map((v, k) => v / raw.slice(Math.floor(k / w) * w, Math.floor(k / w) * w + w).reduce((a, b) => a + b, 0));
        const idx = Int32Array.from({ length: n }, () => Math.floor(next() * m));
        const event = Int32Array.from({ length: n }, () => Math.floor(next() * (K + 1)));
        const l = { n, causes: K, m, pad };
        const conv = paper ? 'paper' : 'pycox';
        const r = rankValueGrad(p, l, idx, event, sigma, conv);
        const phi: number[] = [];
        for (let i = 0; i < n; i++)
          for (let k = 0; k < K * m; k++) phi.push(Math.log(p[i * w + k] as number) - (pad ? Math.log(p[i * w + w - 1] as number) : 0));
        const naive = rankNaive(phi, n, K, m, Array.from(idx), Array.from(event), sigma, paper);
        expect(naive).toBeGreaterThan(0);
        expect(Math.abs(r.value - naive) / naive).toBeLessThan(1e-12);
        // a step and a tolerance on the gradient's own scale (the terms grow like exp(1/σ))
        const h = 1e-5 * sigma;
        const gScale = r.grad.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
        for (let k = 0; k < p.length; k += 7) {
          const up = [...p];
          const dn = [...p];
          up[k] = (up[k] as number) + h;
          dn[k] = (dn[k] as number) - h;
          const fd = (rankValueGrad(up, l, idx, event, sigma, conv).value - rankValueGrad(dn, l, idx, event, sigma, conv).value) / (2 * h);
          expect(Math.abs((r.grad[k] as number) - fd)).toBeLessThan(1e-6 * gScale);
        }
      }
    });
  }
});
