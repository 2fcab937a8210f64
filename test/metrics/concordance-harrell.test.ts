import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { metabricCox, readJson } from './concordance-fixtures.js';
import { naiveHarrell, tiedData } from './naive-concordance.js';

const fn = 'concordanceIndex';

const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('concordanceIndex — golden values', () => {
  it('METABRIC CoxPH equals scikit-survival 0.21, lifelines and R (counts exact)', () => {
    const g = readJson<{ sksurv: Record<string, number>; lifelines: Record<string, number> }>('golden/expected/cindex_py_metabric_coxph.json');
    const d = metabricCox();
    const r = concordanceIndex(d.time, d.event, d.risk);
    expect(relErr(r.cIndex, g.sksurv.harrell as number)).toBeLessThanOrEqual(1e-10);
    expect(r.concordant).toBe(g.sksurv.concordant);
    expect(r.discordant).toBe(g.sksurv.discordant);
    expect(r.tiedRisk).toBe(g.sksurv.tied_risk);
    expect(r.tiedTime).toBe(g.sksurv.tied_time); // 7; R's tied.y is 4 (event pairs)
    expect(r.comparable).toBe(g.lifelines.num_pairs);
    const R = readJson<{ harrell_n: Record<string, number> }>('golden/expected/cindex_R_metabric_coxph.json');
    expect(relErr(r.cIndex, R.harrell_n.concordance as number)).toBeLessThanOrEqual(1e-10);
  });

  it('lifelines convention: direction "survival" on −risk gives the same result', () => {
    const d = metabricCox();
    const a = concordanceIndex(d.time, d.event, d.risk);
    const b = concordanceIndex(
      d.time,
      d.event,
      d.risk.map((x) => -x),
      { direction: 'survival' },
    );
    expect(b).toEqual(a);
  });

  it('R survival 3.5.3 on lung, veteran and heavy-tie data (tiedTol 0 = R exact ties)', () => {
    const R = readJson<{ cases: Record<string, { time: number[]; event: number[]; risk: number[]; harrell: Record<string, number> }> }>(
      'concordance/r_concordance.json',
    );
    for (const c of Object.values(R.cases)) {
      const r = concordanceIndex(c.time, c.event, c.risk, { tiedTol: 0 });
      expect(relErr(r.cIndex, c.harrell.concordance as number)).toBeLessThanOrEqual(1e-10);
      expect(r.concordant).toBe(c.harrell.concordant);
      expect(r.discordant).toBe(c.harrell.discordant);
      expect(r.tiedRisk).toBe(c.harrell.tied_x);
    }
  });

  it('doc example', () => {
    const r = concordanceIndex([1, 2, 3, 4], [1, 1, 0, 1], [4, 2, 1, 3]);
    expect(r).toEqual({ cIndex: 0.8, concordant: 4, discordant: 1, tiedRisk: 0, tiedTime: 0, comparable: 5 });
  });

  it('named tie cases: censored at an event time is comparable, two events at one time are not', () => {
    // events at 2 and 2 (not comparable with each other), censored at 2 (comparable with both)
    const r = concordanceIndex([2, 2, 2, 5], [1, 1, 0, 0], [3, 1, 2, 0]);
    // pairs: (0,2) conc, (0,3) conc, (1,2) disc, (1,3) conc
    expect(r).toMatchObject({ concordant: 3, discordant: 1, tiedRisk: 0, tiedTime: 2, comparable: 4, cIndex: 0.75 });
    // risk ties within tolerance count ½
    const t = concordanceIndex([1, 2], [1, 0], [1, 1 + 1e-9]);
    expect(t).toMatchObject({ tiedRisk: 1, cIndex: 0.5 });
    expect(concordanceIndex([1, 2], [1, 0], [1, 1 + 1e-9], { tiedTol: 0 }).cIndex).toBe(0);
  });
});

describe('concordanceIndex — errors', () => {
  it('rejects bad input with catalogue messages', () => {
    expect(() => concordanceIndex([1, 2], [1, 0], [1])).toThrow(messages.lengthMismatch(fn, 'time', 2, 'risk', 1));
    expect(() => concordanceIndex([1, 2], [1], [1, 2])).toThrow(messages.lengthMismatch(fn, 'time', 2, 'event', 1));
    expect(() => concordanceIndex([1, 2], [1, 0], [1, NaN])).toThrow(messages.notFinite(fn, 'risk', 1, NaN));
    expect(() => concordanceIndex([1, NaN], [1, 0], [1, 2])).toThrow(messages.notFinite(fn, 'time', 1, NaN));
    expect(() => concordanceIndex([1, -2], [1, 0], [1, 2])).toThrow(messages.negative(fn, 'time', 1, -2));
    expect(() => concordanceIndex([1, 2], [0, 0], [1, 2])).toThrow(messages.noEvents(fn, 'event'));
    expect(() => concordanceIndex([1, 2], [2, 0], [1, 2])).toThrow(messages.notBinaryEvent(fn, 'event', 0, 2));
    expect(() => concordanceIndex([1, 1], [1, 1], [1, 2])).toThrow(messages.noComparablePairs(fn));
    expect(() => concordanceIndex([3, 1], [1, 0], [1, 2])).toThrow(messages.noComparablePairs(fn));
    expect(() => concordanceIndex([1, 2], [1, 0], [1, 2], { tiedTol: -1 })).toThrow(messages.optionRange(fn, 'tiedTol', 'a finite number >= 0', -1));
    expect(() => concordanceIndex([1, 2], [1, 0], [1, 2], { direction: 'up' as 'risk' })).toThrow(
      messages.optionRange(fn, 'direction', "one of 'risk', 'survival'", 'up'),
    );
  });
});

describe('concordanceIndex — properties', () => {
  it('equals the naive O(n²) count on heavy ties in time and risk', () => {
    fc.assert(
      fc.property(tiedData(), fc.constantFrom(0, 1e-8, 1, 2.5), ({ time, event, risk }, tol) => {
        const nv = naiveHarrell(time, event, risk, tol);
        if (!event.includes(1)) {
          expect(() => concordanceIndex(time, event, risk, { tiedTol: tol })).toThrow(messages.noEvents(fn, 'event'));
          return;
        }
        if (nv.comparable === 0) {
          expect(() => concordanceIndex(time, event, risk, { tiedTol: tol })).toThrow(messages.noComparablePairs(fn));
          return;
        }
        const r = concordanceIndex(time, event, risk, { tiedTol: tol });
        expect(r).toEqual({
          cIndex: nv.cIndex,
          concordant: nv.concordant,
          discordant: nv.discordant,
          tiedRisk: nv.tiedRisk,
          tiedTime: nv.tiedTime,
          comparable: nv.comparable,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('equals the naive count on continuous risks that differ by less than the tolerance', () => {
    fc.assert(
      fc.property(
        tiedData(30),
        fc.array(fc.double({ min: -3e-8, max: 3e-8, noNaN: true }), { minLength: 30, maxLength: 30 }),
        ({ time, event, risk }, jitter) => {
          const r2 = risk.map((x, i) => x + (jitter[i] as number));
          const nv = naiveHarrell(time, event, r2, 1e-8);
          if (!event.includes(1) || nv.comparable === 0) return;
          const r = concordanceIndex(time, event, r2);
          expect([r.concordant, r.discordant, r.tiedRisk]).toEqual([nv.concordant, nv.discordant, nv.tiedRisk]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('C is in [0, 1], invariant under increasing transforms, and C(−risk) = 1 − C without risk ties', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }).chain((n) =>
          fc.record({
            time: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: n, maxLength: n }),
            event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
            perm: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
          }),
        ),
        ({ time, event, perm }) => {
          const risk = perm.map((p) => (p - perm.length / 2) / 7); // distinct, spaced >> tol
          if (naiveHarrell(time, event, risk).comparable === 0) return;
          const r = concordanceIndex(time, event, risk);
          expect(r.cIndex).toBeGreaterThanOrEqual(0);
          expect(r.cIndex).toBeLessThanOrEqual(1);
          expect(concordanceIndex(time, event, risk.map(Math.exp)).cIndex).toBe(r.cIndex);
          expect(
            concordanceIndex(
              time,
              event,
              risk.map((x) => x ** 3 + x),
            ).cIndex,
          ).toBe(r.cIndex);
          const neg = concordanceIndex(
            time,
            event,
            risk.map((x) => -x),
          );
          expect(neg.cIndex).toBeCloseTo(1 - r.cIndex, 14);
          expect([neg.concordant, neg.discordant]).toEqual([r.discordant, r.concordant]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order of the subjects', () => {
    fc.assert(
      fc.property(
        tiedData().chain((d) =>
          fc.record({ d: fc.constant(d), p: fc.shuffledSubarray([...d.time.keys()], { minLength: d.time.length, maxLength: d.time.length }) }),
        ),
        ({ d, p }) => {
          if (naiveHarrell(d.time, d.event, d.risk).comparable === 0) return;
          const a = concordanceIndex(d.time, d.event, d.risk);
          const b = concordanceIndex(
            p.map((i) => d.time[i] as number),
            p.map((i) => d.event[i] as number),
            p.map((i) => d.risk[i] as number),
          );
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 100 },
    );
  });
});
