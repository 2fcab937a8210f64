import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateFile, type EvaluateReport } from '../../src/report/evaluate.js';
import { fmt, formatJson, formatTable } from '../../src/cli/format.js';
import { tempDir } from '../helpers/temp-dir.js';

/** What JSON.stringify would give, with typed arrays as arrays. */
function plain(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))) as unknown;
}

describe('formatJson', () => {
  const report = evaluateFile('datasets/example-predictions.csv', { bootstrap: 20, seed: 1 });

  it('is one JSON object holding exactly the report, typed arrays as arrays', () => {
    const text = formatJson(report);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(plain(report));
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'meta',
      'concordanceIndex',
      'concordanceIndexIpcw',
      'concordanceTd',
      'brierScore',
      'integratedBrierScore',
      'integratedNbll',
      'cumulativeDynamicAuc',
      'dCalibration',
      'groups',
    ]);
  });

  it('writes numbers exactly (round trip) and non-finite numbers as null', () => {
    const r = { meta: { x: 0.1 + 0.2, y: NaN, z: [1 / 3, Infinity], w: new Float64Array([-0.5, NaN]) } } as unknown as EvaluateReport;
    expect(JSON.parse(formatJson(r))).toEqual({ meta: { x: 0.30000000000000004, y: null, z: [1 / 3, null], w: [-0.5, null] } });
  });

  it('puts arrays of numbers on one line', () => {
    expect(formatJson(report)).toMatch(/"curveTimes": \[0\.5, 1, 1\.5, /);
  });
});

describe('formatTable', () => {
  it('lists the settings, every metric, the groups and the CIs', () => {
    const text = formatTable(evaluateFile('datasets/example-predictions.csv', { train: 'datasets/example-train.csv', bootstrap: 20, seed: 1 }));
    for (const s of [
      'survkit evaluate datasets/example-predictions.csv',
      'IPCW labels  datasets/example-train.csv: 600 subjects',
      'convention   pycox',
      'concordanceIndex (Harrell)',
      'concordanceIndexIpcw (Uno)',
      'concordanceTd (antolini)',
      'brierScore at t = 0.1 ',
      'integratedBrierScore',
      'integratedNbll',
      'cumulativeDynamicAuc (mean)',
      'dCalibration (p-value; chi2 = ',
      '95% CI',
      'group "A": ',
      'group "B": ',
      'bootstrap    20 resamples',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('reports skipped metrics with their reasons', () => {
    const dir = tempDir('survkit-fmt-');
    const path = join(dir, 'ties.csv');
    writeFileSync(path, 'time,event,risk\n2,1,0.5\n2,1,0.1\n');
    const text = formatTable(evaluateFile(path));
    expect(text).toMatch(/^concordanceIndex\s+skipped$/m);
    expect(text).toContain('concordanceIndex skipped: concordanceIndex: the data have no comparable pairs');
    expect(text).not.toContain('95% CI');
  });

  it('fmt: 4 decimals, exponent for tiny values, a dash for missing ones', () => {
    expect(fmt(0.123456)).toBe('0.1235');
    expect(fmt(0)).toBe('0.0000');
    expect(fmt(1.5e-6)).toBe('1.50e-6');
    expect(fmt(undefined)).toBe('—');
    expect(fmt(NaN)).toBe('NaN');
  });
});
