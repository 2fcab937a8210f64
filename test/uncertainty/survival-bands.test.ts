import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { survivalBands } from '../../src/uncertainty/survival-bands.js';
import { survivalBandWidth } from '../../src/uncertainty/survival-score.js';

// Five members, one subject, grid [1, 2]: S(1) = a_p, S(2) = b_p.
const a = [0.9, 0.7, 0.8, 0.6, 0.5];
const b = [0.3, 0.1, 0.2, 0.0, 0.05];
const five = a.map((v, p) => new SurvivalCurves([1, 2], [v, b[p] as number]));

/** Non-increasing curves in [0, 1]: cumulative products of factors in [0, 1]. */
const curveRows = (n: number, m: number) =>
  fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: m, maxLength: m }), { minLength: n, maxLength: n }).map((rows) =>
    rows.flatMap((f) => {
      let s = 1;
      return f.map((x) => (s *= x));
    }),
  );

const memberSets = fc
  .record({ M: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 6 }) })
  .chain(({ M, n, m }) => fc.tuple(fc.constant({ n, m }), fc.array(curveRows(n, m), { minLength: M, maxLength: M })))
  .map(([{ m }, values]) =>
    values.map(
      (v) =>
        new SurvivalCurves(
          Array.from({ length: m }, (_, k) => k + 1),
          v,
        ),
    ),
  );

describe('survivalBands', () => {
  it('type-7 pointwise quantiles and mean (numpy 2.4 np.quantile: [0.52, 0.7, 0.88] and [0.01, 0.1, 0.28])', () => {
    const bands = survivalBands(five);
    expect(bands.members).toBe(5);
    expect(bands.levels).toEqual([0.05, 0.95]);
    expect(Array.from(bands.lower.values)).toEqual([expect.closeTo(0.52, 12), expect.closeTo(0.01, 12)]);
    expect(Array.from(bands.median.values)).toEqual([0.7, 0.1]);
    expect(Array.from(bands.upper.values)).toEqual([expect.closeTo(0.88, 12), expect.closeTo(0.28, 12)]);
    expect(Array.from(bands.mean.values)).toEqual([expect.closeTo(0.7, 12), expect.closeTo(0.13, 12)]);
  });

  it('risk band: 1 − S(at), or −RMST (−(1 + S(1)) on grid [1, 2]) without at', () => {
    const r = survivalBands(five, { at: 1.5 }).risk;
    expect(r.at).toBe(1.5);
    expect([r.lower[0], r.median[0], r.upper[0]]).toEqual([expect.closeTo(0.12, 12), expect.closeTo(0.3, 12), expect.closeTo(0.48, 12)]);
    const rmst = survivalBands(five).risk;
    expect(rmst.at).toBeNull();
    expect([rmst.lower[0], rmst.median[0], rmst.upper[0], rmst.mean[0]]).toEqual([
      expect.closeTo(-1.88, 12),
      expect.closeTo(-1.7, 12),
      expect.closeTo(-1.52, 12),
      expect.closeTo(-1.7, 12),
    ]);
  });

  it('reads members with different grids on the union grid (steps)', () => {
    const bands = survivalBands([new SurvivalCurves([1, 3], [0.8, 0.4]), new SurvivalCurves([2], [0.6])], { quantiles: [0, 1] });
    expect(Array.from(bands.times)).toEqual([1, 2, 3]);
    expect(Array.from(bands.lower.values)).toEqual([0.8, 0.6, 0.4]);
    expect(Array.from(bands.upper.values)).toEqual([1, 0.8, 0.6]);
    const onGrid = survivalBands(five, { times: [0.5, 1.5, 2.5], quantiles: [0, 1] });
    expect(Array.from(onGrid.upper.values)).toEqual([1, 0.9, 0.3]);
  });

  it('rejects bad input with catalogue messages', () => {
    expect(() => survivalBands([])).toThrow(messages.empty('survivalBands', 'members'));
    expect(() => survivalBands([five[0] as SurvivalCurves, new SurvivalCurves([1], [0.5, 0.4])])).toThrow(
      messages.shapeMismatch('survivalBands', 'members[1]', '1 subjects (as members[0])', '2 subjects'),
    );
    expect(() => survivalBands(five, { quantiles: [0.6, 0.9] })).toThrow(
      messages.optionRange('survivalBands', 'quantiles', 'a finite number >= 0 and <= 0.5', 0.6),
    );
    expect(() => survivalBands(five, { times: [2, 1] })).toThrow(messages.notAscending('survivalBands', 'times', 1));
    expect(() => survivalBands([[0.5]] as unknown as SurvivalCurves[])).toThrow(messages.arrayOf('survivalBands', 'members', 'SurvivalCurves', [[0.5]]));
  });

  it('property: bands are curves in [0, 1], ordered lower <= median <= upper, mean within [min, max]', () => {
    fc.assert(
      fc.property(memberSets, fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.5, max: 1, noNaN: true }), (members, lo, hi) => {
        const bands = survivalBands(members, { quantiles: [lo, hi] });
        const extreme = survivalBands(members, { quantiles: [0, 1] });
        const L = bands.lower.values;
        const Md = bands.median.values;
        const U = bands.upper.values;
        for (let j = 0; j < L.length; j++) {
          const col = members.map((c) => c.values[j] as number);
          expect(L[j]).toBeGreaterThanOrEqual(0);
          expect(U[j]).toBeLessThanOrEqual(1);
          expect(L[j]).toBeLessThanOrEqual((Md[j] as number) + 1e-15);
          expect(Md[j]).toBeLessThanOrEqual((U[j] as number) + 1e-15);
          expect(extreme.lower.values[j]).toBeCloseTo(Math.min(...col), 14);
          expect(extreme.upper.values[j]).toBeCloseTo(Math.max(...col), 14);
          expect(bands.mean.values[j]).toBeGreaterThanOrEqual(Math.min(...col) - 1e-15);
          expect(bands.mean.values[j]).toBeLessThanOrEqual(Math.max(...col) + 1e-15);
        }
        for (let i = 0; i < bands.n; i++) {
          expect(bands.risk.lower[i]).toBeLessThanOrEqual((bands.risk.median[i] as number) + 1e-12);
          expect(bands.risk.median[i]).toBeLessThanOrEqual((bands.risk.upper[i] as number) + 1e-12);
        }
        // a wider quantile range never gives a narrower band
        const w = survivalBandWidth(bands, { from: 0, to: 7 });
        const wExtreme = survivalBandWidth(extreme, { from: 0, to: 7 });
        w.forEach((v, i) => expect(v).toBeLessThanOrEqual((wExtreme[i] as number) + 1e-12));
      }),
      { numRuns: 150 },
    );
  });

  it('property: identical members give zero width on every scale and bands equal to the member', () => {
    fc.assert(
      fc.property(memberSets, fc.integer({ min: 2, max: 5 }), (members, copies) => {
        const one = members[0] as SurvivalCurves;
        const bands = survivalBands(
          Array.from({ length: copies }, () => one),
          { at: 1.5 },
        );
        for (const c of [bands.lower, bands.median, bands.upper]) expect(Array.from(c.values)).toEqual(Array.from(one.values));
        bands.mean.values.forEach((v, j) => expect(v).toBeCloseTo(one.values[j] as number, 14));
        for (const opts of [{ at: 1 }, { from: 0, to: 5 }, { from: 0.5, to: 3, scale: 'cloglog' as const }, { risk: true as const }]) {
          expect(Array.from(survivalBandWidth(bands, opts)).every((v) => v === 0)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
