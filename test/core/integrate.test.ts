import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpson, stepIntegral, trapezoid } from '../../src/core/integrate.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';

interface ScipyCase {
  name: string;
  x: number[];
  y: number[];
  trapezoid: number;
  first?: number;
  last?: number;
  avg?: number;
  odd?: number;
}
// SciPy 1.10 simps(even=...) reproduced with SciPy 1.17 by test/fixtures/generators/simpson_scipy110.py
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'brier', 'simpson_scipy110.json'), 'utf8')) as { cases: ScipyCase[] };

const close = (a: number, b: number, tol = 1e-12): void => {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};

/** Strictly ascending uneven grid from positive gaps. */
const gridArb = (minLen: number, maxLen: number) =>
  fc
    .tuple(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.array(fc.double({ min: 0.05, max: 3, noNaN: true }), { minLength: minLen - 1, maxLength: maxLen - 1 }),
    )
    .map(([x0, gaps]) => {
      const x = [x0];
      for (const g of gaps) x.push((x[x.length - 1] as number) + g);
      return x;
    });
const coef = fc.double({ min: -3, max: 3, noNaN: true });
const poly = (c: number[], x: number): number => c.reduce((acc, ck, k) => acc + ck * x ** k, 0);
const polyIntegral = (c: number[], a: number, b: number): number => c.reduce((acc, ck, k) => acc + (ck * (b ** (k + 1) - a ** (k + 1))) / (k + 1), 0);

describe('core/integrate against SciPy', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    close(trapezoid(c.y, c.x), c.trapezoid);
    if (c.odd !== undefined) close(simpson(c.y, c.x), c.odd);
    if (c.avg !== undefined) {
      close(simpson(c.y, c.x), c.avg); // default even = 'avg' (SciPy 1.10's default, pycox's IBS)
      close(simpson(c.y, c.x, { even: 'first' }), c.first as number);
      close(simpson(c.y, c.x, { even: 'last' }), c.last as number);
    }
  });
});

describe('core/integrate exactness on uneven grids', () => {
  it('trapezoid is exact for degree <= 1 (property)', () => {
    fc.assert(
      fc.property(gridArb(2, 30), fc.tuple(coef, coef), (x, c) => {
        const y = x.map((v) => poly(c, v));
        close(trapezoid(y, x), polyIntegral(c, x[0] as number, x[x.length - 1] as number), 1e-10);
      }),
    );
  });
  it('simpson (every even rule) is exact for degree <= 1 (property)', () => {
    fc.assert(
      fc.property(gridArb(2, 30), fc.tuple(coef, coef), (x, c) => {
        const y = x.map((v) => poly(c, v));
        const exact = polyIntegral(c, x[0] as number, x[x.length - 1] as number);
        for (const even of ['avg', 'first', 'last'] as const) close(simpson(y, x, { even }), exact, 1e-10);
      }),
    );
  });
  it('simpson with an odd number of points is exact for degree <= 2 (property)', () => {
    fc.assert(
      fc.property(
        gridArb(3, 31).filter((x) => x.length % 2 === 1),
        fc.tuple(coef, coef, coef),
        (x, c) => {
          const y = x.map((v) => poly(c, v));
          close(simpson(y, x), polyIntegral(c, x[0] as number, x[x.length - 1] as number), 1e-10);
        },
      ),
    );
  });
  it('simpson is exact for degree 3 when every panel has its middle point in the middle (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.array(fc.double({ min: 0.05, max: 2, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.tuple(coef, coef, coef, coef),
        (x0, halfWidths, c) => {
          const x = [x0];
          for (const h of halfWidths) {
            const a = x[x.length - 1] as number;
            x.push(a + h, a + 2 * h); // panels of different widths, each symmetric
          }
          const y = x.map((v) => poly(c, v));
          close(simpson(y, x), polyIntegral(c, x[0] as number, x[x.length - 1] as number), 1e-9);
        },
      ),
    );
  });
  it('uneven panels: not exact for a cubic (the rule integrates the parabola through each triple)', () => {
    const x = [0, 1, 3];
    const y = x.map((v) => v ** 3);
    expect(Math.abs(simpson(y, x) - 81 / 4)).toBeGreaterThan(1);
  });
  it("even N 'avg': not exact for a quadratic (its end intervals use the trapezoid rule)", () => {
    const x = [0, 1, 2, 3];
    expect(
      Math.abs(
        simpson(
          x.map((v) => v * v),
          x,
        ) - 9,
      ),
    ).toBeGreaterThan(1e-3);
  });
  it('stepIntegral integrates the right-continuous step function (property)', () => {
    fc.assert(
      fc.property(gridArb(2, 30), fc.array(coef, { minLength: 30, maxLength: 30 }), (x, ys) => {
        const y = ys.slice(0, x.length);
        let exact = 0;
        for (let k = 0; k + 1 < x.length; k++) exact += (y[k] as number) * ((x[k + 1] as number) - (x[k] as number));
        close(stepIntegral(y, x), exact, 1e-12);
        const c = y[0] as number;
        close(
          stepIntegral(
            x.map(() => c),
            x,
          ),
          c * ((x[x.length - 1] as number) - (x[0] as number)),
          1e-12,
        );
      }),
    );
  });
});

describe('core/integrate errors', () => {
  it('too few points, unequal lengths, bad values, unknown even', () => {
    expect(() => trapezoid([1], [0])).toThrow(messages.tooFewTimes('trapezoid', 'x', 2, 1));
    expect(() => simpson([1, 2], [0, 1, 2])).toThrow(messages.lengthMismatch('simpson', 'y', 2, 'x', 3));
    expect(() => stepIntegral([1, NaN], [0, 1])).toThrow(SurvkitError);
    expect(() => simpson([1, 2, 3, 4], [0, 1, 2, 3], { even: 'simpson' as 'avg' })).toThrow(SurvkitError);
  });
});
