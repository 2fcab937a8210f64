import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { calibrateConformalSets, conformalRank, predictConformalSets } from '../../src/uncertainty/conformal-sets.js';
import { digits, fixtureDir } from '../metrics/classification-fixtures.js';
import { simulateConformal } from './conformal-simulation.js';

interface MapieResult {
  method: 'lac' | 'aps' | 'raps';
  alpha: number;
  includeLastLabel: boolean | 'randomized';
  kReg?: number;
  lambda?: number;
  qhat: number;
  scores: number[];
  sets: number[];
  meanSize: number;
  coverage: number;
}
interface MapieCase {
  name: string;
  calRows: number[];
  testRows: number[];
  calUniforms: number[];
  testUniforms: number[];
  results: MapieResult[];
}
const mapie = JSON.parse(readFileSync(join(fixtureDir, 'conformal', 'mapie_sets.json'), 'utf8')) as { cases: MapieCase[] };
const d = digits();
const rowsOf = (idx: number[]): number[][] => idx.map((i) => Array.from(d.probs.subarray(i * 10, i * 10 + 10)));

describe('conformal sets against MAPIE 0.9.2 (digits softmax table)', () => {
  for (const c of mapie.cases) {
    const calP = rowsOf(c.calRows);
    const calY = c.calRows.map((i) => d.labels[i] as number);
    const testP = rowsOf(c.testRows);
    const testY = c.testRows.map((i) => d.labels[i] as number);
    for (const r of c.results) {
      const label = `${c.name} ${r.method}${r.method === 'raps' ? ` k=${r.kReg} λ=${r.lambda}` : ''} α=${r.alpha} last=${String(r.includeLastLabel)}`;
      it(label, () => {
        const cal = calibrateConformalSets(calP, calY, {
          alpha: r.alpha,
          method: r.method,
          convention: 'mapie',
          randomized: true,
          uniforms: c.calUniforms,
          kReg: r.kReg,
          lambda: r.lambda,
        });
        // calibration scores and threshold: same float64 operations up to summation order
        for (let i = 0; i < r.scores.length; i++) expect(Math.abs((cal.scores[i] as number) - (r.scores[i] as number))).toBeLessThan(1e-12);
        expect(Math.abs(cal.qhat - r.qhat)).toBeLessThan(1e-12);
        const out = predictConformalSets(cal, testP, { includeLastLabel: r.includeLastLabel, uniforms: c.testUniforms, labels: testY });
        const masks = Array.from({ length: testP.length }, (_, i) => {
          let m = 0;
          for (let j = 0; j < 10; j++) if (out.sets[i * 10 + j]) m += 2 ** j;
          return m;
        });
        expect(masks).toEqual(r.sets);
        expect(out.meanSize).toBeCloseTo(r.meanSize, 12);
        expect(out.coverage).toBeCloseTo(r.coverage, 12);
      });
    }
  }

  it("'conformal' convention: q̂ is the ⌈(n+1)(1−α)⌉-th smallest of MAPIE's scores (one rank below MAPIE's on the small case)", () => {
    for (const c of mapie.cases) {
      for (const r of c.results.filter((x) => x.method === 'aps' && x.includeLastLabel === true)) {
        const n = r.scores.length;
        const rank = Math.ceil((n + 1) * (1 - r.alpha) - 1e-9);
        const sorted = [...r.scores].sort((a, b) => a - b);
        const cal = calibrateConformalSets(
          rowsOf(c.calRows),
          c.calRows.map((i) => d.labels[i] as number),
          {
            alpha: r.alpha,
            method: 'aps',
            randomized: true,
            uniforms: c.calUniforms,
          },
        );
        expect(cal.rank).toBe(rank);
        expect(Math.abs(cal.qhat - (sorted[rank - 1] as number))).toBeLessThan(1e-12);
      }
    }
    // n = 30, α = 0.75: (n+1)(1−α) = 7.75 → 8th smallest; numpy 'higher' at q = 7.75/30 takes index ⌈30q − q⌉ = 8 → 9th
    expect(conformalRank(30, 0.75)).toBe(8);
    expect(conformalRank(30, 0.75, 'mapie')).toBe(9);
    // (n+1)(1−α) > n: every class is in the set
    expect(conformalRank(10, 0.05)).toBe(11);
  });
});

describe('conformal sets: definitions', () => {
  const probs = [
    [0.7, 0.2, 0.1],
    [0.1, 0.6, 0.3],
    [0.2, 0.3, 0.5],
    [0.6, 0.3, 0.1],
  ];
  const labels = [0, 2, 2, 1];

  it('LAC: scores 1 − p_y, q̂ the ⌈(n+1)(1−α)⌉-th smallest', () => {
    const cal = calibrateConformalSets(probs, labels, { alpha: 0.2, method: 'lac' });
    expect(Array.from(cal.scores)).toEqual([1 - 0.7, 1 - 0.3, 1 - 0.5, 1 - 0.3]);
    expect(cal.rank).toBe(4);
    expect(cal.qhat).toBe(1 - 0.3);
    expect(Array.from(predictConformalSets(cal, [[0.5, 0.4, 0.1]]).sets)).toEqual([1, 1, 0]);
  });

  it('APS (not randomised): cumulative mass down to the label; RAPS adds λ(rank − kReg)⁺', () => {
    const aps = calibrateConformalSets(probs, labels, { alpha: 0.5, method: 'aps' });
    // label ranks 1, 2, 1, 2 → 0.7, 0.6 + 0.3, 0.5, 0.6 + 0.3
    expect(Array.from(aps.scores)).toEqual([0.7, 0.6 + 0.3, 0.5, 0.6 + 0.3]);
    const raps = calibrateConformalSets(probs, labels, { alpha: 0.5, method: 'raps', kReg: 1, lambda: 0.25 });
    expect(Array.from(raps.scores)).toEqual([0.7, 0.6 + 0.3 + 0.25, 0.5, 0.6 + 0.3 + 0.25]);
    // ⌈5 · 0.5⌉ = 3rd smallest of 0.5, 0.7, 0.9, 0.9
    expect(aps.qhat).toBe(0.6 + 0.3);
    // a new row [0.5, 0.3, 0.2]: cumsum 0.5, 0.8, 1.0 → crosses 0.9 at the third class
    expect(Array.from(predictConformalSets(aps, [[0.5, 0.3, 0.2]]).sets)).toEqual([1, 1, 1]);
    expect(Array.from(predictConformalSets(aps, [[0.5, 0.3, 0.2]], { includeLastLabel: false }).sets)).toEqual([1, 1, 0]);
    // randomised: V = (1.0 − 0.9) / 0.2 = 0.5; the last class stays when V ≤ U
    expect(Array.from(predictConformalSets(aps, [[0.5, 0.3, 0.2]], { includeLastLabel: 'randomized', uniforms: [0.6] }).sets)).toEqual([1, 1, 1]);
    expect(Array.from(predictConformalSets(aps, [[0.5, 0.3, 0.2]], { includeLastLabel: 'randomized', uniforms: [0.4] }).sets)).toEqual([1, 1, 0]);
  });

  it('α small for n: q̂ = +∞, every set holds every class', () => {
    const cal = calibrateConformalSets(probs, labels, { alpha: 0.1, method: 'lac' });
    expect(cal.qhat).toBe(Infinity);
    expect(predictConformalSets(cal, probs).meanSize).toBe(3);
  });

  it('rejects bad input with a SurvkitError', () => {
    expect(() => calibrateConformalSets(probs, labels, { alpha: 1 })).toThrow(SurvkitError);
    expect(() => calibrateConformalSets(probs, [0, 1, 3, 0], { alpha: 0.1 })).toThrow(SurvkitError);
    expect(() => calibrateConformalSets(probs, labels, { alpha: 0.1, method: 'raps', kReg: 0.5 })).toThrow(SurvkitError);
    expect(() => calibrateConformalSets(probs, labels, { alpha: 0.1, randomized: true, uniforms: [0.1] })).toThrow(SurvkitError);
    const cal = calibrateConformalSets(probs, labels, { alpha: 0.2 });
    expect(() => predictConformalSets(cal, [[0.5, 0.5]])).toThrow(SurvkitError);
  });
});

describe('conformal sets: coverage over 200 random calibration/test splits of the digits table', () => {
  // Exchangeable halves: E[coverage] >= 1 − α, and <= 1 − α + 1/(n+1) without ties (n = 180); randomised sets: = 1 − α.
  // Allowance: 3 standard errors of the mean over the 200 repetitions.
  const rows = simulateConformal(200, [0.05, 0.1]);
  for (const r of rows) {
    it(`${r.setting}, α = ${r.alpha}: mean coverage ${r.meanCoverage.toFixed(4)} ≥ 1 − α`, () => {
      expect(r.meanCoverage).toBeGreaterThanOrEqual(1 - r.alpha - 3 * r.se);
      if (r.setting === 'LAC' || r.setting.includes('randomised')) expect(r.meanCoverage).toBeLessThanOrEqual(1 - r.alpha + 1 / 181 + 3 * r.se);
    });
  }
});
