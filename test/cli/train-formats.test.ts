/**
 * `survkit train --data` and `survkit predict --data` on Parquet and Arrow IPC tables: the same table as CSV,
 * Arrow IPC and Parquet trains the same model (same seed) and predicts the same curves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { parseCsv } from '../../src/io/csv.js';
import { writeTestParquet } from '../io/parquet-writer.js';
import { runCli, survivalCsv, writeCsv } from './train-data-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-train-formats-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const t = parseCsv(survivalCsv(120, 3), 'data.csv');
const col = (name: string): number[] => t.rows.map((r) => Number(r[t.header.indexOf(name)]));
const numeric = ['age', 'treated', 'grade', 'duration', 'event'];
// the numeric columns, written as JavaScript prints the numbers, so the three files hold the same cells
const csvText = `${[numeric.join(','), ...t.rows.map((_, i) => numeric.map((n) => String(col(n)[i])).join(','))].join('\n')}\n`;

describe('train and predict on Parquet and Arrow IPC tables', () => {
  it('CSV, Arrow IPC and Parquet give the same training report and the same predicted curves', async () => {
    const csv = writeCsv(dir, 'data.csv', csvText);
    const arrow = join(dir, 'data.arrow');
    writeFileSync(arrow, tableToIPC(tableFromArrays({ ...Object.fromEntries(numeric.map((n) => [n, Float64Array.from(col(n))])) }), 'file'));
    const parquet = join(dir, 'data.parquet');
    writeTestParquet(
      parquet,
      numeric.map((n) => ({ name: n, type: 'double' as const, values: col(n) })),
    );
    const args = ['--model', 'coxph', '--duration-col', 'duration', '--event-col', 'event', '--test-frac', '0.25', '--val-frac', '0.2'];
    const fast = ['--epochs', '2', '--hidden', '4', '--seed', '5', '--format', 'json'];
    const reports: string[] = [];
    for (const f of [csv, arrow, parquet]) {
      const out = join(dir, `model-${f.split('.').pop()}`);
      const r = await runCli('train', '--data', f, ...args, ...fast, '--out', out);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      // the numbers: every metric and the loss history (meta and the timings name files and the machine)
      const { meta, msPerEpoch: _ms, ...numbers } = JSON.parse(r.out) as { meta: { rows: unknown; events: unknown }; msPerEpoch: unknown };
      reports.push(JSON.stringify({ numbers, rows: meta.rows, events: meta.events }));
      const p = await runCli('predict', '--model', out, '--data', f, '--times', '0.5,1,2');
      expect(p.code).toBe(0);
      reports.push(p.out);
    }
    expect(reports[2]).toBe(reports[0]);
    expect(reports[4]).toBe(reports[0]);
    expect(reports[3]).toBe(reports[1]);
    expect(reports[5]).toBe(reports[1]);
  }, 180_000);
});
