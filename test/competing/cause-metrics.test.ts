/**
 * The cause-k metrics against R on pbc (transplant 1 vs death 2) and colon (recurrence 1 vs death 2), with
 * riskRegression::CSC predictions as the common input: concordanceIndexCr = pec 2022.5.4 cindex(cause = k);
 * brierScoreCr, integratedBrierScoreCr, cumulativeDynamicAucCr = riskRegression 2022.11.28 Score(cause = k);
 * calibrationAtCr = survfit per predicted-risk group.
 */
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { CifCurves } from '../../src/estimators/cif-curves.js';
import { integratedBrierScoreCr, brierScoreCr, cumulativeDynamicAucCr } from '../../src/metrics/cif-scores.js';
import { calibrationAtCr } from '../../src/metrics/calibration-cr.js';
import { concordanceIndexCr } from '../../src/metrics/concordance-cr.js';
import { fixture, maxRelErr } from './fixture.js';

const cases = fixture.metrics.flatMap((m) => m.causes.map((c) => [`${m.description.split(',')[0]} cause ${c.cause}`, m, c] as const));

describe.each(cases)('%s', (_name, m, c) => {
  const labels = { time: m.time, event: m.event };
  const cif = CifCurves.fromRows(m.times, c.cif);
  // R gives NaN where no cause-k event precedes the time (pbc transplant before day 500): survkit throws there
  const ok = m.times.map((_t, j) => !Number.isNaN(c.auc[j]!));
  const times = m.times.filter((_t, j) => ok[j]);
  const keep = (x: number[]) => x.filter((_v, j) => ok[j]);
  const opts = { cause: c.cause, times };

  it('concordance = pec::cindex to 1e-12', () => {
    expect(maxRelErr(concordanceIndexCr(labels, cif, opts).cIndex, keep(c.cindex))).toBeLessThan(1e-12);
  });
  it('Brier score and IBS = riskRegression::Score to 1e-12', () => {
    expect(maxRelErr(brierScoreCr(labels, cif, { cause: c.cause, times: m.times }).values, c.brier)).toBeLessThan(1e-12);
    const ibs = integratedBrierScoreCr(labels, cif, { cause: c.cause, times: m.times });
    expect(maxRelErr(ibs.ibs, c.ibs)).toBeLessThan(1e-12);
    expect(ibs.value).toBe(ibs.ibs[m.times.length - 1]);
  });
  it('AUC = riskRegression::Score to 1e-12', () => {
    expect(maxRelErr(cumulativeDynamicAucCr(labels, cif, opts).auc, keep(c.auc))).toBeLessThan(1e-12);
  });
  it('the times without a cause-k event throw noCauseEvents', () => {
    const bad = m.times.filter((_t, j) => !ok[j]);
    for (const t of bad) {
      expect(() => cumulativeDynamicAucCr(labels, cif, { cause: c.cause, times: [t] })).toThrow(/no subject in 'labels' has an event of cause/);
      expect(() => concordanceIndexCr(labels, cif, { cause: c.cause, times: [t] })).toThrow(SurvkitError);
    }
  });
  it('calibration at t = survfit (Aalen–Johansen, log limits) per predicted-risk group to 1e-12', () => {
    const k = c.calibration;
    const r = calibrationAtCr(labels, cif, { cause: c.cause, t: k.t, groups: k.groups });
    expect(r.groups.map((g) => g.n)).toEqual(k.result.map((g) => g.n));
    expect(
      maxRelErr(
        r.groups.map((g) => g.predicted),
        k.result.map((g) => g.predicted),
      ),
    ).toBeLessThan(1e-12);
    expect(
      maxRelErr(
        r.groups.map((g) => g.observed),
        k.result.map((g) => g.observed),
      ),
    ).toBeLessThan(1e-12);
    expect(
      maxRelErr(
        r.groups.map((g) => g.lower),
        k.result.map((g) => g.lower),
      ),
    ).toBeLessThan(1e-12);
    expect(
      maxRelErr(
        r.groups.map((g) => g.upper),
        k.result.map((g) => g.upper),
      ),
    ).toBeLessThan(1e-12);
  });
});

describe('cause-k metrics: definitions and errors', () => {
  const labels = { time: [1, 4, 2, 6, 3], event: [1, 0, 2, 1, 1] };
  const F = CifCurves.fromRows([5], [[0.6], [0.1], [0.3], [0.2], [0.5]]);
  it('a perfect ordering has C = AUC = 1; reversing it gives 0', () => {
    const rev = CifCurves.fromRows([5], [[0.1], [0.6], [0.5], [0.55], [0.2]]);
    expect(concordanceIndexCr(labels, F, { times: [5] }).cIndex[0]).toBe(1);
    expect(cumulativeDynamicAucCr(labels, F, { times: [5] }).auc[0]).toBe(1);
    expect(concordanceIndexCr(labels, rev, { times: [5] }).cIndex[0]).toBe(0);
  });
  it('Brier of the perfect CIF is 0 without censoring before t', () => {
    const y = { time: [1, 3, 1.5, 2.5], event: [1, 0, 2, 2] };
    expect(brierScoreCr(y, CifCurves.fromRows([2], [[1], [0], [0], [0]]), { times: [2] }).values[0]).toBe(0);
  });
  it('rejects a cause without events, a wrong number of rows and decreasing CIFs', () => {
    expect(() => brierScoreCr(labels, F, { cause: 3, times: [5] })).toThrow(/cause' 3 has no events/);
    expect(() => brierScoreCr({ time: [1], event: [1] }, F, { times: [5] })).toThrow(/must have shape/);
    expect(() => CifCurves.fromRows([1, 2], [[0.5, 0.4]])).toThrow(/non-decreasing/);
    expect(() => CifCurves.fromRows([1, 2], [[0.5, 1.2]])).toThrow(/in \[0, 1\]/);
  });
});

describe('cause-k metrics: censoring distribution at 0', () => {
  it('Ĝ of the evaluated labels reaching 0 (the last subjects censored) leaves every weight defined', () => {
    // Ĝ(5) = 0 here, but no subject is weighted at or after 5 with 1/Ĝ(5): events weigh 1/Ĝ(T−), survivors 1/Ĝ(t) for t < 5
    const labels = { time: [1, 2, 3, 5, 5], event: [1, 2, 1, 0, 0] };
    const F = CifCurves.fromRows(
      [1, 4],
      [
        [0.5, 0.6],
        [0.2, 0.2],
        [0.1, 0.4],
        [0.1, 0.1],
        [0.3, 0.3],
      ],
    );
    const b = brierScoreCr(labels, F, { times: [4, 6] }).values;
    expect(Number.isFinite(b[0]!) && Number.isFinite(b[1]!)).toBe(true);
    expect(concordanceIndexCr(labels, F, { times: [4] }).cIndex[0]).toBeGreaterThanOrEqual(0);
  });
});
