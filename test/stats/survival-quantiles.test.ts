/**
 * survivalQuantiles against R survival 3.5.3 quantile.survfit and the
 * print.survfit table (test/fixtures/generators/survival_quantiles.R).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { survivalQuantiles } from '../../src/stats/survival-quantiles.js';

type Num = number | 'NA';
interface Case {
  description: string;
  confType: 'log' | 'log-log';
  probs: number[];
  time: number[];
  event: number[];
  groups?: (number | string)[];
  levels?: (number | string)[];
  quantile: Num[][];
  lower: Num[][];
  upper: Num[][];
  median: Num[];
  medianLower: Num[];
  medianUpper: Num[];
  n: number[];
  events: number[];
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/survival_quantiles_R.json'), 'utf8')) as { cases: Record<string, Case> };
const r = (v: Num): number | null => (v === 'NA' ? null : v);

describe('survivalQuantiles equals R quantile.survfit (exactly: quantiles are data times or their midpoints)', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.description}`, () => {
      const opts = c.groups ? { probs: c.probs, groups: c.groups, confType: c.confType } : { probs: c.probs, confType: c.confType };
      const out = survivalQuantiles({ time: c.time, event: c.event }, opts);
      expect(out.map((g) => g.group)).toEqual(c.levels ?? [null]);
      out.forEach((g, k) => {
        expect(g.n).toBe(c.n[k]);
        expect(g.events).toBe(c.events[k]);
        expect(g.quantiles.map((q) => q.time)).toEqual(c.quantile[k]?.map(r));
        expect(g.quantiles.map((q) => q.lower)).toEqual(c.lower[k]?.map(r));
        expect(g.quantiles.map((q) => q.upper)).toEqual(c.upper[k]?.map(r));
        expect([g.median.time, g.median.lower, g.median.upper]).toEqual([r(c.median[k] as Num), r(c.medianLower[k] as Num), r(c.medianUpper[k] as Num)]);
      });
    });
  }

  it('rejects probabilities outside [0, 1] and unknown options', () => {
    const y = { time: [1, 2, 3], event: [1, 1, 0] };
    expect(() => survivalQuantiles(y, { probs: [1.5] })).toThrow(SurvkitError);
    expect(() => survivalQuantiles(y, { probs: [1.5] })).toThrow(/survivalQuantiles: option 'probs' must be probabilities in \[0, 1\]; got 1.5/);
    expect(() => survivalQuantiles(y, { confType: 'arcsin' as never })).toThrow(/option 'confType'/);
    expect(() => survivalQuantiles(y, { groups: [1, 2] })).toThrow(/'groups' has 2/);
  });
});
