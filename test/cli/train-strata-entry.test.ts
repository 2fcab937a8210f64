/**
 * `survkit train --model coxph --strata-col s --entry-col e`: stratified, left-truncated Cox training; the saved model
 * holds one Breslow baseline per stratum with risk sets from entry (the estimator is checked against R in
 * test/estimators/breslow-strata.test.ts), and `survkit predict` reads each row's stratum. Data: R's lung
 * (test/fixtures/cox/baseline_strata_entry_R.json: time, event, a synthetic entry, sex as strata, a linear predictor).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { breslowBaselineStrata, strataSurvival } from '../../src/estimators/breslow-strata.js';
import { CoxPH, SurvivalModel } from '../../src/models/index.js';
import { Standardizer } from '../../src/data/standardize.js';
import type { TabularModelMeta } from '../../src/tabular/train.js';
import { readJson } from '../losses/reference.js';
import { runCli } from './train-data-fixture.js';

interface Fixture {
  n: number;
  time: number[];
  event: number[];
  entry: number[];
  sex: number[];
  lp: number[];
}
const f = readJson<Fixture>('cox/baseline_strata_entry_R.json');
const dir = mkdtempSync(join(tmpdir(), 'survkit-strata-entry-'));
const data = join(dir, 'lung.csv');
// fixed split: every 5th row test, every 5th + 1 validation, the rest training
const part = (i: number): [string, number] => (i % 5 === 0 ? ['test', 0] : ['train', i % 5 === 1 ? 1 : 0]);
const z = (i: number): number => ((i * 7) % 11) / 11;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const rows = ['time,event,entry,sex,lp,z,split,val'];
  for (let i = 0; i < f.n; i++) rows.push([f.time[i], f.event[i], f.entry[i], f.sex[i], f.lp[i], z(i), ...part(i)].join(','));
  writeFileSync(data, `${rows.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const common = ['--model', 'coxph', '--duration-col', 'time', '--event-col', 'event', '--split-col', 'split', '--val-col', 'val', '--epochs', '3'];
const usage = (p: string): string => `${messages.cliUsage(p)}\n`;

describe('survkit train --strata-col / --entry-col (coxph)', () => {
  const out = join(dir, 'model');

  it('trains the stratified, left-truncated model and saves the per-stratum Breslow baselines from entry', async () => {
    const r = await runCli(
      'train',
      '--data',
      data,
      ...common,
      '--strata-col',
      'sex',
      '--entry-col',
      'entry',
      '--hidden',
      '8',
      '--format',
      'json',
      '--out',
      out,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as {
      meta: { strata: { column: string; levels: string[] }; entryCol: string; covariateColumns: string[]; settings: { ties: string } };
    };
    expect(report.meta.strata).toEqual({ column: 'sex', levels: ['1', '2'] });
    expect(report.meta.entryCol).toBe('entry');
    expect(report.meta.covariateColumns).toEqual(['lp', 'z']);
    expect(report.meta.settings.ties).toBe('efron');
    const table = await runCli('train', '--data', data, ...common, '--strata-col', 'sex', '--entry-col', 'entry', '--hidden', '8', '--epochs', '1');
    expect(table.out).toContain(
      '  risk sets    stratified by sex (2 strata: 1, 2; a Breslow baseline each); left-truncated at entry (at risk on (entry, duration])',
    );
    expect(table.out).toMatch(/not used .*entry \(entry time \(--entry-col\)\), sex \(strata \(--strata-col\)\)/);

    const saved = JSON.parse(readFileSync(join(out, 'survkit.json'), 'utf8')) as {
      state: { baseline: unknown; strata: { levels: string[]; baselines: { times: number[]; cumulativeHazard: number[] }[] } };
      covariates: TabularModelMeta;
    };
    expect(saved.state.baseline).toBeNull();
    expect(saved.state.strata.levels).toEqual(['1', '2']);
    expect(saved.covariates.strataCol).toBe('sex');
    expect(saved.covariates.entryCol).toBe('entry');
    // the saved baselines are Breslow's on the training rows' log-risks, per stratum, at risk on (entry, time]
    const model = (await SurvivalModel.load(out)) as CoxPH;
    const train = Array.from({ length: f.n }, (_, i) => i).filter((i) => part(i)[0] === 'train' && part(i)[1] === 0);
    const std = Standardizer.fromJSON(saved.covariates.standardizer);
    const x = tf.tensor2d(Float32Array.from(std.transform(Float64Array.from(train.flatMap((i) => [f.lp[i] as number, z(i)])), train.length)), [
      train.length,
      2,
    ]);
    const g = await model.predictRisk(x);
    x.dispose();
    const want = breslowBaselineStrata(
      g,
      { time: train.map((i) => f.time[i] as number), event: train.map((i) => f.event[i] as number) },
      {
        entry: train.map((i) => f.entry[i] as number),
        strata: train.map((i) => f.sex[i] as number),
      },
    );
    want.baselines.forEach((b, k) => {
      const got = saved.state.strata.baselines[k]!;
      expect(got.times).toEqual(Array.from(b.times));
      got.cumulativeHazard.forEach((h, j) =>
        expect(Math.abs(h - (b.cumulativeHazard[j] as number))).toBeLessThanOrEqual(1e-12 * (b.cumulativeHazard[j] as number)),
      );
    });

    // survkit predict: each row's curve from its stratum's baseline
    const p = await runCli('predict', '--model', out, '--data', data);
    expect(p.err).toBe('');
    expect(p.code).toBe(0);
    const lines = p.out.trim().split('\n');
    const grid = (lines[0] as string).split(',').slice(2).map(Number);
    const xa = tf.tensor2d(Float32Array.from(std.transform(Float64Array.from(f.lp.flatMap((v, i) => [v, z(i)])), f.n)), [f.n, 2]);
    const ga = await model.predictRisk(xa);
    xa.dispose();
    const curves = strataSurvival(model.strataBaseline!, ga, f.sex);
    expect(grid).toEqual(Array.from(curves.times));
    let worst = 0;
    lines.slice(1).forEach((line, i) => {
      line
        .split(',')
        .slice(2)
        .map(Number)
        .forEach((v, k) => (worst = Math.max(worst, Math.abs(v - (curves.values[i * curves.m + k] as number)))));
    });
    expect(worst).toBeLessThanOrEqual(1e-12);
    model.dispose();
  }, 180_000);

  it('survkit predict needs the strata column and known strata; the entry column is not needed', async () => {
    const noStrata = join(dir, 'no-strata.csv');
    writeFileSync(noStrata, 'lp,z\n0.1,0.5\n');
    const a = await runCli('predict', '--model', out, '--data', noStrata);
    expect(a.code).toBe(2);
    expect(a.err).toBe(`${messages.predictStrataColumn('survkit predict', noStrata, 'sex', '1, 2')}\n`);
    const unseen = join(dir, 'unseen.csv');
    writeFileSync(unseen, 'lp,z,sex\n0.1,0.5,1\n0.2,0.1,3\n');
    const b = await runCli('predict', '--model', out, '--data', unseen);
    expect(b.code).toBe(2);
    expect(b.err).toBe(`${messages.predictStratumUnseen('survkit predict', unseen, 3, 'sex', '3', '1, 2')}\n`);
    const ok = join(dir, 'ok.csv');
    writeFileSync(ok, 'lp,z,sex\n0.1,0.5,2\n');
    const c = await runCli('predict', '--model', out, '--data', ok, '--output', 'median');
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
  }, 60_000);

  it('--entry-col alone: one left-truncated baseline, predicted without a strata column', async () => {
    const m = join(dir, 'entry-only');
    const r = await runCli('train', '--data', data, ...common, '--entry-col', 'entry', '--ties', 'breslow', '--hidden', '4', '--epochs', '1', '--out', m);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(m, 'survkit.json'), 'utf8')) as {
      state: { ties: string; baseline: { times: number[] } | null; strata?: unknown };
    };
    expect(saved.state.ties).toBe('breslow');
    expect(saved.state.strata).toBeUndefined();
    const train = Array.from({ length: f.n }, (_, i) => i).filter((i) => part(i)[0] === 'train' && part(i)[1] === 0);
    expect(saved.state.baseline?.times).toEqual([...new Set(train.map((i) => f.time[i] as number))].sort((a, b) => a - b));
    const ok = join(dir, 'ok-entry.csv');
    writeFileSync(ok, 'sex,lp,z\n1,0.1,0.5\n'); // sex is a covariate here
    const p = await runCli('predict', '--model', m, '--data', ok, '--output', 'median');
    expect(p.err).toBe('');
    expect(p.code).toBe(0);
  }, 60_000);

  it('refuses the flags for other families, with --ties pycox, and bad strata / entry cells naming the row', async () => {
    expect((await runCli('train', '--data', data, '--model', 'deephit', '--strata-col', 'sex')).err).toBe(
      usage('--strata-col applies to coxph (stratified / left-truncated partial likelihood and baseline), not deephit'),
    );
    expect((await runCli('train', '--data', data, '--model', 'coxph', '--entry-col', 'entry', '--ties', 'pycox')).err).toBe(
      usage('--ties pycox has no strata or entry times; use --ties efron (the default with --strata-col / --entry-col) or breslow'),
    );
    const miss = await runCli('train', '--data', data, ...common, '--strata-col', 'centre');
    expect(miss.code).toBe(2);
    expect(miss.err).toMatch(/no column "centre"|"centre"/);
    const late = join(dir, 'late.csv');
    const text = readFileSync(data, 'utf8').split('\n');
    const cells = (text[3] as string).split(',');
    cells[2] = cells[0] as string; // entry = time on data row 3 (a training row)
    text[3] = cells.join(',');
    writeFileSync(late, text.join('\n'));
    const e = await runCli('train', '--data', late, ...common, '--entry-col', 'entry');
    expect(e.code).toBe(2);
    expect(e.err).toBe(
      `${messages.csvRow(late, 4, 'entry', `${cells[0]} is not below the duration ${cells[0]}; a subject is at risk on (entry, duration]`)}\n`,
    );
    const unseen = join(dir, 'unseen-test.csv');
    const rows = readFileSync(data, 'utf8').split('\n');
    const t0 = (rows[1] as string).split(','); // data row 1 (i = 0) is a test row
    t0[3] = '9';
    rows[1] = t0.join(',');
    writeFileSync(unseen, rows.join('\n'));
    const u = await runCli('train', '--data', unseen, ...common, '--strata-col', 'sex');
    expect(u.code).toBe(2);
    expect(u.err).toBe(`${messages.predictStratumUnseen('survkit train', unseen, 2, 'sex', '9', '1, 2')}\n`);
  }, 120_000);
});

describe('survkit train --strata-col: a stratum only the test rows have', () => {
  it('is refused before the fit, naming the file, row and column, and nothing is saved', async () => {
    // sex 3 on every test row (every 5th row): no training row has it
    const file = join(dir, 'lung-test-stratum.csv');
    const rows = ['time,event,entry,sex,lp,z,split,val'];
    for (let i = 0; i < f.n; i++) rows.push([f.time[i], f.event[i], f.entry[i], i % 5 === 0 ? 3 : f.sex[i], f.lp[i], z(i), ...part(i)].join(','));
    writeFileSync(file, `${rows.join('\n')}\n`);
    const out = join(dir, 'never-saved');
    let epochs = 0;
    const r = await runCli('train', '--data', file, ...common, '--strata-col', 'sex', '--hidden', '4', '--verbose', '--out', out);
    epochs = (r.err.match(/epoch/gi) ?? []).length;
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(messages.predictStratumUnseen('survkit train', file, 2, 'sex', '3', '1, 2'));
    expect(epochs).toBe(0); // no epoch ran
    expect(() => readFileSync(join(out, 'survkit.json'))).toThrow();
  });
});
