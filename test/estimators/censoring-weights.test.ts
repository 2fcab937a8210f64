import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { survivalLabels } from '../../src/data/labels.js';
import { censoringKaplanMeier } from '../../src/estimators/censoring.js';
import { CensoringWeights, type CensoringWeightOptions } from '../../src/estimators/censoring-weights.js';
import { throwsCode } from '../helpers/errors.js';

const base: CensoringWeightOptions = { fn: 'f', ties: 'events-first', eventSide: 'right', remedy: 'clipWeights' };
// Ĝ by hand (events-first): at 1 no censoring; at 2 one censoring among 2 at risk → 1/2; at 3 no censoring.
const y = survivalLabels([1, 2, 3], [1, 0, 1]);

describe('CensoringWeights (the one IPCW service)', () => {
  it('events at T (right) or T− (left); survivors at t; 1/Ĝ or 1/Ĝ²', () => {
    const right = new CensoringWeights(y, base);
    const left = new CensoringWeights(y, { ...base, eventSide: 'left' });
    expect(right.eventWeight(2)).toBe(2); // 1/Ĝ(2) = 1/(1/2)
    expect(left.eventWeight(2)).toBe(1); // 1/Ĝ(2−) = 1/1
    expect(left.eventWeight(3)).toBe(2);
    expect(right.timeWeight(1.5)).toBe(1);
    expect(left.timeWeight(2)).toBe(2); // survivors always read Ĝ(t)
    expect(new CensoringWeights(y, { ...base, power: 2 }).eventWeight(3)).toBe(4);
    expect(right.lastTime).toBe(3);
    expect(right.lastValue).toBe(0.5);
  });

  it("Ĝ = 0 throws the one 'censoringZero' key; a floor replaces Ĝ by max(Ĝ, floor)", () => {
    const y0 = survivalLabels([1, 2], [1, 0]); // the last subject is censored alone: Ĝ(2) = 0
    throwsCode(() => new CensoringWeights(y0, base).timeWeight(2), 'censoringZero', messages.censoringZero('f', 2, 'clipWeights'));
    expect(new CensoringWeights(y0, { ...base, floor: 0.25 }).timeWeight(2)).toBe(4);
    expect(new CensoringWeights(y0, { ...base, floor: 0.25, power: 2 }).timeWeight(2)).toBe(16);
  });

  it('the per-caller remedies keep the messages of Uno’s C, the Brier family and the AUC word for word', () => {
    expect(messages.censoringZero('concordanceIndexIpcw', 19, 'clipWeights')).toBe(
      'concordanceIndexIpcw: the censoring survival function G is 0 at time 19, where an event is weighted by 1/G; ' +
        "pass a smaller 'tau', drop the subjects at or after that time, or opt in to { clipWeights: g } to floor G at g",
    );
    expect(messages.censoringZero('brierScore', 2.5, 'maxWeight')).toBe(
      'brierScore: the censoring survival function G is 0 at time 2.5, where a subject needs the weight 1/G; ' +
        "evaluate at earlier times, estimate G from other labels (option 'train'), or set option 'maxWeight' to floor G at 1/maxWeight",
    );
    expect(messages.censoringZero('cumulativeDynamicAuc', 3, 'followUp')).toBe(
      "cumulativeDynamicAuc: the censoring survival function G of 'train' is 0 at time 3, where a case needs the weight 1/G; " +
        'evaluate at earlier times or estimate G from labels with longer follow-up',
    );
  });

  it("strictRange: reads beyond the last training time throw 'timeOutsideTrain' while Ĝ > 0 there", () => {
    const strict = new CensoringWeights(y, { ...base, strictRange: true });
    throwsCode(() => strict.checkRange(4, 'test.time'), 'timeOutsideTrain', messages.timeOutsideTrain('f', 'test.time', 4, 3));
    expect(() => strict.checkRange(3, 'test.time')).not.toThrow();
    expect(() => new CensoringWeights(y, base).checkRange(4, 'test.time')).not.toThrow();
    // Ĝ = 0 at the last time: the distribution beyond it is known (0), no range error.
    expect(() => new CensoringWeights(survivalLabels([1, 2], [1, 0]), { ...base, strictRange: true }).checkRange(9, 't')).not.toThrow();
  });

  it('pycox reader: a censoring at time 0 makes Ĝ(0−) read Ĝ(0) (pycox clips to its first index entry); the step reads 1', () => {
    // 'together' Ĝ: at 0 one censoring among 3 at risk → 2/3.
    const y0 = survivalLabels([0, 1, 2], [0, 1, 0]);
    const opts: CensoringWeightOptions = { ...base, ties: 'together', eventSide: 'left' };
    expect(new CensoringWeights(y0, { ...opts, reader: 'pycox' }).eventWeight(0)).toBeCloseTo(1.5, 14);
    expect(new CensoringWeights(y0, opts).eventWeight(0)).toBe(1);
  });

  it('step reads equal 1 / censoringKaplanMeier at T and T− (property)', () => {
    const lab = fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 1 })), { minLength: 1, maxLength: 25 });
    fc.assert(
      fc.property(lab, fc.constantFrom('events-first' as const, 'together' as const), fc.double({ min: 0, max: 7, noNaN: true }), (rows, ties, t) => {
        const yy = survivalLabels(
          rows.map((r) => r[0]),
          rows.map((r) => r[1]),
        );
        const G = censoringKaplanMeier(yy, { ties });
        for (const side of ['left', 'right'] as const) {
          const w = new CensoringWeights(yy, { ...base, ties, eventSide: side, floor: 1e-3 });
          expect(w.eventWeight(t)).toBe(1 / Math.max(G.at(t, { side }), 1e-3));
        }
      }),
    );
  });
});
