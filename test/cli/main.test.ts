import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateFile } from '../../src/report/evaluate.js';
import { formatJson, formatTable } from '../../src/cli/format.js';
import { main } from '../../src/cli/main.js';
import { messages } from '../../src/core/messages.js';
import { tempDir } from '../helpers/temp-dir.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) }) as number;
  return { code, out, err };
}

const tmp = tempDir('survkit-main-');
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('survkit main: output', () => {
  it('evaluate prints the table by default and JSON with --format json, exit 0', () => {
    const table = run('evaluate', 'datasets/example-risk.csv');
    expect(table).toEqual({ code: 0, out: formatTable(evaluateFile('datasets/example-risk.csv')), err: '' });
    const json = run('evaluate', 'datasets/example-predictions.csv', '--train', 'datasets/example-train.csv', '--format', 'json', '--grid', '50');
    expect(json.code).toBe(0);
    expect(json.out).toBe(formatJson(evaluateFile('datasets/example-predictions.csv', { train: 'datasets/example-train.csv', grid: 50, figures: true })));
  });

  it('passes every flag through (--times, --tau, --convention, --bootstrap, --seed; --flag=value form)', () => {
    const r = run(
      'evaluate',
      'datasets/example-predictions.csv',
      '--times=1,2.5,4',
      '--tau',
      '6',
      '--convention',
      'sksurv',
      '--bootstrap',
      '5',
      '--seed',
      '9',
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      formatJson(evaluateFile('datasets/example-predictions.csv', { times: [1, 2.5, 4], tau: 6, convention: 'sksurv', bootstrap: 5, seed: 9, figures: true })),
    );
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run('--version')).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('--help documents the command and every option', () => {
    const { code, out } = run('--help');
    expect(code).toBe(0);
    for (const flag of ['evaluate', '--train', '--times', '--grid', '--tau', '--convention', '--bootstrap', '--seed', '--format', '--help', '--version']) {
      expect(out).toContain(flag);
    }
    for (const key of [
      'concordanceIndex',
      'concordanceIndexIpcw',
      'concordanceTd',
      'brierScore',
      'integratedBrierScore',
      'integratedNbll',
      'cumulativeDynamicAuc',
      'dCalibration',
    ]) {
      expect(out).toContain(key);
    }
    expect(out).toMatch(/restricted mean\s+survival time/);
    expect(run('evaluate', '-h').out).toContain('--convention');
  });
});

describe('survkit main: usage errors exit 2 with one line', () => {
  const usage = (p: string) => `${messages.cliUsage(p)}\n`;
  const cases: [string, string[], string][] = [
    ['no command', ['--format', 'json'], usage('no command given; the command is "evaluate", "train", "predict" or "info"')],
    ['unknown command', ['score', 'x.csv'], usage('unknown command "score"; the command is "evaluate", "train", "predict" or "info"')],
    ['no file', ['evaluate'], usage('evaluate needs a predictions CSV file')],
    ['two files', ['evaluate', 'a.csv', 'b.csv'], usage('evaluate takes one predictions file; got 2 ("a.csv", "b.csv")')],
    ['--times with --grid', ['evaluate', 'datasets/example-risk.csv', '--times', '1,2', '--grid', '5'], usage('--times and --grid cannot be used together')],
    ['bad --grid', ['evaluate', 'datasets/example-risk.csv', '--grid', '1.5'], usage('--grid must be an integer >= 2; got "1.5"')],
    ['bad --times', ['evaluate', 'datasets/example-risk.csv', '--times', '1,x'], usage('--times must be a comma-separated list of times >= 0; got "x"')],
    ['--times not ascending', ['evaluate', 'datasets/example-risk.csv', '--times', '2,1'], usage('--times must be strictly ascending; got "2,1"')],
    ['bad --tau', ['evaluate', 'datasets/example-risk.csv', '--tau', '0'], usage('--tau must be a time > 0; got "0"')],
    ['bad --convention', ['evaluate', 'datasets/example-risk.csv', '--convention', 'pec'], usage('--convention must be pycox or sksurv; got "pec"')],
    ['--seed without --bootstrap', ['evaluate', 'datasets/example-risk.csv', '--seed', '1'], usage('--seed needs --bootstrap')],
    ['bad --format', ['evaluate', 'datasets/example-risk.csv', '--format', 'csv'], usage('--format must be table or json; got "csv"')],
  ];
  for (const [name, argv, message] of cases) {
    it(name, () => expect(run(...argv)).toEqual({ code: 2, out: '', err: message }));
  }

  it('unknown flags and missing values (node:util parseArgs)', () => {
    for (const argv of [
      ['evaluate', 'x.csv', '--nope'],
      ['evaluate', 'x.csv', '--grid'],
    ]) {
      const r = run(...argv);
      expect(r.code).toBe(2);
      expect(r.err.startsWith('survkit: ')).toBe(true);
      expect(r.err.endsWith("(run 'survkit --help' for usage)\n")).toBe(true);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('survkit main: bad files exit 2 with one line naming the file, row and column', () => {
  it('no such file', () => {
    const p = join(tmp, 'missing.csv');
    expect(run('evaluate', p)).toEqual({ code: 2, out: '', err: `${messages.csvFile(p, 'no such file')}\n` });
  });
  it('empty file', () => {
    const p = file('empty.csv', '');
    expect(run('evaluate', p)).toEqual({
      code: 2,
      out: '',
      err: `${messages.csvFile(p, 'the file is empty; expected a header row such as "time,event,risk"')}\n`,
    });
  });
  it('ragged row', () => {
    const p = file('ragged.csv', 'time,event,risk\n1,1,0.5\n2,0\n');
    expect(run('evaluate', p)).toEqual({ code: 2, out: '', err: `${messages.csvRagged(p, 3, 2, 3, '; column "risk" is missing')}\n` });
  });
  it('non-numeric cell', () => {
    const p = file('text.csv', 'time,event,1,2\n1,1,0.5,0.4\n2,0,0.9,abc\n');
    expect(run('evaluate', p)).toEqual({
      code: 2,
      out: '',
      err: `${messages.csvRow(p, 3, '2', '"abc" is not a finite number; expected a survival probability in [0, 1]')}\n`,
    });
  });
  it('missing column', () => {
    const p = file('nocol.csv', 'time,risk\n1,0.5\n');
    const r = run('evaluate', p);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `${p}: no column "event" in the header ("time", "risk"); expected a header "time,event,risk" (risk format) or "time,event,<t1>,<t2>,…" (curves format)\n`,
    );
  });
  it('a bad --train file is named', () => {
    const p = file('train.csv', 'time,event\n1,yes\n');
    const r = run('evaluate', 'datasets/example-risk.csv', '--train', p);
    expect(r).toEqual({ code: 2, out: '', err: `${messages.csvRow(p, 2, 'event', '"yes" is not a finite number; expected 0 (censored) or 1 (event)')}\n` });
  });
});

describe('survkit main: unexpected errors exit 1', () => {
  it('an error that is not a SurvkitError (here: stdout fails)', () => {
    let err = '';
    const code = main(['evaluate', 'datasets/example-risk.csv'], {
      stdout: () => {
        throw new Error('EPIPE');
      },
      stderr: (t) => (err += t),
    });
    expect(code).toBe(1);
    expect(err.startsWith('survkit: unexpected error: Error: EPIPE')).toBe(true);
  });
});
