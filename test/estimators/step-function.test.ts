import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StepFunction } from '../../src/estimators/step-function.js';
import { messages } from '../../src/core/messages.js';

describe('StepFunction', () => {
  it('the doc example: right-continuous, left limits, initial value', () => {
    const f = new StepFunction([1, 3], [0.5, 0.25], 1);
    expect(f.at(2)).toBe(0.5);
    expect(f.at(3, { side: 'left' })).toBe(0.5);
    expect(f.at(3)).toBe(0.25);
    expect(f.at(0.999)).toBe(1);
    expect(f.at(1, { side: 'left' })).toBe(1);
    expect(f.at(1e9)).toBe(0.25);
    expect(Array.from(f.at([0, 1, 2, 3, 4]))).toEqual([1, 0.5, 0.5, 0.25, 0.25]);
    expect(Array.from(f.at(new Float64Array([3, 1]), { side: 'left' }))).toEqual([0.5, 1]);
  });

  it('at(NaN) is NaN; an empty function is its initial value everywhere', () => {
    expect(new StepFunction([1], [2], 0).at(NaN)).toBeNaN();
    const e = new StepFunction([], [], 7);
    expect(e.at(-5)).toBe(7);
    expect(e.at(5, { side: 'left' })).toBe(7);
  });

  it('is frozen and copies its inputs', () => {
    const times = [1, 2];
    const f = new StepFunction(times, [1, 2], 0);
    times[0] = 100;
    expect(f.times[0]).toBe(1);
    expect(Object.isFrozen(f)).toBe(true);
  });

  it('errors', () => {
    expect(() => new StepFunction([1, 2], [1])).toThrow(messages.lengthMismatch('StepFunction', 'times', 2, 'values', 1));
    expect(() => new StepFunction([2, 1], [1, 1])).toThrow(messages.notAscending('StepFunction', 'times', 1));
    expect(() => new StepFunction([1, 1], [1, 1])).toThrow(messages.notAscending('StepFunction', 'times', 1));
    expect(() => new StepFunction([1, NaN], [1, 1])).toThrow(messages.notFinite('StepFunction', 'times', 1, NaN));
    expect(() => new StepFunction([1], [Infinity])).toThrow(messages.notFinite('StepFunction', 'values', 0, Infinity));
    expect(() => new StepFunction([1], [1], NaN)).toThrow(messages.finiteNumber('StepFunction', 'initial', NaN));
  });
});

describe('StepFunction properties (fast-check)', () => {
  const fnArb = fc
    .uniqueArray(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30, comparator: 'SameValueZero' })
    .chain((ts) =>
      fc.tuple(
        fc.constant([...ts].sort((a, b) => a - b)),
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: ts.length, maxLength: ts.length }),
        fc.double({ min: -10, max: 10, noNaN: true }),
      ),
    );

  it('equals a linear scan: value of the last jump <= t (right) or < t (left)', () => {
    fc.assert(
      fc.property(fnArb, fc.array(fc.double({ min: -2e6, max: 2e6, noNaN: true }), { maxLength: 20 }), ([times, values, init], qs) => {
        const f = new StepFunction(times, values, init);
        const queries = [...qs, ...times];
        for (const t of queries) {
          let right = init;
          let left = init;
          times.forEach((u, k) => {
            if (u <= t) right = values[k] as number;
            if (u < t) left = values[k] as number;
          });
          expect(f.at(t)).toBe(right);
          expect(f.at(t, { side: 'left' })).toBe(left);
        }
      }),
    );
  });
});
