import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nelsonAalen, NelsonAalen } from '../../src/estimators/nelson-aalen.js';
import { messages } from '../../src/core/messages.js';
import { expectAllClose, km, type KmCase } from './km-fixture.js';

describe('nelsonAalen against R survfit cumhaz / std.chaz (ctype = 1, golden)', () => {
  it.each(Object.keys(km.cases))('%s: Ĥ and sqrt(variance) match survfit to 1e-12', (name) => {
    const c = km.cases[name] as KmCase;
    const h = nelsonAalen(c.time, c.event);
    expect(Array.from(h.times)).toEqual(c.survfit.time);
    expect(Array.from(h.nRisk)).toEqual(c.survfit.n_risk);
    expect(Array.from(h.nEvents)).toEqual(c.survfit.n_event);
    expectAllClose(h.values, c.survfit.cumhaz, 1e-12, 1e-300, 'cumhaz');
    expectAllClose(Array.from(h.variance, Math.sqrt), c.survfit.std_chaz, 1e-12, 1e-300, 'std.chaz');
  });
});

describe('nelsonAalen named cases', () => {
  it('the doc example, 0 before the first time', () => {
    const h = nelsonAalen([1, 2, 3], [1, 1, 0]);
    expect(h).toBeInstanceOf(NelsonAalen);
    expect(h.at(2)).toBe(1 / 3 + 1 / 2);
    expect(h.at(0.5)).toBe(0);
    expect(h.at(3)).toBe(1 / 3 + 1 / 2);
    expect(Array.from(h.variance)).toEqual([1 / 9, 1 / 9 + 1 / 4, 1 / 9 + 1 / 4]);
    expect(Object.isFrozen(h)).toBe(true);
  });

  it('tied events step by d/n (Nelson–Aalen, not Fleming–Harrington)', () => {
    const h = nelsonAalen([2, 2, 2, 5], [1, 1, 0, 1]);
    expect(Array.from(h.values)).toEqual([2 / 4, 2 / 4 + 1]);
    expect(Array.from(h.variance)).toEqual([2 / 16, 2 / 16 + 1]);
  });

  it('errors name nelsonAalen and the argument', () => {
    expect(() => nelsonAalen([1, 2], [1])).toThrow(messages.lengthMismatch('nelsonAalen', 'time', 2, 'event', 1));
    expect(() => nelsonAalen([1, -1], [1, 1])).toThrow(messages.negative('nelsonAalen', 'time', 1, -1));
    expect(() => nelsonAalen([1, 2], [1, -1])).toThrow(messages.badEventCode('nelsonAalen', 'event', 1, -1));
    expect(() => nelsonAalen('12', [1, 1])).toThrow(messages.notArray('nelsonAalen', 'time', '12'));
  });
});

describe('nelsonAalen properties (fast-check)', () => {
  const labelsArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { minLength: 1, maxLength: 50 })
    .map((rows) => ({ time: rows.map((r) => r[0] * 1.5), event: rows.map((r) => r[1]) }));

  it('Ĥ and its variance are non-decreasing and >= 0; total jump = Σ d_k/n_k', () => {
    fc.assert(
      fc.property(labelsArb, ({ time, event }) => {
        const h = nelsonAalen(time, event);
        let prev = 0;
        let prevV = 0;
        let sum = 0;
        for (let k = 0; k < h.times.length; k++) {
          expect(h.values[k]).toBeGreaterThanOrEqual(prev);
          expect(h.variance[k]).toBeGreaterThanOrEqual(prevV);
          prev = h.values[k] as number;
          prevV = h.variance[k] as number;
          sum += (h.nEvents[k] as number) / (h.nRisk[k] as number);
        }
        expect(Math.abs(prev - sum)).toBeLessThanOrEqual(1e-12 * Math.max(1, sum));
        const nEvents = event.filter(Boolean).length;
        expect(h.nEvents.reduce((a, b) => a + b, 0)).toBe(nEvents);
      }),
    );
  });
});
