import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simpson } from '../../src/core/integrate.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { brierScore, nbll } from '../../src/metrics/brier.js';
import { integratedBrierScore, integratedNbll, integrationRule, isEvenGrid } from '../../src/metrics/integrated.js';

/** Trapezoid mean of the curve, written out from its definition. */
const trapMean = (v: ArrayLike<number>, t: ArrayLike<number>): number => {
  let s = 0;
  for (let k = 0; k + 1 < t.length; k++) s += ((t[k + 1]! - t[k]!) * (v[k]! + v[k + 1]!)) / 2;
  return s / (t[t.length - 1]! - t[0]!);
};

// 4 subjects, curves on the grid 0.5, 1, 2, 4.
const curves = new SurvivalCurves([0.5, 1, 2, 4], [0.9, 0.6, 0.3, 0.1, 0.95, 0.9, 0.5, 0.2, 0.99, 0.95, 0.9, 0.6, 0.8, 0.4, 0.2, 0.05]);
const labels = { time: [1, 2, 3.5, 4], event: [1, 0, 1, 1] };

describe('integrated scores on uneven grids', () => {
  it('the pycox convention integrates an uneven grid with the trapezoid rule, so the IBS stays in [0, 1]', () => {
    const times = [0.999, 1.001, 3.5];
    const bs = brierScore(curves, labels, times).values;
    const ibs = integratedBrierScore(curves, labels, times);
    expect(ibs).toBe(trapMean(bs, times));
    expect(ibs).toBeGreaterThanOrEqual(0);
    expect(ibs).toBeLessThanOrEqual(1);
    expect(integratedNbll(curves, labels, times)).toBe(trapMean(nbll(curves, labels, times).values, times));
    expect(integrationRule(times)).toBe('trapezoid');
  });
  it('an explicit Simpson rule that leaves the curve range on an uneven grid is an error naming the cause', () => {
    const times = [0.999999, 1.000001, 3.5];
    expect(() => integratedBrierScore(curves, labels, times, { integration: 'simpson' })).toThrow(/simpson rule on these uneven evaluation times/);
  });
  it('an evenly spaced grid (linspace rounding) still uses SciPy 1.10 Simpson, bit-exact', () => {
    const times = Array.from({ length: 10 }, (_, k) => 0.5 + (k * (3.9 - 0.5)) / 9);
    expect(isEvenGrid(times)).toBe(true);
    const bs = brierScore(curves, labels, times).values;
    expect(integratedBrierScore(curves, labels, times)).toBe(simpson(bs, times) / (3.9 - 0.5));
    expect(isEvenGrid([0, 1, 2.001])).toBe(false);
  });
  it('property: on any grid the integrated scores lie within the range of the curve they average (pycox, pec)', () => {
    // Clustered times (pairs a tiny gap apart) are what made Simpson's rule leave [0, 1].
    const timesArb = fc
      .array(fc.tuple(fc.integer({ min: 1, max: 390 }), fc.integer({ min: 0, max: 3 })), { minLength: 2, maxLength: 7 })
      .map((a) => [...new Set(a.flatMap(([c, g]) => (g === 0 ? [c / 100] : [c / 100, c / 100 + 10 ** -(g + 3)])))].sort((x, y) => x - y));
    fc.assert(
      fc.property(timesArb, (times) => {
        fc.pre(times.length >= 2 && times[times.length - 1]! < 4);
        for (const convention of ['pycox', 'pec'] as const) {
          const bs = brierScore(curves, labels, times, { convention }).values;
          const ibs = integratedBrierScore(curves, labels, times, { convention });
          expect(ibs).toBeGreaterThanOrEqual(Math.min(...bs) - 1e-12);
          expect(ibs).toBeLessThanOrEqual(Math.max(...bs) + 1e-12);
          const nb = nbll(curves, labels, times, { convention }).values;
          const inb = integratedNbll(curves, labels, times, { convention });
          expect(inb).toBeGreaterThanOrEqual(Math.min(...nb) - 1e-12);
          expect(inb).toBeLessThanOrEqual(Math.max(...nb) + 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });
});
