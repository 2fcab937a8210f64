import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSf } from '../../src/core/chi-square.js';

const ref = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'calibration', 'chi_square_sf.json'), 'utf8')) as {
  cases: { x: number; df: number; sf: number }[];
};

describe('chiSquareSf', () => {
  it('matches scipy chi2.sf to 1e-12 relative, small tails included', () => {
    for (const { x, df, sf } of ref.cases) expect(Math.abs(chiSquareSf(x, df) - sf) / sf).toBeLessThanOrEqual(1e-12);
  });
  it('is 1 at x <= 0 and decreases in x', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(-1, 3)).toBe(1);
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (x, dx, df) => {
          const a = chiSquareSf(x, df);
          const b = chiSquareSf(x + dx, df);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
          expect(b).toBeLessThanOrEqual(a + 1e-15); // rounding near 1
        },
      ),
    );
  });
  it('df = 2 has the closed form exp(−x/2)', () => {
    for (const x of [0.1, 1, 5, 20, 100]) expect(Math.abs(chiSquareSf(x, 2) / Math.exp(-x / 2) - 1)).toBeLessThanOrEqual(1e-14);
  });
});
