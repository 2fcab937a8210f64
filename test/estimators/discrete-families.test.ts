import { describe, expect, it } from 'vitest';
import { bceSurvProbabilities, survivalFromBceLogits, survivalFromMtlrLogits, survivalFromPcHazardLogits } from '../../src/estimators/discrete-families.js';
import { survivalFromPmfLogits } from '../../src/estimators/discrete-time.js';
import { interpolateCurves } from '../../src/estimators/interpolate-curves.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from '../losses/reference.js';

interface Predict {
  n: number;
  m: number;
  cuts: number[];
  phi: number[];
  pmf: { surv: number[]; sub4_times: number[]; sub4_surv: number[] };
  mtlr: { surv: number[]; sub4_times: number[]; sub4_surv: number[] };
  bcesurv: { surv: number[] };
  pchazard_sub1: { times: number[]; surv: number[] };
  pchazard_sub4: { times: number[]; surv: number[] };
}

const P = readJson<{ predict: Predict }>('zoo/pycox_zoo.json').predict;
const worst: Record<string, number> = {};

/** pycox predicts in float32 from the same (float32) logits: 1e-6 absolute. */
function close(label: string, got: ArrayLike<number>, want: number[]): void {
  expect(got.length).toBe(want.length);
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs((got[i] as number) - (want[i] as number)));
  worst[label] = err;
  expect(err).toBeLessThan(1e-6);
}

describe('zoo survival curves = pycox 0.3.0 predict_surv (golden)', () => {
  it('PMF on the cuts and interpolate(4)', () => {
    const c = survivalFromPmfLogits(P.phi, P.cuts);
    close('pmf', c.values, P.pmf.surv);
    const s4 = interpolateCurves(c, 4);
    close('pmf sub4 times', s4.times, P.pmf.sub4_times);
    close('pmf sub4', s4.values, P.pmf.sub4_surv);
  });

  it('MTLR on the cuts and interpolate(4)', () => {
    const c = survivalFromMtlrLogits(P.phi, P.cuts);
    close('mtlr', c.values, P.mtlr.surv);
    const s4 = interpolateCurves(c, 4);
    close('mtlr sub4', s4.values, P.mtlr.sub4_surv);
  });

  it('PC-Hazard with sub = 1 and sub = 4 (piecewise exponential)', () => {
    const phi5 = Array.from({ length: P.n }, (_, i) => P.phi.slice(i * P.m, i * P.m + 5)).flat();
    for (const sub of [1, 4] as const) {
      const want = sub === 1 ? P.pchazard_sub1 : P.pchazard_sub4;
      const c = survivalFromPcHazardLogits(phi5, P.cuts, sub);
      close(`pchazard sub${sub} times`, c.times, want.times);
      close(`pchazard sub${sub}`, c.values, want.surv);
    }
  });

  it('BCESurv: raw sigmoid as pycox; the curves are its running minimum', () => {
    close('bcesurv', bceSurvProbabilities(P.phi, P.m), P.bcesurv.surv);
    const c = survivalFromBceLogits(P.phi, P.cuts);
    for (let i = 0; i < P.n; i++) {
      let run = Infinity;
      for (let k = 0; k < P.m; k++) {
        run = Math.min(run, P.bcesurv.surv[i * P.m + k] as number);
        expect(Math.abs((c.values[i * P.m + k] as number) - run)).toBeLessThan(1e-6);
      }
    }
    console.log('zoo curves vs pycox, largest absolute error:', JSON.stringify(worst));
  });

  it('errors', () => {
    expect(() => survivalFromPcHazardLogits([0], [1])).toThrow(messages.pcHazardCuts('survivalFromPcHazardLogits', 'cuts', [1]));
    expect(() => survivalFromMtlrLogits([0, 1, 2], [0, 1])).toThrow(/survivalFromMtlrLogits: 'logits'/);
  });
});
