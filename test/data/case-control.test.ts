import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseControlSampler, sampleCaseControl } from '../../src/data/case-control.js';
import { Random } from '../../src/core/random.js';
import { messages } from '../../src/core/messages.js';

describe('case-control sampler (pycox CoxCC / Cox-Time)', () => {
  it('cases are the events; every control is in its case risk set {j: T_j >= T_i} (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        (rows, k, seed) => {
          const time = rows.map((r) => r[0]);
          const event = rows.map((r, i) => (r[1] || i === 0 ? 1 : 0));
          const s = sampleCaseControl({ time, event }, { nControls: k, seed });
          expect(Array.from(s.cases)).toEqual(event.flatMap((d, i) => (d === 1 ? [i] : [])));
          expect(s.controls.length).toBe(s.cases.length * k);
          s.cases.forEach((i, c) => {
            for (let j = 0; j < k; j++) expect(time[s.controls[c * k + j] as number]).toBeGreaterThanOrEqual(time[i] as number);
          });
        },
      ),
    );
  });

  it('is reproducible for a seed and draws uniformly from the risk set, the case included', () => {
    const time = [5, 1, 3, 8, 3, 9];
    const event = [1, 1, 0, 0, 1, 0];
    expect(sampleCaseControl({ time, event }, { nControls: 3, seed: 7 })).toEqual(sampleCaseControl({ time, event }, { nControls: 3, seed: 7 }));
    const sampler = new CaseControlSampler({ time, event });
    expect(sampler.riskSetSize(1)).toBe(6);
    expect(sampler.riskSetSize(4)).toBe(5); // T >= 3: subjects 0, 2, 3, 4, 5
    const rng = new Random(1);
    const counts = new Map<number, number>();
    const draws = 20000;
    for (let r = 0; r < draws; r++) {
      const c = sampler.sample(rng, [4]).controls[0] as number;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 2, 3, 4, 5]);
    for (const v of counts.values()) expect(Math.abs(v / draws - 0.2)).toBeLessThan(0.015);
  });

  it('rejects competing risks, no events, non-cases and a bad nControls', () => {
    expect(() => new CaseControlSampler({ time: [1, 2], event: [2, 0] })).toThrow(messages.notBinaryEvent('CaseControlSampler', 'labels.event', 0, 2));
    expect(() => new CaseControlSampler({ time: [1, 2], event: [0, 0] })).toThrow(messages.noEvents('CaseControlSampler', 'labels'));
    expect(() => new CaseControlSampler({ time: [1, 2], event: [1, 0] }, { nControls: 0 })).toThrow(
      messages.optionRange('CaseControlSampler', 'nControls', 'an integer >= 1', 0),
    );
    expect(() => new CaseControlSampler({ time: [1, 2], event: [1, 0] }).sample(new Random(0), [1])).toThrow(
      messages.caseIndex('CaseControlSampler.sample', 'cases[0]', 1),
    );
  });
});
