import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breslowBaseline, breslowSurvival } from '../../src/estimators/breslow.js';
import { coxTimeBaseline, coxTimeBaselineMany, coxTimeSurvival } from '../../src/estimators/cox-time-breslow.js';
import { messages } from '../../src/core/messages.js';
import { expectClose, readJson } from '../losses/reference.js';

interface RCase {
  name: string;
  beta: number[];
  time: number[];
  event: number[];
  x1: number[];
  x2: number[];
  basehaz_time: number[];
  basehaz_cumhaz: number[];
  newdata_x1: number[];
  newdata_x2: number[];
  surv_time: number[];
  surv: number[][];
}

/** ĥ0 at each distinct time from explicit risk sets: d(t) / Σ_{T_j ≥ t} exp(g_j). */
function handBaseline(g: number[], time: number[], event: number[]) {
  const times = [...new Set(time)].sort((a, b) => a - b);
  const hazard = times.map((s) => {
    const d = time.filter((t, i) => t === s && event[i] === 1).length;
    const risk = g.filter((_, j) => (time[j] as number) >= s).reduce((a, v) => a + Math.exp(v), 0);
    return d / risk;
  });
  return { times, hazard };
}

describe('breslowBaseline (pycox / R basehaz definition)', () => {
  it('a hand example with tied events, tied censorings and censored-only times', () => {
    const time = [1, 2, 2, 2, 3, 4, 4, 5];
    const event = [0, 1, 1, 0, 0, 1, 0, 0];
    const g = [0.5, -0.2, 0.1, 0.3, -1, 0.7, 0, 0.2];
    const b = breslowBaseline(g, { time, event });
    const e = Math.exp;
    expect(Array.from(b.times)).toEqual([1, 2, 3, 4, 5]);
    const h2 = 2 / (e(-0.2) + e(0.1) + e(0.3) + e(-1) + e(0.7) + e(0) + e(0.2));
    const h4 = 1 / (e(0.7) + e(0) + e(0.2));
    expectClose(b.hazard, [0, h2, 0, h4, 0], 1e-15, 0);
    expectClose(b.cumulativeHazard, [0, h2, h2, h2 + h4, h2 + h4], 1e-15, 0);
  });

  it('property: equals the explicit-risk-set computation, and is invariant to nothing but scales as exp(−c) under g + c', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 1, maxLength: 40 }),
        fc.double({ min: -20, max: 20, noNaN: true }),
        (rows, c) => {
          const time = rows.map((r) => r[0]);
          const event = rows.map((r) => (r[1] ? 1 : 0));
          const g = rows.map((r) => r[2]);
          const hand = handBaseline(g, time, event);
          const b = breslowBaseline(g, { time, event });
          expect(Array.from(b.times)).toEqual(hand.times);
          expectClose(b.hazard, hand.hazard, 1e-12, 0);
          const shifted = breslowBaseline(
            g.map((v) => v + c),
            { time, event },
          );
          expectClose(
            shifted.hazard,
            hand.hazard.map((h) => h * Math.exp(-c)),
            1e-11,
            0,
          );
        },
      ),
    );
  });

  it('does not overflow for log-risks of ±1e4', () => {
    const b = breslowBaseline([1e4, -1e4, 0], { time: [1, 2, 3], event: [1, 1, 1] });
    // exact values: 1/(e^1e4 + …) underflows to 0, then 1/(e^−1e4 + 1) = 1 and 1/1
    expectClose(b.hazard, [0, 1, 1], 1e-15, 0);
    expectClose(b.cumulativeHazard, [0, 1, 2], 1e-15, 0);
  });

  it('maxDuration drops later times (pycox max_duration)', () => {
    const b = breslowBaseline([0, 0, 0], { time: [1, 2, 3], event: [1, 1, 1] }, { maxDuration: 2.5 });
    expect(Array.from(b.times)).toEqual([1, 2]);
    expectClose(b.cumulativeHazard, [1 / 3, 1 / 3 + 1 / 2], 1e-15, 0);
  });

  const R = readJson<{ provenance: { versions: { survival: string } }; cases: RCase[] }>('breslow/basehaz_R.json');
  for (const c of R.cases) {
    it(`equals R survival ${R.provenance.versions.survival} basehaz(centered = FALSE) and survfit at fixed coefficients: ${c.name}`, () => {
      const lp = c.x1.map((x, i) => x * (c.beta[0] as number) + (c.x2[i] as number) * (c.beta[1] as number));
      const b = breslowBaseline(lp, { time: c.time, event: c.event });
      expect(Array.from(b.times)).toEqual(c.basehaz_time);
      expectClose(b.cumulativeHazard, c.basehaz_cumhaz, 1e-10, 1e-15);
      const newLp = c.newdata_x1.map((x, i) => x * (c.beta[0] as number) + (c.newdata_x2[i] as number) * (c.beta[1] as number));
      const curves = breslowSurvival(b, newLp);
      expect(Array.from(curves.times)).toEqual(c.surv_time);
      for (let i = 0; i < newLp.length; i++) expectClose(curves.row(i), c.surv[i] as number[], 1e-10, 1e-15);
    });
  }
});

describe('breslowSurvival', () => {
  it('is exp(−Ĥ0·e^g), non-increasing in [0, 1] (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (rows, newG) => {
          const b = breslowBaseline(
            rows.map((r) => r[2]),
            { time: rows.map((r) => r[0]), event: rows.map((r) => (r[1] ? 1 : 0)) },
          );
          const s = breslowSurvival(b, newG); // SurvivalCurves validates [0, 1] and monotonicity
          newG.forEach((g, i) =>
            expectClose(
              s.row(i),
              Array.from(b.cumulativeHazard, (h) => Math.exp(-h * Math.exp(g))),
              1e-12,
              1e-300,
            ),
          );
        },
      ),
    );
  });

  it('rejects bad input', () => {
    expect(() => breslowBaseline([0, 1], { time: [1, 2, 3], event: [1, 0, 1] })).toThrow(messages.lengthMismatch('breslowBaseline', 'logRisk', 2, 'labels', 3));
    expect(() => breslowBaseline([0, 1], { time: [1, 2], event: [2, 0] })).toThrow(messages.notBinaryEvent('breslowBaseline', 'labels.event', 0, 2));
    expect(() => breslowSurvival(breslowBaseline([0], { time: [1], event: [1] }), [NaN])).toThrow(messages.notFinite('breslowSurvival', 'logRisk', 0, NaN));
  });
});

describe('Cox-Time time-dependent Breslow (pycox cox_time.py)', () => {
  const time = [1, 2, 2, 2, 3, 4, 4, 5];
  const event = [0, 1, 1, 0, 0, 1, 0, 0];
  const x = [0.5, -0.2, 0.1, 0.3, -1, 0.7, 0, 0.2];

  it('with g independent of t it equals the Breslow baseline, and the curves equal breslowSurvival', () => {
    const calls: number[] = [];
    const base = coxTimeBaseline({ time, event }, (t, atRisk) => {
      calls.push(t);
      return Array.from(atRisk, (j) => x[j] as number);
    });
    expect(calls).toEqual([2, 4]); // only at distinct event times
    const ref = breslowBaseline(x, { time, event });
    expect(Array.from(base.times)).toEqual(Array.from(ref.times));
    expectClose(base.hazard, ref.hazard, 1e-15, 0);
    const newX = [0.1, -2, 1];
    const curves = coxTimeSurvival(base, (_t, ids) => Array.from(ids, (i) => newX[i] as number), 3);
    const want = breslowSurvival(ref, newX);
    expectClose(curves.values, want.values, 1e-15, 0);
  });

  it('re-evaluates g at each event time: a hand example with g(t, x) = x·t', () => {
    const g = (t: number, j: number) => (x[j] as number) * t;
    const all = coxTimeBaseline({ time, event }, (t) => x.map((_, j) => g(t, j))); // callback may return all n
    const e = Math.exp;
    const risk2 = [1, 2, 3, 4, 5, 6, 7].reduce((a, j) => a + e(g(2, j)), 0);
    const risk4 = [5, 6, 7].reduce((a, j) => a + e(g(4, j)), 0);
    expectClose(all.hazard, [0, 2 / risk2, 0, 1 / risk4, 0], 1e-14, 0);
    const z = [0.3];
    const curves = coxTimeSurvival(all, (t) => [(z[0] as number) * t], 1, { times: [10, 20, 30, 40, 50] });
    const H2 = (2 / risk2) * e(0.3 * 2);
    const H4 = H2 + (1 / risk4) * e(0.3 * 4);
    expectClose(curves.row(0), [1, e(-H2), e(-H2), e(-H4), e(-H4)], 1e-14, 0);
    expect(Array.from(curves.times)).toEqual([10, 20, 30, 40, 50]);
  });

  it('rejects a callback returning the wrong number of values', () => {
    expect(() => coxTimeBaseline({ time, event }, () => [1, 2])).toThrow(messages.shapeMismatch('coxTimeBaseline', 'logRiskAt(2)', '7 or 8 values', '2'));
  });

  it('coxTimeBaselineMany: several event times per call (at most rowsPerCall rows), the same hazards as one call per time', () => {
    const g = (t: number, j: number) => (x[j] as number) * t;
    const one = coxTimeBaseline({ time, event }, (t, atRisk) => Array.from(atRisk, (j) => g(t, j)));
    for (const [rowsPerCall, calls] of [
      [0, 2],
      [7, 2], // the at-risk sets have 7 and 3 rows: 7 + 3 > 7
      [10, 1],
      [65536, 1],
    ] as const) {
      const sizes: number[][] = [];
      const many = coxTimeBaselineMany(
        { time, event },
        (requests) => {
          sizes.push(requests.map((r) => r.atRisk.length));
          return requests.map((r) => Array.from(r.atRisk, (j) => g(r.t, j)));
        },
        { rowsPerCall },
      );
      expect(sizes, `rowsPerCall ${rowsPerCall}`).toHaveLength(calls);
      expect(sizes.flat()).toEqual([7, 3]);
      expect(Array.from(many.hazard)).toEqual(Array.from(one.hazard));
      expect(Array.from(many.times)).toEqual(Array.from(one.times));
    }
    expect(() => coxTimeBaselineMany({ time, event }, () => [])).toThrow(messages.shapeMismatch('coxTimeBaseline', 'logRiskAtMany', '2 answers', '0'));
  });
});
