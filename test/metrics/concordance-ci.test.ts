import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { concordanceConfidenceInterval } from '../../src/metrics/concordance-ci.js';
import { countPairs } from '../../src/metrics/concordance-pairs.js';
import { metabricCox, readCsv, readJson, fixtureDir } from './concordance-fixtures.js';
import { naiveHarrell, naiveIjSe, naiveNoetherVar, tiedData } from './naive-concordance.js';
import { join } from 'node:path';

const fn = 'concordanceConfidenceInterval';
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

interface TsCase {
  cindex: number;
  se_noether: number;
  ci_noether: number[];
  ci_noether_90: number[];
  ci_conservative: number[];
  float64_ties_agree: boolean;
}
const torchsurv = readJson<{ cases: Record<string, { A: TsCase; B: TsCase }> }>('concordance/torchsurv_cindex.json');

function torchsurvInputs(): Record<string, { time: number[]; event: number[]; A: number[]; B: number[] }> {
  const m = metabricCox();
  const s = readCsv(join(fixtureDir, 'concordance', 'synthetic_ties.csv'));
  return {
    metabric_coxph: { time: m.time, event: m.event, A: m.risk, B: m.risk.map((x) => Math.round(x * 2) / 2) },
    synthetic_ties: { time: s.duration as number[], event: s.event as number[], A: s.riskA as number[], B: s.riskB as number[] },
  };
}

describe('concordanceConfidenceInterval — golden values', () => {
  it('torchsurv 0.2.0 Noether and conservative intervals (METABRIC CoxPH, coarse and heavy-tie scores)', () => {
    const inputs = torchsurvInputs();
    for (const [name, c] of Object.entries(torchsurv.cases)) {
      const x = inputs[name] as { time: number[]; event: number[]; A: number[]; B: number[] };
      for (const which of ['A', 'B'] as const) {
        const g = c[which];
        expect(g.float64_ties_agree).toBe(true);
        const risk = x[which];
        const no = concordanceConfidenceInterval(x.time, x.event, risk);
        expect(no.method).toBe('noether');
        expect(relErr(no.cIndex, g.cindex)).toBeLessThanOrEqual(1e-10);
        expect(relErr(no.se, g.se_noether)).toBeLessThanOrEqual(1e-10);
        expect(relErr(no.lower, g.ci_noether[0] as number)).toBeLessThanOrEqual(1e-10);
        expect(relErr(no.upper, g.ci_noether[1] as number)).toBeLessThanOrEqual(1e-10);
        const no90 = concordanceConfidenceInterval(x.time, x.event, risk, { level: 0.9 });
        expect(relErr(no90.lower, g.ci_noether_90[0] as number)).toBeLessThanOrEqual(1e-10);
        expect(relErr(no90.upper, g.ci_noether_90[1] as number)).toBeLessThanOrEqual(1e-10);
        const co = concordanceConfidenceInterval(x.time, x.event, risk, { method: 'conservative' });
        expect(relErr(co.lower, g.ci_conservative[0] as number)).toBeLessThanOrEqual(1e-10);
        expect(relErr(co.upper, g.ci_conservative[1] as number)).toBeLessThanOrEqual(1e-10);
        expect(co.se * 1.959963984540054).toBeCloseTo((co.upper - co.lower) / 2, 12);
      }
    }
  });

  it('R survival 3.5.3 std.err (infinitesimal jackknife): METABRIC, lung, veteran, heavy ties', () => {
    const R = readJson<{ harrell_n: { std_err: number } }>('golden/expected/cindex_R_metabric_coxph.json');
    const d = metabricCox();
    const ij = concordanceConfidenceInterval(d.time, d.event, d.risk, { method: 'ij' });
    expect(relErr(ij.se, R.harrell_n.std_err)).toBeLessThanOrEqual(1e-10);
    expect(ij.lower).toBeCloseTo(ij.cIndex - 1.959963984540054 * ij.se, 14);
    const cases = readJson<{ cases: Record<string, { time: number[]; event: number[]; risk: number[]; harrell: { std_err: number; concordance: number } }> }>(
      'concordance/r_concordance.json',
    ).cases;
    for (const c of Object.values(cases)) {
      const r = concordanceConfidenceInterval(c.time, c.event, c.risk, { method: 'ij', tiedTol: 0 });
      expect(relErr(r.se, c.harrell.std_err)).toBeLessThanOrEqual(1e-10);
      expect(relErr(r.cIndex, c.harrell.concordance)).toBeLessThanOrEqual(1e-10);
    }
  });

  it('doc example: R gives 18 concordant of 21 pairs and std.err 0.076964003394454153', () => {
    const ci = concordanceConfidenceInterval([2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 0, 1, 1, 0, 1, 0], [8, 6, 7, 5, 3, 4, 1, 2], { method: 'ij' });
    expect(ci.cIndex).toBe(18 / 21);
    expect(relErr(ci.se, 0.076964003394454153)).toBeLessThanOrEqual(1e-10);
    expect(ci.upper).toBe(1);
  });

  it('named case: no discordant pairs → Noether se 0, interval [C, C]', () => {
    const r = concordanceConfidenceInterval([1, 2, 3, 4], [1, 1, 1, 0], [4, 3, 2, 1]);
    expect(r).toMatchObject({ cIndex: 1, se: 0, lower: 1, upper: 1 });
  });
});

describe('concordanceConfidenceInterval — errors', () => {
  it('rejects bad input and options', () => {
    expect(() => concordanceConfidenceInterval([1, 2, 3], [1, 0, 1], [1, 2])).toThrow(messages.lengthMismatch(fn, 'time', 3, 'risk', 2));
    expect(() => concordanceConfidenceInterval([1, 2, 3], [0, 0, 0], [1, 2, 3])).toThrow(messages.noEvents(fn, 'event'));
    expect(() => concordanceConfidenceInterval([1, 1, 1], [1, 1, 1], [1, 2, 3])).toThrow(messages.noComparablePairs(fn));
    expect(() => concordanceConfidenceInterval([1, 2, 3], [1, 0, 1], [1, 2, 3], { level: 1 })).toThrow(
      messages.optionRange(fn, 'level', 'a finite number > 0 and < 1', 1),
    );
    expect(() => concordanceConfidenceInterval([1, 2, 3], [1, 0, 1], [1, 2, 3], { method: 'bootstrap' as 'ij' })).toThrow(
      messages.optionRange(fn, 'method', "one of 'noether', 'conservative', 'ij'", 'bootstrap'),
    );
    expect(() => concordanceConfidenceInterval([1, 2, 3], [1, 0, 1], [5, 5, 5])).toThrow(messages.allPairsTied(fn, 'risk'));
    expect(() => concordanceConfidenceInterval([1, 2], [1, 0], [2, 1])).toThrow(messages.noetherSubjects(fn, 'time', 2));
    // one event, 1 concordant and 3 discordant pairs: the moment estimate of the variance is −1.25 (up to rounding)
    const neg = (): unknown => concordanceConfidenceInterval([0, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, -1, 0, 0, -2]);
    expect(neg).toThrow(messages.negativeVariance(fn, 'Noether', -1.25).split('(')[0]);
    expect(neg).toThrow(/use the infinitesimal-jackknife \('ij'\) or bootstrap method instead$/);
  });
});

describe('concordanceConfidenceInterval — properties', () => {
  it('per-subject counts, Noether and IJ standard errors equal the naive O(n²) versions on heavy ties', () => {
    fc.assert(
      fc.property(tiedData(), ({ time, event, risk }) => {
        const nv = naiveHarrell(time, event, risk);
        if (!event.includes(1) || nv.comparable === 0) return;
        const c = countPairs(Float64Array.from(time), Int32Array.from(event), Float64Array.from(risk), 1e-8, { perSubject: 'both' });
        const p = c.perSubject;
        expect(p).toBeDefined();
        if (p === undefined) return;
        expect(Array.from(p.anchorC)).toEqual(nv.anchorC);
        expect(Array.from(p.anchorD)).toEqual(nv.anchorD);
        expect(Array.from(p.anchorC, (a, i) => a + (p.otherC[i] as number))).toEqual(nv.eitherC);
        expect(Array.from(p.anchorD, (a, i) => a + (p.otherD[i] as number))).toEqual(nv.eitherD);
        expect(Array.from(p.anchorT, (a, i) => a + (p.otherT[i] as number))).toEqual(nv.eitherT);
        const ij = concordanceConfidenceInterval(time, event, risk, { method: 'ij' });
        expect(ij.se).toBeCloseTo(naiveIjSe(nv), 12);
        expect(ij.lower).toBeGreaterThanOrEqual(0);
        expect(ij.upper).toBeLessThanOrEqual(1);
        if (time.length >= 3 && nv.concordant + nv.discordant > 0) {
          const v = naiveNoetherVar(nv, time.length);
          if (v < -1e-12) {
            // a negative moment estimate of the variance (torchsurv: NaN, then it raises)
            expect(() => concordanceConfidenceInterval(time, event, risk)).toThrow(/Noether variance estimate is negative/);
            return;
          }
          const no = concordanceConfidenceInterval(time, event, risk);
          expect(no.se ** 2).toBeCloseTo(Math.max(0, v), 12);
          expect(no.cIndex).toBe(concordanceIndex(time, event, risk).cIndex);
          expect(no.lower).toBeLessThanOrEqual(no.cIndex);
          expect(no.upper).toBeGreaterThanOrEqual(no.cIndex);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a higher level gives a wider interval', () => {
    const d = metabricCox();
    for (const method of ['noether', 'conservative', 'ij'] as const) {
      const a = concordanceConfidenceInterval(d.time, d.event, d.risk, { method, level: 0.8 });
      const b = concordanceConfidenceInterval(d.time, d.event, d.risk, { method, level: 0.99 });
      expect(b.upper - b.lower).toBeGreaterThan(a.upper - a.lower);
    }
  });
});
