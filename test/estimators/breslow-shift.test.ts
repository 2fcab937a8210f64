import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { breslowBaseline, breslowSurvival } from '../../src/estimators/breslow.js';

/** Survival curves S_i(t_k) = exp(−Ĥ0(t_k)·e^{g_i}) from the baseline fitted on the same g + c. */
const curvesAtShift = (g: number[], time: number[], event: number[], c: number): Float64Array => {
  const shifted = g.map((v) => v + c);
  return breslowSurvival(breslowBaseline(shifted, { time, event }), shifted).values;
};

describe('breslowBaseline: invariance to a constant log-risk shift', () => {
  const g = [0.3, -1.2, 2.0, 0.0, -0.4, 1.1];
  const time = [1, 2, 2, 3, 5, 8];
  const event = [1, 1, 0, 1, 0, 1];
  // Closed form without shift: ĥ0(t) = d(t) / Σ_{T_j ≥ t} e^{g_j}, Ĥ0 its cumulative sum, S = exp(−Ĥ0 e^{g}).
  const e = g.map(Math.exp);
  const riskSum = (t: number) => e.reduce((a, v, j) => a + (time[j]! >= t ? v : 0), 0);
  const grid = [1, 2, 3, 5, 8];
  const h = grid.map((t) => event.reduce((a, d, j) => a + (time[j] === t ? d : 0), 0) / riskSum(t));
  const H = h.map((_, k) => h.slice(0, k + 1).reduce((a, b) => a + b, 0));
  const expected = g.flatMap((gi) => H.map((Hk) => Math.exp(-Hk * Math.exp(gi))));

  it.each([0, -746, -800, -5000, 745, 800, 5000])('shift %d gives the unshifted curves', (c) => {
    const got = curvesAtShift(g, time, event, c);
    expect(got.length).toBe(expected.length);
    for (let k = 0; k < got.length; k++) expect(Math.abs(got[k]! - expected[k]!)).toBeLessThanOrEqual(1e-9);
  });

  it('property: any shift in [−1e4, 1e4] leaves the curves unchanged', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), (c) => {
        const got = curvesAtShift(g, time, event, c);
        for (let k = 0; k < got.length; k++) expect(Math.abs(got[k]! - expected[k]!)).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 200 },
    );
  });
});
