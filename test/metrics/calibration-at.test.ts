import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { calibrationAt } from '../../src/metrics/calibration-at.js';
import { splitSizes } from '../../src/metrics/calibration-common.js';
import { oneCalibration } from '../../src/metrics/one-calibration.js';
import { fixtureDir, goldenCalibration, maxRelErr, metabric, relErr, type Model } from './calibration-fixtures.js';

const TOL = 1e-10;

interface RCase {
  model: Model;
  t: number;
  groups: number;
  confidence: number;
  result: { n: number; predicted: number; observed: number; lower: number | null; upper: number | null; n_risk: number }[];
}

describe('calibrationAt: R survival::survfit per group (METABRIC)', () => {
  const ref = JSON.parse(readFileSync(join(fixtureDir, 'calibration', 'calibration_at_km_R.json'), 'utf8')) as { cases: RCase[] };
  for (const c of ref.cases) {
    it(`${c.model}, t = ${c.t}, ${c.groups} groups, level ${c.confidence}`, () => {
      const { curves, time, event } = metabric(c.model);
      const r = calibrationAt(curves, { time, event }, c.t, { groups: c.groups, confidence: c.confidence });
      expect(r.groups.map((g) => g.n)).toEqual(c.result.map((g) => g.n));
      expect(r.groups.map((g) => g.nRisk)).toEqual(c.result.map((g) => g.n_risk));
      for (const key of ['predicted', 'observed', 'lower', 'upper'] as const) {
        // R gives NA limits where the KM has dropped to 0; kaplanMeier documents [0, 0] there
        const want = c.result.map((g) => (g[key] === null ? (expect(g.observed).toBe(0), 0) : g[key]));
        expect(
          maxRelErr(
            r.groups.map((g) => g[key]),
            want,
          ),
        ).toBeLessThanOrEqual(TOL);
      }
    });
  }
});

describe('calibrationAt: SurvivalEVAL values (METABRIC)', () => {
  for (const model of ['deephit', 'logistichazard'] as Model[]) {
    it(`${model}: groups are 1-calibration's, as survival (1 − SurvivalEVAL's observed / expected)`, () => {
      const { curves, time, event } = metabric(model);
      for (const ref of goldenCalibration(model).one_calibration) {
        const r = calibrationAt(curves, { time, event }, ref.t0);
        expect(
          maxRelErr(
            r.groups.map((g) => 1 - g.observed),
            ref.observed,
          ),
        ).toBeLessThanOrEqual(TOL);
        expect(
          maxRelErr(
            r.groups.map((g) => 1 - g.predicted),
            ref.expected,
          ),
        ).toBeLessThanOrEqual(TOL);
      }
    });

    it(`${model}: SurvivalEVAL km_calibration from the one-group KM at every event time`, () => {
      // km_calibration = ∫ (mean curve, linearly interpolated − KM)² over the unique event times
      // (trapezoid, from 0) / the last event time. KM comes from calibrationAt({ groups: 1 }).
      const { curves, time, event } = metabric(model);
      const u = [0, ...new Set(time.filter((_, i) => event[i] === 1))].sort((a, b) => a - b);
      const km = u.map((t, k) => (k === 0 ? 1 : calibrationAt(curves, { time, event }, t, { groups: 1 }).groups[0]!.observed));
      const mean = new Float64Array(curves.m);
      for (let i = 0; i < curves.n; i++) for (let k = 0; k < curves.m; k++) mean[k]! += curves.get(i, k) / curves.n;
      const avg = u.map((t) => {
        let k = curves.times.findIndex((g) => g > t) - 1;
        if (k < 0) k = curves.m - 2; // past the grid: scipy interp1d extrapolates the last segment
        const [t0, t1] = [curves.times[k]!, curves.times[k + 1]!];
        const v = mean[k]! + ((t - t0) * (mean[k + 1]! - mean[k]!)) / (t1 - t0);
        return Math.min(1, Math.max(0, v));
      });
      let area = 0;
      for (let k = 1; k < u.length; k++) area += ((u[k]! - u[k - 1]!) * ((avg[k]! - km[k]!) ** 2 + (avg[k - 1]! - km[k - 1]!) ** 2)) / 2;
      const kmCal = area / u[u.length - 1]!;
      expect(relErr(kmCal, goldenCalibration(model).km_calibration)).toBeLessThanOrEqual(TOL);
    });
  }
});

describe('calibrationAt: named cases', () => {
  it('no censoring: KM is 1 − the empirical CDF; log-log limits by hand', () => {
    // 4 subjects, one group; S_i(2) = 0.7, 0.6, 0.5, 0.4; two events by t = 2
    const curves = SurvivalCurves.fromRows(
      [1, 2],
      [
        [0.9, 0.7],
        [0.8, 0.6],
        [0.7, 0.5],
        [0.6, 0.4],
      ],
    );
    const r = calibrationAt(curves, { time: [1, 2, 3, 4], event: [1, 1, 1, 1] }, 2, { groups: 1 });
    const g = r.groups[0]!;
    expect(g.n).toBe(4);
    expect(g.predicted).toBeCloseTo(0.55, 15);
    expect(g.observed).toBe(0.5);
    expect(g.nRisk).toBe(3);
    // Greenwood: 1/(4·3) + 1/(3·2) = 0.25; log-log: exp(−exp(log(−log S) ± z·se/log S))
    const z = 1.959963984540054;
    const se = Math.sqrt(0.25);
    const ll = Math.log(-Math.log(0.5));
    expect(relErr(g.lower, Math.exp(-Math.exp(ll - (z * se) / Math.log(0.5))))).toBeLessThanOrEqual(1e-14);
    expect(relErr(g.upper, Math.exp(-Math.exp(ll + (z * se) / Math.log(0.5))))).toBeLessThanOrEqual(1e-14);
    expect(r.meanAbsDiff).toBeCloseTo(0.05, 15);
    expect(r.maxAbsDiff).toBeCloseTo(0.05, 15);
  });

  it('t before the first grid time reads Ŝ = 1; KM before the first time is 1 with limits 1', () => {
    const curves = SurvivalCurves.fromRows([5], [[0.5], [0.4]]);
    const r = calibrationAt(curves, { time: [1, 6], event: [0, 1] }, 1, { groups: 2 });
    expect(r.groups.map((g) => [g.predicted, g.observed, g.lower, g.upper])).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
  });

  it('past the last time of a group the KM value is carried (nRisk = 0)', () => {
    const curves = SurvivalCurves.fromRows([1], [[0.2], [0.3], [0.9], [0.8]]);
    // highest-risk group {0, 1}: times 1 (event), 2 (censored); t = 3 is past both
    const r = calibrationAt(curves, { time: [1, 2, 5, 6], event: [1, 0, 1, 0] }, 3, { groups: 2 });
    expect(r.groups[0]).toMatchObject({ n: 2, observed: 0.5, nRisk: 0 });
    expect(r.groups[1]).toMatchObject({ n: 2, observed: 1, nRisk: 2 });
  });
});

describe('calibrationAt: properties', () => {
  const data = fc
    .record({
      groups: fc.integer({ min: 1, max: 6 }),
      rows: fc.array(fc.record({ lam: fc.double({ min: 0.05, max: 5, noNaN: true }), time: fc.integer({ min: 1, max: 30 }) }), {
        minLength: 12,
        maxLength: 50,
      }),
      t: fc.integer({ min: 1, max: 29 }),
    })
    .filter(({ rows, t }) => rows.some((r) => r.time > t) && rows.some((r) => r.time <= t));

  it('without censoring, observed = 1 − (share of the group with T <= t); groups as in oneCalibration', () => {
    fc.assert(
      fc.property(data, ({ groups, rows, t }) => {
        const grid = Array.from({ length: 30 }, (_, k) => k + 1);
        const curves = SurvivalCurves.fromRows(
          grid,
          rows.map((r) => grid.map((g) => Math.exp((-r.lam * g) / 10))),
        );
        const time = rows.map((r) => r.time);
        const event = rows.map(() => 1);
        const r = calibrationAt(curves, { time, event }, t, { groups });
        expect(r.groups.map((g) => g.n)).toEqual(splitSizes(rows.length, groups));
        // independent grouping, as documented: sort by the predicted event probability q_i = 1 − S_i(t)
        // descending (ties in input order; two S differing in the last bit can give the same q), cut by array_split sizes
        const s = rows.map((row) => Math.exp((-row.lam * t) / 10));
        const q = s.map((v) => 1 - v);
        const order = s.map((_, i) => i).sort((a, b) => q[b]! - q[a]! || a - b);
        let start = 0;
        let weighted = 0;
        splitSizes(rows.length, groups).forEach((size, b) => {
          const idx = order.slice(start, (start += size));
          const died = idx.filter((i) => time[i]! <= t).length;
          const g = r.groups[b]!;
          expect(Math.abs(g.observed - (1 - died / size))).toBeLessThanOrEqual(1e-12);
          expect(Math.abs(g.predicted - idx.reduce((a, i) => a + s[i]!, 0) / size)).toBeLessThanOrEqual(1e-12);
          expect(g.lower).toBeLessThanOrEqual(g.observed);
          expect(g.upper).toBeGreaterThanOrEqual(g.observed);
          weighted += size * Math.abs(g.predicted - g.observed);
        });
        expect(Math.abs(r.meanAbsDiff - weighted / rows.length)).toBeLessThanOrEqual(1e-12);
        if (groups >= 2) {
          const one = oneCalibration(curves, { time, event }, t, { bins: groups });
          one.groups.forEach((g, b) => expect(Math.abs(1 - g.observed - r.groups[b]!.observed)).toBeLessThanOrEqual(1e-12));
        }
      }),
    );
  });
});

describe('calibrationAt: errors', () => {
  const curves = SurvivalCurves.fromRows(
    [1, 2],
    [
      [0.9, 0.5],
      [0.8, 0.4],
      [0.7, 0.3],
    ],
  );
  const labels = { time: [1, 2, 3], event: [1, 0, 1] };
  const fn = 'calibrationAt';
  it('rejects bad groups, confidence and t', () => {
    expect(() => calibrationAt(curves, labels, 2, { groups: 0 })).toThrow(messages.optionRange(fn, 'groups', 'an integer >= 1', 0));
    expect(() => calibrationAt(curves, labels, 2, { groups: 1.5 })).toThrow(messages.optionRange(fn, 'groups', 'an integer >= 1', 1.5));
    expect(() => calibrationAt(curves, labels, 2, { groups: 4 })).toThrow(messages.tooFewSubjects(fn, 'groups', 4, 3));
    expect(() => calibrationAt(curves, labels, 2, { groups: 2, confidence: 1 })).toThrow(
      messages.optionRange(fn, 'confidence', 'a finite number > 0 and < 1', 1),
    );
    expect(() => calibrationAt(curves, labels, 3, { groups: 2 })).toThrow(messages.timeOutsideFollowUp(fn, 't', 3, 1, 3));
    expect(() => calibrationAt(curves, labels, Infinity, { groups: 2 })).toThrow(messages.finiteNumber(fn, 't', Infinity));
  });
  it('rejects mismatched lengths and competing risks', () => {
    expect(() => calibrationAt(curves, { time: [1, 2], event: [1, 0] }, 1.5, { groups: 1 })).toThrow(messages.lengthMismatch(fn, 'curves', 3, 'labels', 2));
    expect(() => calibrationAt(curves, { time: [1, 2, 3], event: [2, 0, 1] }, 1.5, { groups: 1 })).toThrow(messages.notBinaryEvent(fn, 'labels.event', 0, 2));
  });
});
