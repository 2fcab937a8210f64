import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { coverageAtRisk, riskCoverageCurve } from '../../src/metrics/selective.js';
import { topLabel } from '../../src/metrics/top-label.js';
import { flagLowConfidence } from '../../src/uncertainty/flag.js';
import { digits } from '../metrics/classification-fixtures.js';

describe('flagLowConfidence: named cases', () => {
  const cal = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

  it('fixed threshold: flags scores strictly above it', () => {
    const r = flagLowConfidence([0.1, 0.5, 0.50001, 2], { threshold: 0.5 });
    expect(Array.from(r.flagged)).toEqual([0, 0, 1, 1]);
    expect(r.threshold).toBe(0.5);
    expect(r.coverage).toBe(0.5);
    expect(r.calibrationCoverage).toBeUndefined();
    // keys set to undefined do not count as a policy (spread option objects)
    expect(flagLowConfidence([0.1, 0.9], { threshold: 0.5, targetCoverage: undefined }).threshold).toBe(0.5);
  });

  it('targetCoverage 0.9 keeps 9 of 10 calibration cases', () => {
    const r = flagLowConfidence([0.15, 0.95, 0.85], { targetCoverage: 0.9, calibration: cal });
    expect(r.threshold).toBe(0.8);
    expect(Array.from(r.flagged)).toEqual([0, 1, 1]);
    expect(r.coverage).toBeCloseTo(1 / 3, 15);
    expect(r.calibrationCoverage).toBe(0.9);
  });

  it('targetCoverage with ties at the threshold keeps all tied cases', () => {
    const r = flagLowConfidence([0.3], { targetCoverage: 0.5, calibration: [0.1, 0.3, 0.3, 0.3, 0.9, 1] });
    expect(r.threshold).toBe(0.3);
    expect(r.calibrationCoverage).toBeCloseTo(4 / 6, 15);
    expect(flagLowConfidence([0], { targetCoverage: 1, calibration: cal }).threshold).toBe(0.9);
  });

  it('targetRisk picks the largest calibration coverage with error rate <= target', () => {
    // sorted by score: errors at 0.35 and 0.9 → risks 0,0,0,1/4,1/5,… 2/10 at 10
    const score = [0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const correct = [1, 1, 1, 0, 1, 1, 1, 1, 1, 0];
    const r = flagLowConfidence([0.05, 0.75, 0.85, 0.95], { targetRisk: 0.12, calibration: { score, correct } });
    expect(r.threshold).toBe(0.8);
    expect(r.calibrationCoverage).toBe(0.9);
    expect(r.calibrationRisk).toBeCloseTo(1 / 9, 15);
    expect(Array.from(r.flagged)).toEqual([0, 0, 1, 1]);
    expect(flagLowConfidence([0.05], { targetRisk: 0, calibration: { score, correct } }).threshold).toBe(0.3);
  });

  it('unreachable targetRisk names the best achievable error rate', () => {
    const run = (): unknown => flagLowConfidence([0.1], { targetRisk: 0.1, calibration: { score: [0.1, 0.2, 0.3, 0.4], correct: [0, 1, 0, 1] } });
    expect(run).toThrow(SurvkitError);
    expect(run).toThrow(messages.unreachableRisk('flagLowConfidence', 'targetRisk', 0.1, 0.5, 1));
  });

  const bad: [string, () => unknown, string][] = [
    ['no policy', () => flagLowConfidence([0.1], {} as never), messages.flagPolicy('flagLowConfidence', 'policy', {})],
    [
      'two policies',
      () => flagLowConfidence([0.1], { threshold: 1, targetCoverage: 0.5 } as never),
      messages.flagPolicy('flagLowConfidence', 'policy', { threshold: 1, targetCoverage: 0.5 }),
    ],
    [
      'coverage 0',
      () => flagLowConfidence([0.1], { targetCoverage: 0, calibration: [1] }),
      messages.optionRange('flagLowConfidence', 'targetCoverage', 'a finite number > 0 and <= 1', 0),
    ],
    [
      'risk 2',
      () => flagLowConfidence([0.1], { targetRisk: 2, calibration: { score: [1], correct: [1] } }),
      messages.optionRange('flagLowConfidence', 'targetRisk', 'a finite number >= 0 and <= 1', 2),
    ],
    ['threshold NaN', () => flagLowConfidence([0.1], { threshold: NaN }), messages.optionRange('flagLowConfidence', 'threshold', 'a finite number', NaN)],
    ['empty score', () => flagLowConfidence([], { threshold: 1 }), messages.empty('flagLowConfidence', 'score')],
    ['empty calibration', () => flagLowConfidence([1], { targetCoverage: 0.5, calibration: [] }), messages.empty('flagLowConfidence', 'calibration')],
    [
      'calibration shape',
      () => flagLowConfidence([1], { targetRisk: 0.5, calibration: [0.1, 0.2] as never }),
      messages.riskCalibrationSet('flagLowConfidence', 'policy.calibration', [0.1, 0.2]),
    ],
    [
      'calibration lengths',
      () => flagLowConfidence([1], { targetRisk: 0.5, calibration: { score: [0.1, 0.2], correct: [1] } }),
      messages.lengthMismatch('flagLowConfidence', 'calibration.correct', 1, 'calibration.score', 2),
    ],
    [
      'calibration correct',
      () => flagLowConfidence([1], { targetRisk: 0.5, calibration: { score: [0.1], correct: [3] } }),
      messages.notBinaryOutcome('flagLowConfidence', 'calibration.correct', 0, 3),
    ],
  ];
  for (const [name, run, message] of bad) {
    it(`rejects: ${name}`, () => {
      expect(run).toThrow(SurvkitError);
      expect(run).toThrow(message);
    });
  }
});

describe('flagLowConfidence: digits (validation half → test half)', () => {
  it('90 % coverage and 2 % risk targets hold on the calibration half', () => {
    const d = digits();
    const t = topLabel(d.probs, d.labels);
    const u = t.confidence.map((c) => 1 - c);
    const calIdx = Array.from({ length: 180 }, (_, i) => 2 * i);
    const testIdx = calIdx.map((i) => i + 1);
    const calScore = calIdx.map((i) => u[i]!);
    const calCorrect = calIdx.map((i) => t.correct[i]!);
    const test = testIdx.map((i) => u[i]!);
    const byCov = flagLowConfidence(test, { targetCoverage: 0.9, calibration: calScore });
    expect(byCov.calibrationCoverage).toBe(162 / 180);
    expect(calScore.filter((s) => s <= byCov.threshold)).toHaveLength(162);
    const byRisk = flagLowConfidence(test, { targetRisk: 0.02, calibration: { score: calScore, correct: calCorrect } });
    const kept = calIdx.filter((_, j) => calScore[j]! <= byRisk.threshold);
    const errors = kept.filter((i) => t.correct[i] === 0).length;
    expect(errors / kept.length).toBeLessThanOrEqual(0.02);
    expect(byRisk.calibrationRisk).toBe(errors / kept.length);
    expect(byRisk.calibrationCoverage).toBe(coverageAtRisk(calScore, { correct: calCorrect }, 0.02));
    expect(byRisk.flagged.reduce((a, b) => a + b, 0)).toBe(test.filter((s) => s > byRisk.threshold).length);
  });
});

describe('flagLowConfidence: properties', () => {
  it('targetCoverage keeps >= that fraction of the calibration set, exactly ⌈m·c⌉/m without ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 100 }), fc.integer({ min: 1, max: 100 }), (cal, pct) => {
        const c = pct / 100;
        const r = flagLowConfidence(cal, { targetCoverage: c, calibration: cal });
        const kept = cal.filter((s) => s <= r.threshold).length;
        expect(kept / cal.length).toBeGreaterThanOrEqual(c - 1e-12);
        expect(r.coverage).toBe(kept / cal.length);
        expect(r.calibrationCoverage).toBe(kept / cal.length);
        // the threshold is the smallest calibration score that reaches the target
        expect(cal.filter((s) => s < r.threshold).length / cal.length).toBeLessThan(c - 1e-12);
        // without ties: exactly k/m kept, k the smallest count with k/m >= c
        const distinct = Array.from(new Set(cal));
        const m = distinct.length;
        const exact = flagLowConfidence(distinct, { targetCoverage: c, calibration: distinct });
        const k = Math.round(exact.calibrationCoverage! * m);
        expect(exact.calibrationCoverage).toBe(k / m);
        expect(k / m).toBeGreaterThanOrEqual(c - 1e-12);
        expect((k - 1) / m).toBeLessThan(c - 1e-12);
      }),
    );
  });

  it('targetRisk: kept calibration error <= target, and no larger threshold on the curve also meets it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.boolean()), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 100 }),
        (cases, pct) => {
          const score = cases.map(([s]) => s);
          const correct = cases.map(([, c]) => c);
          const rho = pct / 100;
          const curve = riskCoverageCurve(score, { correct });
          const admissible = Array.from(curve.risk)
            .map((r, g) => (r <= rho ? g : -1))
            .filter((g) => g >= 0);
          if (admissible.length === 0) {
            expect(() => flagLowConfidence(score, { targetRisk: rho, calibration: { score, correct } })).toThrow(SurvkitError);
            return;
          }
          const r = flagLowConfidence(score, { targetRisk: rho, calibration: { score, correct } });
          const kept = cases.filter(([s]) => s <= r.threshold);
          expect(kept.filter(([, c]) => !c).length / kept.length).toBeLessThanOrEqual(rho + 1e-12);
          expect(r.calibrationCoverage).toBe(curve.coverage[Math.max(...admissible)]);
        },
      ),
    );
  });
});
