import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { fitConformalSurvival, pchip } from '../../src/uncertainty/conformal-survival-distributions.js';
import { fixtureDir } from '../metrics/classification-fixtures.js';

interface Ref {
  times: number[];
  calibration: { survival: number[][]; time: number[]; event: number[] };
  test: { survival: number[][] };
  csd: { levels: number[]; quantiles: number[][] };
  csdIpot: { levels: number[]; quantiles: number[][] };
  csdMargin: { levels: number[]; quantiles: number[][] };
  train: { time: number[]; event: number[] };
}
const ref = JSON.parse(readFileSync(join(fixtureDir, 'conformal', 'csd_reference.json'), 'utf8')) as Ref;
const cal = SurvivalCurves.fromRows(ref.times, ref.calibration.survival);
const test = SurvivalCurves.fromRows(ref.times, ref.test.survival);
const labels = { time: ref.calibration.time, event: ref.calibration.event };

function maxRelDiff(got: Float64Array, want: number[][]): number {
  const w = want[0]!.length;
  let worst = 0;
  want.forEach((row, i) =>
    row.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(got[i * w + j]! - v) / Math.max(1, Math.abs(v)));
    }),
  );
  return worst;
}

describe('conformalized survival distributions against the authors’ code (MakeSurvivalCalibratedAgain)', () => {
  it('CSD (uncensored calibration subjects, ceil monotone, PCHIP): percentile times equal the reference', () => {
    const map = fitConformalSurvival(cal, labels, { method: 'csd' });
    const p = map.predict(test);
    expect(Array.from(p.levels)).toEqual(ref.csd.levels);
    expect(p.n).toBe(ref.csd.quantiles.length);
    // same float64 operations in the same order as numpy/scipy: bit-identical
    expect(maxRelDiff(p.quantiles, ref.csd.quantiles)).toBe(0);
  });

  it("CSD with 'margin' decensoring (Kaplan–Meier conditional mean of the training labels): percentile times equal the reference", () => {
    const map = fitConformalSurvival(cal, labels, { method: 'csd', decensor: 'margin', kmLabels: ref.train });
    expect(map.nCalibration).toBe(ref.calibration.time.length);
    const p = map.predict(test);
    expect(Array.from(p.levels)).toEqual(ref.csdMargin.levels);
    expect(maxRelDiff(p.quantiles, ref.csdMargin.quantiles)).toBe(0);
  });

  it('CSD-iPOT (KM-free grid decensoring, n_sample 1000): percentile times equal the reference', () => {
    const map = fitConformalSurvival(cal, labels, { method: 'csd-ipot' });
    const p = map.predict(test);
    expect(Array.from(p.levels)).toEqual(ref.csdIpot.levels);
    expect(maxRelDiff(p.quantiles, ref.csdIpot.quantiles)).toBe(0);
  });

  it('CSD-iPOT keeps the order of subjects by survival at every percentile (ranking preserved)', () => {
    const p = fitConformalSurvival(cal, labels, { method: 'csd-ipot' }).predict(test);
    const base = fitConformalSurvival(cal, labels, { method: 'csd-ipot' });
    expect(base.adjustment.length).toBe(9);
    const w = p.levels.length;
    for (let j = 1; j < w; j++) {
      for (let a = 0; a < p.n; a++) {
        for (let b = 0; b < p.n; b++) {
          // curves S_a <= S_b everywhere (proportional hazards) ⇒ percentile times t_a <= t_b
          if (test.get(a, 10) < test.get(b, 10)) expect(p.quantiles[a * w + j]!).toBeLessThanOrEqual(p.quantiles[b * w + j]! + 1e-9);
        }
      }
    }
  });

  it('pchip equals closed forms: linear data stays linear, knots are interpolated', () => {
    const f = pchip(Float64Array.from([0, 1, 3]), Float64Array.from([0, 2, 6]));
    expect(f(0.5)).toBeCloseTo(1, 14);
    expect(f(2)).toBeCloseTo(4, 14);
    expect(f(3)).toBeCloseTo(6, 14);
  });

  it('errors: bad method, mismatched labels, all censored, flat curve', () => {
    expect(() => fitConformalSurvival(cal, labels, { method: 'x' as never })).toThrow(SurvkitError);
    expect(() => fitConformalSurvival(cal, { time: [1], event: [1] })).toThrow(/has 1 values but 'curves' has 200/);
    expect(() => fitConformalSurvival(cal, { time: labels.time, event: labels.event.map(() => 0) })).toThrow(/all subjects/);
    const flat = new SurvivalCurves([1, 2], [1, 1, 0.9, 0.5]);
    expect(() => fitConformalSurvival(flat, { time: [1, 2], event: [1, 1] })).toThrow(/subject 0 .* stays at 1/);
  });
});
