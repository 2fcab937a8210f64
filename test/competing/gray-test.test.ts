/** grayTest against cmprsk 2.2.11 cuminc's Tests (group, strata, rho) on pbc and colon. */
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { grayTest } from '../../src/stats/gray-test.js';
import { fixture } from './fixture.js';

describe('grayTest equals cmprsk::cuminc', () => {
  it.each(fixture.gray.map((c) => [c.description, c] as const))('%s', (_d, c) => {
    const r = grayTest({ time: c.time, event: c.event }, c.group, { rho: c.rho, ...(c.strata === null ? {} : { strata: c.strata }) });
    expect(r.tests.map((t) => t.cause)).toEqual(c.causes);
    r.tests.forEach((t, k) => {
      expect(Math.abs(t.statistic - c.stat[k]!) / c.stat[k]!).toBeLessThan(1e-12);
      expect(Math.abs(t.p - c.p[k]!)).toBeLessThan(1e-12);
      expect(t.df).toBe(c.df[k]);
    });
  });
});

describe('grayTest errors and invariants', () => {
  const y = { time: [1, 2, 3, 4, 5, 6, 7, 8], event: [1, 2, 1, 0, 2, 1, 1, 0] };
  it('is invariant to relabelling the groups', () => {
    const a = grayTest(y, [1, 1, 1, 1, 2, 2, 2, 2]);
    const b = grayTest(y, ['b', 'b', 'b', 'b', 'a', 'a', 'a', 'a']);
    expect(a.tests[0]!.statistic).toBeCloseTo(b.tests[0]!.statistic, 12);
  });
  it('needs two groups and a cause with events', () => {
    expect(() => grayTest(y, new Array(8).fill(1))).toThrow(SurvkitError);
    expect(() => grayTest(y, [1, 1, 1, 1, 2, 2, 2, 2], { cause: 3 })).toThrow(/cause' 3 has no events/);
  });
});
