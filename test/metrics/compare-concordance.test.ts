import { join } from 'node:path';
import fc from 'fast-check';
import { sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { SurvkitError } from '../../src/core/errors.js';
import { compareConcordance } from '../../src/metrics/compare-concordance.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { fixtureDir, metabricCox, readCsv, readJson } from './concordance-fixtures.js';

const fn = 'compareConcordance';
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function inputs(): Record<string, { time: number[]; event: number[]; A: number[]; B: number[] }> {
  const m = metabricCox();
  const s = readCsv(join(fixtureDir, 'concordance', 'synthetic_ties.csv'));
  return {
    metabric_coxph: { time: m.time, event: m.event, A: m.risk, B: m.risk.map((x) => Math.round(x * 2) / 2) },
    synthetic_ties: { time: s.duration as number[], event: s.event as number[], A: s.riskA as number[], B: s.riskB as number[] },
  };
}

describe('compareConcordance — Noether t-test (torchsurv 0.2.0 ConcordanceIndex.compare)', () => {
  const golden = readJson<{ cases: Record<string, { compare_noether_greater: number; A: { cindex: number }; B: { cindex: number } }> }>(
    'concordance/torchsurv_cindex.json',
  );
  it('one-sided p-value equals torchsurv; two-sided is twice the smaller tail', () => {
    const x = inputs();
    for (const [name, g] of Object.entries(golden.cases)) {
      const d = x[name] as { time: number[]; event: number[]; A: number[]; B: number[] };
      const gt = compareConcordance(d.time, d.event, d.A, d.B, { method: 'noether', alternative: 'greater' });
      expect(relErr(gt.pValue, g.compare_noether_greater)).toBeLessThanOrEqual(1e-10);
      expect(relErr(gt.cIndexA, g.A.cindex)).toBeLessThanOrEqual(1e-10);
      expect(relErr(gt.cIndexB, g.B.cindex)).toBeLessThanOrEqual(1e-10);
      expect(gt.difference).toBe(gt.cIndexA - gt.cIndexB);
      const two = compareConcordance(d.time, d.event, d.A, d.B, { method: 'noether' });
      expect(two.alternative).toBe('two-sided');
      expect(two.pValue).toBeCloseTo(2 * Math.min(gt.pValue, 1 - gt.pValue), 14);
      const less = compareConcordance(d.time, d.event, d.A, d.B, { method: 'noether', alternative: 'less' });
      expect(less.pValue).toBeCloseTo(1 - gt.pValue, 14);
      // the interval excludes 0 exactly when the two-sided p is below 1 − level
      expect(two.lower < 0 && two.upper > 0).toBe(two.pValue > 0.05);
    }
  });

  it('the same ranking gives p = 1 (torchsurv)', () => {
    const d = metabricCox();
    const r = compareConcordance(d.time, d.event, d.risk, d.risk.map(Math.exp), { method: 'noether' });
    expect(r).toMatchObject({ difference: 0, pValue: 1 });
  });
});

describe('compareConcordance — R survival paired comparison (infinitesimal jackknife)', () => {
  it('se of C_A − C_B equals √(v11 + v22 − 2 v12) from R concordance(fit_a, fit_b)', () => {
    const R = readJson<{ compare: Record<string, { time: number[]; event: number[]; a: number[]; b: number[]; concordance: number[]; var: number[] }> }>(
      'concordance/r_concordance.json',
    );
    for (const c of Object.values(R.compare)) {
      const r = compareConcordance(c.time, c.event, c.a, c.b, { method: 'ij', tiedTol: 0 });
      const [v11, v21, , v22] = c.var as [number, number, number, number];
      expect(relErr(r.cIndexA, c.concordance[0] as number)).toBeLessThanOrEqual(1e-10);
      expect(relErr(r.cIndexB, c.concordance[1] as number)).toBeLessThanOrEqual(1e-10);
      expect(relErr(r.se, Math.sqrt(v11 + v22 - 2 * v21))).toBeLessThanOrEqual(1e-10);
      const z = r.difference / r.se;
      expect(r.lower).toBeCloseTo(r.difference - 1.959963984540054 * r.se, 14);
      expect(r.pValue).toBeGreaterThan(0);
      const gt = compareConcordance(c.time, c.event, c.a, c.b, { method: 'ij', tiedTol: 0, alternative: 'greater' });
      expect(r.pValue).toBeCloseTo(2 * Math.min(gt.pValue, 1 - gt.pValue), 14);
      expect(gt.pValue < 0.5).toBe(z > 0);
    }
  });
});

describe('compareConcordance — paired bootstrap', () => {
  const d = metabricCox();
  const rb = d.risk.map((x, i) => x + 0.8 * Math.sin(i * 12.9898)); // a noisier model

  it('resamples the same subjects for both scores (replicates reproduce by hand)', () => {
    const reps = 60;
    const r = compareConcordance(d.time, d.event, d.risk, rb, { replicates: reps, seed: 7 });
    const rng = new Random(7);
    const diffs: number[] = [];
    for (let b = 0; b < reps; b++) {
      const idx = Array.from(rng.sampleWithReplacement(d.time.length));
      const pick = (v: number[]): number[] => idx.map((i) => v[i] as number);
      diffs.push(concordanceIndex(pick(d.time), pick(d.event), pick(d.risk)).cIndex - concordanceIndex(pick(d.time), pick(d.event), pick(rb)).cIndex);
    }
    expect(r.se).toBeCloseTo(sampleStandardDeviation(diffs), 14);
    const le = diffs.filter((x) => x <= 0).length;
    const ge = diffs.filter((x) => x >= 0).length;
    expect(r.pValue).toBeCloseTo(Math.min(1, (2 * (1 + Math.min(le, ge))) / (reps + 1)), 14);
    expect(r.method).toBe('bootstrap');
    expect(r.lower).toBeLessThanOrEqual(r.upper);
    // the same seed gives the same answer
    expect(compareConcordance(d.time, d.event, d.risk, rb, { replicates: reps, seed: 7 })).toEqual(r);
  });

  it('identical scores: every paired replicate difference is 0, p = 1', () => {
    const r = compareConcordance(
      d.time,
      d.event,
      d.risk,
      d.risk.map((x) => x ** 3 + x),
      { replicates: 50 },
    );
    expect(r).toMatchObject({ difference: 0, se: 0, lower: 0, upper: 0, pValue: 1 });
  });

  it('a clearly better model gets a small p-value', () => {
    const r = compareConcordance(
      d.time,
      d.event,
      d.risk,
      d.risk.map((_, i) => Math.sin(i * 78.233)),
      { replicates: 200, alternative: 'greater' },
    );
    expect(r.difference).toBeGreaterThan(0.1);
    expect(r.pValue).toBeLessThan(0.02);
  });
});

describe('compareConcordance — errors', () => {
  it('rejects bad input and options', () => {
    expect(() => compareConcordance([1, 2, 3], [1, 0, 1], [1, 2, 3], [1, 2])).toThrow(messages.lengthMismatch(fn, 'riskA', 3, 'riskB', 2));
    expect(() => compareConcordance([1, 2, 3], [1, 0, 1], [1, 2, 3], [1, 2, NaN])).toThrow(messages.notFinite(fn, 'riskB', 2, NaN));
    expect(() => compareConcordance([1, 2, 3], [0, 0, 0], [1, 2, 3], [1, 2, 3])).toThrow(messages.noEvents(fn, 'event'));
    expect(() => compareConcordance([1, 2, 3], [1, 0, 1], [1, 2, 3], [1, 2, 3], { method: 'x' as 'noether' })).toThrow(
      messages.optionRange(fn, 'method', "one of 'bootstrap', 'noether', 'ij'", 'x'),
    );
    expect(() => compareConcordance([1, 2, 3], [1, 0, 1], [1, 2, 3], [1, 2, 3], { alternative: 'two_sided' as 'less' })).toThrow(
      messages.optionRange(fn, 'alternative', "one of 'two-sided', 'greater', 'less'", 'two_sided'),
    );
    expect(() => compareConcordance([1, 2, 3, 4], [1, 0, 1, 0], [4, 3, 1, 2], [1, 1, 1, 1], { method: 'noether' })).toThrow(SurvkitError);
  });
});

describe('compareConcordance — properties', () => {
  it('difference = C_A − C_B, p in (0, 1], antisymmetric in A and B (Noether)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 50 }).chain((n) =>
          fc.record({
            time: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: n, maxLength: n }),
            event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
            a: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }),
            b: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }),
          }),
        ),
        ({ time, event, a, b }) => {
          let ab;
          try {
            ab = compareConcordance(time, event, a, b, { method: 'noether', alternative: 'greater' });
          } catch (err) {
            expect(err).toBeInstanceOf(SurvkitError);
            return;
          }
          const ba = compareConcordance(time, event, b, a, { method: 'noether', alternative: 'greater' });
          expect(ab.difference).toBe(concordanceIndex(time, event, a).cIndex - concordanceIndex(time, event, b).cIndex);
          expect(ab.pValue).toBeGreaterThanOrEqual(0);
          expect(ab.pValue).toBeLessThanOrEqual(1);
          if (ab.pValue !== 1) expect(ba.pValue).toBeCloseTo(1 - ab.pValue, 12);
          expect(ba.se).toBeCloseTo(ab.se, 14);
        },
      ),
      { numRuns: 100 },
    );
  });
});
