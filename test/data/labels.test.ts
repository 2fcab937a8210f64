import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asLabels, assertSingleRisk, countEvents, isSurvivalLabels, subsetLabels, survivalLabels, toEventCodes } from '../../src/data/labels.js';
import { messages } from '../../src/core/messages.js';
import { SurvkitError } from '../../src/core/errors.js';

describe('survivalLabels', () => {
  it('the doc example: booleans and integers become an Int32Array', () => {
    const y = survivalLabels([5, 3, 9], [1, 0, true]);
    expect(y.time).toBeInstanceOf(Float64Array);
    expect(y.event).toBeInstanceOf(Int32Array);
    expect(Array.from(y.time)).toEqual([5, 3, 9]);
    expect(Array.from(y.event)).toEqual([1, 0, 1]);
    expect(Object.isFrozen(y)).toBe(true);
  });

  it('accepts typed arrays, boolean events, cause codes and time 0; copies the input', () => {
    const t = new Float32Array([0, 1.5, 2]);
    const e = [false, true, 2];
    const y = survivalLabels(t, e);
    expect(Array.from(y.time)).toEqual([0, 1.5, 2]);
    expect(Array.from(y.event)).toEqual([0, 1, 2]);
    t[0] = 7;
    expect(y.time[0]).toBe(0);
    const z = survivalLabels(new Float64Array([1]), new Uint8Array([1]));
    expect(Array.from(z.event)).toEqual([1]);
  });

  it('errors (messages from the catalogue, naming the function and argument)', () => {
    expect(() => survivalLabels([1, 2, 3], [1, 0])).toThrow(messages.lengthMismatch('survivalLabels', 'time', 3, 'event', 2));
    expect(() => survivalLabels([1, NaN], [1, 0])).toThrow(messages.notFinite('survivalLabels', 'time', 1, NaN));
    expect(() => survivalLabels([Infinity], [1])).toThrow(messages.notFinite('survivalLabels', 'time', 0, Infinity));
    expect(() => survivalLabels(new Float64Array([-Infinity]), [1])).toThrow(messages.notFinite('survivalLabels', 'time', 0, -Infinity));
    expect(() => survivalLabels([1, -0.5], [1, 0])).toThrow(messages.negative('survivalLabels', 'time', 1, -0.5));
    expect(() => survivalLabels([1, 2], [1, 1.5])).toThrow(messages.badEventCode('survivalLabels', 'event', 1, 1.5));
    expect(() => survivalLabels([1, 2], [-1, 1])).toThrow(messages.badEventCode('survivalLabels', 'event', 0, -1));
    expect(() => survivalLabels([1], [NaN])).toThrow(messages.badEventCode('survivalLabels', 'event', 0, NaN));
    expect(() => survivalLabels([1], ['1'])).toThrow(messages.badEventCode('survivalLabels', 'event', 0, '1'));
    expect(() => survivalLabels([], [])).toThrow(messages.empty('survivalLabels', 'time'));
    expect(() => survivalLabels([1], [])).toThrow(messages.empty('survivalLabels', 'event'));
    expect(() => survivalLabels(5, [1])).toThrow(messages.notArray('survivalLabels', 'time', 5));
    expect(() => survivalLabels([1], null)).toThrow(messages.notArray('survivalLabels', 'event', null));
    expect(() => survivalLabels([true], [1])).toThrow(messages.notNumber('survivalLabels', 'time', 0, true));
    expect(() => survivalLabels(['3'], [1])).toThrow(messages.notNumber('survivalLabels', 'time', 0, '3'));
  });

  it('throws SurvkitError with code, fn and arg', () => {
    try {
      survivalLabels([1, -2], [1, 1], 'myFn');
      expect.fail('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(SurvkitError);
      expect((err as SurvkitError).code).toBe('negative');
      expect((err as SurvkitError).fn).toBe('myFn');
      expect((err as SurvkitError).arg).toBe('time');
      expect((err as Error).message).toBe(messages.negative('myFn', 'time', 1, -2));
    }
  });
});

describe('toEventCodes', () => {
  it('converts and validates', () => {
    expect(Array.from(toEventCodes('f', 'e', [true, false, 3]))).toEqual([1, 0, 3]);
    expect(() => toEventCodes('f', 'e', 'abc')).toThrow(messages.notArray('f', 'e', 'abc'));
    expect(() => toEventCodes('f', 'e', [2 ** 31])).toThrow(messages.badEventCode('f', 'e', 0, 2 ** 31));
    expect(() => toEventCodes('f', 'e', new Float64Array(0))).toThrow(messages.empty('f', 'e'));
  });
});

describe('asLabels', () => {
  it('passes labels made by survivalLabels through unchanged', () => {
    const y = survivalLabels([1, 2], [1, 0]);
    expect(asLabels('f', 'labels', y)).toBe(y);
  });

  it('validates { time, event } arrays in the name of the caller', () => {
    const y = asLabels('myMetric', 'labels', { time: [1, 2], event: [1, 0] });
    expect(Array.from(y.event)).toEqual([1, 0]);
    expect(() => asLabels('myMetric', 'labels', { time: [1, 2], event: [1] })).toThrow(messages.lengthMismatch('myMetric', 'time', 2, 'event', 1));
  });

  it('validates hand-built typed-array labels too (NaN, negative time, length mismatch)', () => {
    const bad = { time: new Float64Array([1, NaN]), event: new Int32Array([1, 0]) };
    expect(isSurvivalLabels(bad)).toBe(true);
    expect(() => asLabels('f', 'labels', bad)).toThrow(messages.notFinite('f', 'time', 1, NaN));
    expect(() => asLabels('f', 'labels', { time: new Float64Array([-1]), event: new Int32Array([1]) })).toThrow(messages.negative('f', 'time', 0, -1));
    expect(() => asLabels('f', 'labels', { time: new Float64Array([1, 2]), event: new Int32Array([1]) })).toThrow(
      messages.lengthMismatch('f', 'time', 2, 'event', 1),
    );
    expect(() => asLabels('f', 'labels', { time: new Float64Array([1]), event: new Int32Array([-3]) })).toThrow(messages.badEventCode('f', 'event', 0, -3));
    const ok = { time: new Float64Array([2, 1]), event: new Int32Array([0, 1]) };
    expect(Array.from(asLabels('f', 'labels', ok).time)).toEqual([2, 1]);
  });

  it('rejects non-label objects', () => {
    for (const x of [null, 5, [1, 2], { time: [1] }]) {
      expect(() => asLabels('f', 'labels', x)).toThrow(messages.notLabels('f', 'labels', x));
    }
  });
});

describe('assertSingleRisk, countEvents, subsetLabels', () => {
  it('assertSingleRisk accepts 0/1 and names the first competing cause', () => {
    expect(() => assertSingleRisk('f', 'labels', survivalLabels([1, 2], [0, 1]))).not.toThrow();
    expect(() => assertSingleRisk('f', 'labels', survivalLabels([1, 2, 3], [0, 2, 3]))).toThrow(messages.notBinaryEvent('f', 'labels', 1, 2));
  });

  it('countEvents counts every non-zero code (doc example)', () => {
    expect(countEvents(survivalLabels([1, 2, 3], [1, 0, 2]))).toBe(2);
    expect(countEvents(survivalLabels([1], [0]))).toBe(0);
  });

  it('subsetLabels: repeats and order (doc example); result still passes asLabels unchanged', () => {
    const y = survivalLabels([5, 3, 9], [1, 0, 1]);
    const s = subsetLabels(y, [2, 2, 0]);
    expect(Array.from(s.time)).toEqual([9, 9, 5]);
    expect(Array.from(s.event)).toEqual([1, 1, 1]);
    expect(asLabels('f', 'labels', s)).toBe(s);
    expect(subsetLabels(y, []).time.length).toBe(0);
  });

  it('subsetLabels rejects out-of-range and fractional indices', () => {
    const y = survivalLabels([5, 3], [1, 0]);
    expect(() => subsetLabels(y, [0, 2])).toThrow(messages.subjectIndex('subsetLabels', 'idx[1]', 2, 2));
    expect(() => subsetLabels(y, [-1])).toThrow(messages.subjectIndex('subsetLabels', 'idx[0]', 2, -1));
    expect(() => subsetLabels(y, [0.5])).toThrow(messages.subjectIndex('subsetLabels', 'idx[0]', 2, 0.5));
  });
});

describe('labels properties (fast-check)', () => {
  const rowsArb = fc.array(fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 5 }))), {
    minLength: 1,
    maxLength: 50,
  });

  it('survivalLabels keeps every value; countEvents = number of non-zero/true events', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const y = survivalLabels(
          rows.map((r) => r[0]),
          rows.map((r) => r[1]),
        );
        rows.forEach(([t, e], i) => {
          expect(y.time[i]).toBe(t);
          expect(y.event[i]).toBe(typeof e === 'boolean' ? Number(e) : e);
        });
        expect(countEvents(y)).toBe(rows.filter((r) => r[1] !== 0 && r[1] !== false).length);
      }),
    );
  });

  it('subsetLabels(idx) picks rows idx; the identity gives equal labels', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(fc.nat(), { maxLength: 60 }), (rows, raw) => {
        const y = survivalLabels(
          rows.map((r) => r[0]),
          rows.map((r) => r[1]),
        );
        const idx = raw.map((v) => v % rows.length);
        const s = subsetLabels(y, idx);
        idx.forEach((i, k) => {
          expect(s.time[k]).toBe(y.time[i]);
          expect(s.event[k]).toBe(y.event[i]);
        });
        const same = subsetLabels(
          y,
          rows.map((_, i) => i),
        );
        expect(Array.from(same.time)).toEqual(Array.from(y.time));
        expect(Array.from(same.event)).toEqual(Array.from(y.event));
      }),
    );
  });

  it('any negative time is rejected at its index', () => {
    fc.assert(
      fc.property(rowsArb, fc.nat(), fc.double({ min: -1e6, max: -1e-300, noNaN: true }), (rows, at, neg) => {
        const time = rows.map((r) => r[0]);
        const i = at % time.length;
        time[i] = neg;
        expect(() =>
          survivalLabels(
            time,
            rows.map((r) => r[1]),
          ),
        ).toThrow(messages.negative('survivalLabels', 'time', i, neg));
      }),
    );
  });
});
