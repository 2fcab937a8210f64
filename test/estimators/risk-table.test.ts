import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskTable } from '../../src/estimators/risk-table.js';
import { messages } from '../../src/core/messages.js';
import { km, type KmCase } from './km-fixture.js';

const f64 = (a: number[]) => new Float64Array(a);
const i32 = (a: number[]) => new Int32Array(a);

describe('riskTable', () => {
  it('the doc example: unsorted input, counts per distinct time', () => {
    const tab = riskTable(f64([2, 1, 2]), i32([1, 0, 0]));
    expect(Array.from(tab.times)).toEqual([1, 2]);
    expect(Array.from(tab.nRisk)).toEqual([3, 2]);
    expect(Array.from(tab.nEvents)).toEqual([0, 1]);
    expect(Array.from(tab.nCensored)).toEqual([1, 1]);
  });

  it('with cause: other causes leave the risk set uncounted', () => {
    const tab = riskTable(f64([1, 1, 2, 3, 3]), i32([2, 1, 0, 1, 2]), 2);
    expect(Array.from(tab.nRisk)).toEqual([5, 3, 2]);
    expect(Array.from(tab.nEvents)).toEqual([1, 0, 1]);
    expect(Array.from(tab.nCensored)).toEqual([0, 1, 0]);
  });

  it('empty labels give an empty table', () => {
    expect(riskTable(f64([]), i32([])).times.length).toBe(0);
  });

  it.each(Object.keys(km.cases))('%s: counts equal R survfit n.risk / n.event / n.censor', (name) => {
    const c = km.cases[name] as KmCase;
    const tab = riskTable(f64(c.time), i32(c.event));
    expect(Array.from(tab.times)).toEqual(c.survfit.time);
    expect(Array.from(tab.nRisk)).toEqual(c.survfit.n_risk);
    expect(Array.from(tab.nEvents)).toEqual(c.survfit.n_event);
    expect(Array.from(tab.nCensored)).toEqual(c.survfit.n_censor);
  });

  it('errors', () => {
    expect(() => riskTable(f64([1, 2]), i32([1]))).toThrow(messages.lengthMismatch('riskTable', 'time', 2, 'event', 1));
    expect(() => riskTable(f64([1, NaN]), i32([1, 1]))).toThrow(messages.notFinite('riskTable', 'time', 1, NaN));
    expect(() => riskTable(f64([-1]), i32([1]))).toThrow(messages.negative('riskTable', 'time', 0, -1));
    expect(() => riskTable(f64([1]), i32([-1]))).toThrow(messages.badEventCode('riskTable', 'event', 0, -1));
    expect(() => riskTable(f64([1]), i32([1]), 0)).toThrow(messages.optionRange('riskTable', 'cause', 'an integer >= 1', 0));
  });
});

describe('riskTable properties (fast-check)', () => {
  const arb = fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 80 });

  it('events + censorings sum to n; n_risk starts at n and drops by what left; times strictly ascending', () => {
    fc.assert(
      fc.property(arb, (rows) => {
        const time = f64(rows.map((r) => r[0] / 3));
        const event = i32(rows.map((r) => r[1]));
        const tab = riskTable(time, event);
        const n = rows.length;
        const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
        expect(sum(tab.nEvents) + sum(tab.nCensored)).toBe(n);
        expect(sum(tab.nEvents)).toBe(rows.filter((r) => r[1] !== 0).length);
        expect(tab.nRisk[0]).toBe(n);
        for (let k = 0; k < tab.times.length; k++) {
          const t = tab.times[k] as number;
          expect(tab.nRisk[k]).toBe(Array.from(time).filter((u) => u >= t).length);
          if (k > 0) {
            expect(t).toBeGreaterThan(tab.times[k - 1] as number);
            expect(tab.nRisk[k]).toBe((tab.nRisk[k - 1] as number) - (tab.nEvents[k - 1] as number) - (tab.nCensored[k - 1] as number));
          }
        }
      }),
    );
  });

  it('per-cause event counts add up to the all-cause counts', () => {
    fc.assert(
      fc.property(arb, (rows) => {
        const time = f64(rows.map((r) => r[0]));
        const event = i32(rows.map((r) => r[1]));
        const all = riskTable(time, event);
        const byCause = [1, 2, 3].map((c) => riskTable(time, event, c));
        for (let k = 0; k < all.times.length; k++) {
          expect(byCause.reduce((a, t) => a + (t.nEvents[k] as number), 0)).toBe(all.nEvents[k]);
          for (const t of byCause) expect(t.nRisk[k]).toBe(all.nRisk[k]);
        }
      }),
    );
  });
});
