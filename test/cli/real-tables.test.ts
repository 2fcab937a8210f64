/** Issue 10 through the `survkit` command: options, help, exit codes, files, and train → predict → evaluate on real-looking tables. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { MAIN_HELP } from '../../src/cli/help.js';
import { messages } from '../../src/core/messages.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli, survivalCsv, writeCsv } from './train-data-fixture.js';

const dir = tempDir('survkit-cli-tables-');
const usage = (p: string) => `${messages.cliUsage(p)}\n`;
const fast = ['--epochs', '2', '--hidden', '8', '--batch-size', '32'];
let data: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  data = writeCsv(dir, 'data.csv');
});

describe('options and help', () => {
  it('an unknown option names the closest one', async () => {
    expect(await runCli('evaluate', 'x.csv', '--frmat', 'json')).toEqual({ code: 2, out: '', err: usage('unknown option --frmat; did you mean --format?') });
    expect((await runCli('train', '--model', 'coxph', '--data', 'x.csv', '--exclud', 'a')).err).toBe(usage('unknown option --exclud; did you mean --exclude?'));
  });
  it("a negative number after an option is its value, judged by the option's own rule", async () => {
    expect(await runCli('evaluate', 'x.csv', '--tau', '-1')).toEqual({ code: 2, out: '', err: usage('--tau must be a time > 0; got "-1"') });
    expect((await runCli('train', '--model', 'coxph', '--data', 'x.csv', '--lr', '-0.5')).err).toBe(usage('--lr must be a learning rate > 0; got "-0.5"'));
  });
  it('survkit alone and survkit help print the help (exit 0)', async () => {
    const alone = await runCli();
    expect(alone.code).toBe(0);
    expect(alone.out.startsWith(MAIN_HELP)).toBe(true);
    expect((await runCli('help')).out).toBe(alone.out);
    const h = await runCli('help', 'train');
    expect(h.code).toBe(0);
    expect(h.out).toContain('--exclude');
  });
});

describe('survkit evaluate', () => {
  it('exit 3 when every metric is skipped, with the reasons', async () => {
    const p = writeCsv(dir, 'censored.csv', 'time,event,risk\n1,0,0.5\n2,0,0.1\n3,0,0.7\n');
    const r = await runCli('evaluate', p);
    expect(r.code).toBe(3);
    expect(r.out).toContain('skipped');
    expect(r.err).toBe(`${messages.allSkipped('survkit evaluate')}\n`);
  });
  it('past the end of the curves: a warning with the range, an error with --strict; hidden Brier/AUC times are counted', async () => {
    const p = writeCsv(dir, 'short.csv', 'time,event,0.5,1.5\n1,1,0.9,0.5\n3,0,0.8,0.6\n5,1,0.7,0.4\n2,1,0.95,0.7\n');
    const r = await runCli('evaluate', p);
    expect(r.code).toBe(0);
    expect(r.err.startsWith(`warning: ${messages.curvesEnd('survkit evaluate', 1.5, 5, '')}`)).toBe(true);
    expect(r.out).toContain('brierScore: 95 of its 100 times are not shown here; --format json lists them all');
    const s = await runCli('evaluate', p, '--strict');
    expect(s.code).toBe(2);
    expect(s.err.startsWith(messages.curvesEnd('evaluateFile', 1.5, 5, ''))).toBe(true);
  });
  it('works on a table with other column names and extra columns, listing what it ignores', async () => {
    const p = writeCsv(dir, 'r.csv', 'pid,futime,status,score,age\n1,5,2,0.9,50\n2,8,1,0.1,60\n3,3,2,0.5,70\n4,9,2,0.2,40\n');
    const r = await runCli(
      'evaluate',
      p,
      '--time-col',
      'futime',
      '--event-col',
      'status',
      '--event-value',
      '2',
      '--risk-col',
      'score',
      '--id-col',
      'pid',
      '--ignore-extra',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('  ignored      age');
    // risks 0.9, 0.1, 0.5, 0.2 at times 5, 8, 3, 9 with events 1, 0, 1, 1: comparable pairs (3,5), (3,8), (3,9), (5,8), (5,9);
    // concordant: 0.5 < 0.9 no, 0.5 > 0.1 yes, 0.5 > 0.2 yes, 0.9 > 0.1 yes, 0.9 > 0.2 yes → 4 / 5
    expect(r.out).toMatch(/concordanceIndex \(Harrell\)\s+0\.8000/);
    const miss = await runCli('evaluate', p, '--time-col', 'futim');
    expect(miss.err).toContain('did you mean "futime"?');
  });
});

describe('survkit train', () => {
  it('stops on a covariate that is the outcome, naming it and both options; reports every covariate used', async () => {
    const leaky = survivalCsv()
      .split('\n')
      .map((l, i) => (l === '' ? l : i === 0 ? `${l},time_copy` : `${l},${l.split(',')[3] ?? ''}`))
      .join('\n');
    const p = writeCsv(dir, 'leaky.csv', leaky);
    const r = await runCli('train', '--model', 'coxph', '--data', p, ...fast);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--exclude time_copy');
    expect(r.err).toContain('--allow-column time_copy');
    const ok = await runCli('train', '--model', 'coxph', '--data', p, ...fast, '--exclude', 'time_copy', '--split-col', 'split');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('  covariates   3 columns used: age, treated, grade');
    expect(ok.out).toContain('time_copy (--exclude)');
    const j = await runCli('train', '--model', 'coxph', '--data', p, ...fast, '--exclude', 'time_copy', '--split-col', 'split', '--format', 'json');
    expect((JSON.parse(j.out) as { meta: { covariateColumns: string[] } }).meta.covariateColumns).toEqual(['age', 'treated', 'grade']);
  });
  it('--out: an impossible path fails at once; an existing model needs --force; predict writes S(t) at --times with an id', async () => {
    const bad = await runCli('train', '--model', 'coxph', '--data', data, ...fast, '--out', '/proc/survkit-x/model');
    expect(bad.code).toBe(2);
    expect(bad.err.startsWith(messages.outDir('survkit train', '/proc/survkit-x/model', ''))).toBe(true);
    const model = join(dir, 'model');
    expect((await runCli('train', '--model', 'coxph', '--data', data, ...fast, '--split-col', 'split', '--out', model)).code).toBe(0);
    const again = await runCli('train', '--model', 'coxph', '--data', data, ...fast, '--split-col', 'split', '--out', model);
    expect(again.err).toBe(`${messages.outDir('survkit train', model, 'it already holds a survkit model; use --force to replace it')}\n`);
    expect((await runCli('train', '--model', 'coxph', '--data', data, ...fast, '--split-col', 'split', '--out', model, '--force')).code).toBe(0);
    expect(existsSync(join(model, 'survkit.json'))).toBe(true);

    const rows = readFileSync(data, 'utf8').trimEnd().split('\n');
    const withId = writeCsv(
      dir,
      'new.csv',
      `${['pid', ...rows.slice(0, 4).map((_, i) => String(100 + i))].map((id, i) => `${id},${(rows[i] as string).split(',').slice(0, 3).join(',')}`).join('\n')}\n`,
    );
    const p = await runCli('predict', '--model', model, '--data', withId, '--id-col', 'pid', '--times', '0.5,1,2');
    expect(p.code).toBe(0);
    expect(p.out.split('\n')[0]).toBe('id,0.5,1,2');
    expect(p.out.split('\n')[1]?.startsWith('100,')).toBe(true);
    const extra = writeCsv(
      dir,
      'extra.csv',
      `${rows
        .slice(0, 3)
        .map((l, i) => `${l},${i === 0 ? 'bmi' : '25'}`)
        .join('\n')}\n`,
    );
    const w = await runCli('predict', '--model', model, '--data', extra, '--output', 'risk');
    expect(w.code).toBe(0);
    expect(w.err).toContain('the table does not match the training table: 1 column(s) not in the training table: "bmi"');
    expect(w.out.split('\n')[0]).toBe('time,event,risk');
    const strict = await runCli('predict', '--model', model, '--data', extra, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.err).toContain(messages.covariateMismatch('survkit predict', extra, ''));
  });
  it('competing risks 0..K with deephit: trains, and the test metrics are of the event-free survival against any event', async () => {
    const text = readFileSync(data, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l, i) => (i === 0 || !l.includes(',1,') ? l : i % 3 === 0 ? l.replace(/,1,(train|test),/, ',2,$1,') : l))
      .join('\n');
    const p = writeCsv(dir, 'cr.csv', `${text}\n`);
    expect(text.split('\n').some((l) => l.includes(',2,train,') || l.includes(',2,test,'))).toBe(true);
    const plain = await runCli('train', '--model', 'deephit', '--data', p, ...fast, '--split-col', 'split');
    expect(plain.err).toContain('--competing-risks');
    const r = await runCli('train', '--model', 'deephit', '--data', p, ...fast, '--split-col', 'split', '--competing-risks', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { concordanceTd: { cIndex?: number } };
    expect(typeof j.concordanceTd.cIndex).toBe('number');
    expect((await runCli('train', '--model', 'coxph', '--data', p, '--competing-risks')).err).toBe(
      usage('--competing-risks applies to deephit (one output per cause), not coxph'),
    );
  });
  it('--verbose: one line per epoch on a non-TTY stream', () => {
    const root = join(import.meta.dirname, '..', '..');
    const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'train', '--model', 'coxph', '--data', data, ...fast, '--verbose'], {
      encoding: 'utf8',
      env: { ...process.env, SURVKIT_BACKEND: 'cpu' },
    });
    expect(r.status).toBe(0);
    expect(
      r.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => /epoch/i.test(l)).length,
    ).toBe(2);
  });
  it('a semicolon file with decimal commas: named in the error, read with --delimiter ; --decimal ,', async () => {
    const semi = writeCsv(
      dir,
      'semi.csv',
      readFileSync(data, 'utf8')
        .replace(/,/g, ';')
        .replace(/(\d)\.(\d)/g, '$1,$2'),
    );
    const r = await runCli('train', '--model', 'coxph', '--data', semi, ...fast);
    expect(r.err).toBe(`${messages.csvDialect(semi, 'a semicolon-separated file', "--delimiter ';' --decimal ','")}\n`);
    expect((await runCli('train', '--model', 'coxph', '--data', semi, ...fast, '--delimiter', ';', '--decimal', ',')).code).toBe(0);
  });
});
