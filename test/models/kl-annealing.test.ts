import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { klAnnealing, klFixed } from '../../src/models/index.js';
import { klScheduleFromJSON } from '../../src/models/classifiers/kl-annealing.js';

describe('klAnnealing', () => {
  it("is the reference's min(1, epoch / steps) with the epoch counted from 0", () => {
    const s = klAnnealing({ steps: 10 });
    expect([0, 1, 5, 9, 10, 11, 100].map((e) => s.weight(e))).toEqual([0, 0.1, 0.5, 0.9, 1, 1, 1]);
    expect(s.final).toBe(1);
    expect(s.kind).toBe('annealing');
  });

  it('caps at max (the remedy for many classes)', () => {
    const s = klAnnealing({ steps: 4, max: 0.1 });
    expect(s.weight(2)).toBeCloseTo(0.05, 15);
    expect(s.weight(40)).toBe(0.1);
    expect(s.final).toBe(0.1);
  });

  it('property: non-decreasing, within [0, max], equal to max from epoch steps on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 5, noNaN: true }), fc.integer({ min: 0, max: 200 }), (steps, max, e) => {
        const s = klAnnealing({ steps, max });
        expect(s.weight(e + 1)).toBeGreaterThanOrEqual(s.weight(e));
        expect(s.weight(e)).toBeGreaterThanOrEqual(0);
        expect(s.weight(e)).toBeLessThanOrEqual(max);
        expect(s.weight(steps + e)).toBe(max);
      }),
    );
  });

  it('round-trips through JSON with the fixed schedule', () => {
    for (const s of [klAnnealing({ steps: 3, max: 0.5 }), klFixed(0.2)]) {
      const again = klScheduleFromJSON('t', JSON.parse(JSON.stringify(s.toJSON())));
      expect(again.toJSON()).toEqual(s.toJSON());
      expect(again.weight(1)).toBe(s.weight(1));
    }
    expect(klFixed(0.2).weight(0)).toBe(0.2);
  });

  it('rejects bad options', () => {
    expect(() => klAnnealing({ steps: 0 })).toThrow(messages.optionRange('klAnnealing', 'steps', 'an integer >= 1', 0));
    expect(() => klAnnealing({ steps: 2, max: -1 })).toThrow(messages.optionRange('klAnnealing', 'max', 'a finite number >= 0', -1));
    expect(() => klFixed(Number.NaN)).toThrow(messages.optionRange('klFixed', 'weight', 'a finite number >= 0', Number.NaN));
    expect(() => klScheduleFromJSON('load', { kind: 'cosine' })).toThrow(messages.savedKlSchedule('load', 'klSchedule', { kind: 'cosine' }));
  });
});
