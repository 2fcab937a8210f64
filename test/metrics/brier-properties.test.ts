import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { brierScore, nbll } from '../../src/metrics/brier.js';
import { integratedBrierScore } from '../../src/metrics/integrated.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import type { BrierConvention } from '../../src/metrics/ipcw.js';

const conventions: BrierConvention[] = ['pycox', 'sksurv', 'pec'];

interface Case {
  time: number[];
  event: number[];
  curves: SurvivalCurves;
}

/** Labels with integer times in [0, 8] (many ties) and at least one event, min T < max T; random curves. */
const caseArb = (distinctTimes = false, censoring = true): fc.Arbitrary<Case> =>
  fc
    .integer({ min: 2, max: 25 })
    .chain((n) =>
      fc.record({
        time: distinctTimes
          ? fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: n, maxLength: n }).map((a) => a.map((v) => v / 4))
          : fc.array(fc.integer({ min: 0, max: 8 }), { minLength: n, maxLength: n }),
        event: fc.array(censoring ? fc.integer({ min: 0, max: 1 }) : fc.constant(1), { minLength: n, maxLength: n }),
        gaps: fc.array(fc.double({ min: 0.1, max: 2, noNaN: true }), { minLength: 1, maxLength: 8 }),
        factors: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 9 * n, maxLength: 9 * n }),
      }),
    )
    .filter((r) => r.event.some((e) => e === 1) && Math.min(...r.time) < Math.max(...r.time))
    .map((r) => {
      const grid = [0];
      for (const g of r.gaps) grid.push((grid[grid.length - 1] as number) + g);
      const m = grid.length;
      const n = r.time.length;
      const v = new Float64Array(n * m);
      for (let i = 0; i < n; i++) {
        let s = 1;
        for (let k = 0; k < m; k++) v[i * m + k] = s *= (r.factors[i * 9 + k] as number) ** 0.3;
      }
      return { time: r.time, event: r.event, curves: new SurvivalCurves(grid, v) };
    });

/** Ascending evaluation times inside [min T, max T), as scikit-survival requires. */
const evalTimes = (time: number[], fracs: number[]): number[] => {
  const lo = Math.min(...time);
  const hi = Math.max(...time);
  return [...new Set(fracs.map((f) => lo + f * (hi - lo)))].filter((t) => t < hi).sort((a, b) => a - b);
};
const fracsArb = fc.array(
  fc.integer({ min: 0, max: 999 }).map((k) => k / 1000),
  { minLength: 2, maxLength: 6 },
);

describe('Brier-type scores: properties', () => {
  it("'pycox' and 'pec' (Ĝ from the evaluated labels) lie in [0, 1]", () => {
    fc.assert(
      fc.property(caseArb(), fracsArb, (c, fracs) => {
        const times = evalTimes(c.time, fracs);
        for (const convention of ['pycox', 'pec'] as const) {
          for (const v of brierScore(c.curves, c, times, { convention }).values) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1 + 1e-12);
          }
        }
      }),
    );
  });

  it("'sksurv' lies in [0, 1] when no event time ties with a censoring time", () => {
    fc.assert(
      fc.property(caseArb(true), fracsArb, (c, fracs) => {
        for (const v of brierScore(c.curves, c, evalTimes(c.time, fracs), { convention: 'sksurv' }).values) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
  });

  it('the perfect predictor has Brier 0 at every time and IBS 0, with censoring, in every convention', () => {
    // S_i = 1 before T_i and 0 from T_i on, on a grid holding every T_i: the step reading is exact.
    fc.assert(
      fc.property(caseArb(), fracsArb, (c, fracs) => {
        const grid = [...new Set([0, ...c.time])].sort((a, b) => a - b);
        const n = c.time.length;
        const v = new Float64Array(n * grid.length);
        for (let i = 0; i < n; i++) grid.forEach((g, k) => (v[i * grid.length + k] = g < (c.time[i] as number) ? 1 : 0));
        const perfect = new SurvivalCurves(grid, v);
        const times = evalTimes(c.time, fracs);
        fc.pre(times.length >= 2);
        for (const convention of conventions) {
          expect(Array.from(brierScore(perfect, c, times, { convention }).values)).toEqual(times.map(() => 0));
          expect(integratedBrierScore(perfect, c, times, { convention })).toBe(0);
        }
      }),
    );
  });

  it('without censoring every convention is the plain mean of (1(T_i > t) − S_i(t))²', () => {
    fc.assert(
      fc.property(caseArb(false, false), fracsArb, (c, fracs) => {
        const times = evalTimes(c.time, fracs);
        const n = c.time.length;
        for (const convention of conventions) {
          const bs = brierScore(c.curves, c, times, { convention }).values;
          times.forEach((t, k) => {
            let s = 0;
            for (let i = 0; i < n; i++) s += (((c.time[i] as number) > t ? 1 : 0) - c.curves.stepAt(i, t)) ** 2;
            expect(bs[k]).toBeCloseTo(s / n, 12);
          });
        }
      }),
    );
  });

  it('maxWeight = 1 turns pycox weighting into the complete-case mean', () => {
    fc.assert(
      fc.property(caseArb(), fracsArb, (c, fracs) => {
        const times = evalTimes(c.time, fracs);
        const bs = brierScore(c.curves, c, times, { maxWeight: 1 }).values;
        times.forEach((t, k) => {
          let s = 0;
          let w = 0;
          c.time.forEach((ti, i) => {
            const S = c.curves.stepAt(i, t);
            if (ti > t) [s, w] = [s + (1 - S) ** 2, w + 1];
            else if (c.event[i] === 1) [s, w] = [s + S * S, w + 1];
          });
          expect(bs[k]).toBeCloseTo(s / w, 12);
        });
      }),
    );
  });

  it('NBLL is >= 0 and at most −log(1e-7) for pycox (a weighted mean of clipped −log terms)', () => {
    fc.assert(
      fc.property(caseArb(), fracsArb, (c, fracs) => {
        for (const v of nbll(c.curves, c, evalTimes(c.time, fracs)).values) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(-Math.log(1e-7) + 1e-9);
        }
      }),
    );
  });
});
