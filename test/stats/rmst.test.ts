/**
 * rmst against the survRM2::rmst2 quantities written from their definitions in R
 * on survival::survfit (test/fixtures/generators/rmst.R).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { rmst, type Contrast } from '../../src/stats/rmst.js';

interface Case {
  description: string;
  tau: number;
  time: number[];
  event: number[];
  groups?: number[] | string[];
  levels: (number | string)[];
  rmst: number[];
  se: number[];
  lower: number[];
  upper: number[];
  rmtl: number[];
  difference?: Contrast;
  ratio?: Contrast;
  rmtlRatio?: Contrast;
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/rmst_R.json'), 'utf8')) as { cases: Record<string, Case> };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('rmst equals the survRM2 definitions computed in R (1e-12 relative)', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.description}`, () => {
      const tauGiven = !name.startsWith('veteran_trt') || name.endsWith('365');
      const r = rmst({ time: c.time, event: c.event }, c.groups, tauGiven ? { tau: c.tau } : {});
      expect(r.tau).toBe(c.tau);
      expect(r.groups.map((g) => (g.group === null ? 'all' : g.group))).toEqual(c.levels);
      r.groups.forEach((g, k) => {
        for (const key of ['rmst', 'se', 'lower', 'upper', 'rmtl'] as const) expect(rel(g[key], c[key][k] as number)).toBeLessThan(1e-12);
      });
      for (const key of ['difference', 'ratio', 'rmtlRatio'] as const) {
        const ref = c[key];
        if (ref === undefined) expect(r[key]).toBeUndefined();
        else for (const f of ['estimate', 'lower', 'upper', 'p'] as const) expect(rel(r[key]?.[f] as number, ref[f])).toBeLessThan(1e-11);
      }
    });
  }

  it('refuses tau beyond a censored group, naming the limit', () => {
    const c = fixture.cases.hand_tau_beyond as Case;
    expect(() => rmst({ time: c.time, event: c.event }, c.groups, { tau: 7.5 })).toThrow(SurvkitError);
    expect(() => rmst({ time: c.time, event: c.event }, c.groups, { tau: 7.5 })).toThrow(/rmst: 'tau' must be at most 7, .*got 7.5/);
    expect(() => rmst({ time: c.time, event: c.event }, c.groups, { tau: -1 })).toThrow(/option 'tau'/);
  });
});
