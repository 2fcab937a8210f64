/**
 * Predictions, labels and covariate tables from Parquet and Arrow IPC files, chosen by extension: the committed
 * fixtures under test/fixtures/tables (written from the first rows of datasets/example-risk.csv and
 * example-predictions.csv by test/fixtures/generators/table_formats.mjs with hyparquet-writer and apache-arrow)
 * must read exactly as the same rows read from CSV; larger files are written here by the specification-based
 * writer in parquet-writer.ts.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { readCsv } from '../../src/io/csv.js';
import { readParquetColumns } from '../../src/io/parquet.js';
import { readLabelsListing, readPredictions, type Predictions } from '../../src/io/predictions.js';
import { readLabelsAsync, readLabelsFile, readPredictionsAsync, readPredictionsFile, readTable, readTableAsync, tableFormat } from '../../src/io/table-file.js';
import { evaluateFile, evaluateFileAsync } from '../../src/report/evaluate.js';
import { writeTestParquet } from './parquet-writer.js';

const root = join(import.meta.dirname, '..', '..');
const fx = (f: string): string => join(root, 'test', 'fixtures', 'tables', f);
const dir = join(tmpdir(), `survkit-table-file-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first `n` data rows of a committed CSV as a CSV file of their own. */
function csvHead(file: string, n: number, name: string): string {
  const lines = readFileSync(join(root, 'datasets', file), 'utf8')
    .trim()
    .split('\n');
  const p = join(dir, name);
  writeFileSync(p, `${lines.slice(0, n + 1).join('\n')}\n`);
  return p;
}
const riskCsv = csvHead('example-risk.csv', 40, 'risk40.csv');
const curvesCsv = csvHead('example-predictions.csv', 30, 'curves30.csv');

function expectSamePredictions(got: Predictions, want: Predictions): void {
  expect(got.format).toBe(want.format);
  expect(Array.from(got.labels.time)).toEqual(Array.from(want.labels.time));
  expect(Array.from(got.labels.event)).toEqual(Array.from(want.labels.event));
  expect(got.group).toEqual(want.group);
  if (got.format === 'risk' && want.format === 'risk') expect(Array.from(got.risk)).toEqual(Array.from(want.risk));
  if (got.format === 'curves' && want.format === 'curves') {
    expect(Array.from(got.curves.times)).toEqual(Array.from(want.curves.times));
    expect(Array.from(got.curves.values)).toEqual(Array.from(want.curves.values));
  }
}

describe('tableFormat: by extension', () => {
  it.each([
    ['a.parquet', 'parquet'],
    ['A.PARQUET', 'parquet'],
    ['a.pq', 'parquet'],
    ['a.arrow', 'arrow'],
    ['a.feather', 'arrow'],
    ['a.ipc', 'arrow'],
    ['a.arrows', 'arrow'],
    ['a.csv', 'csv'],
    ['a.tsv', 'csv'],
    ['noext', 'csv'],
  ])('%s → %s', (f, want) => expect(tableFormat(f)).toBe(want));
});

describe('predictions from Parquet and Arrow IPC equal the same rows from CSV', () => {
  const want = readPredictions(riskCsv);
  const wantCurves = readPredictions(curvesCsv);
  for (const f of ['risk40.parquet', 'risk40.arrow', 'risk40.feather', 'risk40.arrows']) {
    it(`${f}: risk format (int64 id ignored, extra column ignored with ignoreExtra)`, async () => {
      const got = await readPredictionsAsync(fx(f), { ignoreExtra: true });
      expectSamePredictions(got, want);
      expect(got.ignored).toEqual(['age']);
      if (tableFormat(f) === 'arrow') expectSamePredictions(readPredictionsFile(fx(f), { ignoreExtra: true }), want);
      await expect(readPredictionsAsync(fx(f))).rejects.toThrow(/: column "age": unexpected column in the risk format/);
    });
  }
  for (const f of ['curves30.parquet', 'curves30.arrow']) {
    it(`${f}: curves format`, async () => {
      expectSamePredictions(await readPredictionsAsync(fx(f)), wantCurves);
    });
  }
  it('cif format (competing risks, columns cif_<k>@<t>) from Parquet and Arrow equals the CSV', async () => {
    // 12 subjects, causes 0..2, CIFs on 3 grid times per cause (non-decreasing, summing to < 1)
    const n = 12;
    const grid = [1, 2.5, 4];
    const cols: Record<string, number[]> = { time: [], event: [] };
    for (const k of [1, 2]) for (const t of grid) cols[`cif_${k}@${t}`] = [];
    for (let i = 0; i < n; i++) {
      (cols.time as number[]).push(0.5 + ((i * 7) % 11) * 0.4);
      (cols.event as number[]).push(i % 3);
      for (const k of [1, 2]) grid.forEach((t, j) => (cols[`cif_${k}@${t}`] as number[]).push(((i % 5) + 1) * 0.02 * (j + 1) * k));
    }
    const names = Object.keys(cols);
    const csv = join(dir, 'cif.csv');
    writeFileSync(csv, `${names.join(',')}\n${Array.from({ length: n }, (_, i) => names.map((h) => (cols[h] as number[])[i]).join(',')).join('\n')}\n`);
    const pq = join(dir, 'cif.parquet');
    writeTestParquet(
      pq,
      names.map((h) => ({ name: h, type: h === 'event' ? ('int32' as const) : ('double' as const), values: cols[h] as number[] })),
      5,
    );
    const arrow = join(dir, 'cif.arrow');
    writeFileSync(arrow, tableToIPC(tableFromArrays(Object.fromEntries(names.map((h) => [h, Float64Array.from(cols[h] as number[])]))), 'file'));
    const want = readPredictions(csv);
    expect(want.format).toBe('cif');
    for (const f of [pq, arrow]) {
      const got = await readPredictionsAsync(f);
      expect(got.format).toBe('cif');
      expectSamePredictions(got, want);
      if (got.format === 'cif' && want.format === 'cif') {
        expect(got.cif.length).toBe(2);
        for (let k = 0; k < 2; k++) {
          expect(Array.from((got.cif[k] as (typeof got.cif)[number]).times)).toEqual(grid);
          expect(Array.from((got.cif[k] as (typeof got.cif)[number]).values)).toEqual(Array.from((want.cif[k] as (typeof want.cif)[number]).values));
        }
      }
    }
    const viaCli = async (f: string): Promise<string> => {
      let out = '';
      const code = await main(['evaluate', f, '--format', 'json'], { stdout: (s: string) => (out += s), stderr: () => {} });
      expect(code).toBe(0);
      const { meta, ...rest } = JSON.parse(out) as { meta: { file: string } };
      return JSON.stringify({ ...rest, meta: { ...meta, file: '' } });
    };
    expect(await viaCli(pq)).toBe(await viaCli(csv));
  });
  it('column roles and event coding as for CSV: --risk-col, --event-value, labels files', async () => {
    const p = await readPredictionsAsync(fx('risk40.parquet'), { risk: 'age', ignoreExtra: true });
    expect(p.format === 'risk' && p.risk[0]).toBe(40.5);
    expect(p.ignored).toEqual(['risk']);
    const ev = await readPredictionsAsync(fx('event-2.parquet'), { eventValue: '2' });
    expect(Array.from(ev.labels.event)).toEqual([0, 0, 0, 0, 1]);
    const lab = await readLabelsAsync(fx('risk40.parquet'), { ignoreExtra: true });
    expect(Array.from(lab.labels.time)).toEqual(Array.from(readLabelsListing(riskCsv, { ignoreExtra: true }).labels.time));
    expect(lab.ignored).toEqual(['risk', 'age']);
    expect(readLabelsFile(fx('risk40.arrow'), { ignoreExtra: true }).labels.event).toEqual(lab.labels.event);
  });
});

describe('evaluate: Parquet / Arrow reports equal the CSV report', () => {
  /** The report without meta (which names the files), plus the data summary of meta. */
  const strip = (r: object): string => {
    const { meta, ...metrics } = r as { meta: { n: number; events: number; censored: number; grid: unknown } };
    return JSON.stringify({ metrics, n: meta.n, events: meta.events, censored: meta.censored, grid: meta.grid });
  };
  it('evaluateFileAsync (Parquet, Arrow, CSV) and evaluateFile (Arrow) give the CSV numbers', async () => {
    const csv = evaluateFile(riskCsv, { train: riskCsv, columns: { ignoreExtra: true } });
    for (const f of ['risk40.parquet', 'risk40.arrow']) {
      const got = await evaluateFileAsync(fx(f), { train: fx(f), columns: { ignoreExtra: true } });
      expect(strip(got)).toBe(strip(csv));
    }
    expect(strip(evaluateFile(fx('risk40.arrow'), { columns: { ignoreExtra: true }, train: riskCsv }))).toBe(strip(csv));
    expect(strip(await evaluateFileAsync(riskCsv, { train: riskCsv, columns: { ignoreExtra: true } }))).toBe(strip(csv));
  });
  it('survkit evaluate x.parquet (the CLI returns a promise of the exit code)', async () => {
    let out = '';
    let err = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
    const code = await main(['evaluate', fx('curves30.parquet'), '--format', 'json'], io);
    expect(err).toBe('');
    expect(code).toBe(0);
    let csvOut = '';
    expect(main(['evaluate', curvesCsv, '--format', 'json'], { stdout: (t) => (csvOut += t), stderr: () => undefined })).toBe(0);
    const a = JSON.parse(out) as { concordanceTd: unknown; integratedBrierScore: unknown };
    const b = JSON.parse(csvOut) as typeof a;
    expect(a.concordanceTd).toEqual(b.concordanceTd);
    expect(a.integratedBrierScore).toEqual(b.integratedBrierScore);
    const bad = await main(['evaluate', fx('risk-null.parquet')], { stdout: () => undefined, stderr: (t) => (err += t) });
    expect(bad).toBe(2);
    expect(err).toContain('data row 3, column "risk"');
  });
});

describe('clear errors for unreadable and malformed files', () => {
  const garbage = join(dir, 'garbage.parquet');
  writeFileSync(garbage, 'time,event,risk\n1,1,0.5\n');
  const garbageArrow = join(dir, 'garbage.arrow');
  writeFileSync(garbageArrow, 'not arrow at all');
  const feather1 = join(dir, 'old.feather');
  writeFileSync(feather1, Buffer.concat([Buffer.from('FEA1'), Buffer.alloc(64)]));
  it.each([
    ['missing Parquet', join(dir, 'nope.parquet'), messages.tableFile(join(dir, 'nope.parquet'), 'no such file')],
    ['missing Arrow', join(dir, 'nope.arrow'), messages.tableFile(join(dir, 'nope.arrow'), 'no such file')],
    ['a directory', join(dir, 'd.parquet'), messages.tableFile(join(dir, 'd.parquet'), 'is a directory, not a Parquet file')],
    ['a null risk', fx('risk-null.parquet'), messages.tableCell(fx('risk-null.parquet'), 3, 'risk', 'missing (null) is not a number; expected a risk score')],
    [
      'a null risk (Arrow)',
      fx('risk-null.arrow'),
      messages.tableCell(fx('risk-null.arrow'), 3, 'risk', 'missing (null) is not a number; expected a risk score'),
    ],
  ])('%s', async (_what, file, message) => {
    mkdirSync(join(dir, 'd.parquet'), { recursive: true });
    await expect(readPredictionsAsync(file)).rejects.toThrow(message);
    await expect(readPredictionsAsync(file)).rejects.toBeInstanceOf(SurvkitError);
  });
  it('event 2, text instead of a Parquet or Arrow file, Feather v1', async () => {
    await expect(readPredictionsAsync(fx('event-2.parquet'))).rejects.toThrow(
      messages.tableCell(
        fx('event-2.parquet'),
        5,
        'event',
        "2 is not 0 or 1; expected 0 (censored) or 1 (event); if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2",
      ),
    );
    await expect(readPredictionsAsync(garbage)).rejects.toThrow(
      new RegExp(`^${garbage.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot be read as a Parquet file \\(`),
    );
    await expect(readPredictionsAsync(garbageArrow)).rejects.toThrow(/cannot be read as an Arrow IPC file/);
    await expect(readPredictionsAsync(feather1)).rejects.toThrow(/is a Feather version 1 file/);
    await expect(readTableAsync(garbage)).rejects.toBeInstanceOf(SurvkitError);
    // a codec hyparquet does not decode without its optional compressors (ZSTD = 6): the message names it
    const zstd = join(dir, 'zstd.parquet');
    writeTestParquet(
      zstd,
      [
        { name: 'time', type: 'double', values: [1, 2] },
        { name: 'event', type: 'int32', values: [1, 0] },
        { name: 'risk', type: 'double', values: [0, 1] },
      ],
      2,
      { codec: 6 },
    );
    await expect(readPredictionsAsync(zstd)).rejects.toThrow(`${zstd}: cannot be read as a Parquet file (parquet unsupported compression codec: ZSTD)`);
  });
  it('the synchronous readers name the asynchronous one for Parquet', () => {
    const f = fx('risk40.parquet');
    expect(() => readPredictionsFile(f)).toThrow(messages.parquetNeedsAsync('readPredictionsFile', f, 'readPredictionsAsync'));
    expect(() => readLabelsFile(f)).toThrow(messages.parquetNeedsAsync('readLabelsFile', f, 'readLabelsAsync'));
    expect(() => readTable(f)).toThrow(messages.parquetNeedsAsync('readTable', f, 'readTableAsync'));
    expect(() => evaluateFile(f)).toThrow(messages.parquetNeedsAsync('evaluateFile', f, 'evaluateFileAsync'));
    expect(() => evaluateFile(riskCsv, { train: f })).toThrow(messages.parquetNeedsAsync('evaluateFile', f, 'evaluateFileAsync'));
    // the CSV readers refuse both columnar formats by extension instead of parsing them as text
    expect(() => readPredictions(f)).toThrow(messages.notCsvTable('readPredictions', f, 'a Parquet', 'readPredictionsAsync'));
    expect(() => readLabelsListing(fx('risk40.arrow'))).toThrow(messages.notCsvTable('readLabels', fx('risk40.arrow'), 'an Arrow IPC', 'readLabelsAsync'));
  });
});

describe('only the columns the metrics use are read; bytes read grow in proportion to n', () => {
  /** n rows: time, event, risk and four float64 columns the metrics do not use. */
  function file(n: number): { path: string; size: number; neededBytes: number } {
    const path = join(dir, `wide-${n}.parquet`);
    const col = (name: string, f: (i: number) => number) => ({ name, type: 'double' as const, values: Float64Array.from({ length: n }, (_, i) => f(i)) });
    writeTestParquet(
      path,
      [
        col('time', (i) => 1 + ((i * 7919) % 1000) / 10),
        { name: 'event', type: 'int32', values: Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1)) },
        col('risk', (i) => Math.sin(i)),
        col('a', (i) => i),
        col('b', (i) => -i),
        col('c', (i) => i / 2),
        col('d', (i) => i / 3),
      ],
      Math.ceil(n / 4),
    );
    return { path, size: readFileSync(path).length, neededBytes: n * (8 + 4 + 8) };
  }
  it('Parquet: footer + the three needed column chunks; 10× the rows, 10× the bytes', async () => {
    const read: Record<number, number> = {};
    for (const n of [20_000, 200_000]) {
      const f = file(n);
      const reads: number[] = [];
      const p = await readPredictionsAsync(f.path, { ignoreExtra: true }, { onRead: (b) => reads.push(b) });
      expect(p.labels.time.length).toBe(n);
      expect(p.ignored).toEqual(['a', 'b', 'c', 'd']);
      // first the end of the file (footer, at most 64 KiB), then the column chunks of time, event and risk
      const [footer, ...chunks] = reads as [number, ...number[]];
      expect(footer).toBeLessThanOrEqual(Math.min(f.size, 1 << 16));
      const bytes = chunks.reduce((a, b) => a + b, 0);
      expect(bytes).toBeGreaterThanOrEqual(f.neededBytes);
      expect(bytes).toBeLessThan(f.neededBytes + 1024); // + 12 page headers
      expect((bytes + footer) / f.size).toBeLessThan(0.5); // of 7 columns (52 bytes a row) 20 bytes a row are read
      read[n] = bytes;
    }
    const ratio = (read[200_000] as number) / (read[20_000] as number);
    expect(ratio).toBeGreaterThan(9.9);
    expect(ratio).toBeLessThan(10.1);
  });
  it('the specification-based writer reads back exactly (column values, several row groups)', async () => {
    const f = file(1001);
    const d = await readParquetColumns(f.path, ['risk', 'event']);
    expect(d.numRows).toBe(1001);
    expect(d.columns.get('risk')).toEqual(Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i)));
    expect(Array.from(d.columns.get('event') as Int32Array).slice(0, 4)).toEqual([0, 1, 1, 0]);
  });
});

describe('covariate tables (train --data, predict --data, stats --data) from Parquet and Arrow', () => {
  const csvText = 'time,status,age,sex,stage\n5,1,61.5,f,2\n8,0,70,m,3\n3,1,55.25,m,1\n12,1,48,f,2\n7,0,66,f,3\n9,1,59,m,1\n';
  const csvPath = join(dir, 'cov.csv');
  writeFileSync(csvPath, csvText);
  const cols = {
    time: Float64Array.from([5, 8, 3, 12, 7, 9]),
    status: Int32Array.from([1, 0, 1, 1, 0, 1]),
    age: Float64Array.from([61.5, 70, 55.25, 48, 66, 59]),
    sex: ['f', 'm', 'm', 'f', 'f', 'm'],
    stage: Int32Array.from([2, 3, 1, 2, 3, 1]),
  };
  const arrowPath = join(dir, 'cov.arrow');
  writeFileSync(arrowPath, tableToIPC(tableFromArrays(cols), 'file'));
  const pqPath = join(dir, 'cov.parquet');
  writeTestParquet(pqPath, [
    { name: 'time', type: 'double', values: cols.time },
    { name: 'status', type: 'int32', values: cols.status },
    { name: 'age', type: 'double', values: cols.age },
    { name: 'stage', type: 'int32', values: cols.stage },
  ]);
  it('readTable (Arrow) and readTableAsync (Parquet, Arrow) give the CSV cells', async () => {
    const csv = readCsv(csvPath);
    expect(readTable(arrowPath)).toEqual({ ...csv, file: arrowPath });
    expect(await readTableAsync(arrowPath)).toEqual({ ...csv, file: arrowPath });
    const pq = await readTableAsync(pqPath);
    expect(pq.header).toEqual(['time', 'status', 'age', 'stage']);
    expect(pq.rows).toEqual(csv.rows.map((r) => [r[0], r[1], r[2], r[4]]));
  });
  it('survkit stats km --data: CSV, Arrow and Parquet print the same', async () => {
    const outs: string[] = [];
    for (const f of [csvPath, arrowPath, pqPath]) {
      let out = '';
      let err = '';
      const code = await main(['stats', 'km', '--data', f, '--duration-col', 'time', '--event-col', 'status', '--format', 'json'], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
      });
      expect(err).toBe('');
      expect(code).toBe(0);
      outs.push(out);
    }
    expect(outs[1]).toBe(outs[0]);
    expect(outs[2]).toBe(outs[0]);
    let err = '';
    expect(
      await main(['stats', 'km', '--data', join(dir, 'none.parquet'), '--duration-col', 'time', '--event-col', 'status'], {
        stdout: () => undefined,
        stderr: (t) => (err += t),
      }),
    ).toBe(2);
    expect(err).toContain('none.parquet: no such file');
  });
});
