/**
 * coxZph and coxResiduals against R survival 3.5.3 cox.zph and residuals.coxph
 * (test/fixtures/generators/cox_zph.R): lung, veteran (factor, weights, exact ties),
 * pbc with strata, colon with an offset.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { coxResiduals } from '../../src/stats/cox-residual-types.js';
import { coxZph } from '../../src/stats/cox-zph.js';
import { coxph, type CoxphOptions, type CoxphTies } from '../../src/stats/coxph.js';

interface Row {
  name: string;
  chisq: number;
  df: number;
  p: number;
}
interface Case {
  description: string;
  ties: CoxphTies;
  time: number[];
  event: number[];
  names: string[];
  x: number[][];
  strata?: number[];
  weights?: number[];
  offset?: number[];
  coef: number[];
  zph: Record<'km' | 'rank' | 'identity', Row[]>;
  terms?: Record<string, string[]>;
  zphTerms?: Row[];
  martingale: number[];
  deviance: number[];
  score?: number[][];
  dfbeta?: number[][];
  schoenfeld?: number[][];
  scaledsch?: number[][];
  schoenfeldIndex?: number[];
  schoenfeldTime?: number[];
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/cox_zph_R.json'), 'utf8')) as { cases: Record<string, Case> };

/** Error relative to the largest |value| of the reference (residuals near 0 are compared on the scale of their vector). */
const relTo = (a: number, b: number, scale: number): number => Math.abs(a - b) / scale;
const maxAbs = (v: number[]): number => Math.max(...v.map(Math.abs));

function fit(c: Case) {
  const opts: CoxphOptions = { ties: c.ties, names: c.names };
  if (c.strata) opts.strata = c.strata;
  if (c.weights) opts.weights = c.weights;
  if (c.offset) opts.offset = c.offset;
  return coxph({ time: c.time, event: c.event }, c.x, opts);
}

function expectTests(got: { tests: Row[]; global: Row }, want: Row[]): void {
  const all = [...got.tests, got.global];
  expect(all.map((r) => r.name)).toEqual(want.map((r) => r.name));
  all.forEach((r, i) => {
    const w = want[i] as Row;
    expect(r.df).toBe(w.df);
    expect(Math.abs(r.chisq - w.chisq) / w.chisq).toBeLessThan(1e-8);
    expect(Math.abs(r.p - w.p) / w.p).toBeLessThan(1e-8);
  });
}

describe('coxZph equals R cox.zph (1e-8 relative)', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.description}`, () => {
      const f = fit(c);
      for (const tr of ['km', 'rank', 'identity'] as const) expectTests(coxZph(f, { transform: tr }), c.zph[tr]);
      if (c.terms && c.zphTerms) expectTests(coxZph(f, { terms: c.terms }), c.zphTerms);
      // default transform is km
      expect(coxZph(f).global.chisq).toBe(coxZph(f, { transform: 'km' }).global.chisq);
    });
  }

  it('a transform function equal to the identity gives the identity test', () => {
    const c = fixture.cases.lung_efron as Case;
    const f = fit(c);
    const a = coxZph(f, { transform: (t) => t });
    expect(a.transform).toBe('user');
    expect(a.global.chisq).toBeCloseTo(coxZph(f, { transform: 'identity' }).global.chisq, 12);
  });
});

describe('coxResiduals equals R residuals.coxph', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: martingale, deviance${c.score ? ', score, dfbeta, schoenfeld, scaledsch' : ''}`, () => {
      const f = fit(c);
      const tol = 1e-8;
      for (const type of ['martingale', 'deviance'] as const) {
        const got = coxResiduals(f, type);
        const want = c[type];
        const s = maxAbs(want);
        want.forEach((v, i) => expect(relTo(got[i] as number, v, s)).toBeLessThan(tol));
      }
      if (!c.score) {
        expect(() => coxResiduals(f, 'score')).toThrow(/coxResiduals: 'type 'score'' is not available with ties 'exact'/);
        return;
      }
      for (const type of ['score', 'dfbeta'] as const) {
        const got = coxResiduals(f, type);
        const want = c[type] as number[][];
        c.names.forEach((_, k) => {
          const col = want.map((r) => r[k] as number);
          const s = maxAbs(col);
          col.forEach((v, i) => expect(relTo(got[i]?.[k] as number, v, s)).toBeLessThan(tol));
        });
      }
      for (const type of ['schoenfeld', 'scaledsch'] as const) {
        const got = coxResiduals(f, type);
        const want = c[type] as number[][];
        expect(got.values.length).toBe(want.length);
        // rows matched by subject: our strata order may differ from R's sorted levels
        const row = new Map<number, number>();
        (c.schoenfeldIndex as number[]).forEach((s, r) => row.set(s, r));
        c.names.forEach((_, k) => {
          const col = want.map((r) => r[k] as number);
          const s = maxAbs(col);
          got.values.forEach((r, i) => {
            const j = row.get(got.index[i] as number) as number;
            expect(got.time[i]).toBe(c.time[got.index[i] as number]);
            expect(relTo(r[k] as number, col[j] as number, s)).toBeLessThan(tol);
          });
        });
      }
    });
  }

  it('martingale residuals sum to 0 and deviance residuals share their sign (definition)', () => {
    const f = fit(fixture.cases.lung_efron as Case);
    const m = coxResiduals(f, 'martingale');
    const d = coxResiduals(f, 'deviance');
    expect(Math.abs(m.reduce((a, b) => a + b, 0))).toBeLessThan(1e-10);
    m.forEach((v, i) => expect(Math.sign(d[i] as number)).toBe(Math.sign(v)));
  });
});

describe('coxZph / coxResiduals errors', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      expect(err).toBeInstanceOf(SurvkitError);
      return `${(err as SurvkitError).code}: ${(err as Error).message}`;
    }
    return 'no error';
  };
  const f = fit(fixture.cases.lung_efron as Case);
  it('names the bad argument', () => {
    expect(code(() => coxZph({ ...f }))).toMatch(/^notInstance: coxZph: 'fit' must be a result of coxph/);
    expect(code(() => coxZph(f, { transform: 'log' as never }))).toMatch(/^optionRange: coxZph: option 'transform'/);
    expect(code(() => coxZph(f, { transform: () => NaN }))).toMatch(/^coxZphTransform: coxZph: 'transform' must be 'km', 'rank', 'identity' or a function/);
    expect(code(() => coxZph(f, { terms: { g: ['nope'] } }))).toMatch(/^coxZphTerm: coxZph: 'terms.g' names no covariate of the fit: "nope"/);
    expect(code(() => coxResiduals(f, 'partial' as never))).toMatch(/^optionRange: coxResiduals/);
    expect(code(() => coxResiduals(null as never, 'martingale'))).toMatch(/^notInstance: coxResiduals: 'fit'/);
    // every event at one time: g(t) − mean g is 0 at each event, so the time-varying term carries no information
    const one = coxph({ time: [1, 1, 1, 2, 3, 4, 5], event: [1, 1, 1, 0, 0, 0, 0] }, { x: [0.5, 2.1, 1.2, 0.3, 1.7, 0.9, 1.1] });
    expect(code(() => coxZph(one))).toMatch(/^coxZphSingular: coxZph: 'x' makes the variance of the score test singular/);
  });
});
