import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { curvesFor, SurvivalCurves, MONOTONE_TOL, type Interpolation } from '../../src/estimators/survival-curves.js';
import { messages } from '../../src/core/messages.js';

describe('SurvivalCurves construction', () => {
  it('the doc examples: row-major values, fromRows and fromTimeMajor (pycox layout)', () => {
    const c = new SurvivalCurves([1, 2], [0.9, 0.5, 0.8, 0.7]);
    expect([c.n, c.m]).toEqual([2, 2]);
    expect(c.get(1, 0)).toBe(0.8);
    expect(Array.from(c.row(0))).toEqual([0.9, 0.5]);
    expect(Object.isFrozen(c)).toBe(true);
    const r = SurvivalCurves.fromRows(
      [1, 2],
      [
        [0.9, 0.5],
        [0.8, 0.7],
      ],
    );
    expect(Array.from(r.values)).toEqual(Array.from(c.values));
    const t = SurvivalCurves.fromTimeMajor([1, 2], [0.9, 0.8, 0.5, 0.7], 2);
    expect(t.get(1, 0)).toBe(0.8);
    expect(Array.from(t.values)).toEqual(Array.from(c.values));
  });

  it('zero subjects are allowed', () => {
    const c = new SurvivalCurves([1, 2], []);
    expect(c.n).toBe(0);
    expect(SurvivalCurves.fromTimeMajor([1], [], 0).n).toBe(0);
  });

  it('tolerates rises up to MONOTONE_TOL from rounding', () => {
    expect(() => new SurvivalCurves([1, 2], [0.5, 0.5 + MONOTONE_TOL / 2])).not.toThrow();
  });

  it('validation errors name the function, argument, subject and column', () => {
    expect(() => new SurvivalCurves([], [])).toThrow(messages.empty('SurvivalCurves', 'times'));
    expect(() => new SurvivalCurves([2, 1], [1, 1])).toThrow(messages.notAscending('SurvivalCurves', 'times', 1));
    expect(() => new SurvivalCurves([1, 2], [1, 1, 1])).toThrow(
      messages.shapeMismatch('SurvivalCurves', 'values', 'n × 2 (a multiple of 2 values)', '3 values'),
    );
    expect(() => new SurvivalCurves([1, 2], [1, 0.5, 0.9, 1.5])).toThrow(messages.curveOutOfRange('SurvivalCurves', 'values', 1, 1, 1.5));
    expect(() => new SurvivalCurves([1, 2], [0.5, -0.1])).toThrow(messages.curveOutOfRange('SurvivalCurves', 'values', 0, 1, -0.1));
    expect(() => new SurvivalCurves([1, 2], [0.5, NaN])).toThrow(messages.notFinite('SurvivalCurves', 'values', 1, NaN));
    expect(() => new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.75])).toThrow(messages.curveIncreasing('SurvivalCurves', 'values', 0, 2, 0.75 - 0.5));
    expect(() => new SurvivalCurves([1], [1.5], { fn: 'brierScore', arg: 'curves' })).toThrow(messages.curveOutOfRange('brierScore', 'curves', 0, 0, 1.5));
  });

  it('fromRows / fromTimeMajor errors', () => {
    expect(() => SurvivalCurves.fromRows([1, 2], [[1, 0.5], [1]])).toThrow(
      messages.shapeMismatch('SurvivalCurves.fromRows', 'rows[1]', '2 values', '1 values'),
    );
    expect(() => SurvivalCurves.fromRows([1], 'abc' as never)).toThrow(
      messages.arrayOf('SurvivalCurves.fromRows', 'rows', 'curves (one array of survival probabilities per subject)', 'abc'),
    );
    expect(() => SurvivalCurves.fromTimeMajor([1, 2], [1, 1, 1], 2)).toThrow(
      messages.shapeMismatch('SurvivalCurves.fromTimeMajor', 'timeMajor', '2 × 2', '3 values'),
    );
    expect(() => SurvivalCurves.fromTimeMajor([1, 2], [1, 1, 1], 1.5)).toThrow(messages.nonNegativeInteger('SurvivalCurves.fromTimeMajor', 'nSubjects', 1.5));
    // NaN is reported at its index in the time-major input, not after reordering.
    expect(() => SurvivalCurves.fromTimeMajor([1, 2], [1, 1, NaN, 0.5], 2)).toThrow(messages.notFinite('SurvivalCurves.fromTimeMajor', 'timeMajor', 2, NaN));
    // time-major [[1, 0.5], [0.5, 0.75]]: subject 1 rises from 0.5 to 0.75 at grid column 1
    expect(() => SurvivalCurves.fromTimeMajor([1, 2], [1, 0.5, 0.5, 0.75], 2)).toThrow(
      messages.curveIncreasing('SurvivalCurves.fromTimeMajor', 'timeMajor', 1, 1, 0.25),
    );
  });
});

describe('SurvivalCurves reading', () => {
  const c = new SurvivalCurves([1, 3, 4], [0.75, 0.25, 0, 1, 0.5, 0.5]);

  it('indexAt / stepAt read right-continuous steps, 1 before the grid', () => {
    expect([0, 1, 2.9, 3, 10].map((t) => c.indexAt(t))).toEqual([-1, 0, 0, 1, 2]);
    expect([0, 1, 2, 3, 5].map((t) => c.stepAt(0, t))).toEqual([1, 0.75, 0.75, 0.25, 0]);
    expect(c.stepAt(1, 3.5)).toBe(0.5);
  });

  it("at(…, 'step') on another grid", () => {
    const s = c.at([0.5, 2, 4, 7]);
    expect(Array.from(s.times)).toEqual([0.5, 2, 4, 7]);
    expect(Array.from(s.row(0))).toEqual([1, 0.75, 0, 0]);
    expect(Array.from(s.row(1))).toEqual([1, 1, 0.5, 0.5]);
  });

  it("at(…, 'linear'): from (0, 1) to the first grid time, between grid times, constant after; 1 before 0", () => {
    const s = c.at([-1, 0, 0.5, 2, 3.5, 9], { interpolation: 'linear' });
    expect(Array.from(s.row(0))).toEqual([1, 1, 1 - 0.5 * 0.25, 0.5, 0.125, 0]);
    expect(Array.from(s.row(1))).toEqual([1, 1, 1, 0.75, 0.5, 0.5]);
    const doc = new SurvivalCurves([1, 3], [0.75, 0.25]).at([2], { interpolation: 'linear' });
    expect(Array.from(doc.values)).toEqual([0.5]);
  });

  it("'linear' with a grid that starts at 0 or below reads 1 before it", () => {
    const z = new SurvivalCurves([0, 2], [0.5, 0.25]);
    expect(Array.from(z.at([-1, 0, 1], { interpolation: 'linear' }).values)).toEqual([1, 0.5, 0.375]);
  });

  it('subset with repeats; errors', () => {
    const s = c.subset([1, 1, 0]);
    expect(s.n).toBe(3);
    expect(Array.from(s.row(2))).toEqual(Array.from(c.row(0)));
    expect(Array.from(s.row(0))).toEqual(Array.from(c.row(1)));
    expect(() => c.subset([2])).toThrow(messages.subjectIndex('SurvivalCurves.subset', 'idx[0]', 2, 2));
    expect(() => c.subset([1, 0.5])).toThrow(messages.subjectIndex('SurvivalCurves.subset', 'idx[1]', 2, 0.5));
  });

  it('at() errors', () => {
    expect(() => c.at([2, 1])).toThrow(messages.notAscending('SurvivalCurves.at', 'times', 1));
    expect(() => c.at([])).toThrow(messages.empty('SurvivalCurves.at', 'times'));
    expect(() => c.at([1], { interpolation: 'cubic' as Interpolation })).toThrow(
      messages.optionRange('SurvivalCurves.at', 'interpolation', "one of 'step', 'linear'", 'cubic'),
    );
  });
});

/** n random non-increasing curves on a random ascending grid. */
const curvesArb = fc
  .record({
    gaps: fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), { minLength: 1, maxLength: 12 }),
    start: fc.double({ min: 0, max: 3, noNaN: true }),
    n: fc.integer({ min: 1, max: 6 }),
    seed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 72, maxLength: 72 }),
  })
  .map(({ gaps, start, n, seed }) => {
    const times: number[] = [];
    let t = start;
    for (const g of gaps) times.push((t += g));
    const m = times.length;
    const rows = Array.from({ length: n }, (_, i) => {
      let s = 1;
      return times.map((_, k) => (s *= seed[(i * m + k) % seed.length] as number));
    });
    return SurvivalCurves.fromRows(times, rows);
  });

describe('SurvivalCurves properties (fast-check)', () => {
  it("at(grid, 'step') returns the same curves on the same grid", () => {
    fc.assert(
      fc.property(curvesArb, (c) => {
        const s = c.at(c.times);
        expect(Array.from(s.times)).toEqual(Array.from(c.times));
        expect(Array.from(s.values)).toEqual(Array.from(c.values));
        expect(Array.from(c.at(c.times, { interpolation: 'linear' }).values)).toEqual(Array.from(c.values));
      }),
    );
  });

  it("'linear' values between grid points lie between the neighbouring grid values; 'step' equals stepAt", () => {
    fc.assert(
      fc.property(curvesArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), (c, fr) => {
        const { times, m } = c;
        const q = [
          ...new Set(
            fr.map((f, j) => {
              const k = j % m;
              const lo = k === 0 ? 0 : (times[k - 1] as number);
              return lo + f * ((times[k] as number) - lo);
            }),
          ),
        ].sort((a, b) => a - b);
        const lin = c.at(q, { interpolation: 'linear' });
        const step = c.at(q);
        for (let j = 0; j < q.length; j++) {
          const t = q[j] as number;
          const k = c.indexAt(t);
          for (let i = 0; i < c.n; i++) {
            const left = k < 0 ? 1 : c.get(i, k);
            const right = k + 1 < m ? c.get(i, k + 1) : left;
            const v = lin.get(i, j);
            expect(v).toBeLessThanOrEqual(Math.max(left, right));
            expect(v).toBeGreaterThanOrEqual(Math.min(left, right));
            expect(step.get(i, j)).toBe(c.stepAt(i, t));
          }
        }
      }),
    );
  });

  it('subset(identity) equals the original; subset of a permutation permutes the rows', () => {
    fc.assert(
      fc.property(curvesArb, fc.integer({ min: 0, max: 1000 }), (c, shift) => {
        const id = Array.from({ length: c.n }, (_, i) => i);
        const same = c.subset(id);
        expect(Array.from(same.values)).toEqual(Array.from(c.values));
        expect(Array.from(same.times)).toEqual(Array.from(c.times));
        const perm = id.map((i) => (i + shift) % c.n);
        const p = c.subset(perm);
        perm.forEach((src, r) => expect(Array.from(p.row(r))).toEqual(Array.from(c.row(src))));
      }),
    );
  });

  it('fromTimeMajor of the transposed values equals the original', () => {
    fc.assert(
      fc.property(curvesArb, (c) => {
        const tm: number[] = [];
        for (let k = 0; k < c.m; k++) for (let i = 0; i < c.n; i++) tm.push(c.get(i, k));
        expect(Array.from(SurvivalCurves.fromTimeMajor(c.times, tm, c.n).values)).toEqual(Array.from(c.values));
      }),
    );
  });
});

describe('curvesFor (the internal path for the caller names)', () => {
  it('names the calling function and argument as the deprecated constructor options did', () => {
    expect(() => curvesFor('brierScore', [1], [1.5], 'curves')).toThrow(messages.curveOutOfRange('brierScore', 'curves', 0, 0, 1.5));
    expect(() => curvesFor('kaplanMeier', [1, 2], [0.5, 0.7])).toThrow(messages.curveIncreasing('kaplanMeier', 'values', 0, 1, 0.7 - 0.5));
    expect(curvesFor('kaplanMeier', [1, 2], [0.9, 0.5])).toStrictEqual(new SurvivalCurves([1, 2], [0.9, 0.5]));
  });
});
