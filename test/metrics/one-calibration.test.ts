import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { splitSizes } from '../../src/metrics/calibration-common.js';
import { oneCalibration, type OneCalibrationResult } from '../../src/metrics/one-calibration.js';
import { calibrationCases, goldenCalibration, maxRelErr, metabric, relErr, syntheticCurves, type Model, type OneCalRef } from './calibration-fixtures.js';

const TOL = 1e-10;
const models: Model[] = ['deephit', 'logistichazard'];
const methodOf = (m: OneCalRef['method']) => (m === 'Uncensored' ? 'hosmer-lemeshow' : 'dagostino-nam');

/** Compares with SurvivalEVAL one_calibration (same group order: highest predicted risk first). */
function expectMatches(r: OneCalibrationResult, ref: OneCalRef): void {
  expect(
    maxRelErr(
      r.groups.map((g) => g.observed),
      ref.observed,
    ),
  ).toBeLessThanOrEqual(TOL);
  expect(
    maxRelErr(
      r.groups.map((g) => g.predicted),
      ref.expected,
    ),
  ).toBeLessThanOrEqual(TOL);
  expect(relErr(r.statistic, ref.statistic)).toBeLessThanOrEqual(TOL);
  // SurvivalEVAL returns 1 − chi2.cdf (absolute error ~1e-16); chi2.sf is the precise value
  expect(Math.abs(r.pValue - ref.p_value)).toBeLessThanOrEqual(1e-14);
  if (ref.p_value_sf !== undefined) expect(relErr(r.pValue, ref.p_value_sf)).toBeLessThanOrEqual(TOL);
  if (ref.df !== undefined) expect(r.df).toBe(ref.df);
}

describe("oneCalibration: SurvivalEVAL golden values (METABRIC, D'Agostino–Nam)", () => {
  for (const model of models) {
    it(`${model}, 10 groups at the quartiles of T (shared golden file)`, () => {
      const { curves, time, event } = metabric(model);
      const gold = goldenCalibration(model);
      const sf = calibrationCases().metabric[model].one_calibration.filter((c) => c.method === 'DN' && c.bins === 10);
      expect(gold.one_calibration).toHaveLength(3);
      gold.one_calibration.forEach((ref, k) => {
        const r = oneCalibration(curves, { time, event }, ref.t0);
        expect(sf[k]!.t0).toBe(ref.t0);
        expect(sf[k]!.p_value_sf).toBeTypeOf('number');
        expectMatches(r, { ...ref, p_value_sf: sf[k]!.p_value_sf });
        expect(r.df).toBe(9);
        expect(r.groups.map((g) => g.n)).toEqual([39, 38, 38, 38, 38, 38, 38, 38, 38, 38]);
      });
    });
    it(`${model}: Hosmer–Lemeshow (SurvivalEVAL 'Uncensored') and 20 groups (generated cases)`, () => {
      const { curves, time, event } = metabric(model);
      const refs = calibrationCases().metabric[model].one_calibration;
      expect(refs.filter((c) => c.method === 'Uncensored').length).toBe(4);
      for (const ref of refs) {
        const r = oneCalibration(curves, { time, event }, ref.t0, { bins: ref.bins as number, method: methodOf(ref.method) });
        expectMatches(r, ref);
      }
    });
  }
});

describe('oneCalibration: SurvivalEVAL on synthetic exponential cases', () => {
  for (const c of calibrationCases().synthetic.filter((s) => s.one_calibration)) {
    it(c.name, () => {
      for (const ref of c.one_calibration!) {
        const r = oneCalibration(syntheticCurves(c), { time: c.time, event: c.event }, ref.t0, {
          bins: ref.bins as number,
          method: methodOf(ref.method),
        });
        expectMatches(r, ref);
      }
    });
  }
});

describe('oneCalibration: named cases', () => {
  // 6 subjects, grid {1, 2, 3}; at t = 2 the predicted event probabilities are 1 − S_i(2)
  const curves = SurvivalCurves.fromRows(
    [1, 2, 3],
    [
      [0.9, 0.4, 0.1], // q = 0.6
      [0.95, 0.8, 0.6], // q = 0.2
      [0.9, 0.5, 0.2], // q = 0.5
      [0.99, 0.9, 0.8], // q = 0.1
      [0.9, 0.7, 0.5], // q = 0.3
      [0.8, 0.6, 0.4], // q = 0.4
    ],
  );
  const labels = { time: [1.5, 3, 1, 4, 2, 2.5], event: [1, 0, 0, 1, 1, 1] };

  it("D'Agostino–Nam by hand: groups {0,2,5}, {4,1,3}", () => {
    const r = oneCalibration(curves, labels, 2, { bins: 2 });
    // group 0: subjects 0 (event 1.5), 2 (censored 1), 5 (event 2.5): KM at 2 = 1 − 1/2 = 0.5
    // group 1: subjects 4 (event 2), 1 (censored 3), 3 (event 4): KM at 2 = 1 − 1/3
    expect(r.groups.map((g) => g.n)).toEqual([3, 3]);
    expect(r.groups[0]!.predicted).toBeCloseTo(0.5, 15);
    expect(r.groups[1]!.predicted).toBeCloseTo(0.2, 15);
    expect(r.groups[0]!.observed).toBeCloseTo(0.5, 15);
    expect(r.groups[1]!.observed).toBeCloseTo(1 / 3, 15);
    const stat = 0 + (3 * (1 / 3) - 3 * 0.2) ** 2 / (3 * 0.2 * 0.8);
    expect(relErr(r.statistic, stat)).toBeLessThanOrEqual(1e-14);
    expect(r.df).toBe(1);
  });

  it('Hosmer–Lemeshow by hand: drops subject 2 (censored at 1 < t); an event at exactly t counts', () => {
    const r = oneCalibration(curves, labels, 2, { bins: 3, method: 'hosmer-lemeshow' });
    // groups by q: {0, 2}, {5, 4}, {1, 3}; subject 2 dropped
    expect(r.groups.map((g) => g.n)).toEqual([1, 2, 2]);
    expect(r.groups.map((g) => g.predicted)).toEqual([0.6, (0.4 + 0.30000000000000004) / 2, (0.19999999999999996 + 0.09999999999999998) / 2]);
    // subject 4's event at T = t = 2 is counted (SurvivalEVAL's T < t would not count it)
    expect(r.groups.map((g) => g.observed)).toEqual([1, 0.5, 0]);
    const p = r.groups.map((g) => g.predicted);
    const stat = (1 - p[0]!) ** 2 / (p[0]! * (1 - p[0]!)) + (1 - 2 * p[1]!) ** 2 / (2 * p[1]! * (1 - p[1]!)) + (2 * p[2]!) ** 2 / (2 * p[2]! * (1 - p[2]!));
    expect(relErr(r.statistic, stat)).toBeLessThanOrEqual(1e-14);
    expect(r.df).toBe(1);
    expect(() => oneCalibration(curves, labels, 2, { bins: 2, method: 'hosmer-lemeshow' })).toThrow(messages.calibrationNoDf('oneCalibration', 2, 0));
  });

  it('splits like numpy.array_split', () => {
    expect(splitSizes(381, 10)).toEqual([39, 38, 38, 38, 38, 38, 38, 38, 38, 38]);
    expect(splitSizes(10, 4)).toEqual([3, 3, 2, 2]);
    expect(splitSizes(7, 7)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });
});

describe('oneCalibration: properties', () => {
  const data = fc
    .record({
      bins: fc.integer({ min: 2, max: 8 }),
      rows: fc.array(
        fc.record({
          lam: fc.double({ min: 0.05, max: 5, noNaN: true }),
          time: fc.double({ min: 0.01, max: 3, noNaN: true }),
          event: fc.integer({ min: 0, max: 1 }),
        }),
        { minLength: 16, maxLength: 60 },
      ),
      tFrac: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
    })
    .map(({ bins, rows, tFrac }) => {
      const grid = [0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3];
      const curves = SurvivalCurves.fromRows(
        grid,
        rows.map((r) => grid.map((g) => Math.exp(-r.lam * g))),
      );
      const time = rows.map((r) => r.time);
      const lo = Math.min(...time);
      const hi = Math.max(...time);
      const t = Math.max(0.1, lo + tFrac * (hi - lo));
      return { bins, curves, time, event: rows.map((r) => r.event), t };
    })
    .filter(({ time, t }) => Math.max(...time) > t);

  it('group sizes sum to n and follow array_split; mean predictions fall group by group; p in [0, 1]', () => {
    fc.assert(
      fc.property(data, ({ bins, curves, time, event, t }) => {
        const r = oneCalibration(curves, { time, event }, t, { bins });
        expect(r.groups.map((g) => g.n)).toEqual(splitSizes(time.length, bins));
        for (let b = 1; b < r.groups.length; b++) expect(r.groups[b]!.predicted).toBeLessThanOrEqual(r.groups[b - 1]!.predicted);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        const dropped = time.filter((ti, i) => event[i] === 0 && ti < t).length;
        const hlBins = Math.max(3, bins);
        let hl: OneCalibrationResult;
        try {
          hl = oneCalibration(curves, { time, event }, t, { bins: hlBins, method: 'hosmer-lemeshow' });
        } catch (err) {
          // groups emptied by censoring before t are skipped; too few left is an error
          expect((err as SurvkitError).code).toBe('calibrationNoDf');
          expect(time.length - dropped).toBeLessThanOrEqual(2 * Math.ceil(time.length / hlBins));
          return;
        }
        expect(hl.groups.reduce((s, g) => s + g.n, 0)).toBe(time.length - dropped);
        expect(hl.df).toBe(hl.groups.length - 2);
      }),
    );
  });

  it('without censoring both methods see the same groups, observed fractions and statistic', () => {
    fc.assert(
      fc.property(data, ({ bins, curves, time, t }) => {
        const event = time.map(() => 1);
        const dn = oneCalibration(curves, { time, event }, t, { bins: Math.max(3, bins) });
        const hl = oneCalibration(curves, { time, event }, t, { bins: Math.max(3, bins), method: 'hosmer-lemeshow' });
        expect(hl.groups.map((g) => g.n)).toEqual(dn.groups.map((g) => g.n));
        dn.groups.forEach((g, b) => expect(Math.abs(g.observed - hl.groups[b]!.observed)).toBeLessThanOrEqual(1e-12));
        expect(Math.abs(dn.statistic - hl.statistic)).toBeLessThanOrEqual(1e-9 * Math.max(1, hl.statistic));
      }),
    );
  });
});

describe('oneCalibration: errors', () => {
  const curves = SurvivalCurves.fromRows(
    [1, 2],
    [
      [0.9, 0.5],
      [0.8, 0.4],
      [0.7, 0.3],
      [0.6, 0.2],
    ],
  );
  const labels = { time: [1, 2, 3, 4], event: [1, 0, 1, 1] };
  const fn = 'oneCalibration';
  it('rejects t outside the data and non-numbers', () => {
    expect(() => oneCalibration(curves, labels, 4, { bins: 2 })).toThrow(messages.timeOutsideFollowUp(fn, 't', 4, 1, 4));
    expect(() => oneCalibration(curves, labels, 0.5, { bins: 2 })).toThrow(messages.timeOutsideFollowUp(fn, 't', 0.5, 1, 4));
    expect(() => oneCalibration(curves, labels, NaN, { bins: 2 })).toThrow(messages.finiteNumber(fn, 't', NaN));
  });
  it('rejects bad bins, methods, lengths and event codes', () => {
    expect(() => oneCalibration(curves, labels, 2, { bins: 1 })).toThrow(messages.optionRange(fn, 'bins', 'an integer >= 2', 1));
    expect(() => oneCalibration(curves, labels, 2, { bins: 3.5 })).toThrow(messages.optionRange(fn, 'bins', 'an integer >= 2', 3.5));
    expect(() => oneCalibration(curves, labels, 2, { bins: 5 })).toThrow(messages.tooFewSubjects(fn, 'bins', 5, 4));
    expect(() => oneCalibration(curves, labels, 2, { bins: 2, method: 'hl' as never })).toThrow(
      messages.optionRange(fn, 'method', "one of 'dagostino-nam', 'hosmer-lemeshow'", 'hl'),
    );
    expect(() => oneCalibration(curves, { time: [1, 2, 3], event: [1, 0, 1] }, 2)).toThrow(messages.lengthMismatch(fn, 'curves', 4, 'labels', 3));
    expect(() => oneCalibration(curves, { time: [1, 2, 3, 4], event: [1, 0, 3, 1] }, 2, { bins: 2 })).toThrow(
      messages.notBinaryEvent(fn, 'labels.event', 2, 3),
    );
  });
  it('rejects a group whose mean prediction is 0 or 1', () => {
    // the curves start at time 1; at t = 1 a later grid is needed: shift the grid past t
    const late = SurvivalCurves.fromRows(
      [5, 6],
      [
        [0.9, 0.5],
        [0.8, 0.4],
        [0.7, 0.3],
        [0.6, 0.2],
      ],
    );
    expect(() => oneCalibration(late, labels, 2, { bins: 2 })).toThrow(messages.calibrationDegenerateGroup(fn, 0, 0, 2));
  });
});
