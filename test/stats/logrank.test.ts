/**
 * logrank / pairwiseLogrank against R survival 3.5.3 survdiff and survminer 0.4.9
 * pairwise_survdiff (test/fixtures/generators/logrank.R); G(ρ, γ) with γ > 0
 * against the generator's definition-based R code (survdiff has no γ).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { logrank, type LogrankOptions } from '../../src/stats/logrank.js';
import { pAdjust, pairwiseLogrank, type PAdjustMethod } from '../../src/stats/pairwise-logrank.js';

interface Case {
  description: string;
  reference: string;
  rho: number;
  gamma: number;
  time: number[];
  event: number[];
  groups: (number | string)[];
  strata?: (number | string)[];
  levels: (number | string)[];
  n?: number[];
  observed: number[];
  expected: number[];
  var: number[][];
  statistic: number;
  df: number;
  p: number;
}
interface Pair {
  a: string | number;
  b: string | number;
  p: number;
  pAdjusted: number;
}
type PairCase = { rho: number; time: number[]; event: number[]; groups: (number | string)[] } & Record<'BH' | 'holm' | 'bonferroni', Pair[]>;

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/logrank_R.json'), 'utf8')) as {
  cases: Record<string, Case>;
  pairwise: Record<string, PairCase>;
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('logrank equals R survdiff (chisq 1e-10, counts 1e-12)', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.description} (${c.reference})`, () => {
      const opts: LogrankOptions = { rho: c.rho, gamma: c.gamma };
      if (c.strata) opts.strata = c.strata;
      const r = logrank({ time: c.time, event: c.event }, c.groups, opts);
      expect(r.groups.map((g) => g.group)).toEqual(c.levels);
      if (c.n) expect(r.groups.map((g) => g.n)).toEqual(c.n);
      r.groups.forEach((g, k) => {
        expect(rel(g.observed, c.observed[k] as number)).toBeLessThan(1e-12);
        expect(rel(g.expected, c.expected[k] as number)).toBeLessThan(1e-12);
      });
      r.variance.forEach((row, i) =>
        row.forEach((v, j) => expect(Math.abs(v - (c.var[i]?.[j] as number))).toBeLessThan(1e-12 * Math.abs(c.var[i]?.[i] as number))),
      );
      expect(r.df).toBe(c.df);
      expect(rel(r.statistic, c.statistic)).toBeLessThan(1e-10);
      expect(rel(r.p, c.p)).toBeLessThan(1e-9);
    });
  }

  it('G(ρ, 0) is survdiff(rho) and G(0, 0) the log-rank test', () => {
    const c = fixture.cases.lung_sex as Case;
    const a = logrank({ time: c.time, event: c.event }, c.groups);
    const b = logrank({ time: c.time, event: c.event }, c.groups, { rho: 0, gamma: 0 });
    expect(a.statistic).toBe(b.statistic);
  });

  it('is invariant to relabelling the groups', () => {
    const c = fixture.cases.veteran_celltype as Case;
    const a = logrank({ time: c.time, event: c.event }, c.groups);
    const b = logrank(
      { time: c.time, event: c.event },
      c.groups.map((g) => `z${String(g)}`),
    );
    expect(rel(b.statistic, a.statistic)).toBeLessThan(1e-12);
  });
});

describe('pairwiseLogrank equals survminer::pairwise_survdiff', () => {
  for (const [name, c] of Object.entries(fixture.pairwise)) {
    for (const method of ['BH', 'holm', 'bonferroni'] as PAdjustMethod[]) {
      it(`${name}, ${method}`, () => {
        const r = pairwiseLogrank({ time: c.time, event: c.event }, c.groups, { rho: c.rho, method });
        const ref = c[method as 'BH'];
        expect(r.comparisons.map((q) => [String(q.a), String(q.b)])).toEqual(ref.map((q) => [String(q.a), String(q.b)]));
        r.comparisons.forEach((q, k) => {
          expect(rel(q.p, ref[k]?.p as number)).toBeLessThan(1e-9);
          expect(rel(q.pAdjusted, ref[k]?.pAdjusted as number)).toBeLessThan(1e-9);
        });
      });
    }
  }

  it('pAdjust follows p.adjust on a hand case', () => {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.5), m)
    expect(pAdjust([0.01, 0.04, 0.03, 0.5], 'holm')).toEqual([0.04, 0.09, 0.09, 0.5]);
    expect(pAdjust([0.01, 0.04, 0.03, 0.5], 'bonferroni')).toEqual([0.04, 0.16, 0.12, 1]);
    const bh = pAdjust([0.01, 0.04, 0.03, 0.5], 'BH');
    [0.04, 0.05333333333333334, 0.05333333333333334, 0.5].forEach((v, k) => expect(rel(bh[k] as number, v)).toBeLessThan(1e-15));
  });
});

describe('logrank errors', () => {
  it('rejects one group, no events, bad groups and options', () => {
    const y = { time: [1, 2, 3, 4], event: [1, 0, 1, 1] };
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(SurvkitError);
        return `${(err as SurvkitError).code}: ${(err as Error).message}`;
      }
      return 'no error';
    };
    expect(code(() => logrank(y, [1, 1, 1, 1]))).toMatch(/^logrankGroups: logrank: 'groups' must have at least 2 groups/);
    expect(code(() => logrank({ time: [1, 2], event: [0, 0] }, [1, 2]))).toMatch(/^noEvents/);
    expect(code(() => logrank(y, [1, 2, 1]))).toMatch(/^lengthMismatch: logrank: 'labels' has 4 values but 'groups' has 3/);
    expect(code(() => logrank(y, [1, 2, NaN, 1]))).toMatch(/^statsGroupValue: logrank: 'groups'/);
    expect(code(() => logrank(y, [1, 2, 2, 1], { rho: -1 }))).toMatch(/^optionRange: logrank: option 'rho'/);
    expect(code(() => pairwiseLogrank(y, [1, 2, 2, 1], { method: 'fdr' as never }))).toMatch(/^optionRange: pairwiseLogrank: option 'method'/);
  });
});
