/**
 * `survkit train` / `predict` through `main(argv, io)`: JSON keys equal to
 * survkit evaluate's, the train → save → predict → evaluate round trip
 * (evaluate on the predicted curves gives the metrics train printed, exactly),
 * pycox's preprocessing (binary columns left as they are, the others
 * standardised with training statistics), tensor hygiene.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { METRIC_NAMES } from '../../src/report/metric-definitions.js';
import { main } from '../../src/cli/main.js';
import { trainTable } from '../../src/tabular/train.js';
import { parseCsv } from '../../src/io/csv.js';
import { SurvivalModel } from '../../src/models/index.js';
import { runCli, survivalCsv, writeCsv } from './train-data-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-train-'));
let data: string;
let testRows: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  data = writeCsv(dir, 'data.csv');
  const lines = survivalCsv().trim().split('\n');
  testRows = writeCsv(dir, 'test.csv', `${[lines[0], ...lines.slice(1).filter((l) => l.includes(',test,'))].join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

type Json = Record<string, Record<string, unknown>>;
const fast = ['--epochs', '4', '--hidden', '8', '--batch-size', '32'];

describe('survkit train → predict → evaluate', () => {
  for (const model of ['coxph', 'deephit'] as const) {
    it(`${model}: evaluate on the predicted test curves gives exactly the metrics train printed`, async () => {
      const out = join(dir, `model-${model}`);
      const t = await run(
        'train',
        '--model',
        model,
        '--data',
        data,
        '--split-col',
        'split',
        '--val-col',
        'val',
        '--seed',
        '3',
        ...fast,
        '--out',
        out,
        '--format',
        'json',
      );
      expect(t.err).toBe('');
      expect(t.code).toBe(0);
      const trained = JSON.parse(t.out) as Json;
      for (const key of [
        'concordanceTd',
        'concordanceIndex',
        'integratedBrierScore',
        'integratedNbll',
        'brierScore',
        'epochs',
        'bestEpoch',
        'msPerEpoch',
        'backend',
      ]) {
        expect(trained).toHaveProperty(key);
      }
      expect(Object.keys(trained).filter((k) => (METRIC_NAMES as readonly string[]).includes(k))).toEqual([...METRIC_NAMES]);
      expect(trained.meta?.rows).toEqual({ train: 96, validation: 24, test: 40 });
      expect(trained.meta?.standardized).toEqual(['age', 'grade']);
      expect(trained.meta?.leftAsIs).toEqual(['treated']);
      expect(trained.backend).toBe('cpu');

      const curves = join(dir, `curves-${model}.csv`);
      const p = await run('predict', '--model', out, '--data', testRows, '--out', curves);
      expect(p).toMatchObject({ code: 0, err: '' });
      expect(readFileSync(curves, 'utf8').split('\n')[0]?.startsWith('time,event,')).toBe(true);
      let evalOut = '';
      const code = main(['evaluate', curves, '--format', 'json'], { stdout: (s) => (evalOut += s), stderr: () => undefined });
      expect(code).toBe(0);
      const evaluated = JSON.parse(evalOut) as Json;
      for (const key of ['concordanceTd', 'concordanceIndex', 'integratedBrierScore', 'integratedNbll', 'dCalibration']) {
        expect(evaluated[key]).toEqual(trained[key]);
      }
      expect(evaluated.meta?.grid).toEqual((trained.meta?.evaluation as Record<string, unknown>).grid);
    });
  }

  it('every family trains and reports the same keys (table and JSON formats)', async () => {
    for (const model of ['coxcc', 'coxtime', 'logistichazard']) {
      const j = await run('train', '--model', model, '--data', data, '--split-col', 'split', ...fast, '--epochs', '2', '--format', 'json');
      expect(j.err).toBe('');
      const r = JSON.parse(j.out) as Json;
      expect(Object.keys(r)).toEqual(expect.arrayContaining([...METRIC_NAMES, 'epochs', 'bestEpoch', 'msPerEpoch', 'backend', 'history']));
      expect(r.epochs).toBe(2);
    }
    const table = await run(
      'train',
      '--model',
      'logistichazard',
      '--data',
      data,
      '--test-frac',
      '0.25',
      '--seed',
      '2',
      ...fast,
      '--cuts',
      '5',
      '--cut-scheme',
      'quantiles',
    );
    expect(table.code).toBe(0);
    expect(table.out).toContain('logistichazard (5 quantiles cuts');
    expect(table.out).toContain('concordanceTd (antolini)');
    expect(table.out).toContain('integratedBrierScore');
    expect(table.out).toContain('ms per epoch');
    expect(table.out).toContain('random (seed 2)');
  });

  it('pmf, mtlr, pchazard and bcesurv train, save, and predict curves on their grids', async () => {
    for (const model of ['pmf', 'mtlr', 'pchazard', 'bcesurv']) {
      const out = join(dir, `model-${model}`);
      const t = await run('train', '--model', model, '--data', data, '--split-col', 'split', ...fast, '--epochs', '2', '--cuts', '4', '--out', out);
      expect(t.err).toBe('');
      expect(t.code).toBe(0);
      expect(t.out).toContain(model === 'pchazard' ? 'pchazard (4 equidistant intervals (5 cuts)' : `${model} (4 equidistant cuts`);
      const loaded = await SurvivalModel.load(out);
      expect(loaded.family).toBe(model);
      loaded.dispose();
      const curves = join(dir, `curves-${model}.csv`);
      expect(await run('predict', '--model', out, '--data', testRows, '--out', curves)).toMatchObject({ code: 0, err: '' });
      const header = readFileSync(curves, 'utf8').split('\n')[0]?.split(',') ?? [];
      // time, event, then the grid: (intervals × 10 steps + 1) times; pchazard has 4 intervals (5 cuts), the others 3 (4 cuts)
      expect(header.length).toBe(2 + (model === 'pchazard' ? 4 : 3) * 10 + 1);
    }
  }, 300_000);

  it('weibull and lognormal (deep AFT) train, save, and predict curves on 100 grid times', async () => {
    for (const model of ['weibull', 'lognormal']) {
      const out = join(dir, `model-${model}`);
      const t = await run('train', '--model', model, '--data', data, '--split-col', 'split', ...fast, '--epochs', '2', '--out', out);
      expect(t.err).toBe('');
      expect(t.code).toBe(0);
      const loaded = await SurvivalModel.load(out);
      expect(loaded.family).toBe(model);
      loaded.dispose();
      const curves = join(dir, `curves-${model}.csv`);
      expect(await run('predict', '--model', out, '--data', testRows, '--out', curves)).toMatchObject({ code: 0, err: '' });
      expect(readFileSync(curves, 'utf8').split('\n')[0]?.split(',').length).toBe(2 + 100);
    }
  }, 300_000);

  it('predict without label columns writes id,<times> (row numbers or --id-col)', async () => {
    const out = join(dir, 'model-coxph');
    const noLabels = writeCsv(dir, 'new.csv', 'name,age,treated,grade\nann,61.5,1,2\n"b,c",70,0,3\n');
    const r = await run('predict', '--model', out, '--data', noLabels);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]?.startsWith('id,')).toBe(true);
    expect(lines[1]?.startsWith('1,')).toBe(true);
    const named = await run('predict', '--model', out, '--data', noLabels, '--id-col', 'name');
    expect(named.out.split('\n')[2]?.startsWith('"b,c",')).toBe(true);
  });

  it('stores the standardisation: training mean and population sd of the non-binary columns', async () => {
    const table = parseCsv(survivalCsv(), 'data.csv');
    const { model, report } = await trainTable(table, { model: 'coxph', split: { kind: 'column', splitCol: 'split', valCol: 'val' }, epochs: 1, hidden: [4] });
    const meta = model.covariates as { standardizer: { columns: { name: string; mean: number; std: number; standardized: boolean }[] } };
    const rows = table.rows.filter((r) => r[5] === 'train' && r[6] === '0');
    const age = rows.map((r) => Number(r[0]));
    const mu = age.reduce((a, b) => a + b, 0) / age.length;
    const sd = Math.sqrt(age.reduce((a, b) => a + (b - mu) ** 2, 0) / age.length);
    expect(meta.standardizer.columns[0]?.mean).toBeCloseTo(mu, 12);
    expect(meta.standardizer.columns[0]?.std).toBeCloseTo(sd, 12);
    expect(meta.standardizer.columns[1]).toEqual({ name: 'treated', standardized: false, mean: 0, std: 1 });
    expect(report.meta.settings.ties).toBe('pycox');
    model.dispose();
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const { model } = await trainTable(parseCsv(survivalCsv(), 'data.csv'), { model: 'coxtime', epochs: 2, hidden: [4], batchSize: 32 });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the saved model loads as a SurvivalModel of the family', async () => {
    const m = await SurvivalModel.load(join(dir, 'model-deephit'));
    expect(m.family).toBe('deephit');
    m.dispose();
  });
});
