import { describe, expect, it } from 'vitest';
import { integratedBrierScore, integratedNbll } from '../../src/metrics/integrated.js';
import { brierR, evalsurv, maxRelErr, metabricLabels, metabricSurv, REL, type Model } from './brier-fixtures.js';

const models: Model[] = ['deephit', 'logistichazard'];
const y = metabricLabels();

describe.each(models)('integrated scores golden, METABRIC %s', (model) => {
  const curves = metabricSurv(model);
  const ev = evalsurv(model);
  const br = brierR(model);
  const grid = ev.time_grid;

  it('pycox integrated_brier_score (SciPy 1.10 simps, even = avg over 100 points)', () => {
    expect(maxRelErr([integratedBrierScore(curves, y, grid)], [ev.ibs])).toBeLessThanOrEqual(REL);
  });
  it('pycox integrated_nbll', () => {
    expect(maxRelErr([integratedNbll(curves, y, grid)], [ev.inbll])).toBeLessThanOrEqual(REL);
  });
  it('pycox Brier curve integrated by the trapezoid rule (evalsurv ibs_trapz)', () => {
    expect(maxRelErr([integratedBrierScore(curves, y, grid, { integration: 'trapezoid' })], [ev.ibs_trapz])).toBeLessThanOrEqual(REL);
  });
  it('scikit-survival 0.21 integrated_brier_score (trapezoid)', () => {
    const v = integratedBrierScore(curves, y, ev.sksurv.times, { convention: 'sksurv' });
    expect(maxRelErr([v], [ev.sksurv.ibs])).toBeLessThanOrEqual(REL);
  });
  it('R pec crps (integral of the step function)', () => {
    expect(maxRelErr([integratedBrierScore(curves, y, br.times, { convention: 'pec' })], [br.pec.crps.model])).toBeLessThanOrEqual(REL);
  });
  it("riskRegression's running IBS at every grid time", () => {
    const run = br.riskRegression.ibs_running;
    const ours = run.map((_, k) => (k === 0 ? 0 : integratedBrierScore(curves, y, br.times.slice(0, k + 1), { convention: 'pec' })));
    expect(maxRelErr(ours, run)).toBeLessThanOrEqual(REL);
  });
  it('the three integration rules differ in the 4th digit (why the convention matters)', () => {
    const s = integratedBrierScore(curves, y, grid);
    const t = integratedBrierScore(curves, y, grid, { integration: 'trapezoid' });
    const st = integratedBrierScore(curves, y, grid, { integration: 'step' });
    expect(Math.abs(s - t)).toBeGreaterThan(1e-6);
    expect(Math.abs(s - st)).toBeGreaterThan(1e-6);
  });
});
