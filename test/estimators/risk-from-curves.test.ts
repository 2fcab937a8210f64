import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { negativeRestrictedMean, riskFromCurves } from '../../src/estimators/risk-from-curves.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { throwsCode } from '../helpers/errors.js';

/** Independent −∫_0^{t_m} S(t) dt of step curves (1 before the first grid time), interval by interval from 0. */
function minusRmst(c: SurvivalCurves): Float64Array {
  return Float64Array.from({ length: c.n }, (_, i) => {
    let area = 0;
    let prevT = 0;
    let prevS = 1;
    for (let k = 0; k < c.m; k++) {
      const t = Math.max(c.times[k] as number, 0);
      area += prevS * (t - prevT);
      prevT = t;
      prevS = c.get(i, k);
    }
    return -area;
  });
}

describe('negativeRestrictedMean / riskFromCurves: the one −RMST risk', () => {
  it('−(t_1 + Σ S(t_k)(t_{k+1} − t_k)) on a grid with t_1 >= 0', () => {
    const c = SurvivalCurves.fromRows(
      [1, 2, 4],
      [
        [0.5, 0.25, 0],
        [1, 1, 1],
      ],
    );
    expect(Array.from(negativeRestrictedMean(c))).toEqual([-(1 + 0.5 * 1 + 0.25 * 2), -4]);
    expect(Array.from(riskFromCurves(c))).toEqual([-(1 + 0.5 * 1 + 0.25 * 2), -4]);
  });

  it('the integral starts at 0: grid times below 0 add nothing (before, one copy added t_1 < 0, the other integrated from t_1)', () => {
    // ∫_0^2 S: S(0) = 0.5 on [0, 1) (the value at grid time −1 holds until 1), 0.25 on [1, 2).
    const c = SurvivalCurves.fromRows([-1, 1, 2], [[0.5, 0.25, 0]]);
    expect(Array.from(negativeRestrictedMean(c))).toEqual([-(0.5 * 1 + 0.25 * 1)]);
  });

  it('a grid ending at or before 0 is rejected (every subject would score the same)', () => {
    const c = SurvivalCurves.fromRows([-1, 0], [[0.5, 0.25]]);
    const expected = messages.rmstHorizon('negativeRestrictedMean', 'curves.times', 0);
    throwsCode(() => riskFromCurves(c), 'rmstHorizon', expected);
    expect(Array.from(riskFromCurves(c, 0))).toEqual([0.75]); // 1 − S(0) needs no integral
  });

  it('equals the independent step integral from 0 (property, grids with negative times too)', () => {
    const rows = fc.array(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }).map((r) => r.sort((a, b) => b - a)),
      { minLength: 1, maxLength: 10 },
    );
    fc.assert(
      fc.property(rows, fc.constantFrom([0.5, 1, 3, 7], [0, 1, 3, 7], [-2, -0.5, 3, 7]), (rs, grid) => {
        const c = SurvivalCurves.fromRows(grid, rs);
        const a = negativeRestrictedMean(c);
        const b = minusRmst(c);
        a.forEach((v, i) => expect(v).toBeCloseTo(b[i] as number, 12));
      }),
    );
  });
});
