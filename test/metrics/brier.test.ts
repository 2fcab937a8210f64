import { describe, expect, it } from 'vitest';
import { throwsCode } from '../helpers/errors.js';
import { brierScore, nbll } from '../../src/metrics/brier.js';
import { integratedBrierScore, integratedNbll } from '../../src/metrics/integrated.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { censoringKaplanMeier } from '../../src/estimators/censoring.js';
import { riskTable } from '../../src/estimators/risk-table.js';
import { messages } from '../../src/core/messages.js';
import { SurvkitError } from '../../src/core/errors.js';
import { brierR, evalsurv, maxRelErr, metabricLabels, metabricSurv, REL, type Model } from './brier-fixtures.js';

const models: Model[] = ['deephit', 'logistichazard'];
const y = metabricLabels();

/** Curves that are constant in time: S_i(t) = p_i for t >= 0. */
const constant = (p: number[]): SurvivalCurves => new SurvivalCurves([0], p);

describe.each(models)('brierScore / nbll golden, METABRIC %s', (model) => {
  const curves = metabricSurv(model);
  const ev = evalsurv(model);
  const br = brierR(model);
  const grid = ev.time_grid;

  it("pycox EvalSurv.brier_score (convention 'pycox', the default)", () => {
    const bs = brierScore(curves, y, grid);
    expect(Array.from(bs.times)).toEqual(grid);
    expect(maxRelErr(bs.values, ev.brier_score)).toBeLessThanOrEqual(REL);
    expect(maxRelErr(brierScore(curves, y, grid, { convention: 'pycox', train: y }).values, ev.brier_score)).toBeLessThanOrEqual(REL);
  });

  it('pycox EvalSurv.nbll', () => {
    expect(maxRelErr(nbll(curves, y, grid).values, ev.nbll)).toBeLessThanOrEqual(REL);
  });

  it('pycox censoring KM (ties together) at the grid', () => {
    expect(maxRelErr(censoringKaplanMeier(y, { ties: 'together' }).at(grid), ev.censor_km)).toBeLessThanOrEqual(REL);
  });

  it("scikit-survival 0.21 brier_score (convention 'sksurv', train = test)", () => {
    const sk = ev.sksurv;
    expect(maxRelErr(brierScore(curves, y, sk.times, { convention: 'sksurv' }).values, sk.brier_score)).toBeLessThanOrEqual(REL);
    expect(maxRelErr(brierScore(curves, y, sk.times, { convention: 'sksurv', train: y }).values, sk.brier_score)).toBeLessThanOrEqual(REL);
  });

  it("R riskRegression Score and pec (convention 'pec')", () => {
    const bs = brierScore(curves, y, br.times, { convention: 'pec' });
    expect(maxRelErr(bs.values, br.riskRegression.brier)).toBeLessThanOrEqual(REL);
    expect(maxRelErr(bs.values, br.pec.brier)).toBeLessThanOrEqual(REL);
  });

  it("R Kaplan–Meier null model (riskRegression 'Null model', pec 'Reference')", () => {
    // Kaplan–Meier of the test labels at its distinct times, the same curve for every subject
    const tab = riskTable(Float64Array.from(y.time), Int32Array.from(y.event));
    const km = new Float64Array(tab.times.length);
    let s = 1;
    tab.times.forEach((_, k) => (km[k] = s *= 1 - (tab.nEvents[k] as number) / (tab.nRisk[k] as number)));
    const n = y.time.length;
    const flat = new Float64Array(n * km.length);
    for (let i = 0; i < n; i++) flat.set(km, i * km.length);
    const kmCurves = new SurvivalCurves(tab.times, flat);
    const bs = brierScore(kmCurves, y, br.times, { convention: 'pec' });
    expect(maxRelErr(bs.values, br.riskRegression.brier_null)).toBeLessThanOrEqual(REL);
    expect(maxRelErr(bs.values, br.pec.brier_reference)).toBeLessThanOrEqual(REL);
    const crps = integratedBrierScore(kmCurves, y, br.times, { convention: 'pec' });
    expect(maxRelErr([crps], [br.pec.crps.Reference])).toBeLessThanOrEqual(REL);
  });
});

describe('brierScore named cases (hand-computed)', () => {
  // T = [1, 1, 2, 3, 4], δ = [1, 0, 1, 1, 0]; censoring KM 'together': G(1) = 4/5;
  // 'events-first': at risk for censoring at 1 = #{T > 1} + 1 = 4, G(1) = 3/4.
  const lab = { time: [1, 1, 2, 3, 4], event: [1, 0, 1, 1, 0] };
  const curves = constant([0.2, 0.5, 0.6, 0.7, 0.9]);
  // At t = 1: case 0 (score 0.2² = 0.04), survivors 2, 3, 4 (scores 0.16, 0.09, 0.01; sum 0.26).
  it('the three conventions at t = 1', () => {
    expect(brierScore(curves, lab, [1]).values[0]).toBeCloseTo((0.04 + 0.26 / 0.8) / (1 + 3 / 0.8), 15);
    expect(brierScore(curves, lab, [1], { convention: 'pec' }).values[0]).toBeCloseTo((0.04 + 0.26 / 0.75) / 5, 15);
    expect(brierScore(curves, lab, [1], { convention: 'sksurv' }).values[0]).toBeCloseTo((0.04 / 0.75 + 0.26 / 0.75) / 5, 15);
  });
  it('the three conventions at t = 3 (cases 0, 2, 3; survivor 4)', () => {
    // pycox: w = 1 (case 0: G(1−) = 1), 1/0.8 (cases 2, 3 and the survivor)
    expect(brierScore(curves, lab, [3]).values[0]).toBeCloseTo((0.04 + (0.36 + 0.49 + 0.01) / 0.8) / (1 + 3 / 0.8), 15);
    expect(brierScore(curves, lab, [3], { convention: 'pec' }).values[0]).toBeCloseTo((0.04 + 0.86 / 0.75) / 5, 15);
    // sksurv weights case 0 by 1/G(1) = 4/3, not 1/G(1−) = 1
    expect(brierScore(curves, lab, [3], { convention: 'sksurv' }).values[0]).toBeCloseTo(0.9 / 0.75 / 5, 15);
  });
  it('NBLL uses the same weights with −log, S clipped to [1e-7, 1 − 1e-7]', () => {
    const c2 = constant([0, 1]);
    const v = nbll(c2, { time: [1, 2], event: [1, 0] }, [1.5]).values[0];
    // case 0 scores −log(1 − 1e-7); survivor 1 scores −log(1 − 1e-7); weights 1 each
    expect(v).toBeCloseTo(-Math.log(1 - 1e-7), 20);
    const w = nbll(constant([0.5, 0.5]), { time: [1, 2], event: [1, 0] }, [1.5]).values[0];
    expect(w).toBeCloseTo(Math.log(2), 15);
  });
  it("scikit-survival's 1/Ĝ(T_i) can push the ÷n score above 1 (documented)", () => {
    // T = [1, 1, 2], δ = [1, 0, 1]: events-first G(1) = 1/2; worst predictions score 1 each
    const v = brierScore(constant([1, 0.5, 0]), { time: [1, 1, 2], event: [1, 0, 1] }, [1], { convention: 'sksurv' }).values[0];
    expect(v).toBeCloseTo(4 / 3, 15);
  });
  it("reading before the curve grid: pycox takes the first column, 'pec'/'sksurv' read S = 1", () => {
    const c = new SurvivalCurves([1, 2], [0.8, 0.5, 0.9, 0.7]);
    const lab2 = { time: [3, 4], event: [1, 0] };
    expect(brierScore(c, lab2, [0.5]).values[0]).toBeCloseTo((0.04 + 0.01) / 2, 15);
    expect(brierScore(c, lab2, [0.5], { convention: 'pec' }).values[0]).toBe(0);
  });
  it('the docs example', () => {
    const c = new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.2, 1, 0.9, 0.8]);
    const v = brierScore(c, { time: [2, 3], event: [1, 0] }, [1, 2]).values;
    expect(v[0]).toBeCloseTo(0.005, 15);
    expect(v[1]).toBeCloseTo(0.13, 15);
    expect(integratedBrierScore(c, { time: [2, 3], event: [1, 0] }, [1, 2])).toBeCloseTo(0.0675, 15);
    expect(Number.isFinite(integratedNbll(c, { time: [2, 3], event: [1, 0] }, [1, 2, 3]))).toBe(true);
  });
  it('maxWeight floors Ĝ (pycox max_weight)', () => {
    // train: both censored, 'together' G = 1/2 on [1, 2), 0 from 2 on
    const train = { time: [1, 2], event: [0, 0] };
    const lab2 = { time: [3, 0.5], event: [0, 1] };
    const c = constant([0.6, 0.3]);
    throwsCode(() => brierScore(c, lab2, [2.5], { train }), 'censoringZero', messages.censoringZero('brierScore', 2.5, 'maxWeight'));
    // G floored at 1/4: survivor 0 weight 4 (score 0.16), event 1 weight 1/G(0.5−) = 1 (score 0.09)
    expect(brierScore(c, lab2, [2.5], { train, maxWeight: 4 }).values[0]).toBeCloseTo((0.64 + 0.09) / 5, 15);
  });
});

describe('brierScore errors', () => {
  const c = constant([0.5, 0.4, 0.3]);
  const lab = { time: [1, 2, 3], event: [1, 0, 1] };
  it('curves and labels with different numbers of subjects', () => {
    throwsCode(
      () => brierScore(constant([0.5, 0.4]), lab, [1]),
      'shapeMismatch',
      messages.shapeMismatch('brierScore', 'curves', '3 subjects (one per label)', '2 subjects'),
    );
  });
  it('labels of unequal lengths', () => {
    throwsCode(() => brierScore(c, { time: [1, 2, 3], event: [1, 0] }, [1]), 'lengthMismatch', messages.lengthMismatch('brierScore', 'time', 3, 'event', 2));
  });
  it('curves that are not SurvivalCurves', () => {
    throwsCode(() => brierScore([0.5] as unknown as SurvivalCurves, lab, [1]), 'notInstance');
  });
  it('bad times', () => {
    throwsCode(() => brierScore(c, lab, [2, 1]), 'notAscending', messages.notAscending('brierScore', 'times', 1));
    throwsCode(() => brierScore(c, lab, [-1, 1]), 'negative');
    throwsCode(() => brierScore(c, lab, []), 'empty');
    throwsCode(() => brierScore(c, lab, [NaN]), 'notFinite');
  });
  it("'sksurv': times outside the follow-up [min T, max T)", () => {
    throwsCode(
      () => brierScore(c, lab, [0.5, 2], { convention: 'sksurv' }),
      'timeOutsideFollowUp',
      messages.timeOutsideFollowUp('brierScore', 'times', 0.5, 1, 3),
    );
    throwsCode(() => brierScore(c, lab, [1, 3], { convention: 'sksurv' }), 'timeOutsideFollowUp', messages.timeOutsideFollowUp('brierScore', 'times', 3, 1, 3));
  });
  it("'sksurv': reads beyond the training follow-up while Ĝ > 0", () => {
    const train = { time: [0.5, 1.5], event: [1, 0] }; // G = 1 up to 1.5 then 0 — ends at 0, allowed
    expect(() => brierScore(c, lab, [1, 2], { convention: 'sksurv', train })).toThrow(SurvkitError); // Ĝ(2) = 0 for the survivor
    const train2 = { time: [0.5, 1.5], event: [0, 1] }; // Ĝ ends at 1/2 > 0 at 1.5
    throwsCode(
      () => brierScore(c, lab, [1, 2], { convention: 'sksurv', train: train2 }),
      'timeOutsideTrain',
      messages.timeOutsideTrain('brierScore', 'times', 2, 1.5),
    );
  });
  it("'sksurv': no events", () => {
    throwsCode(() => brierScore(c, { time: [1, 2, 3], event: [0, 0, 0] }, [1], { convention: 'sksurv' }), 'noEvents');
    throwsCode(() => brierScore(c, lab, [1], { convention: 'sksurv', train: { time: [4, 5], event: [0, 0] } }), 'noEvents');
  });
  it("'pycox': a time where every subject is censored before it (0/0)", () => {
    throwsCode(() => brierScore(constant([0.5, 0.5]), { time: [1, 2], event: [0, 0] }, [2]), 'noIpcwSubjects', messages.noIpcwSubjects('brierScore', 2));
  });
  it('competing-risk codes and bad options', () => {
    throwsCode(() => brierScore(c, { time: [1, 2, 3], event: [1, 2, 0] }, [1]), 'notBinaryEvent');
    throwsCode(() => brierScore(c, lab, [1], { maxWeight: 0 }), 'optionRange');
    throwsCode(() => brierScore(c, lab, [1], { convention: 'lifelines' as 'pycox' }), 'optionRange');
    throwsCode(() => integratedBrierScore(c, lab, [1, 2], { integration: 'romberg' as 'simpson' }), 'optionRange');
    throwsCode(() => integratedBrierScore(c, lab, [1]), 'tooFewTimes', messages.tooFewTimes('integratedBrierScore', 'times', 2, 1));
  });
});
