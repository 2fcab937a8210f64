/**
 * End to end: the command run as a process (tsx on the TypeScript source),
 * its JSON compared with the metric functions called directly on the parsed
 * file, and the exit code and stderr line of a bad file.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { readPredictions } from '../../src/io/predictions.js';
import { brierScore } from '../../src/metrics/brier.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { concordanceTd } from '../../src/metrics/concordance-td.js';
import { concordanceIndexIpcw } from '../../src/metrics/concordance-uno.js';
import { cumulativeDynamicAuc } from '../../src/metrics/cumulative-dynamic-auc.js';
import { dCalibration } from '../../src/metrics/d-calibration.js';
import { integratedBrierScore, integratedNbll } from '../../src/metrics/integrated.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function survkit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [tsx, join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Json = Record<string, Record<string, unknown>>;

describe('survkit evaluate as a process', () => {
  it('prints JSON equal to the metric functions on the parsed file (curves format, defaults)', () => {
    const r = survkit('evaluate', 'datasets/example-predictions.csv', '--format', 'json');
    // the example's curves end at 10 while the grid runs to the largest time, 13.6: a warning (issue 10)
    expect(r.stderr.startsWith(`warning: ${messages.curvesEnd('survkit evaluate', 10, 13.6, '')}`)).toBe(true);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Json;

    const p = readPredictions('datasets/example-predictions.csv');
    if (p.format !== 'curves') throw new Error('fixture');
    const { labels: y, curves } = p;
    // pycox protocol: linspace(min, max, 100) of the test times, censoring KM from the test labels
    const lo = Math.min(...y.time);
    const hi = Math.max(...y.time);
    const grid = Array.from({ length: 100 }, (_, k) => (k === 99 ? hi : lo + k * ((hi - lo) / 99)));
    const rmst = Array.from({ length: curves.n }, (_, i) => {
      let a = curves.times[0] as number;
      for (let k = 0; k + 1 < curves.m; k++) a += curves.get(i, k) * ((curves.times[k + 1] as number) - (curves.times[k] as number));
      return -a;
    });

    expect(out.meta?.grid).toEqual(grid);
    expect(out.meta?.n).toBe(300);
    expect(out.meta?.format).toBe('curves');
    expect(out.concordanceIndex).toEqual({ ...concordanceIndex(y.time, y.event, rmst) });
    expect(out.concordanceIndexIpcw).toEqual({ ...concordanceIndexIpcw(y, y, rmst) });
    expect(out.concordanceTd).toEqual({ ...concordanceTd(curves, y) });
    const bs = brierScore(curves, y, grid);
    expect(out.brierScore).toEqual({ times: Array.from(bs.times), values: Array.from(bs.values), droppedTimes: [] });
    expect(out.integratedBrierScore).toEqual({ value: integratedBrierScore(curves, y, grid) });
    expect(out.integratedNbll).toEqual({ value: integratedNbll(curves, y, grid) });
    const aucTimes = grid.filter((t) => t < hi && t >= Math.min(...y.time.filter((_, i) => y.event[i] === 1)));
    const auc = cumulativeDynamicAuc(y, y, curves, aucTimes);
    expect(out.cumulativeDynamicAuc?.auc).toEqual(Array.from(auc.auc));
    expect(out.cumulativeDynamicAuc?.meanAuc).toBe(auc.meanAuc);
    const d = dCalibration(curves, y);
    expect(out.dCalibration).toEqual({ ...d, counts: Array.from(d.counts), binEdges: Array.from(d.binEdges) });
  });

  it('a bad file: exit code 2 and one line on stderr naming the file, row and column', () => {
    const dir = tempDir('survkit-e2e-');
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'time,event,risk\n1,1,0.5\n2,0,n/a\n');
    const r = survkit('evaluate', path, '--format', 'json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${messages.csvRow(path, 3, 'risk', '"n/a" is not a finite number; expected a risk score')}\n`);
  });

  it('--version and a usage error', () => {
    expect(survkit('--version').status).toBe(0);
    const r = survkit('evaluate');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${messages.cliUsage('evaluate needs a predictions CSV file')}\n`);
  });
});
