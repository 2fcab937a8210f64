/**
 * Every table form survkit accepts — plain column objects, row records, a danfo.js DataFrame, and now an Arrow
 * table — gives the same labels and covariates, also when the columns come from a Parquet or Arrow IPC file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { columnNames, covariatesFromTable, getColumn, labelsFromTable, type TableLike } from '../../src/data/adapters.js';
import { readArrowColumns } from '../../src/io/arrow.js';
import { readParquetColumns } from '../../src/io/parquet.js';

const fx = (f: string): string => join(import.meta.dirname, '..', 'fixtures', 'tables', f);

// the reference: the rows of datasets/example-risk.csv the fixtures were written from
const csv = readFileSync(join(import.meta.dirname, '..', '..', 'datasets', 'example-risk.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1, 41);
const want = {
  time: csv.map((l) => Number(l.split(',')[0])),
  event: csv.map((l) => Number(l.split(',')[1])),
  risk: csv.map((l) => Number(l.split(',')[2])),
};

function expectTable(t: TableLike): void {
  const y = labelsFromTable(t);
  expect(Array.from(y.time)).toEqual(want.time);
  expect(Array.from(y.event)).toEqual(want.event);
  const cov = covariatesFromTable(t, ['risk', 'age']);
  expect(cov.n).toBe(40);
  expect(Array.from({ length: 40 }, (_, i) => cov.values[i * 2])).toEqual(want.risk.map((r) => Math.fround(r)));
  expect(Array.from(getColumn(t, 'group'))).toEqual(csv.map((l) => l.split(',')[3]));
}

describe('table forms from Parquet / Arrow columns', () => {
  it('plain column object from readParquetColumns / readArrowColumns', async () => {
    const pq = await readParquetColumns(fx('risk40.parquet'), ['time', 'event', 'risk', 'age', 'group']);
    expectTable(Object.fromEntries(pq.columns));
    expectTable(Object.fromEntries(readArrowColumns(fx('risk40.arrow')).columns));
  });

  it('row records', async () => {
    const pq = await readParquetColumns(fx('risk40.parquet'), ['time', 'event', 'risk', 'age', 'group']);
    const rows = Array.from({ length: pq.numRows }, (_, i) => Object.fromEntries([...pq.columns].map(([k, v]) => [k, v[i]])));
    expectTable(rows);
  });

  it('a danfo.js DataFrame built from Parquet columns', async () => {
    const dfd = await import('danfojs-node');
    const pq = await readParquetColumns(fx('risk40.parquet'), ['time', 'event', 'risk', 'age', 'group']);
    const df = new dfd.DataFrame(Object.fromEntries([...pq.columns].map(([k, v]) => [k, Array.from(v)])));
    expectTable(df);
  });

  it('an apache-arrow Table (schema.fields + getChild), read from an Arrow IPC file', () => {
    const t = tableFromIPC(readFileSync(fx('risk40.arrow')));
    expectTable(t);
    expect(columnNames(t as unknown as TableLike)).toEqual(['id', 'time', 'event', 'risk', 'group', 'age']);
    expect(() => getColumn(t as unknown as TableLike, 'tme')).toThrow(SurvkitError);
    // a missing risk stays missing: a covariate error names the row
    const nul = tableFromIPC(readFileSync(fx('risk-null.arrow')));
    expect(() => covariatesFromTable(nul as unknown as TableLike, ['risk'])).toThrow(/risk/);
  });
});
