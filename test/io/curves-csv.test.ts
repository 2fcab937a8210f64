import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { csvField, curvesCsv } from '../../src/io/curves-csv.js';
import { readPredictions } from '../../src/io/predictions.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-curves-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('curvesCsv', () => {
  it('named case', () => {
    const c = new SurvivalCurves([1, 2.5], [0.9, 0.5, 1, 1e-7]);
    expect(curvesCsv(c, { names: ['time', 'event'], cells: (i) => [String(i + 1.5), '1'] })).toBe('time,event,1,2.5\n1.5,1,0.9,0.5\n2.5,1,1,1e-7\n');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });

  it("property: the file reads back with survkit evaluate's reader to the same float64 values", () => {
    let k = 0;
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (rows, times) => {
          const sorted = rows.map((r) => [...r].sort((a, b) => b - a));
          const c = SurvivalCurves.fromRows([0.5, Math.PI, 1e6 / 3], sorted);
          const p = join(dir, `c${k++}.csv`);
          writeFileSync(p, curvesCsv(c, { names: ['time', 'event'], cells: (i) => [String(times[i]), String(i % 2)] }));
          const back = readPredictions(p);
          if (back.format !== 'curves') return false;
          return (
            back.curves.times.every((t, j) => t === c.times[j]) &&
            back.curves.values.every((v, j) => v === c.values[j]) &&
            back.labels.time.every((t, i) => t === times[i])
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});
