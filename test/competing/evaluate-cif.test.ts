/**
 * `evaluateFile` on a cif-format predictions file (competing risks): the cause-k metrics it reports equal the R
 * references of the fixture (pbc, CSC predictions, riskRegression Score / pec cindex), and malformed files fail
 * naming the row and column.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateFile } from '../../src/report/evaluate.js';
import { formatTable } from '../../src/cli/format.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture, maxRelErr } from './fixture.js';

const dir = tempDir('survkit-cif-');
const m = fixture.metrics[0]!;
const header = ['time', 'event', ...m.causes.flatMap((c) => m.times.map((t) => `cif_${c.cause}@${t}`))];
const rows = m.time.map((t, i) => [t, m.event[i], ...m.causes.flatMap((c) => c.cif[i]!)].join(','));
const file = join(dir, 'pbc-cif.csv');
writeFileSync(file, `${[header.join(','), ...rows].join('\n')}\n`);

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('survkit evaluate, cif format', () => {
  const report = evaluateFile(file, { times: m.times });
  it('reports every cause with R numbers', () => {
    expect(report.meta.format).toBe('cif');
    expect(report.meta.causes).toBe(2);
    for (const c of m.causes) {
      const part = report.competingRisks?.[String(c.cause)] as Record<string, Record<string, unknown>>;
      expect(maxRelErr(part.brierScoreCr!.values as Float64Array, c.brier)).toBeLessThan(1e-12);
      expect(maxRelErr(part.integratedBrierScoreCr!.ibs as Float64Array, c.ibs)).toBeLessThan(1e-12);
      const ok = c.auc.map((v) => !Number.isNaN(v));
      expect(
        maxRelErr(
          part.cumulativeDynamicAucCr!.auc as Float64Array,
          c.auc.filter((_v, j) => ok[j]),
        ),
      ).toBeLessThan(1e-12);
      expect(
        maxRelErr(
          part.concordanceIndexCr!.cIndex as Float64Array,
          c.cindex.filter((_v, j) => ok[j]),
        ),
      ).toBeLessThan(1e-12);
      expect(part.cumulativeDynamicAucCr!.droppedTimes).toEqual(m.times.filter((_t, j) => !ok[j]));
    }
    // the single-risk metrics judge the event-free survival against any event
    expect((report.concordanceIndex as { cIndex: number }).cIndex).toBeGreaterThan(0.5);
  });
  it('prints the cause rows in the table', () => {
    const text = formatTable(report);
    expect(text).toMatch(/cause 1: concordanceIndexCr \(Wolbers\) at t = 3500/);
    expect(text).toMatch(/cause 2: integratedBrierScoreCr over \[0, 3500\]/);
  });
  it('bootstraps the cause-k scalars', () => {
    const r = evaluateFile(file, { times: [1000, 2000], bootstrap: 20, seed: 3 });
    const ci = (r.competingRisks?.['2']?.integratedBrierScoreCr as { ci: { lower: number; upper: number } }).ci;
    expect(ci.lower).toBeLessThanOrEqual(ci.upper);
  });
  it('reports the cause-k metrics per group too, each equal to the group evaluated on its own', () => {
    const grouped = write('g.csv', `${[`${header.join(',')},group`, ...rows.map((r, i) => `${r},${i % 2 === 0 ? 'even' : 'odd'}`)].join('\n')}\n`);
    const even = write('even.csv', `${[header.join(','), ...rows.filter((_r, i) => i % 2 === 0)].join('\n')}\n`);
    const g = evaluateFile(grouped, { times: [1000, 2000, 3000] });
    const alone = evaluateFile(even, { times: [1000, 2000, 3000] });
    expect(g.groups?.even?.competingRisks?.['2']?.integratedBrierScoreCr).toEqual(alone.competingRisks?.['2']?.integratedBrierScoreCr);
    expect(g.groups?.odd?.competingRisks?.['1']?.concordanceIndexCr).toBeDefined();
  });
  it('rejects malformed cif files naming row and column', () => {
    expect(() => evaluateFile(write('a.csv', 'time,event,cif_1@1,cif_1@2\n1,1,0.5,0.4\n'))).toThrow(/row 2.*cif_1@2.*falls from 0.5 to 0.4/s);
    expect(() => evaluateFile(write('b.csv', 'time,event,cif_1@1,cif_2@1\n1,1,0.6,0.5\n'))).toThrow(/sum to 1\.1|must sum to at most 1/);
    expect(() => evaluateFile(write('c.csv', 'time,event,cif_1@1,cif_2@2\n1,1,0.1,0.1\n'))).toThrow(/same grid times/);
    expect(() => evaluateFile(write('d.csv', 'time,event,cif_1@1,cif_2@1\n1,3,0.1,0.1\n'))).toThrow(/3 is not a cause code/);
    expect(() => evaluateFile(write('e.csv', 'time,event,cif_1@1,risk\n1,1,0.1,0.1\n'))).toThrow(/cif_<cause>@<time>/);
    expect(() => evaluateFile(write('f.csv', 'time,event,risk\n1,2,0.1\n'))).toThrow(/cif_<k>@<t>/);
  });
});
