import { describe, expect, it } from 'vitest';
import { PcHazardTransform } from '../../src/data/pc-hazard-transform.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from '../losses/reference.js';

interface Scheme {
  cuts: number[];
  out_features: number;
  idx: number[];
  event: number[];
  frac: number[];
  test_idx: number[];
  test_event: number[];
  test_frac: number[];
}
interface Case {
  dtype: 'float64' | 'float32';
  time: number[];
  event: number[];
  test_time: number[];
  test_event: number[];
  equidistant: Scheme;
  quantiles: Scheme;
}

const G = readJson<{ pchazard_transform: Case[] }>('zoo/pycox_zoo.json');
let worstFrac = 0;

describe('PcHazardTransform = pycox 0.3.0 LabTransPCHazard(6) (golden)', () => {
  for (const c of G.pchazard_transform) {
    for (const scheme of ['equidistant', 'quantiles'] as const) {
      it(`${scheme}, ${c.dtype} durations: cuts, indices, events and fractions (train and a test set beyond the last cut)`, () => {
        const want = c[scheme];
        const lt = new PcHazardTransform({ n: 6, scheme, dtype: c.dtype }).fit({ time: c.time, event: c.event });
        expect(Array.from(lt.cuts)).toEqual(want.cuts);
        expect(lt.outFeatures).toBe(want.out_features);
        const check = (got: ReturnType<PcHazardTransform['transform']>, idx: number[], ev: number[], frac: number[]) => {
          expect(Array.from(got.idx)).toEqual(idx);
          expect(Array.from(got.event)).toEqual(ev);
          for (let i = 0; i < frac.length; i++) {
            // pycox returns the fractions as float32
            const err = Math.abs(Math.fround(got.frac[i] as number) - (frac[i] as number)) / Math.max(1, frac[i] as number);
            worstFrac = Math.max(worstFrac, err);
            expect(err).toBeLessThanOrEqual(c.dtype === 'float32' ? 0 : 6e-8);
          }
        };
        check(lt.transform({ time: c.time, event: c.event }), want.idx, want.event, want.frac);
        check(lt.transform({ time: c.test_time, event: c.test_event }), want.test_idx, want.test_event, want.test_frac);
      });
    }
  }

  it('an event at the first cut gets index −1, event 0 and fraction 0 (pycox drops it from the loss)', () => {
    const lt = new PcHazardTransform({ cuts: [0, 1, 2] });
    const out = lt.transform({ time: [0, 0.5, 2, 3], event: [1, 1, 0, 1] });
    expect(Array.from(out.idx)).toEqual([-1, 0, 1, 1]);
    expect(Array.from(out.event)).toEqual([0, 1, 0, 0]);
    expect(Array.from(out.frac)).toEqual([0, 0.5, 1, 2]); // beyond the last cut: the fraction goes on past 1, as pycox's
    console.log('PcHazardTransform vs pycox: largest |fraction error|', worstFrac);
  });

  it('refuses fewer than 2 fixed cuts', () => {
    expect(() => new PcHazardTransform({ cuts: [1] })).toThrow(messages.pcHazardCuts('PcHazardTransform', 'cuts', [1]));
  });
});
