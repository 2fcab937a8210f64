/**
 * Harrell's C and Kaplan–Meier with entry times (and C with strata) against R survival 3.5.3
 * (test/fixtures/cox/strata_entry_R.json, generator cox_strata_entry.R):
 * concordance(Surv(start, stop, event) ~ g [+ strata(s)], reverse = TRUE) and
 * survfit(Surv(start, stop, event) ~ 1), on the heart transplant data and a synthetic set.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { kaplanMeier } from '../../src/estimators/kaplan-meier.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from '../losses/reference.js';

interface Case {
  name: string;
  entry: number[];
  exit: number[];
  event: number[];
  strata: string[];
  g: number[];
  km: { time: number[]; surv: number[]; n_risk: number[]; n_event: number[]; std_err: (number | null)[] };
  concordance_entry: number;
  concordance_entry_counts: { concordant: number; discordant: number; 'tied.x': number };
  concordance_strata_entry: number;
}

const { cases } = readJson<{ cases: Case[] }>('cox/strata_entry_R.json');
const worst = { c: 0, km: 0 };

describe('concordanceIndex with entry times and strata = R concordance (golden)', () => {
  for (const c of cases) {
    it(`${c.name}: counts and C with entry; C with entry and strata`, () => {
      const labels = { time: c.exit, event: c.event };
      const r = concordanceIndex(labels, c.g, { entry: c.entry, tiedTol: 0 });
      expect([r.concordant, r.discordant, r.tiedRisk]).toEqual([
        c.concordance_entry_counts.concordant,
        c.concordance_entry_counts.discordant,
        c.concordance_entry_counts['tied.x'],
      ]);
      const s = concordanceIndex(labels, c.g, { entry: c.entry, strata: c.strata, tiedTol: 0 });
      for (const [got, want] of [
        [r.cIndex, c.concordance_entry],
        [s.cIndex, c.concordance_strata_entry],
      ] as const) {
        worst.c = Math.max(worst.c, Math.abs(got - want) / want);
        expect(Math.abs(got - want) / want).toBeLessThan(1e-14);
      }
    });
  }

  it('property: entry times all below the first time change nothing; strata equal the per-stratum counts summed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 3, maxLength: 30 }),
        (rows) => {
          const time = rows.map((r) => r[0]);
          const event = rows.map((r, i) => (i === 0 || r[1] ? 1 : 0));
          const risk = rows.map((r) => r[2]);
          const strata = rows.map((r) => (r[3] ? 'a' : 'b'));
          let plain;
          try {
            plain = concordanceIndex({ time, event }, risk);
          } catch {
            return; // no comparable pairs
          }
          const withEntry = concordanceIndex({ time, event }, risk, { entry: time.map(() => 0) });
          expect([withEntry.concordant, withEntry.discordant, withEntry.tiedRisk]).toEqual([plain.concordant, plain.discordant, plain.tiedRisk]);
          let concordant = 0;
          let comparable = 0;
          for (const k of ['a', 'b']) {
            const idx = strata.map((s, i) => (s === k ? i : -1)).filter((i) => i >= 0);
            try {
              const one = concordanceIndex(
                { time: idx.map((i) => time[i] as number), event: idx.map((i) => event[i] as number) },
                idx.map((i) => risk[i] as number),
              );
              concordant += one.concordant;
              comparable += one.comparable;
            } catch {
              // a stratum without comparable pairs
            }
          }
          if (comparable === 0) return;
          const both = concordanceIndex({ time, event }, risk, { strata });
          expect([both.concordant, both.comparable]).toEqual([concordant, comparable]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('errors name the argument', () => {
    expect(() => concordanceIndex({ time: [1, 2], event: [1, 1] }, [1, 2], { entry: [0, 2] })).toThrow(
      messages.entryNotBeforeExit('concordanceIndex', 'entry', 1, 2, 2),
    );
  });
});

describe('kaplanMeier with entry times = R survfit(Surv(start, stop, event) ~ 1) (golden)', () => {
  for (const c of cases) {
    it(`${c.name}: times, numbers at risk, events, survival and Greenwood standard error`, () => {
      const km = kaplanMeier({ time: c.exit, event: c.event }, { entry: c.entry });
      expect(Array.from(km.times)).toEqual(c.km.time);
      expect(Array.from(km.nRisk)).toEqual(c.km.n_risk);
      expect(Array.from(km.nEvents)).toEqual(c.km.n_event);
      c.km.surv.forEach((s, k) => {
        const err = Math.abs((km.values[k] as number) - s) / Math.max(s, 1e-300);
        worst.km = Math.max(worst.km, err);
        expect(err).toBeLessThan(1e-12);
        const se = c.km.std_err[k];
        if (se === null || se === undefined)
          expect(km.stdErr[k]).toBe(Infinity); // R: Inf once Ŝ = 0 (written as null)
        else expect(Math.abs((km.stdErr[k] as number) - se)).toBeLessThan(1e-12 * Math.max(1, se));
      });
    });
  }

  it('reports the largest errors', () => {
    console.log('entry/strata vs R: largest relative error of C and of KM', JSON.stringify(worst));
    expect(() => kaplanMeier({ time: [1, 2], event: [1, 1] }, { entry: [1, 0] })).toThrow(messages.entryNotBeforeExit('kaplanMeier', 'entry', 0, 1, 1));
  });
});
