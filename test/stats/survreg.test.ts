/**
 * survreg (linear AFT) against R survival survreg (test/fixtures/stats/survreg_linear_R.json, generator
 * survreg_linear.R): lung, veteran (a factor, one-hot as R's treatment contrasts) and pbc, with the Weibull,
 * exponential, log-normal and log-logistic distributions — coefficients, SE, z, p, scale, vcov, log-likelihoods,
 * the likelihood-ratio test and the linear predictor to 1e-8 relative.
 */
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { statsData } from '../../src/stats/table.js';
import { survreg, type SurvregDistribution } from '../../src/stats/survreg.js';
import { readJson } from '../losses/reference.js';

interface Case {
  data: string;
  features: string[];
  dist: SurvregDistribution;
  n: number;
  events: number;
  names: string[];
  coef: number[];
  se: number[];
  z: number[];
  p: number[];
  scale: number;
  vcov: number[];
  loglik: number[];
  chisq: number;
  df: number;
  lp: number[];
  time: number[];
  event: number[];
  columns: Record<string, (number | string)[]>;
}

const { cases } = readJson<{ cases: Case[] }>('stats/survreg_linear_R.json');
let worst = 0;
const check = (got: number, want: number, what: string, tol = 1e-8) => {
  const e = Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
  worst = Math.max(worst, e);
  expect(e, `${what}: ${got} vs ${want}`).toBeLessThan(tol);
};

/** The case's table as strings, through statsData (the CLI's reader) so that factors are encoded as the CLI does. */
function encoded(c: Case) {
  const header = ['duration', 'event', ...c.features];
  const rows = c.time.map((t, i) => [String(t), String(c.event[i]), ...c.features.map((f) => String(c.columns[f]?.[i]))]);
  return statsData({ file: c.data, header, rows }, { duration: 'duration', event: 'event', features: c.features });
}

describe('survreg = R survreg (golden, 1e-8 relative)', () => {
  for (const c of cases) {
    it(`${c.data}, ${c.dist}: ${c.names.join(', ')}`, () => {
      const d = encoded(c);
      const r = survreg({ time: d.time, event: d.event }, d.covariates, { dist: c.dist });
      expect(r.coefficients.map((k) => k.name)).toEqual(c.names);
      expect(r.n).toBe(c.n);
      expect(r.events).toBe(c.events);
      r.coefficients.forEach((k, i) => {
        check(k.coef, c.coef[i] as number, `coef ${k.name}`);
        check(k.se, c.se[i] as number, `se ${k.name}`);
        check(k.z, c.z[i] as number, `z ${k.name}`);
        check(k.p, c.p[i] as number, `p ${k.name}`, 1e-7);
      });
      check(r.scale, c.scale, 'scale');
      check(r.loglik[0], c.loglik[0] as number, 'loglik null');
      check(r.loglik[1], c.loglik[1] as number, 'loglik');
      check(r.tests.likelihoodRatio.statistic, c.chisq, 'chisq', 1e-7);
      expect(r.tests.likelihoodRatio.df).toBe(c.df);
      const q = r.variance.length;
      for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) check(r.variance[a]?.[b] as number, c.vcov[b * q + a] as number, `vcov[${a}, ${b}]`, 1e-7);
      r.linearPredictor.forEach((v, i) => check(v, c.lp[i] as number, `lp[${i}]`));
    });
  }

  it('reports the largest relative error', () => {
    console.log(`survreg vs R: largest relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-7);
  });
});

describe('survreg errors', () => {
  it('rejects a time <= 0 naming the row', () => {
    expect(() => survreg({ time: [1, 0, 3], event: [1, 1, 0] }, { x: [1, 2, 3] })).toThrow(messages.positiveTime('survreg', 'labels.time', 1, 0));
  });
  it('rejects an unknown distribution', () => {
    expect(() => survreg({ time: [1, 2, 3], event: [1, 1, 0] }, null, { dist: 'gamma' as never })).toThrow(/survreg: option 'dist'/);
  });
  it('names a collinear covariate', () => {
    expect(() => survreg({ time: [1, 2, 3, 4, 5], event: [1, 1, 0, 1, 1] }, { a: [1, 2, 3, 4, 6], b: [2, 4, 6, 8, 12] })).toThrow(
      /"b" is a linear combination/,
    );
  });
});
