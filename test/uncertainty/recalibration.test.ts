import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { expectedCalibrationError } from '../../src/metrics/calibration-error.js';
import {
  fitRecalibration,
  interpolateKnots,
  isotonicKnots,
  recalibrate,
  type Recalibration,
  type RecalibrationMethod,
} from '../../src/uncertainty/recalibration.js';
import { fitTemperature } from '../../src/uncertainty/temperature-scaling.js';
import { digits, fixtureDir } from '../metrics/classification-fixtures.js';

const ref = JSON.parse(readFileSync(join(fixtureDir, 'conformal', 'netcal_recalibration.json'), 'utf8')) as {
  C: number;
  results: Record<string, { probs: number[] }>;
};
const d = digits();
const fitP = d.probs.slice(0, 1800);
const fitY = d.labels.slice(0, 180);
const appP = d.probs.slice(1800);
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

describe('recalibration maps against netcal 1.3.6 / scikit-learn 1.2 (digits table, fit on 180 rows, applied to 180)', () => {
  // histogram binning and isotonic regression are closed-form: same float64 operations up to summation order
  for (const method of ['histogram', 'isotonic'] as const) {
    it(`${method}: equals netcal (1e-12)`, () => {
      const q = fitRecalibration(fitP, fitY, method).apply(appP);
      expect(maxAbs(q, (ref.results[method] as { probs: number[] }).probs)).toBeLessThan(1e-12);
    });
  }
  // logistic fits: both sides stop at a gradient norm near 1e-11 (L-BFGS here, lbfgs/L-BFGS-B there) on a strictly
  // convex objective; probabilities agree to the optimiser tolerance, far below any calibration difference (1e-3)
  for (const method of ['platt', 'beta', 'matrix', 'vector'] as RecalibrationMethod[]) {
    it(`${method}: equals the reference optimum (probabilities within 1e-5)`, () => {
      const q = fitRecalibration(fitP, fitY, method, { C: ref.C }).apply(appP);
      expect(maxAbs(q, (ref.results[method] as { probs: number[] }).probs)).toBeLessThan(1e-5);
    });
  }
});

describe('recalibration: definitions', () => {
  it('isotonic knots: pool-adjacent-violators and scikit-learn interpolation', () => {
    // y by x: 0, 1, 0, 1, 1 → PAVA 0, 0.5, 0.5, 1, 1; knots keep block ends
    const k = isotonicKnots(Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5]), Float64Array.from([0, 1, 0, 1, 1]));
    expect(Array.from(k.x)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(Array.from(k.y)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(interpolateKnots(k.x, k.y, 0.35)).toBeCloseTo(0.75, 15);
    expect(interpolateKnots(k.x, k.y, 0.01)).toBe(0);
  });

  it('temperature: softmax(log p / T) with T from fitTemperature on log p', () => {
    const fit = fitRecalibration(fitP, fitY, 'temperature');
    const t = fit.params.temperature as number;
    const logits = Array.from(fitP, (v) => Math.log(Math.min(Math.max(v, 2.220446049250313e-16), 1 - 2.220446049250313e-16)));
    expect(t).toBe(fitTemperature(logits, fitY, { classes: 10 }).temperature);
    const row = Array.from(appP.subarray(0, 10));
    const z = row.map((v) => Math.log(v) / t);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    expect(
      maxAbs(
        fit.apply([row]),
        e.map((v) => v / s),
      ),
    ).toBeLessThan(1e-14);
  });

  it('histogram binning: bin accuracy, empty bins at their midpoint, rows normalised', () => {
    const fit = fitRecalibration(
      [
        [0.9, 0.1],
        [0.8, 0.2],
        [0.3, 0.7],
        [0.6, 0.4],
      ],
      [0, 1, 1, 0],
      'histogram',
      { bins: 2 },
    );
    // class 0 in [0.5, 1]: 2 of 3 right; class 1 in [0, 0.5): label 1 for 1 of 3
    const q = fit.apply([[0.95, 0.05]]);
    expect(q[0]).toBeCloseTo(2 / 3, 15);
    expect(q[1]).toBeCloseTo(1 / 3, 15);
  });

  it('recalibrate picks the smallest validation NLL and never worsens it', () => {
    const r = recalibrate(d.rows.slice(0, 180), Array.from(d.labels.slice(0, 180)), {
      methods: ['temperature', 'histogram', 'isotonic', 'platt'],
      validation: { probs: d.rows.slice(180), labels: Array.from(d.labels.slice(180)) },
    });
    const best = Math.min(...Object.values(r.nll));
    expect(r.nllAfter).toBe(best);
    expect(r.nll[r.method]).toBe(best);
    expect(r.nllAfter).toBeLessThanOrEqual(r.nllBefore);
    const valRows = d.rows.slice(180);
    const valLabels = Array.from(d.labels.slice(180));
    expect(r.eceBefore).toBe(expectedCalibrationError({ labels: valLabels }, valRows, { bins: 15 }).value);
    expect(r.eceAfter).toBe(expectedCalibrationError({ labels: valLabels }, (r.recalibration as Recalibration).apply(valRows), { bins: 15 }).value);
  });

  it('rejects bad options with a SurvkitError', () => {
    expect(() => fitRecalibration(fitP, fitY, 'nope' as RecalibrationMethod)).toThrow(SurvkitError);
    expect(() => fitRecalibration(fitP, fitY, 'platt', { C: -1 })).toThrow(SurvkitError);
    expect(() => recalibrate([[0.5, 0.5]], [0])).toThrow(SurvkitError);
    expect(() => recalibrate(fitP, fitY, { methods: [] })).toThrow(SurvkitError);
  });
});

describe("recalibration maps against netcal's own scaling methods (method 'mle', pyro 1.9.1; netcal_scaling.py)", () => {
  type Table = {
    probs?: number[];
    labels?: number[];
    k?: number;
    fitRows: [number, number];
    applyRows: [number, number];
    results: Record<string, { probs: number[]; fitNll: number }>;
  };
  const nc = JSON.parse(readFileSync(join(fixtureDir, 'conformal', 'netcal_scaling.json'), 'utf8')) as { tables: Record<string, Table> };
  const meanNllOf = (q: Float64Array, y: ArrayLike<number>, k: number): number => {
    let s = 0;
    for (let i = 0; i < y.length; i++) s -= Math.log(q[i * k + (y[i] as number)] as number);
    return s / y.length;
  };
  const cases: [string, RecalibrationMethod][] = [
    ['digits', 'temperature'],
    ['three', 'temperature'],
    ['three', 'vector'],
    ['binary', 'beta'],
  ];
  for (const [name, method] of cases) {
    it(`${name}, ${method}: an optimum at least as good as netcal's, probabilities within netcal's optimiser precision`, () => {
      const t = nc.tables[name] as Table;
      const k = t.k ?? 10;
      const p = t.probs ?? Array.from(d.probs);
      const y = t.labels ?? Array.from(d.labels);
      const [f0, f1] = t.fitRows;
      const [a0, a1] = t.applyRows;
      const fit = fitRecalibration(p.slice(f0 * k, f1 * k), y.slice(f0, f1), method, { C: Infinity });
      const r = t.results[method] as { probs: number[]; fitNll: number };
      // netcal minimises a float32 loss with finite-difference gradients (scipy minimize): its optimum is a little
      // above the true one (2e-9 at most here), so survkit's must be no worse and the probabilities close (5.5e-5 at most here)
      const ours = meanNllOf(fit.apply(p.slice(f0 * k, f1 * k)), y.slice(f0, f1), k);
      expect(ours).toBeLessThanOrEqual(r.fitNll + 1e-9);
      expect(r.fitNll - ours).toBeLessThan(1e-7);
      expect(maxAbs(fit.apply(p.slice(a0 * k, a1 * k)), r.probs)).toBeLessThan(2e-4);
    });
  }
});
