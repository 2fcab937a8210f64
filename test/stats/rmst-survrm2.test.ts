/**
 * rmst against survRM2::rmst2 itself (survRM2 1.0-4 from its source,
 * test/fixtures/generators/rmst_survrm2.R) on the two-group cases of rmst_R.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rmst } from '../../src/stats/rmst.js';

interface Row {
  estimate: number;
  lower: number;
  upper: number;
  p: number;
}
interface Arm {
  rmst: number;
  se: number;
  lower: number;
  upper: number;
}
const dir = join(import.meta.dirname, '../fixtures/stats');
const ref = JSON.parse(readFileSync(join(dir, 'rmst_survRM2.json'), 'utf8')) as {
  cases: Record<string, { tau: number; arm0: Arm; arm1: Arm; difference: Row; ratio: Row; rmtlRatio: Row }>;
};
const inputs = JSON.parse(readFileSync(join(dir, 'rmst_R.json'), 'utf8')) as {
  cases: Record<string, { time: number[]; event: number[]; groups: (number | string)[] }>;
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('rmst equals survRM2::rmst2 (1e-12 relative)', () => {
  for (const [name, want] of Object.entries(ref.cases)) {
    it(name, () => {
      const c = inputs.cases[name] as { time: number[]; event: number[]; groups: (number | string)[] };
      const r = rmst({ time: c.time, event: c.event }, c.groups, { tau: want.tau });
      [want.arm0, want.arm1].forEach((a, k) => {
        const g = r.groups[k] as Arm;
        for (const key of ['rmst', 'se', 'lower', 'upper'] as const) expect(rel(g[key], a[key])).toBeLessThan(1e-12);
      });
      for (const key of ['difference', 'ratio', 'rmtlRatio'] as const) {
        const got = r[key] as Row;
        for (const f of ['estimate', 'lower', 'upper'] as const) expect(rel(got[f], want[key][f])).toBeLessThan(1e-12);
        expect(rel(got.p, want[key].p)).toBeLessThan(1e-10);
      }
    });
  }
});
