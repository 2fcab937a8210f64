import { describe, expect, it } from 'vitest';
import { throwsCode } from '../helpers/errors.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cumulativeDynamicAuc } from '../../src/metrics/cumulative-dynamic-auc.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { messages } from '../../src/core/messages.js';
import { brierR, evalsurv, fixtureDir, maxRelErr, metabricLabels, metabricSurv, REL, type Model } from './brier-fixtures.js';

const models: Model[] = ['deephit', 'logistichazard'];
const y = metabricLabels();
const fn = 'cumulativeDynamicAuc';

interface MeanAucFixture {
  [model: string]: { times: string[]; auc: string[]; km: string[]; mean_auc: string };
}
const meanFixture = JSON.parse(readFileSync(join(fixtureDir, 'brier', 'sksurv_mean_auc.json'), 'utf8')) as MeanAucFixture;

describe.each(models)('cumulativeDynamicAuc golden, METABRIC %s', (model) => {
  const curves = metabricSurv(model);
  const sk = evalsurv(model).sksurv;
  const rr = brierR(model).riskRegression;

  it('scikit-survival 0.21 cumulative_dynamic_auc with risk = 1 − S(t) (times with cases)', () => {
    // scikit-survival returns NaN at the first two grid times (no case yet); survkit throws there.
    const times = sk.times.slice(2);
    const res = cumulativeDynamicAuc(y, y, curves, times);
    expect(maxRelErr(res.auc, sk.cumulative_dynamic_auc.slice(2))).toBeLessThanOrEqual(REL);
    // meanAuc: scikit-survival's summary over these times (fixture: sksurv AUCs + R survival KM)
    const fx = meanFixture[model] as MeanAucFixture[string];
    expect(fx.times.map(Number)).toEqual(times);
    expect(maxRelErr([res.meanAuc], [Number(fx.mean_auc)])).toBeLessThanOrEqual(REL);
  });

  it('no cases at the first grid time: noCases where scikit-survival gives NaN', () => {
    expect(sk.cumulative_dynamic_auc[0]).toBeNull();
    throwsCode(() => cumulativeDynamicAuc(y, y, curves, sk.times), 'noCases', messages.noCases(fn, sk.times[0] as number));
  });

  it("riskRegression Score AUC (convention 'riskRegression': 1/Ĝ(T_i−), exact ties)", () => {
    const times = rr.auc_times.slice(2, 99);
    const res = cumulativeDynamicAuc(y, y, curves, times, { convention: 'riskRegression' });
    expect(maxRelErr(res.auc, rr.auc.slice(2, 99))).toBeLessThanOrEqual(REL);
    // riskRegression reports NA at the last time (no controls): survkit throws
    expect(rr.auc[99]).toBeNull();
    throwsCode(() => cumulativeDynamicAuc(y, y, curves, [rr.auc_times[99] as number], { convention: 'riskRegression' }), 'noControls');
  });

  it('the two estimators differ (weights at T_i vs T_i−)', () => {
    const times = sk.times.slice(2);
    const a = cumulativeDynamicAuc(y, y, curves, times).auc;
    const b = cumulativeDynamicAuc(y, y, curves, times, { convention: 'riskRegression' }).auc;
    expect(maxRelErr(a, Array.from(b))).toBeGreaterThan(1e-6);
  });
});

describe('cumulativeDynamicAuc named cases (hand-computed)', () => {
  it('a perfect, a reversed and a constant risk', () => {
    const lab = { time: [1, 2, 3, 4, 5], event: [1, 1, 0, 1, 0] };
    expect(Array.from(cumulativeDynamicAuc(lab, lab, [5, 4, 3, 2, 1], [2, 4]).auc)).toEqual([1, 1]);
    expect(Array.from(cumulativeDynamicAuc(lab, lab, [1, 2, 3, 4, 5], [2, 4]).auc)).toEqual([0, 0]);
    expect(Array.from(cumulativeDynamicAuc(lab, lab, [7, 7, 7, 7, 7], [2, 4]).auc)).toEqual([0.5, 0.5]);
  });
  it('weights 1/Ĝ(T_i) (sksurv) vs 1/Ĝ(T_i−) (riskRegression) at an event tied with a censoring', () => {
    // T = [1, 2, 2, 3, 4, 5], δ = [1, 1, 0, 1, 0, 1]; events-first Ĝ(2) = 1 − 1/4 = 3/4, Ĝ(2−) = 1.
    // t = 2: cases 0 (w 1) and 1 (w 4/3 or 1); controls 3, 4, 5.
    // case 0 (risk .9) beats all 3 controls; case 1 (risk .2) beats only subject 5 (risk .1).
    const lab = { time: [1, 2, 2, 3, 4, 5], event: [1, 1, 0, 1, 0, 1] };
    const r = [0.9, 0.2, 0.5, 0.4, 0.3, 0.1];
    const sk = cumulativeDynamicAuc(lab, lab, r, [2]);
    expect(sk.auc[0]).toBeCloseTo((3 + (4 / 3) * 1) / ((1 + 4 / 3) * 3), 15); // 13/21
    expect(sk.meanAuc).toBe(sk.auc[0]);
    expect(cumulativeDynamicAuc(lab, lab, r, [2], { convention: 'riskRegression' }).auc[0]).toBeCloseTo(4 / 6, 15);
  });
  it('a tied case/control pair counts ½; tiedTol merges near-ties', () => {
    const lab = { time: [1, 2, 3], event: [1, 0, 0] };
    expect(cumulativeDynamicAuc(lab, lab, [0.5, 0.5, 0.1], [1.5]).auc[0]).toBeCloseTo(0.75, 15);
    const near = [0.5, 0.5 - 1e-9, 0.1];
    expect(cumulativeDynamicAuc(lab, lab, near, [1.5]).auc[0]).toBeCloseTo(0.75, 15); // default tol 1e-8
    expect(cumulativeDynamicAuc(lab, lab, near, [1.5], { tiedTol: 0 }).auc[0]).toBe(1);
  });
  it('meanAuc weights each AUC by the Kaplan–Meier drop of the test labels', () => {
    // T = [1, 2, 3, 4], all events: Ŝ(1.5) = 3/4, Ŝ(2.5) = 1/2; weights 1/4, 1/4 over 1 − 1/2
    const lab = { time: [1, 2, 3, 4], event: [1, 1, 1, 1] };
    const res = cumulativeDynamicAuc(lab, lab, [4, 1, 3, 2], [1.5, 2.5]);
    // t = 1.5: case 0 beats all 3 controls → 1; t = 2.5: case 0 beats 2 (risks 3, 2), case 1 beats 0 → 2/4
    expect(Array.from(res.auc)).toEqual([1, 0.5]);
    expect(res.meanAuc).toBeCloseTo((1 * 0.25 + 0.5 * 0.25) / 0.5, 15);
  });
  it('SurvivalCurves as risk: 1 − S_i(t) read as a step', () => {
    const lab = { time: [1, 2, 3], event: [1, 1, 0] };
    const c = new SurvivalCurves([0, 1.5], [0.9, 0.1, 0.8, 0.5, 0.7, 0.6]);
    // at t = 1.2 the risks are 1 − S(0) = [.1, .2, .3]: case 0 lowest → AUC 0
    expect(cumulativeDynamicAuc(lab, lab, c, [1.2]).auc[0]).toBe(0);
    // at t = 2 the risks are 1 − S(1.5) = [.9, .5, .4]: cases 0, 1 both above control 2 → 1
    expect(cumulativeDynamicAuc(lab, lab, c, [2]).auc[0]).toBe(1);
  });
});

describe('cumulativeDynamicAuc errors', () => {
  const lab = { time: [1, 2, 3, 4], event: [1, 0, 1, 0] };
  it('unequal lengths and subject counts', () => {
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [1, 2, 3], [2]), 'lengthMismatch', messages.lengthMismatch(fn, 'test.time', 4, 'risk', 3));
    throwsCode(() => cumulativeDynamicAuc(lab, lab, new SurvivalCurves([0], [0.5, 0.4]), [2]), 'shapeMismatch');
    throwsCode(() => cumulativeDynamicAuc(lab, { time: [1, 2], event: [1] }, [1, 2], [2]), 'lengthMismatch');
  });
  it("'sksurv': times outside the follow-up of the test data", () => {
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [4, 3, 2, 1], [0.5]), 'timeOutsideFollowUp', messages.timeOutsideFollowUp(fn, 'times', 0.5, 1, 4));
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [4, 3, 2, 1], [4]), 'timeOutsideFollowUp');
  });
  it('no cases / no controls', () => {
    throwsCode(() => cumulativeDynamicAuc(lab, { time: [1, 2, 3, 4], event: [0, 1, 0, 1] }, [4, 3, 2, 1], [1.5]), 'noCases', messages.noCases(fn, 1.5));
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [4, 3, 2, 1], [4], { convention: 'riskRegression' }), 'noControls', messages.noControls(fn, 4));
  });
  it('no events; Ĝ = 0 at a case; a case after the training follow-up', () => {
    throwsCode(() => cumulativeDynamicAuc(lab, { time: [1, 2], event: [0, 0] }, [1, 2], [1.5]), 'noEvents');
    throwsCode(() => cumulativeDynamicAuc({ time: [1, 2], event: [0, 0] }, lab, [4, 3, 2, 1], [2]), 'noEvents');
    // train: censored at 1 (G = 1/2), event at 2 then censored at 2 → events-first G(2) = 0
    const train0 = { time: [1, 2, 2], event: [0, 1, 0] };
    throwsCode(() => cumulativeDynamicAuc(train0, lab, [4, 3, 2, 1], [3.5]), 'censoringZero', messages.censoringZero(fn, 3, 'followUp'));
    const short = { time: [0.5, 1.5, 2.5], event: [0, 1, 1] }; // Ĝ ends at 2/3 > 0
    throwsCode(() => cumulativeDynamicAuc(short, lab, [4, 3, 2, 1], [3.5]), 'timeOutsideTrain', messages.timeOutsideTrain(fn, 'test.time', 3, 2.5));
  });
  it('bad options and times', () => {
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [4, 3, 2, 1], [2], { tiedTol: -1 }), 'optionRange');
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [4, 3, 2, 1], [2], { convention: 'R' as 'sksurv' }), 'optionRange');
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [4, 3, 2, 1], [3, 2]), 'notAscending');
    throwsCode(() => cumulativeDynamicAuc(lab, lab, [4, 3, NaN, 1], [2]), 'notFinite');
  });
});
