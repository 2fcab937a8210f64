/** Bad input to `survkit train`, `predict` and `info`: one line on stderr, exit 2; plus `info` and the help texts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { main } from '../../src/cli/main.js';
import { messages } from '../../src/core/messages.js';
import { runCli, survivalCsv, writeCsv } from './train-data-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-train-err-'));
let data: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  data = writeCsv(dir, 'data.csv');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

const usage = (p: string) => `${messages.cliUsage(p)}\n`;

describe('survkit train: usage errors', () => {
  const cases: [string, string[], string][] = [
    [
      'no --model',
      ['train', '--data', 'x.csv'],
      usage('train needs --model (coxph, coxcc, coxtime, deephit, logistichazard, pmf, mtlr, pchazard, bcesurv, weibull, lognormal)'),
    ],
    [
      'unknown model',
      ['train', '--model', 'rsf', '--data', 'x.csv'],
      usage('--model must be coxph, coxcc, coxtime, deephit, logistichazard, pmf, mtlr, pchazard, bcesurv, weibull or lognormal; got "rsf"'),
    ],
    ['no --data', ['train', '--model', 'coxph'], usage('train needs --data <file.csv>')],
    ['positional', ['train', 'x.csv', '--model', 'coxph'], usage('train takes no positional arguments; got "x.csv"')],
    ['bad --epochs', ['train', '--model', 'coxph', '--data', 'x.csv', '--epochs', '0'], usage('--epochs must be an integer >= 1; got "0"')],
    ['bad --hidden', ['train', '--model', 'coxph', '--data', 'x.csv', '--hidden', '32,x'], usage('--hidden must be an integer >= 1; got "x"')],
    ['bad --dropout', ['train', '--model', 'coxph', '--data', 'x.csv', '--dropout', '1'], usage('--dropout must be a rate in [0, 1); got "1"')],
    ['bad --lr', ['train', '--model', 'coxph', '--data', 'x.csv', '--lr=-1'], usage('--lr must be a learning rate > 0; got "-1"')],
    [
      '--split-col with --test-frac',
      ['train', '--model', 'coxph', '--data', 'x.csv', '--split-col', 'split', '--test-frac', '0.3'],
      usage('--split-col cannot be combined with --test-frac or --val-frac'),
    ],
    ['--val-col alone', ['train', '--model', 'coxph', '--data', 'x.csv', '--val-col', 'val'], usage('--val-col needs --split-col')],
    ['bad --test-frac', ['train', '--model', 'coxph', '--data', 'x.csv', '--test-frac', '1'], usage('--test-frac must be a fraction in (0, 1); got "1"')],
    ['--ties for deephit', ['train', '--model', 'deephit', '--data', 'x.csv', '--ties', 'efron'], usage('--ties applies to coxph, not deephit')],
    ['bad --ties', ['train', '--model', 'coxph', '--data', 'x.csv', '--ties', 'exact'], usage('--ties must be pycox, breslow or efron; got "exact"')],
    [
      '--cuts for coxtime',
      ['train', '--model', 'coxtime', '--data', 'x.csv', '--cuts', '5'],
      usage('--cuts applies to the discrete-time models (deephit, logistichazard, pmf, mtlr, pchazard, bcesurv), not coxtime'),
    ],
    [
      'bad --cut-scheme',
      ['train', '--model', 'deephit', '--data', 'x.csv', '--cut-scheme', 'log'],
      usage('--cut-scheme must be equidistant or quantiles; got "log"'),
    ],
    [
      'both batch-norm flags',
      ['train', '--model', 'coxph', '--data', 'x.csv', '--batch-norm', '--no-batch-norm'],
      usage('--batch-norm and --no-batch-norm cannot be used together'),
    ],
    ['bad --format', ['train', '--model', 'coxph', '--data', 'x.csv', '--format', 'csv'], usage('--format must be table or json; got "csv"')],
    ['train after a flag', ['--format', 'json', 'train'], usage('put the command "train" first (survkit train [options])')],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => expect(await run(...argv)).toEqual({ code: 2, out: '', err: message }));
  }
  it('an option of another command (node:util parseArgs message)', async () => {
    const r = await run('train', '--model', 'coxph', '--data', 'x.csv', '--grid', '5');
    expect(r.code).toBe(2);
    expect(r.err.startsWith('survkit: unknown option --grid')).toBe(true); // issue 10: survkit's own message (with the closest option, if any)
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('survkit train: bad data', () => {
  it('names a missing file', async () => {
    const p = join(dir, 'nope.csv');
    expect(await run('train', '--model', 'coxph', '--data', p)).toEqual({ code: 2, out: '', err: `${messages.csvFile(p, 'no such file')}\n` });
  });
  it('names a missing column', async () => {
    const r = await run('train', '--model', 'coxph', '--data', data, '--duration-col', 'time');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `${messages.csvFile(data, 'no duration column "time" in the header ("age", "treated", "grade", "duration", "event", "split", "val")')}\n`,
    );
    const f = await run('train', '--model', 'coxph', '--data', data, '--features', 'age,height');
    expect(f.err).toBe(
      `${messages.csvFile(data, 'no covariate column "height" in the header ("age", "treated", "grade", "duration", "event", "split", "val")')}\n`,
    );
  });
  it('names the row and column of a bad cell', async () => {
    const p = writeCsv(dir, 'bad.csv', survivalCsv(20).replace(/\n([^,\n]*),/, '\nabc,'));
    expect(await run('train', '--model', 'coxph', '--data', p)).toEqual({
      code: 2,
      out: '',
      err: `${messages.csvRow(p, 2, 'age', '"abc" is not a finite number; expected a number (covariate)')}\n`,
    });
    const q = writeCsv(dir, 'bad-event.csv', 'x,duration,event\n1,2,1\n2,3,2\n3,1,0\n');
    expect((await run('train', '--model', 'coxph', '--data', q)).err).toBe(
      // issue 10: the message suggests the option for R's 1/2 coding and for competing risks
      `${messages.eventCode(q, 3, 'event', '2', "; if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2; for competing risks 0..K use --competing-risks (deephit)")}\n`,
    );
    const v = writeCsv(dir, 'bad-val.csv', 'x,duration,event,split,val\n1,2,1,train,2\n');
    expect((await run('train', '--model', 'coxph', '--data', v, '--split-col', 'split')).err).toBe(
      `${messages.csvRow(v, 2, 'val', '2 is not 0 or 1; expected 1 (validation row) or 0')}\n`,
    );
  });
  it('names an --out path that cannot be a directory, before training', async () => {
    const r = await run('train', '--model', 'coxph', '--data', data, '--out', join(data, 'sub'));
    expect(r.code).toBe(2);
    // issue 10: the message names the directory and why (here a parent is a file)
    expect(r.err.startsWith(messages.outDir('survkit train', join(data, 'sub'), `${data} exists and is not a directory`))).toBe(true);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });
  it('rejects a split without test rows and training rows without events', async () => {
    const noTest = survivalCsv(40).replace(/,test,/g, ',train,');
    const p = writeCsv(dir, 'notest.csv', noTest);
    const r = await run('train', '--model', 'coxph', '--data', p, '--split-col', 'split');
    expect(r.code).toBe(2);
    expect(r.err).toContain('the split leaves no test rows');
    const q = writeCsv(dir, 'noevents.csv', 'x,duration,event\n1,2,0\n2,3,0\n3,1,0\n4,5,0\n5,1,0\n');
    const e = await run('train', '--model', 'coxph', '--data', q);
    expect(e).toEqual({ code: 2, out: '', err: `${messages.noEvents('survkit train', 'event (training rows)')}\n` });
  });
});

describe('survkit predict and info', () => {
  it('predict: usage and model errors', async () => {
    expect(await run('predict', '--data', 'x.csv')).toEqual({
      code: 2,
      out: '',
      err: usage('predict needs --model <model-dir> (written by survkit train --out)'),
    });
    expect(await run('predict', '--model', 'm')).toEqual({ code: 2, out: '', err: usage('predict needs --data <file.csv>') });
    const r = await run('predict', '--model', join(dir, 'no-model'), '--data', data);
    expect(r.code).toBe(2);
    expect(r.err.startsWith(`SurvivalModel.load: cannot load a survkit model from ${JSON.stringify(join(dir, 'no-model'))}`)).toBe(true);
  });

  it('predict: only one of the label columns is an error', async () => {
    const out = join(dir, 'm');
    expect((await run('train', '--model', 'coxph', '--data', data, '--epochs', '1', '--hidden', '4', '--out', out)).code).toBe(0);
    const p = writeCsv(dir, 'half.csv', 'age,treated,grade,duration\n60,1,2,1.5\n');
    expect(await run('predict', '--model', out, '--data', p)).toEqual({
      code: 2,
      out: '',
      err: `${messages.csvFile(p, 'has the column "duration" but no "event"; give both label columns (curves format for survkit evaluate) or neither (id format)')}\n`,
    });
    const q = writeCsv(dir, 'nocov.csv', 'age,grade\n60,2\n');
    expect((await run('predict', '--model', out, '--data', q)).err).toBe(
      `${messages.csvFile(q, 'no covariate column "treated" in the header ("age", "grade")')}\n`,
    );
  });

  it('info prints the backend and versions (table and JSON)', async () => {
    const t = await run('info');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^survkit {9}\d+\.\d+\.\d+\nnode {12}v\d+/);
    expect(t.out).toContain('backend         cpu — pure JavaScript');
    // The dev dependencies bring both optional tools.
    expect(t.out).toContain('png output      @resvg/resvg-js');
    expect(t.out).toMatch(/video \(ffmpeg\) {2}ffmpeg version \S+/);
    const j = await run('info', '--format', 'json');
    const report = JSON.parse(j.out) as { backend: { backend: string }; optional: { png: boolean; ffmpeg: { available: boolean } } };
    expect(report.backend.backend).toBe('cpu');
    expect(report.optional).toMatchObject({ png: true, ffmpeg: { available: true } });
  });

  it('--help of each command documents its flags', async () => {
    const train = await run('train', '--help');
    for (const flag of [
      '--model',
      '--data',
      '--split-col',
      '--val-col',
      '--test-frac',
      '--val-frac',
      '--seed',
      '--epochs',
      '--batch-size',
      '--lr',
      '--hidden',
      '--dropout',
      '--no-batch-norm',
      '--cuts',
      '--cut-scheme',
      '--ties',
      '--out',
      '--format',
    ]) {
      expect(train.out).toContain(flag);
    }
    expect((await run('predict', '-h')).out).toContain('id,<t1>,<t2>');
    expect((await run('info', '--help')).out).toContain('SURVKIT_BACKEND');
    let main_ = '';
    await main(['--help'], { stdout: (s) => (main_ += s), stderr: () => undefined });
    for (const c of ['survkit train', 'survkit predict', 'survkit info']) expect(main_).toContain(c);
  });
});
