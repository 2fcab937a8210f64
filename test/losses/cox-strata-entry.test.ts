/**
 * Stratified and left-truncated Cox partial likelihood against R survival 3.5.3
 * (test/fixtures/cox/strata_entry_R.json, generator cox_strata_entry.R):
 * coxph(Surv(entry, exit, event) ~ offset(g) + strata(s))$loglik on the Stanford
 * heart transplant data and a synthetic set, Efron and Breslow; gradients against
 * central finite differences of the float64 value.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { coxPhLoss, coxPhLossFloat64 } from '../../src/losses/index.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from './reference.js';

interface Case {
  name: string;
  entry: number[];
  exit: number[];
  event: number[];
  strata: string[];
  g: number[];
  beta?: number[];
  loglik_fit_efron?: number;
  [key: string]: unknown;
}

const { cases } = readJson<{ cases: Case[] }>('cox/strata_entry_R.json');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
let worst = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Cox loss with strata and entry times = R coxph (golden)', () => {
  for (const c of cases) {
    for (const ties of ['efron', 'breslow'] as const) {
      it(`${c.name}, ${ties}: strata + entry, entry only, strata only (1e-12 relative)`, () => {
        const variants = [
          ['strata_entry', { strata: c.strata, entry: c.entry }],
          ['entry', { entry: c.entry }],
          ['strata', { strata: c.strata }],
        ] as const;
        for (const [key, extra] of variants) {
          const r = coxPhLossFloat64(c.g, c.exit, c.event, { ties, reduction: 'sum', ...extra });
          const want = -(c[`loglik_${key}_${ties}`] as number);
          const err = rel(r.value, want);
          worst = Math.max(worst, err);
          expect(err).toBeLessThan(1e-12);
        }
      });
    }
  }

  it("heart: at R's fitted coefficients the loss equals R's maximised log-likelihood, and its gradient X'∂ℓ is 0", () => {
    const c = cases[0] as Case;
    const r = coxPhLossFloat64(c.g, c.exit, c.event, { strata: c.strata, entry: c.entry, reduction: 'sum' });
    expect(rel(r.value, -(c.loglik_fit_efron as number))).toBeLessThan(1e-12);
  });

  it('gradient = central finite differences of the float64 value (strata + entry, both ties)', () => {
    const c = cases[1] as Case;
    for (const ties of ['efron', 'breslow'] as const) {
      const opts = { ties, strata: c.strata, entry: c.entry };
      const r = coxPhLossFloat64(c.g, c.exit, c.event, opts);
      for (let j = 0; j < c.g.length; j += 7) {
        const h = 1e-6;
        const up = c.g.slice();
        const dn = c.g.slice();
        up[j] = (up[j] as number) + h;
        dn[j] = (dn[j] as number) - h;
        const fd = (coxPhLossFloat64(up, c.exit, c.event, opts).value - coxPhLossFloat64(dn, c.exit, c.event, opts).value) / (2 * h);
        expect(Math.abs((r.gradient[j] as number) - fd)).toBeLessThan(1e-7);
      }
    }
  });

  it('the tensor loss (mean over events) agrees with the float64 one and differentiates', () => {
    const c = cases[0] as Case;
    const opts = { strata: c.strata, entry: c.entry };
    const g = tf.tensor1d(c.g);
    const v = coxPhLoss(g, c.exit, c.event, opts);
    const d = c.event.filter((e) => e !== 0).length;
    expect(rel(v.dataSync()[0] as number, -(c.loglik_strata_entry_efron as number) / d)).toBeLessThan(1e-6);
    const grad = tf.grad((x: tf.Tensor) => coxPhLoss(x, c.exit, c.event, opts))(g);
    const ref = coxPhLossFloat64(c.g, c.exit, c.event, opts).gradient;
    grad.dataSync().forEach((v2, i) => expect(Math.abs(v2 - (ref[i] as number))).toBeLessThan(1e-6));
    tf.dispose([g, v, grad]);
    console.log('Cox strata/entry vs R coxph: largest relative error of the log partial likelihood', worst);
  });

  it('without strata and entry nothing changes; one stratum equals no strata', () => {
    const c = cases[1] as Case;
    const a = coxPhLossFloat64(c.g, c.exit, c.event);
    const b = coxPhLossFloat64(c.g, c.exit, c.event, { strata: c.g.map(() => 'one') });
    expect(rel(b.value, a.value)).toBeLessThan(1e-14);
  });

  it('errors: entry not below the time, strata of the wrong length, with the pycox convention', () => {
    expect(() => coxPhLossFloat64([0, 1], [2, 3], [1, 1], { entry: [0, 3] })).toThrow(messages.entryNotBeforeExit('coxPhLossFloat64', 'entry', 1, 3, 3));
    expect(() => coxPhLossFloat64([0, 1], [2, 3], [1, 1], { strata: [1] })).toThrow(messages.lengthMismatch('coxPhLossFloat64', 'strata', 1, 'logRisk', 2));
    expect(() => coxPhLossFloat64([0, 1], [2, 3], [1, 1], { strata: [1, 2], convention: 'pycox' })).toThrow(/coxPhLossFloat64: option 'strata'/);
  });
});
