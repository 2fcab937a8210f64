/** `survkit train` without a validation set (every family) and with one column for both labels. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { trainTable } from '../../src/tabular/train.js';
import { parseCsv } from '../../src/io/csv.js';
import { messages } from '../../src/core/messages.js';
import { runCli, survivalCsv, writeCsv } from './train-data-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-train-noval-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const models = ['coxph', 'coxcc', 'coxtime', 'deephit', 'logistichazard'] as const;

describe('training without a validation set', () => {
  it.each(models)(
    '%s: --val-frac 0 trains (no early stopping) and a fixed split with val all 0 too',
    async (model) => {
      const table = parseCsv(survivalCsv(), 'data.csv');
      const { report, model: m } = await trainTable(table, { model, split: { kind: 'random', testFrac: 0.25, valFrac: 0, seed: 1 }, epochs: 2, hidden: [4] });
      m.dispose();
      expect(report.meta.rows.validation).toBe(0);
      expect(report.meta.settings.earlyStopping).toBeNull();
      expect(report.epochs).toBe(2);
      const noVal = survivalCsv().replace(/,1\n/g, ',0\n');
      const fixed = await trainTable(parseCsv(noVal, 'data.csv'), {
        model,
        split: { kind: 'column', splitCol: 'split', valCol: 'val' },
        epochs: 1,
        hidden: [4],
      });
      fixed.model.dispose();
      expect(fixed.report.meta.rows.validation).toBe(0);
    },
    120_000,
  );

  it('the same column as duration and event is an error (exit 2)', async () => {
    const data = writeCsv(dir, 'data.csv');
    const r = await runCli('train', '--model', 'coxph', '--data', data, '--duration-col', 'event', '--event-col', 'event', '--epochs', '1');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${messages.optionRange('survkit train', 'eventCol', 'a column other than the duration column "event"', 'event')}\n`);
  });
});
