/**
 * logrankTrend against survMisc::comp's trend tests and, with strata, the
 * definition from R survdiff (test/fixtures/generators/logrank_trend.R).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { logrankTrend } from '../../src/stats/logrank-trend.js';

interface Test {
  rho: number;
  gamma: number;
  statistic: number;
  variance: number;
  z: number;
  chisq: number;
  p: number;
}
interface Case {
  description: string;
  time: number[];
  event: number[];
  groups: number[];
  strata?: number[];
  levels: number[];
  scores: number[];
  tests: Test[];
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/logrank_trend_R.json'), 'utf8')) as { cases: Record<string, Case> };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('logrankTrend equals survMisc comp (trend) and the survdiff definition (1e-12 relative)', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.description}`, () => {
      for (const t of c.tests) {
        const r = logrankTrend({ time: c.time, event: c.event }, c.groups, {
          scores: c.scores,
          rho: t.rho,
          gamma: t.gamma,
          ...(c.strata ? { strata: c.strata } : {}),
        });
        expect(r.groups.map((g) => g.group)).toEqual(c.levels);
        expect(rel(r.statistic, t.statistic)).toBeLessThan(1e-12);
        expect(rel(r.variance, t.variance)).toBeLessThan(1e-12);
        expect(rel(r.z, t.z)).toBeLessThan(1e-12);
        expect(rel(r.chisq, t.chisq)).toBeLessThan(1e-12);
        expect(rel(r.p, t.p)).toBeLessThan(1e-9);
        expect(r.df).toBe(1);
      }
    });
  }

  it('default scores are 1..k; an affine change of the scores leaves z unchanged (definition)', () => {
    const c = fixture.cases.pbc_edema as Case;
    const y = { time: c.time, event: c.event };
    const a = logrankTrend(y, c.groups);
    expect(a.groups.map((g) => g.score)).toEqual([1, 2, 3]);
    const b = logrankTrend(y, c.groups, { scores: [5, 7, 9] });
    expect(rel(b.z, a.z)).toBeLessThan(1e-12);
  });

  it('rejects bad scores', () => {
    const c = fixture.cases.pbc_edema as Case;
    const y = { time: c.time, event: c.event };
    for (const scores of [
      [1, 2],
      [1, 1, 1],
      [1, 2, NaN],
    ]) {
      try {
        logrankTrend(y, c.groups, { scores });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(SurvkitError);
        expect((err as Error).message).toMatch(/^logrankTrend: 'scores' must give one finite score per group \(3 groups, in sorted order\), not all equal/);
      }
    }
  });
});
