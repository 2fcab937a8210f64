import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cifFromLogits, pmfFromLogits, survivalFromHazardLogits, survivalFromPmfLogits } from '../../src/estimators/discrete-time.js';
import { messages } from '../../src/core/messages.js';
import { expectClose } from '../losses/reference.js';

const logitRows = (n: number, w: number, scale: number) =>
  fc.array(fc.double({ min: -scale, max: scale, noNaN: true }), { minLength: n * w, maxLength: n * w });

describe('discrete-time predictions (pycox predict_pmf / predict_surv / predict_cif)', () => {
  it('pmfFromLogits: padded softmax without the pad column; plain softmax with pad: false', () => {
    expectClose(pmfFromLogits([0, 0, 0], 3), [0.25, 0.25, 0.25], 1e-15, 0);
    expectClose(pmfFromLogits([0, 0, 0, 0], 4, { pad: false }), [0.25, 0.25, 0.25, 0.25], 1e-15, 0);
    expectClose(pmfFromLogits([Math.log(2), 0], 2), [0.5, 0.25], 1e-15, 0);
  });

  it('property: PMF rows plus the pad mass 1/(1 + Σ e^φ) sum to 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1 << 30 }), (m, seed) => {
        const phi = Array.from({ length: 3 * m }, (_, i) => Math.sin(seed + i) * 8);
        const pmf = pmfFromLogits(phi, m);
        for (let i = 0; i < 3; i++) {
          const row = phi.slice(i * m, (i + 1) * m);
          const pad = 1 / (1 + row.reduce((a, v) => a + Math.exp(v), 0));
          const s = Array.from(pmf.slice(i * m, (i + 1) * m)).reduce((a, b) => a + b, 0);
          expect(s + pad).toBeCloseTo(1, 12);
        }
      }),
    );
  });

  it('property: survival from PMF logits is 1 − cumsum(pmf), non-increasing in [0, 1], also for extreme logits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.boolean(), (m, pad) => {
        fc.assert(
          fc.property(logitRows(4, m, 60), (phi) => {
            const cuts = Array.from({ length: m }, (_, k) => k * 1.5);
            const s = survivalFromPmfLogits(phi, cuts, { pad }); // SurvivalCurves validates range and monotonicity
            const pmf = pmfFromLogits(phi, m, { pad });
            for (let i = 0; i < 4; i++) {
              let c = 0;
              for (let k = 0; k < m; k++) {
                c += pmf[i * m + k] as number;
                expect(Math.abs(s.get(i, k) - (1 - c))).toBeLessThan(1e-12);
              }
            }
          }),
          { numRuns: 10 },
        );
      }),
      { numRuns: 10 },
    );
  });

  it('property: logistic-hazard survival is Π (1 − sigmoid(φ)), non-increasing in [0, 1]', () => {
    fc.assert(
      fc.property(logitRows(3, 4, 40), (phi) => {
        const s = survivalFromHazardLogits(phi, [0, 1, 2, 3]);
        for (let i = 0; i < 3; i++) {
          let p = 1;
          for (let k = 0; k < 4; k++) {
            p *= 1 / (1 + Math.exp(phi[i * 4 + k] as number)); // 1 − sigmoid(φ), without cancellation
            expect(Math.abs(s.get(i, k) - p)).toBeLessThanOrEqual(1e-12 * p);
          }
        }
      }),
    );
    expect(survivalFromHazardLogits([1e3, -1e3], [0, 1]).row(0)).toEqual(Float64Array.from([0, 0]));
  });

  it('CIF per cause cumulates the PMF; survival = 1 − Σ_e CIF_e', () => {
    const phi = [0.2, -0.4, 1.0, 0.5, 0.0, -1.2, /* subject 2 */ 2, 2, 2, -3, -3, -3];
    const { times, cif, survival } = cifFromLogits(phi, 2, [1, 2, 3]);
    expect(Array.from(times)).toEqual([1, 2, 3]);
    const pmf = pmfFromLogits(phi, 6);
    for (let i = 0; i < 2; i++) {
      for (let k = 0; k < 3; k++) {
        let c1 = 0;
        let c2 = 0;
        for (let l = 0; l <= k; l++) {
          c1 += pmf[i * 6 + l] as number;
          c2 += pmf[i * 6 + 3 + l] as number;
        }
        expect((cif[0] as Float64Array)[i * 3 + k]).toBeCloseTo(c1, 14);
        expect((cif[1] as Float64Array)[i * 3 + k]).toBeCloseTo(c2, 14);
        expect(survival.get(i, k)).toBeCloseTo(1 - c1 - c2, 14);
      }
    }
  });

  it('rejects logits that do not fit the grid', () => {
    expect(() => survivalFromPmfLogits([0, 0, 0], [0, 1])).toThrow(
      messages.shapeMismatch('pmfFromLogits', 'logits', 'n × 2 (a multiple of 2 values)', '3 values'),
    );
    expect(() => survivalFromHazardLogits([0, 0], [1, 1])).toThrow(messages.notAscending('survivalFromHazardLogits', 'cuts', 1));
    expect(() => cifFromLogits([0, 0], 0, [1])).toThrow(messages.positiveInteger('cifFromLogits', 'causes', 0));
  });
});
