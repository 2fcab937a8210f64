import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { integratedBrierScore } from '../../src/metrics/integrated.js';
import { riskControlledFlag } from '../../src/uncertainty/risk-control.js';
import { riskControlledSurvivalFlag, subjectBrierLoss } from '../../src/uncertainty/survival-risk-control.js';

/** Exponential times with hazard e^x, censored by Exp(0.3); the curves of a model that knows the hazard up to noise. */
function draw(n: number, seed: number) {
  const rng = new Random(seed);
  const grid = Array.from({ length: 40 }, (_, k) => 0.1 * (k + 1));
  const time: number[] = [];
  const event: number[] = [];
  const noise: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = Math.exp(rng.normal() * 0.5);
    const t = -Math.log(1 - rng.next()) / h;
    const c = -Math.log(1 - rng.next()) / 0.3;
    const u = Math.abs(rng.normal());
    const hHat = h * Math.exp(u * rng.normal());
    time.push(Math.min(t, c));
    event.push(t <= c ? 1 : 0);
    noise.push(u);
    for (const s of grid) values.push(Math.exp(-hHat * s));
  }
  return { labels: { time, event }, curves: new SurvivalCurves(grid, values), noise };
}

describe('subjectBrierLoss', () => {
  it('the named example: one event, one censored subject', () => {
    const curves = new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.2, 1, 0.9, 0.8]);
    // Ĝ from these labels is 1 before the censoring at 3: subject 0 (event at 2) contributes (1 − 0.9)² at t = 1 and
    // 0.5² at t = 2; subject 1 contributes (1 − 1)² and (1 − 0.9)²; trapezoid over [1, 2] divided by 1
    const got = subjectBrierLoss({ time: [2, 3], event: [1, 0] }, curves, { times: [1, 2] });
    expect(got[0]).toBeCloseTo((0.01 + 0.25) / 2, 15);
    expect(got[1]).toBeCloseTo((0 + 0.01) / 2, 15);
  });

  it.each(['trapezoid', 'step'] as const)('its mean is the pec-convention integrated Brier score (%s rule, Ĝ from other labels, floored)', (integration) => {
    const a = draw(300, 1);
    const b = draw(200, 2);
    const times = Array.from({ length: 30 }, (_, k) => 0.1 + 0.1 * k);
    for (const maxWeight of [Infinity, 2]) {
      const loss = subjectBrierLoss(a.labels, a.curves, { times, train: b.labels, maxWeight, integration });
      const mean = loss.reduce((s, v) => s + v, 0) / loss.length;
      const ibs = integratedBrierScore(a.labels, a.curves, { times, convention: 'pec', train: b.labels, maxWeight, integration }).value;
      expect(Math.abs(mean - ibs)).toBeLessThan(1e-13);
      if (maxWeight === 2) expect(Math.max(...loss)).toBeLessThanOrEqual(2);
    }
  });
});

describe('riskControlledSurvivalFlag', () => {
  it('is riskControlledFlag on the losses divided by their bound B, at level alpha / B', () => {
    const cal = draw(400, 3);
    const train = draw(400, 4);
    const times = Array.from({ length: 20 }, (_, k) => 0.1 + 0.1 * k);
    const r = riskControlledSurvivalFlag(
      cal.noise,
      { score: cal.noise, labels: cal.labels, curves: cal.curves },
      { alpha: 0.08, times, train: train.labels, maxWeight: 20 },
    );
    const loss = subjectBrierLoss(cal.labels, cal.curves, { times, train: train.labels, maxWeight: 20 });
    expect(Array.from(r.calibrationLoss)).toEqual(Array.from(loss));
    expect(r.lossBound).toBeGreaterThan(1);
    expect(r.lossBound).toBeLessThanOrEqual(20);
    expect(Math.max(...loss)).toBeLessThanOrEqual(r.lossBound);
    const direct = riskControlledFlag(
      cal.noise,
      { score: cal.noise, loss: loss.map((v) => v / r.lossBound) },
      { alpha: 0.08 / r.lossBound, correction: 'bonferroni', gridSize: 10 },
    );
    expect(r.candidates?.length).toBe(10);
    expect(r.threshold).toBe(direct.threshold);
    expect(Array.from(r.flagged)).toEqual(Array.from(direct.flagged));
    expect(r.alpha).toBe(0.08);
    // the kept calibration subjects' mean loss is their IBS and meets the target
    expect(r.calibrationRisk).toBeLessThanOrEqual(0.08);
  });

  it('errors: no training labels, a target at or above the largest loss', () => {
    const cal = draw(50, 5);
    const c = { score: cal.noise, labels: cal.labels, curves: cal.curves };
    expect(() => riskControlledSurvivalFlag([0], c, { alpha: 0.1, times: [0.5, 1] } as never)).toThrow(/'train'/);
    expect(() => riskControlledSurvivalFlag([0], c, { alpha: 50, times: [0.5, 1], train: cal.labels, maxWeight: 3 })).toThrow(/'alpha'/);
    expect(messages.survivalRiskTarget('f', 5, 3)).toMatch(/largest per-subject loss 3/);
  });
});
