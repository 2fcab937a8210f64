/**
 * Properties of the classical statistics that hold by construction: the Cox
 * partial likelihood and the log-rank test depend on the times only through
 * their order; rescaling a covariate rescales its coefficient; relabelling
 * subjects changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coxph } from '../../src/stats/coxph.js';
import { logrank } from '../../src/stats/logrank.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

/** 30–60 subjects with integer times (ties), two covariates and two groups; events in both groups. */
const data = fc
  .integer({ min: 30, max: 60 })
  .chain((n) =>
    fc.record({
      time: fc.array(fc.integer({ min: 1, max: 15 }), { minLength: n, maxLength: n }),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      x: fc.array(
        fc.integer({ min: -8, max: 8 }).map((v) => v / 4),
        { minLength: n, maxLength: n },
      ),
      group: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
    }),
  )
  .filter((d) => [0, 1].every((g) => d.group.some((v, i) => v === g && d.event[i] === 1)) && new Set(d.x).size > 2);

describe('coxph and logrank properties', () => {
  it('depend on the times only through their order (t → t³ + 2t)', () => {
    fc.assert(
      fc.property(data, (d) => {
        const t2 = d.time.map((t) => t ** 3 + 2 * t);
        const a = logrank({ time: d.time, event: d.event }, d.group, { rho: 1 });
        const b = logrank({ time: t2, event: d.event }, d.group, { rho: 1 });
        expect(rel(b.statistic, a.statistic)).toBeLessThan(1e-12);
        const ca = coxph({ time: d.time, event: d.event }, { x: d.x, g: d.group });
        const cb = coxph({ time: t2, event: d.event }, { x: d.x, g: d.group });
        ca.coefficients.forEach((r, k) => expect(rel(cb.coefficients[k]?.coef as number, r.coef)).toBeLessThan(1e-10));
      }),
      { numRuns: 30 },
    );
  });

  it('rescaling a covariate by c divides its coefficient and SE by c and leaves the tests unchanged', () => {
    fc.assert(
      fc.property(data, fc.double({ min: 0.01, max: 100, noNaN: true }), (d, c) => {
        const a = coxph({ time: d.time, event: d.event }, { x: d.x, g: d.group }, { ties: 'breslow' });
        const b = coxph({ time: d.time, event: d.event }, { x: d.x.map((v) => v * c), g: d.group }, { ties: 'breslow' });
        expect(rel((b.coefficients[0]?.coef as number) * c, a.coefficients[0]?.coef as number)).toBeLessThan(1e-8);
        expect(rel((b.coefficients[0]?.se as number) * c, a.coefficients[0]?.se as number)).toBeLessThan(1e-8);
        expect(rel(b.tests.likelihoodRatio.statistic, a.tests.likelihoodRatio.statistic)).toBeLessThan(1e-8);
      }),
      { numRuns: 30 },
    );
  });

  it('do not depend on the order of the subjects', () => {
    fc.assert(
      fc.property(data, (d) => {
        const rev = <T>(v: T[]): T[] => [...v].reverse();
        const a = coxph({ time: d.time, event: d.event }, { x: d.x, g: d.group }, { robust: true });
        const b = coxph({ time: rev(d.time), event: rev(d.event) }, { x: rev(d.x), g: rev(d.group) }, { robust: true });
        a.coefficients.forEach((r, k) => {
          expect(rel(b.coefficients[k]?.coef as number, r.coef)).toBeLessThan(1e-10);
          expect(rel(b.coefficients[k]?.robustSe as number, r.robustSe as number)).toBeLessThan(1e-8);
        });
        expect(rel(b.concordance, a.concordance)).toBeLessThan(1e-12);
      }),
      { numRuns: 30 },
    );
  });
});
