/** CLI sides of the reliability fixes: integrals on uneven times, size bounds, endless input, corrupt model folders. */
import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { trainTable } from '../../src/tabular/train.js';
import { parseCsv } from '../../src/io/csv.js';
import { runCli, survivalCsv, writeCsv } from './train-data-fixture.js';

const PRED = 'datasets/example-predictions.csv';
const dir = mkdtempSync(join(tmpdir(), 'survkit-cli-reliability-'));
let data: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  data = writeCsv(dir, 'data.csv');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = async (...argv: string[]) => {
  const r = await runCli(...argv, '--format', 'json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, { value?: number; skipped?: string; [k: string]: unknown }>;
};

describe('survkit evaluate: integrated scores on uneven times', () => {
  it.each([['2.99,3.01,12'], ['2.999999,3.000001,12.24']])('--times %s: IBS and integrated NBLL within their curves, overall and per group', async (times) => {
    const r = await json('evaluate', PRED, '--times', times);
    const reports = [r, ...Object.values((r as unknown as { groups?: Record<string, typeof r> }).groups ?? {})];
    for (const rep of reports) {
      const ibs = rep.integratedBrierScore as unknown as { value: number };
      expect(ibs.value).toBeGreaterThanOrEqual(0);
      expect(ibs.value).toBeLessThanOrEqual(1);
      const bs = rep.brierScore as unknown as { values: number[] };
      expect(ibs.value).toBeGreaterThanOrEqual(Math.min(...bs.values) - 1e-12);
      expect(ibs.value).toBeLessThanOrEqual(Math.max(...bs.values) + 1e-12);
    }
  });
  it('the table names the rule and prints grid times that can be told apart', async () => {
    const t = await runCli('evaluate', PRED, '--times', '2.999999,3.000001,12.24');
    expect(t.code).toBe(0);
    expect(t.out).toContain('trapezoid integration, the times not being evenly spaced');
    expect(t.out).toContain('t = 2.999999');
    expect(t.out).toContain('t = 3.000001');
    const even = await runCli('evaluate', PRED);
    expect(even.out).toContain('Simpson integration, the times being evenly spaced');
  });
});

describe("survkit evaluate: Uno's C skip note", () => {
  it('suggests --tau, not the library option clipWeights', async () => {
    const p = writeCsv(dir, 'uno.csv', 'time,event,risk\n1,1,0.9\n2,0,0.5\n3,1,0.4\n3,0,0.1\n');
    const r = await runCli('evaluate', p);
    expect(r.code).toBe(0);
    expect(r.out).toContain('pass a smaller --tau or drop the subjects at or after that time (the CLI offers no floor for G)');
    expect(r.out).not.toContain('clipWeights');
  });
});

describe('size bounds and endless input (exit 2, one line)', () => {
  const refused = async (pattern: RegExp, ...argv: string[]) => {
    const r = await runCli(...argv);
    expect(r.code, r.out).toBe(2);
    expect(r.err.trim().split('\n').length).toBe(1);
    expect(r.err).toMatch(pattern);
  };
  it('evaluate --grid 1e7 and --bootstrap 1e8', async () => {
    await refused(/'grid' must be at most 10000/, 'evaluate', PRED, '--grid', '10000000');
    await refused(/bootstrap/, 'evaluate', PRED, '--bootstrap', '100000000');
  });
  it('evaluate /dev/zero', async () => {
    await refused(/\/dev\/zero: is a character device, not a regular file/, 'evaluate', '/dev/zero');
  });
  it('train --interpolation 1000000 and --cuts 1000000 fail before training', async () => {
    await refused(/'interpolation' must be at most 1000/, 'train', '--model', 'deephit', '--data', data, '--interpolation', '1000000');
    await refused(/the number of cuts\) must be at most/, 'train', '--model', 'deephit', '--data', data, '--cuts', '1000000');
  });
});

describe('survkit predict with a corrupt model folder', () => {
  it('a truncated weights.bin: exit 2, one line naming the folder and the file', async () => {
    const out = join(dir, 'model');
    const { model } = await trainTable(parseCsv(survivalCsv(), 'data.csv'), { model: 'coxph', epochs: 1, hidden: [4], out });
    model.dispose();
    truncateSync(join(out, 'weights.bin'), 10);
    const r = await runCli('predict', '--model', out, '--data', data);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n').length).toBe(1);
    expect(r.err).toContain(JSON.stringify(out));
    expect(r.err).toContain('weights.bin has 10 bytes');
  });
});
