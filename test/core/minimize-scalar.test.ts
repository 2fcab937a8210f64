import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimizeScalar } from '../../src/core/minimize-scalar.js';

describe('minimizeScalar (Brent)', () => {
  it('finds textbook minima', () => {
    expect(minimizeScalar((x) => (x - 2) ** 2, 0, 5).x).toBeCloseTo(2, 7);
    expect(minimizeScalar((x) => x * Math.log(x), 0.01, 3).x).toBeCloseTo(1 / Math.E, 7);
    expect(minimizeScalar((x) => Math.cos(x), 2, 5).x).toBeCloseTo(Math.PI, 7);
    const r = minimizeScalar((x) => Math.abs(x - 0.3), -1, 1);
    expect(r.x).toBeCloseTo(0.3, 7);
    expect(r.converged).toBe(true);
  });

  it('approaches an end of the interval when the minimum lies beyond it', () => {
    expect(minimizeScalar((x) => x, 1, 2).x).toBeCloseTo(1, 7);
    expect(minimizeScalar((x) => -x, 1, 2).x).toBeCloseTo(2, 7);
  });

  it('uses far fewer evaluations than golden-section alone on a smooth function (parabolic steps)', () => {
    const r = minimizeScalar((x) => Math.exp(x) - 3 * x, -2, 4, { xtol: 1e-12 });
    expect(r.x).toBeCloseTo(Math.log(3), 7);
    // golden section alone needs log(6/1e-12)/log(1.618) ≈ 61 evaluations
    expect(r.evaluations).toBeLessThan(30);
  });

  it('treats NaN as +Infinity and stops at maxEvaluations', () => {
    expect(minimizeScalar((x) => (x < 0.5 ? Number.NaN : (x - 1) ** 2), 0, 3).x).toBeCloseTo(1, 7);
    const r = minimizeScalar((x) => (x - 1) ** 2, 0, 3, { maxEvaluations: 3 });
    expect(r.evaluations).toBe(3);
    expect(r.converged).toBe(false);
  });

  it('property: the minimiser of a convex quadratic inside the interval is found to the tolerance', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (c, a) => {
        const r = minimizeScalar((x) => a * (x - c) ** 2 + 1, -20, 20, { xtol: 1e-9 });
        expect(Math.abs(r.x - c)).toBeLessThan(1e-6);
      }),
    );
  });
});
