/**
 * coxph against R survival 3.5.3 coxph (test/fixtures/generators/coxph.R): lung,
 * veteran, pbc and colon with Efron and Breslow ties, strata, case weights, an
 * offset, robust and clustered sandwich SEs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { coxph, type CoxphOptions } from '../../src/stats/coxph.js';

interface Test {
  statistic: number;
  df: number;
  p: number;
}
interface Case {
  description: string;
  ties: 'efron' | 'breslow' | 'exact';
  robust: boolean;
  n: number;
  events: number;
  iterations: number;
  time: number[];
  event: number[];
  names: string[];
  x: number[][];
  strata?: number[];
  weights?: number[];
  offset?: number[];
  cluster?: number[];
  coef: number[];
  se: number[];
  robustSe?: number[];
  z: number[];
  p: number[];
  lower: number[];
  upper: number[];
  var: number[][];
  loglik: [number, number];
  wald: Test;
  score: Test;
  likelihoodRatio: Test;
  robustScore?: Test;
  concordance: number;
  linearPredictor: number[];
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/coxph_R.json'), 'utf8')) as { cases: Record<string, Case> };

/** Relative error, with an absolute floor for values near 0. */
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function fit(c: Case) {
  const opts: CoxphOptions = { ties: c.ties, names: c.names, robust: c.robust };
  if (c.strata) opts.strata = c.strata;
  if (c.weights) opts.weights = c.weights;
  if (c.offset) opts.offset = c.offset;
  if (c.cluster) opts.cluster = c.cluster;
  return coxph({ time: c.time, event: c.event }, c.x, opts);
}

describe('coxph equals R survival::coxph (1e-8 relative)', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.description}`, () => {
      const f = fit(c);
      const tol = 1e-8;
      expect(f.n).toBe(c.n);
      expect(f.events).toBe(c.events);
      expect(f.iterations).toBe(c.iterations);
      expect(f.coefficients.map((r) => r.name)).toEqual(c.names);
      f.coefficients.forEach((r, k) => {
        expect(rel(r.coef, c.coef[k] as number)).toBeLessThan(tol);
        expect(rel(r.se, c.se[k] as number)).toBeLessThan(tol);
        if (c.robustSe) expect(rel(r.robustSe as number, c.robustSe[k] as number)).toBeLessThan(tol);
        else expect(r.robustSe).toBeUndefined();
        expect(rel(r.hazardRatio, Math.exp(c.coef[k] as number))).toBeLessThan(tol);
        expect(rel(r.z, c.z[k] as number)).toBeLessThan(tol);
        expect(rel(r.p, c.p[k] as number)).toBeLessThan(tol);
        expect(rel(r.lower, c.lower[k] as number)).toBeLessThan(tol);
        expect(rel(r.upper, c.upper[k] as number)).toBeLessThan(tol);
      });
      f.variance.forEach((row, i) => row.forEach((v, j) => expect(rel(v, c.var[i]?.[j] as number)).toBeLessThan(tol)));
      expect(rel(f.loglik[0], c.loglik[0])).toBeLessThan(tol);
      expect(rel(f.loglik[1], c.loglik[1])).toBeLessThan(tol);
      for (const t of ['wald', 'score', 'likelihoodRatio'] as const) {
        expect(f.tests[t].df).toBe(c[t].df);
        expect(rel(f.tests[t].statistic, c[t].statistic)).toBeLessThan(tol);
        expect(rel(f.tests[t].p, c[t].p)).toBeLessThan(tol);
      }
      if (c.robustScore) expect(rel(f.tests.robustScore?.statistic as number, c.robustScore.statistic)).toBeLessThan(tol);
      expect(rel(f.concordance, c.concordance)).toBeLessThan(1e-12);
      f.linearPredictor.forEach((v, i) => expect(Math.abs(v - (c.linearPredictor[i] as number))).toBeLessThan(1e-10));
    });
  }

  it('exact ties equal Breslow when no event times are tied (the exact term is then the Breslow term)', () => {
    const time = [5, 8, 12, 3, 9, 14, 7, 11, 2, 6];
    const event = [1, 1, 0, 1, 1, 0, 1, 1, 1, 0];
    const x = { a: [1, 0, 0, 1, 1, 0, 0, 1, 0, 1], b: [0.3, 1.2, -0.5, 2.1, 0.7, -1.1, 0.2, 1.5, -0.4, 0.9] };
    const e = coxph({ time, event }, x, { ties: 'exact' });
    const b = coxph({ time, event }, x, { ties: 'breslow' });
    e.coefficients.forEach((r, k) => expect(rel(r.coef, b.coefficients[k]?.coef as number)).toBeLessThan(1e-12));
    expect(rel(e.loglik[1], b.loglik[1])).toBeLessThan(1e-13);
    expect(e.ties).toBe('exact');
  });

  it('accepts named columns as well as rows, and conf changes only the interval', () => {
    const c = fixture.cases.lung_efron as Case;
    const cols = Object.fromEntries(c.names.map((nm, k) => [nm, c.x.map((r) => r[k] as number)]));
    const a = coxph({ time: c.time, event: c.event }, cols);
    const b = coxph({ time: c.time, event: c.event }, cols, { conf: 0.9 });
    expect(a.coefficients.map((r) => r.coef)).toEqual(fit(c).coefficients.map((r) => r.coef));
    expect(b.coefficients[0]?.lower).toBeGreaterThan(a.coefficients[0]?.lower as number);
    expect(b.coefficients[0]?.se).toBe(a.coefficients[0]?.se);
  });
});

describe('coxph errors', () => {
  const time = [1, 2, 3, 4, 5, 6, 7, 8];
  const event = [1, 1, 0, 1, 1, 1, 0, 1];
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      expect(err).toBeInstanceOf(SurvkitError);
      return `${(err as SurvkitError).code}: ${(err as Error).message}`;
    }
    return 'no error';
  };

  it('names the covariate that diverges (monotone likelihood; R warns "coefficient may be infinite")', () => {
    const msg = code(() => coxph({ time, event }, { x: [1, 1, 1, 1, 0, 0, 0, 0], z: [0.5, 1.2, -0.3, 0.8, 0.1, -1, 2, 0.4] }));
    expect(msg).toMatch(/^coxphDiverged: coxph: the coefficient of "x" /);
  });

  it('names a collinear covariate and a constant one', () => {
    expect(code(() => coxph({ time, event }, { a: [1, 2, 3, 1, 2, 5, 1, 2], b: [2, 4, 6, 2, 4, 10, 2, 4] }))).toMatch(
      /^coxphCollinear: .*"b" is a linear combination of "a"/,
    );
    expect(code(() => coxph({ time, event }, { a: [3, 3, 3, 3, 3, 3, 3, 3] }))).toMatch(/^coxphCollinear: .*"a" .*constant/);
  });

  it('says when Newton–Raphson runs out of iterations', () => {
    const x = { a: [0.3, 1.2, 3.1, 0.2, 2.2, 5, 1, 2] };
    expect(code(() => coxph({ time, event }, x, { maxIter: 1 }))).toMatch(/^coxphNoConvergence: coxph: Newton–Raphson did not converge in 1 iterations/);
  });

  it('rejects bad input naming the argument', () => {
    expect(code(() => coxph({ time, event }, { a: [1, 2, 3] }))).toMatch(/^lengthMismatch: coxph: 'labels' has 8 values but 'covariates.a' has 3/);
    expect(code(() => coxph({ time, event }, { a: [1, 2, 3, 4, 5, 6, 7, NaN] }))).toMatch(/^notFinite: coxph: 'covariates.a'/);
    expect(code(() => coxph({ time, event }, {}))).toMatch(/^noCovariates/);
    expect(code(() => coxph({ time, event }, 5 as never))).toMatch(/^statsCovariates/);
    expect(code(() => coxph({ time, event }, [[1], [2], [3], [4], [5], [6], [7], [8, 9]]))).toMatch(/^lengthMismatch: .*'covariates\[7\]'/);
    expect(code(() => coxph({ time, event }, { a: time }, { weights: [1, 1, 1, 1, 1, 1, 1, 0] }))).toMatch(
      /^positiveNumber: coxph: 'weights\[7\]' must be a finite number > 0/,
    );
    expect(code(() => coxph({ time, event: [0, 0, 0, 0, 0, 0, 0, 0] }, { a: time }))).toMatch(/^noEvents/);
    expect(code(() => coxph({ time, event }, { a: time }, { offset: [0, 0, 0, 0, 0, 0, 0, 9000] }))).toMatch(
      /^coxphOffset: coxph: 'offset\[7\]' must be within ±700/,
    );
    expect(code(() => coxph({ time, event: [2, 0, 0, 0, 0, 0, 0, 1] }, { a: time }))).toMatch(/^notBinaryEvent/);
    expect(code(() => coxph({ time, event }, { a: time }, { ties: 'discrete' as never }))).toMatch(/^optionRange: coxph: option 'ties'/);
    // as R's coxexact.fit / residuals.coxph: no case weights and no sandwich variance with exact ties
    expect(code(() => coxph({ time, event }, { a: time }, { ties: 'exact', weights: [1, 2, 1, 2, 1, 2, 1, 2] }))).toMatch(
      /^coxphExactUnsupported: coxph: 'weights' is not available with ties 'exact'/,
    );
    expect(code(() => coxph({ time, event }, { a: time }, { ties: 'exact', robust: true }))).toMatch(/^coxphExactUnsupported: coxph: 'robust'/);
    // 1000 tied events among 2000 at risk: C(2000, 1000) ≈ 2e600 > the largest double
    const many = { time: new Array<number>(2000).fill(1), event: Array.from({ length: 2000 }, (_, i) => i % 2) };
    expect(code(() => coxph(many, { a: many.event.map((_, i) => (i % 7) / 7) }, { ties: 'exact' }))).toMatch(
      /^coxphExactOverflow: coxph: 'labels' have too many tied events at one time for ties 'exact'/,
    );
    expect(code(() => coxph({ time, event }, { a: time }, { strata: [1, 1, 1, 1, 2, 2, 2, null as never] }))).toMatch(/^statsGroupValue: coxph: 'strata'/);
  });
});

describe('coxph invariants', () => {
  it("without strata and weights, the concordance is survkit's Harrell C of the linear predictor (exact ties)", () => {
    for (const name of ['lung_efron', 'veteran_efron', 'colon_death']) {
      const c = fixture.cases[name] as Case;
      const f = fit(c);
      expect(concordanceIndex(c.time, c.event, f.linearPredictor, { tiedTol: 0 }).cIndex).toBeCloseTo(f.concordance, 14);
    }
  });

  it('Efron equals Breslow without tied event times', () => {
    const time = [5, 8, 12, 3, 9, 14, 7, 11, 2, 6];
    const event = [1, 1, 0, 1, 1, 0, 1, 1, 1, 0];
    const x = { a: [1, 0, 0, 1, 1, 0, 0, 1, 1, 0], b: [0.2, 1.4, -0.5, 0.9, 0.3, -1.1, 0.7, 0.1, 1.6, -0.4] };
    const e = coxph({ time, event }, x, { ties: 'efron' });
    const b = coxph({ time, event }, x, { ties: 'breslow' });
    e.coefficients.forEach((r, k) => expect(rel(r.coef, b.coefficients[k]?.coef as number)).toBeLessThan(1e-14));
  });
});
