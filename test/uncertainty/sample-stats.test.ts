import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineSamples } from '../../src/uncertainty/index.js';

describe('combineSamples', () => {
  it('a hand-computed case: two confident, disagreeing samples', () => {
    const p = combineSamples([new Float64Array([1, 0, 0.5, 0.5]), new Float64Array([0, 1, 0.5, 0.5])], 2, 2, 'mutual-information');
    expect(Array.from(p.probs)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(p.entropy[0]).toBeCloseTo(Math.LN2, 15);
    expect(p.mutualInformation?.[0]).toBeCloseTo(Math.LN2, 15); // all uncertainty is disagreement
    expect(p.mutualInformation?.[1]).toBe(0); // identical samples: none is
    expect(p.variance?.[0]).toBeCloseTo(0.5, 15); // (0.25 + 0.25 + 0.25 + 0.25) / 2
    expect(p.variance?.[1]).toBe(0);
    expect(Array.from(p.uncertainty)).toEqual(Array.from(p.mutualInformation as Float64Array));
    expect(p.score).toBe('mutual-information');
    expect(p.alpha).toBeNull();
  });

  it('property: rows of the mean sum to 1; 0 <= MI <= H(mean); variance >= 0; uncertainty is the chosen score', () => {
    const probRow = (k: number) =>
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }).map((r) => {
        const s = r.reduce((a, b) => a + b, 0);
        return s > 0 ? r.map((v) => v / s) : r.map(() => 1 / k);
      });
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.integer({ min: 1, max: 4 }).chain((n) => fc.array(fc.array(probRow(k), { minLength: n, maxLength: n }), { minLength: 1, maxLength: 6 })),
          ),
        ),
        fc.constantFrom('entropy' as const, 'mutual-information' as const, 'variance' as const),
        ([k, samples], score) => {
          const n = (samples[0] as number[][]).length;
          const p = combineSamples(
            samples.map((s) => Float64Array.from(s.flat())),
            n,
            k,
            score,
          );
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j < k; j++) s += p.probs[i * k + j] as number;
            expect(Math.abs(s - 1)).toBeLessThan(1e-12);
            expect(p.mutualInformation?.[i]).toBeGreaterThanOrEqual(0);
            expect(p.mutualInformation?.[i] as number).toBeLessThanOrEqual((p.entropy[i] as number) + 1e-12);
            expect(p.variance?.[i]).toBeGreaterThanOrEqual(0);
          }
          const want = score === 'entropy' ? p.entropy : score === 'variance' ? p.variance : p.mutualInformation;
          expect(Array.from(p.uncertainty)).toEqual(Array.from(want as Float64Array));
        },
      ),
    );
  });
});
