/**
 * `survkit train --competing-risks` (deephit): the test split is reported per cause with the cause-k metrics,
 * next to the single-risk metrics of the event-free survival.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { parseCsv } from '../../src/io/csv.js';
import { formatTrainTable } from '../../src/cli/train-format.js';
import { trainTable } from '../../src/tabular/train.js';
import { survivalCsv } from '../cli/train-data-fixture.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('train --competing-risks reports the cause-k metrics on the test split', () => {
  it('deephit: causes 1 and 2', async () => {
    // every third event becomes cause 2
    let k = 0;
    const text = survivalCsv(240, 3)
      .trimEnd()
      .split('\n')
      .map((l, i) => {
        if (i === 0) return l;
        const c = l.split(',');
        if (c[4] === '1' && k++ % 3 === 0) c[4] = '2';
        return c.join(',');
      })
      .join('\n');
    const { report, model } = await trainTable(parseCsv(`${text}\n`, 'cr.csv'), {
      model: 'deephit',
      competing: true,
      split: { kind: 'column', splitCol: 'split', valCol: 'val' },
      epochs: 3,
      hidden: [8],
      seed: 1,
    });
    model.dispose();
    expect(report.meta.evaluation.format).toBe('cif');
    expect(report.meta.evaluation.causes).toBe(2);
    const cr = report.competingRisks as Record<string, Record<string, { cIndex?: Float64Array; value?: number; skipped?: string }>>;
    for (const cause of ['1', '2']) {
      const c = cr[cause]!;
      expect(c.concordanceIndexCr?.skipped).toBeUndefined();
      for (const v of c.concordanceIndexCr!.cIndex!) expect(v).toBeGreaterThanOrEqual(0);
      expect(c.integratedBrierScoreCr!.value).toBeGreaterThanOrEqual(0);
    }
    expect(typeof (report.concordanceTd as { cIndex: number }).cIndex).toBe('number');
    expect(formatTrainTable(report)).toMatch(/cause 2: integratedBrierScoreCr over \[0, /);
  }, 120_000);
});
