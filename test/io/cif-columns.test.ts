/**
 * The cif format (competing risks) on the typed-column reader against the row-based parse it replaced
 * (test/io/cif-reference.ts): on any file, valid or not, the same labels, groups, CIF curves and event-free
 * curves, or the same message.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPredictions, type PredictionColumns } from '../../src/io/predictions.js';
import { tempDir } from '../helpers/temp-dir.js';
import { oldReadPredictions } from './cif-reference.js';

const dir = tempDir('survkit-cif-columns-');
let files = 0;
const fileWith = (text: string): string => {
  const p = join(dir, `c${files++}.csv`);
  writeFileSync(p, text);
  return p;
};

/** The result of f: its value, or the message it threw. */
function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Both readers on one file and options. */
function same(text: string, columns: PredictionColumns = {}): { ok: unknown } | { error: string } {
  const path = fileWith(text);
  const got = outcome(() => readPredictions(path, columns));
  expect(got).toEqual(outcome(() => oldReadPredictions(path, columns)));
  return got;
}

/** A cif file: K causes on m grid times, n rows of valid non-decreasing incidences with Σ_k <= 1, then mutations. */
const cifFile = fc
  .record({
    K: fc.integer({ min: 1, max: 3 }),
    grid: fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 4 }),
    n: fc.integer({ min: 1, max: 8 }),
    seed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 300, maxLength: 300 }),
    group: fc.boolean(),
    id: fc.boolean(),
    extra: fc.constantFrom('', 'x', 'risk', 'cif_0@1', 'cif_1@-1', 'cif_1@a', 'cif_9@1', '3.5'),
    gridMutation: fc.constantFrom('none', 'unsorted', 'other-times', 'missing-cause'),
    cellMutations: fc.array(
      fc.record({
        r: fc.nat(),
        c: fc.nat(),
        v: fc.constantFrom('', 'x', 'NaN', '1.5', '-0.1', '0.99', '0', ' 0.2 ', '1e-3', '-0'),
      }),
      { maxLength: 3 },
    ),
    ignoreExtra: fc.boolean(),
  })
  .map((o) => {
    const grid = [...o.grid].sort((a, b) => a - b).map((t) => t / 2);
    if (o.gridMutation === 'unsorted' && grid.length > 1) grid.reverse();
    let s = 0;
    const u = (): number => o.seed[s++ % o.seed.length] as number;
    const header = ['time', 'event'];
    if (o.group) header.push('group');
    if (o.id) header.push('id');
    for (let k = 1; k <= o.K; k++) {
      if (o.gridMutation === 'missing-cause' && o.K > 1 && k === 2) continue;
      grid.forEach((t, j) => header.push(`cif_${k}@${o.gridMutation === 'other-times' && k === o.K && j === 0 ? t + 0.25 : t}`));
    }
    if (o.extra !== '') header.push(o.extra);
    const rows: string[][] = [];
    for (let r = 0; r < o.n; r++) {
      // increments of each cause's incidence along the grid, scaled so that Σ_k F_k(t_max) <= 1
      const inc = Array.from({ length: o.K }, () => grid.map(() => u()));
      const total = inc.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
      const scale = total === 0 ? 0 : u() / total;
      const row: string[] = [String(Math.round(u() * 100) / 10), String(Math.floor(u() * (o.K + 1)))];
      if (o.group) row.push(u() < 0.5 ? 'a' : 'b');
      if (o.id) row.push(String(r));
      for (let k = 1; k <= o.K; k++) {
        if (o.gridMutation === 'missing-cause' && o.K > 1 && k === 2) continue;
        let f = 0;
        for (let j = 0; j < grid.length; j++) {
          f += (inc[k - 1]?.[j] as number) * scale;
          row.push(String(Math.min(1, f)));
        }
      }
      if (o.extra !== '') row.push(String(u()));
      rows.push(row);
    }
    for (const { r, c, v } of o.cellMutations) {
      const row = rows[r % rows.length] as string[];
      row[c % row.length] = v;
    }
    const text = [header, ...rows].map((row) => row.join(',')).join('\n') + '\n';
    return { text, columns: o.ignoreExtra ? { ignoreExtra: true } : {} };
  });

describe('cif format: typed columns = the row-based parse', () => {
  it('gives the same predictions (labels, CIF curves, event-free curves, group) or the same message on any cif file', () => {
    let ok = 0;
    fc.assert(
      fc.property(cifFile, ({ text, columns }) => {
        if ('ok' in same(text, columns)) ok++;
      }),
      { numRuns: 1500 },
    );
    // the generator yields both valid files and each kind of error
    expect(ok).toBeGreaterThan(50);
  });

  it('reads a valid 2-cause file into cif curves whose values are the cells (and the event-free curve 1 − Σ_k F_k)', () => {
    const got = same('time,event,cif_1@1,cif_1@2,cif_2@1,cif_2@2\n1,1,0.125,0.25,0.25,0.5\n2,2,0,0.5,0.25,0.5\n3,0,0,0,0,0\n');
    if (!('ok' in got)) throw new Error('expected a valid file');
    const p = got.ok as ReturnType<typeof readPredictions>;
    expect(p.format).toBe('cif');
    if (p.format !== 'cif') return;
    expect(Array.from(p.labels.event)).toEqual([1, 2, 0]);
    expect(p.cif.map((c) => Array.from(c.values))).toEqual([
      [0.125, 0.25, 0, 0.5, 0, 0],
      [0.25, 0.5, 0.25, 0.5, 0, 0],
    ]);
    // 1 − (F_1 + F_2), by definition; these sums are exact in binary (multiples of 1/8)
    expect(Array.from(p.curves.values)).toEqual([0.625, 0.25, 0.75, 0, 1, 1]);
  });

  it('gives the same messages for event codes, the event-2 hint, a cause code beyond K and --event-value', () => {
    const cif2 = 'time,event,cif_1@1,cif_2@1\n';
    for (const ev of ['3', '1.5', '-1', '', 'x']) expect('error' in same(`${cif2}1,${ev},0.1,0.2\n`)).toBe(true);
    const hint = same('time,event,cif_1@1\n1,2,0.1\n');
    expect(hint).toEqual({ error: expect.stringContaining('for competing risks give the CIF of each cause as columns cif_<k>@<t>') as string });
    expect('ok' in same('time,status,cif_1@1,cif_2@1\n1,yes,0.1,0.2\n2,no,0,0\n', { event: 'status', eventValue: 'yes' })).toBe(true);
    expect('error' in same('time,event,cif_1@1,cif_2@1\n1,1,0.6,0.5\n')).toBe(true);
    expect('error' in same('time,event,cif_1@1,risk\n1,1,0.6,0.5\n')).toBe(true);
  });

  it('reads datasets/example-cif.csv like the row-based parse', () => {
    const got = outcome(() => readPredictions('datasets/example-cif.csv'));
    expect(got).toEqual(outcome(() => oldReadPredictions('datasets/example-cif.csv')));
    expect('ok' in got && (got.ok as { format: string }).format).toBe('cif');
  });
});
