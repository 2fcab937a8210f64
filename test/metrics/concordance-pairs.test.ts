import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { countPairs, tieBoundaries } from '../../src/metrics/concordance-pairs.js';
import { naiveHarrell, tiedData } from './naive-concordance.js';

describe('countPairs (internal engine) — both sweeps equal the naive count', () => {
  it('sweep over time and sweep over risk: counts, weighted sums and per-event counts (property)', () => {
    fc.assert(
      fc.property(
        tiedData(),
        fc.constantFrom(0, 1e-8, 1.5),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 40, maxLength: 40 }),
        ({ time, event, risk }, tol, wts) => {
          const w = time.map((_, i) => (wts[i] as number) / 2);
          const nv = naiveHarrell(time, event, risk, tol);
          const nw = naiveHarrell(time, event, risk, tol, w);
          for (const sweep of ['time', 'risk'] as const) {
            const c = countPairs(Float64Array.from(time), Int32Array.from(event), Float64Array.from(risk), tol, {
              sweep,
              weight: Float64Array.from(w),
              perSubject: 'anchor',
            });
            expect([c.concordant, c.discordant, c.tiedRisk, c.comparable, c.tiedTime]).toEqual([
              nv.concordant,
              nv.discordant,
              nv.tiedRisk,
              nv.comparable,
              nv.tiedTime,
            ]);
            if (c.wComparable > 0) expect((c.wConcordant + 0.5 * c.wTiedRisk) / c.wComparable).toBeCloseTo(nw.weighted, 12);
            expect(Array.from(c.perSubject?.anchorC ?? [])).toEqual(nv.anchorC);
            expect(Array.from(c.perSubject?.anchorD ?? [])).toEqual(nv.anchorD);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('n = 1500: continuous and rounded data, both sweeps equal the naive count', () => {
    const rng = new Random(3);
    for (const round of [0, 1]) {
      const n = 1500;
      const time = Array.from({ length: n }, () => (round ? Math.round(rng.next() * 50) : rng.next() * 50));
      const event = Array.from({ length: n }, () => (rng.next() < 0.6 ? 1 : 0));
      const risk = Array.from({ length: n }, () => (round ? Math.round(rng.normal() * 5) / 5 : rng.normal()));
      const nv = naiveHarrell(time, event, risk);
      for (const sweep of ['time', 'risk'] as const) {
        const c = countPairs(Float64Array.from(time), Int32Array.from(event), Float64Array.from(risk), 1e-8, { sweep });
        expect([c.concordant, c.discordant, c.tiedRisk, c.comparable, c.tiedTime]).toEqual([
          nv.concordant,
          nv.discordant,
          nv.tiedRisk,
          nv.comparable,
          nv.tiedTime,
        ]);
      }
    }
  });

  it('tieBoundaries match the linear definition (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 30, comparator: 'SameValueZero' }),
        fc.constantFrom(0, 0.01, 0.3),
        (xs, tol) => {
          const uv = Float64Array.from(xs.map((v) => v + 0)).sort();
          const { lower, upper } = tieBoundaries(uv, tol);
          uv.forEach((x, g) => {
            expect(lower[g]).toBe(Array.from(uv).filter((v) => v < x && Math.abs(v - x) > tol).length);
            expect(upper[g]).toBe(Array.from(uv).filter((v) => !(v > x && Math.abs(v - x) > tol)).length);
          });
        },
      ),
    );
  });
});
