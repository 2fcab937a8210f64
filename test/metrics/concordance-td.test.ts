import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { concordanceTd } from '../../src/metrics/concordance-td.js';
import { metabricCox, metabricCurves, readJson } from './concordance-fixtures.js';
import { naiveTd } from './naive-concordance.js';

const fn = 'concordanceTd';
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('concordanceTd — golden values (pycox 0.3.0 EvalSurv.concordance_td)', () => {
  for (const model of ['deephit', 'logistichazard'] as const) {
    it(`METABRIC ${model}: antolini and adj_antolini`, () => {
      const g = readJson<{ c_td_antolini: number; c_td_adj_antolini: number; provenance: { versions: { pycox: string } } }>(
        `golden/expected/evalsurv_metabric_${model}.json`,
      );
      expect(g.provenance.versions.pycox).toBe('0.3.0');
      const { curves, time, event } = metabricCurves(model);
      const a = concordanceTd(curves, { time, event });
      const b = concordanceTd(curves, { time, event }, { method: 'adjAntolini' });
      expect(relErr(a.cIndex, g.c_td_antolini)).toBeLessThanOrEqual(1e-10);
      expect(relErr(b.cIndex, g.c_td_adj_antolini)).toBeLessThanOrEqual(1e-10);
      expect(a.method).toBe('antolini');
      // antolini's comparable pairs are Harrell's
      expect(a.comparable).toBe(48333);
      // and both equal the naive pycox loop
      const rows = Array.from({ length: curves.n }, (_, i) => Array.from(curves.row(i)));
      expect(a).toMatchObject(naiveTd(curves.times, rows, time, event, 'antolini'));
      expect(b).toMatchObject(naiveTd(curves.times, rows, time, event, 'adjAntolini'));
    });
  }

  it('proportional hazards without ties: antolini C_td equals Harrell C (METABRIC CoxPH: 0.6326112593879958)', () => {
    const d = metabricCox();
    const grid = [...new Set(d.time)].sort((a, b) => a - b);
    // S_i(t) = S0(t)^exp(r_i) with a strictly decreasing S0 on the grid
    const rows = d.risk.map((r) => grid.map((_, k) => Math.exp(-(0.002 * (k + 1)) * Math.exp(r))));
    const curves = SurvivalCurves.fromRows(grid, rows);
    const td = concordanceTd(curves, { time: d.time, event: d.event });
    const h = concordanceIndex(d.time, d.event, d.risk);
    expect(h.cIndex).toBe(0.6326112593879958);
    expect(relErr(td.cIndex, h.cIndex)).toBeLessThanOrEqual(1e-10);
    expect([td.concordant, td.comparable]).toEqual([h.concordant, h.comparable]);
  });

  it('doc example; T before the first grid time reads the FIRST column, as pycox clips', () => {
    const curves = SurvivalCurves.fromRows(
      [1, 2, 3],
      [
        [0.5, 0.2, 0.1],
        [0.9, 0.8, 0.7],
      ],
    );
    expect(concordanceTd(curves, { time: [1, 3], event: [1, 0] }).cIndex).toBe(1);
    // event at 0.5 < grid[0]: column 0 gives 0.5 < 0.9 → concordant (reading 1 = 1 would be a tie)
    expect(concordanceTd(curves, { time: [0.5, 3], event: [1, 0] })).toMatchObject({ concordant: 1, comparable: 1 });
  });

  it('adjAntolini counts equal-time pairs in both orders', () => {
    const curves = SurvivalCurves.fromRows(
      [1, 2],
      [
        [0.5, 0.4],
        [0.5, 0.3],
        [0.6, 0.5],
      ],
    );
    // all at time 2: events 0 and 1 (tied time), 2 censored
    const r = concordanceTd(curves, { time: [2, 2, 2], event: [1, 1, 0] }, { method: 'adjAntolini' });
    // event–event (0,1),(1,0): s differ → ½ each; (0,2),(2,0): 0.4 < 0.5 → 1 each; (1,2),(2,1): 1 each
    expect(r).toMatchObject({ concordant: 5, comparable: 6 });
    const a = concordanceTd(curves, { time: [2, 2, 2], event: [1, 1, 0] });
    expect(a).toMatchObject({ concordant: 2, comparable: 2 });
  });
});

describe('concordanceTd — errors', () => {
  const curves = SurvivalCurves.fromRows(
    [1, 2],
    [
      [0.9, 0.5],
      [0.8, 0.6],
    ],
  );
  it('rejects bad input', () => {
    expect(() => concordanceTd({} as SurvivalCurves, { time: [1, 2], event: [1, 0] })).toThrow(messages.notInstance(fn, 'curves', 'SurvivalCurves object', {}));
    expect(() => concordanceTd(curves, { time: [1, 2, 3], event: [1, 0, 1] })).toThrow(
      messages.shapeMismatch(fn, 'curves', '3 subjects (one per label)', '2 subjects'),
    );
    expect(() => concordanceTd(curves, { time: [1, 2], event: [0, 0] })).toThrow(messages.noEvents(fn, 'labels.event'));
    expect(() => concordanceTd(curves, { time: [1, 1], event: [1, 1] })).toThrow(messages.noComparablePairs(fn));
    expect(() => concordanceTd(curves, { time: [1, -1], event: [1, 0] })).toThrow(messages.negative(fn, 'time', 1, -1));
    expect(() => concordanceTd(curves, { time: [1, 2], event: [1, 3] })).toThrow(messages.notBinaryEvent(fn, 'labels.event', 1, 3));
    expect(() => concordanceTd(curves, { time: [1, 2], event: [1, 0] }, { method: 'adj_antolini' as 'antolini' })).toThrow(
      messages.optionRange(fn, 'method', "one of 'antolini', 'adjAntolini'", 'adj_antolini'),
    );
  });
});

/** Random curves on a small grid with many exact ties between subjects. */
const tdData = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    m: fc.integer({ min: 1, max: 6 }),
    time: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: n, maxLength: n }),
    event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
    drops: fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }), { minLength: n, maxLength: n }),
    shift: fc.constantFrom(0, 0.5, 2),
  }),
);

describe('concordanceTd — properties', () => {
  it('equals the naive pycox double loop on random tied curves (both methods)', () => {
    fc.assert(
      fc.property(tdData, fc.constantFrom('antolini' as const, 'adjAntolini' as const), ({ m, time, event, drops, shift }, method) => {
        const grid = Array.from({ length: m }, (_, k) => 1.5 * k + shift);
        const rows = drops.map((d) => {
          let used = 0;
          return grid.map((_, k) => Math.max(0, 10 - (used += d[k] as number)) / 10);
        });
        const curves = SurvivalCurves.fromRows(grid, rows);
        const nv = naiveTd(grid, rows, time, event, method);
        if (!event.includes(1)) {
          expect(() => concordanceTd(curves, { time, event }, { method })).toThrow(messages.noEvents(fn, 'labels.event'));
          return;
        }
        if (nv.comparable === 0) {
          expect(() => concordanceTd(curves, { time, event }, { method })).toThrow(messages.noComparablePairs(fn));
          return;
        }
        const r = concordanceTd(curves, { time, event }, { method });
        expect(r).toEqual({ cIndex: nv.concordant / nv.comparable, concordant: nv.concordant, comparable: nv.comparable, method });
        expect(r.cIndex).toBeGreaterThanOrEqual(0);
        expect(r.cIndex).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it('antolini C_td equals Harrell C for PH curves S0(t)^exp(r) without risk ties', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((n) =>
          fc.record({
            time: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: n, maxLength: n }),
            event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
            perm: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
          }),
        ),
        ({ time, event, perm }) => {
          const risk = perm.map((p) => p / 10 - 1);
          const grid = Array.from({ length: 13 }, (_, k) => k);
          const rows = risk.map((r) => grid.map((t) => Math.exp(-0.05 * (t + 1) * Math.exp(r))));
          let h;
          try {
            h = concordanceIndex(time, event, risk);
          } catch {
            return;
          }
          const td = concordanceTd(SurvivalCurves.fromRows(grid, rows), { time, event });
          expect([td.concordant, td.comparable]).toEqual([h.concordant, h.comparable]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
