import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { bentkusPValue, binomialCdf, hoeffdingBentkusPValue, hoeffdingPValue } from '../../src/uncertainty/p-values.js';
import { riskControlledFlag } from '../../src/uncertainty/risk-control.js';
import { fixtureDir } from '../metrics/classification-fixtures.js';
import { simulate } from './risk-simulation.js';

const ref = JSON.parse(readFileSync(join(fixtureDir, 'conformal', 'risk_control_pvalues.json'), 'utf8')) as {
  binomial: { k: number; n: number; p: number; cdf: number }[];
  pValues: { n: number; rHat: number; alpha: number; mapieHB: number; hoeffding: number; bentkus: number }[];
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('risk-control p-values against scipy and MAPIE 0.9.2', () => {
  it('binomialCdf equals scipy.stats.binom.cdf (relative 1e-10)', () => {
    for (const c of ref.binomial) expect(rel(binomialCdf(c.k, c.n, c.p), c.cdf)).toBeLessThan(1e-10);
  });
  it('Hoeffding, Bentkus and Hoeffding–Bentkus p-values (relative 1e-10)', () => {
    for (const c of ref.pValues) {
      expect(rel(hoeffdingPValue(c.rHat, c.n, c.alpha), c.hoeffding)).toBeLessThan(1e-10);
      expect(rel(bentkusPValue(c.rHat, c.n, c.alpha), Math.min(1, c.bentkus))).toBeLessThan(1e-10);
      expect(rel(hoeffdingBentkusPValue(c.rHat, c.n, c.alpha), c.mapieHB)).toBeLessThan(1e-10);
    }
  });
  it('closed forms: r̂ = 0 gives Hoeffding (1 − α)^n and Bentkus e(1 − α)^n', () => {
    expect(rel(hoeffdingPValue(0, 40, 0.1), 0.9 ** 40)).toBeLessThan(1e-13);
    expect(rel(bentkusPValue(0, 40, 0.1), Math.E * 0.9 ** 40)).toBeLessThan(1e-12);
    expect(hoeffdingPValue(0.3, 40, 0.1)).toBe(1);
    expect(binomialCdf(-1, 5, 0.5)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBe(1);
  });
});

describe('riskControlledFlag: definitions', () => {
  // 20 calibration cases, scores 0.05 … 1.0; wrong at the 10th, 15th, 18th and 20th
  const score = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
  const correct = score.map((_, i) => ([9, 14, 17, 19].includes(i) ? 0 : 1));

  it('LTT: the largest grid threshold whose p-value passes Bonferroni', () => {
    const thresholds = [0.25, 0.5, 0.75, 1];
    const r = riskControlledFlag([0.1, 0.6], { score, correct }, { alpha: 0.5, delta: 0.2, thresholds, correction: 'bonferroni' });
    // kept 5, 10, 15, 20 with 0, 1, 2, 4 errors; HB p-values at α = 0.5, compared with δ/4 = 0.05
    const expected = [
      [5, 0],
      [10, 1],
      [15, 2],
      [20, 4],
    ].map(([k, e]) => hoeffdingBentkusPValue((e as number) / (k as number), k as number, 0.5));
    expect(Array.from(r.pValues ?? [])).toEqual(expected);
    const last = expected.reduce((acc, p, j) => (p <= 0.05 ? j : acc), -1);
    expect(r.threshold).toBe(last < 0 ? -Infinity : thresholds[last]);
    expect(r.certified).toBe(last >= 0);
  });

  it('LTT fixed-sequence (default): from the smallest candidate keeping ⌈log δ / log(1 − α)⌉ cases up, until the first p > δ', () => {
    const thresholds = [0.05, 0.1, 0.25, 0.5, 0.75, 1];
    // α = 0.3, δ = 0.2: ⌈log 0.2 / log 0.7⌉ = 5 cases needed → starts at t = 0.25 (5 kept, 0 errors)
    const r = riskControlledFlag([0.1, 0.6], { score, correct }, { alpha: 0.3, delta: 0.2, thresholds });
    const p = [
      [1, 0],
      [2, 0],
      [5, 0],
      [10, 1],
      [15, 2],
      [20, 4],
    ].map(([k, e]) => hoeffdingBentkusPValue((e as number) / (k as number), k as number, 0.3));
    expect(Array.from(r.pValues ?? [])).toEqual(p);
    let j = 2;
    while (j < p.length && (p[j] as number) <= 0.2) j++;
    expect(r.threshold).toBe(j === 2 ? -Infinity : thresholds[j - 1]);
    expect(r.certified).toBe(j > 2);
    // the first two candidates are not tested: p-values of 1 or 2 cases are > δ, yet the sequence does not stop there
    expect((p[0] as number) > 0.2 && (p[1] as number) > 0.2).toBe(true);
  });

  it('CRC: the largest t with (Σ loss·[s ≤ t] + 1)/(n + 1) ≤ α', () => {
    // α = 0.2: budget 0.2 · 21 − 1 = 3.2 errors → t just below the 4th error (s = 1.0): 0.95
    const r = riskControlledFlag([0.5, 0.97], { score, correct }, { alpha: 0.2, method: 'crc' });
    expect(r.threshold).toBe(0.95);
    expect(Array.from(r.flagged)).toEqual([0, 1]);
    expect(r.calibrationCoverage).toBe(19 / 20);
    // α = 0.05: budget 0.05 → no error allowed → t = 0.45 (before the first error at 0.5)
    expect(riskControlledFlag([0], { score, correct }, { alpha: 0.05, method: 'crc' }).threshold).toBe(0.45);
  });

  it('bounded losses in [0, 1] (e.g. a per-subject Brier score): the p-values use the mean loss of the kept cases', () => {
    const loss = score.map((s) => s * s);
    const r = riskControlledFlag([0.2, 0.9], { score, loss }, { alpha: 0.3, delta: 0.2, thresholds: [0.25, 0.5, 1], correction: 'bonferroni' });
    const mean = (k: number): number => loss.slice(0, k).reduce((a, b) => a + b, 0) / k;
    expect(Array.from(r.pValues ?? [])).toEqual([5, 10, 20].map((k) => hoeffdingBentkusPValue(mean(k), k, 0.3)));
    expect(() => riskControlledFlag([0], { score, loss }, { alpha: 0.3, pValue: 'binomial' })).toThrow(SurvkitError);
  });

  it('no candidate passes: everything is flagged, certified false', () => {
    const r = riskControlledFlag([0, 0.5], { score: score.slice(0, 5), correct: correct.slice(0, 5) }, { alpha: 0.01, delta: 0.01 });
    expect(r.certified).toBe(false);
    expect(r.threshold).toBe(-Infinity);
    expect(Array.from(r.flagged)).toEqual([1, 1]);
  });

  it('rejects malformed input with a SurvkitError', () => {
    expect(() => riskControlledFlag([0], { score, correct: correct.slice(1) }, { alpha: 0.1 })).toThrow(SurvkitError);
    expect(() => riskControlledFlag([0], { score, correct }, { alpha: 0 })).toThrow(SurvkitError);
    expect(() => riskControlledFlag([0], { score, loss: score.map(() => 2) }, { alpha: 0.1 })).toThrow(SurvkitError);
    expect(() => riskControlledFlag([0], { score, loss: score.map(() => 0.5) }, { alpha: 0.1, pValue: 'binomial' })).toThrow(SurvkitError);
    expect(() => riskControlledFlag([NaN], { score, correct }, { alpha: 0.1 })).toThrow(SurvkitError);
  });
});

describe('riskControlledFlag: the guarantee over 200 random calibration sets (closed-form population risk)', () => {
  const reps = 200;
  const alpha = 0.1;
  const delta = 0.1;
  const rows = simulate(reps, 1000, alpha, delta);
  // upper end of the 99.9 % binomial range of the number of violations when each happens with probability δ
  let upper = 0;
  while (binomialCdf(upper, reps, delta) < 0.999) upper++;

  it('LTT violates P(selective risk > α) at most at rate δ (within the binomial range)', () => {
    for (const row of rows.filter((r) => r.policy.startsWith('LTT'))) expect(row.violations).toBeLessThanOrEqual(upper);
  });
  it('the empirical targetRisk violates far more often than δ', () => {
    const emp = rows.find((r) => r.policy.startsWith('empirical')) as { violations: number };
    expect(emp.violations).toBeGreaterThan(upper);
  });
  it('CRC keeps the mean kept-and-wrong rate ≤ α (Monte-Carlo slack 0.005)', () => {
    const crc = rows.find((r) => r.policy.startsWith('conformal')) as { meanJoint: number };
    expect(crc.meanJoint).toBeLessThanOrEqual(alpha + 0.005);
  });
});
