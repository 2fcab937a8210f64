/**
 * Issue 10 on the table side, without training: column names, dialects,
 * missing values, categories, event codes, the leakage screen, predict's
 * outputs from curves, and the model directory rules. Every expectation is a
 * definition or a closed form (no output of survkit copied).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestName } from '../../src/core/closest.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { parseCsv, readCsv } from '../../src/io/csv.js';
import { readLabelsListing, readPredictions } from '../../src/io/predictions.js';
import { evaluateFile } from '../../src/report/evaluate.js';
import { applyEncoding, encodedNames, fitEncoding } from '../../src/tabular/encoding.js';
import { checkOutDir, saveAtomically } from '../../src/tabular/model-dir.js';
import { prepareTable } from '../../src/tabular/prepare.js';
import { rmstOf, summarizeCurves } from '../../src/tabular/predict-output.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('survkit-tables-');
const random = { kind: 'random' as const, testFrac: 0.2, valFrac: 0, seed: 1 };
const FN = 'survkit train';

/** A table of n rows: x uninformative, time 1..n, event alternating, an id, a copy of the time and of the event. */
function leaky(n = 40): string {
  const rows = ['pid,x,futime,dead,duration,event'];
  for (let i = 0; i < n; i++) rows.push(`${1000 + i},${(i * 7) % 5},${i + 1},${i % 2},${i + 1},${i % 2}`);
  return `${rows.join('\n')}\n`;
}

describe('closestName', () => {
  it('suggests the nearest name, case first, or none', () => {
    expect(closestName('frmat', ['format', 'seed', 'tau'])).toBe('format');
    expect(closestName('Time', ['time', 'status'])).toBe('time');
    expect(closestName('xyz', ['format', 'seed'])).toBeUndefined();
  });
});

describe('CSV dialects', () => {
  it('a semicolon file with decimal commas is named in the error and read with delimiter ; and decimal ,', () => {
    const text = 'time;event;risk\n1,5;1;0,25\n2;0;-0,5\n';
    expect(() => parseCsv(text, 'f.csv')).toThrow(messages.csvDialect('f.csv', 'a semicolon-separated file', "--delimiter ';' --decimal ','"));
    const t = parseCsv(text, 'f.csv', { delimiter: ';', decimal: ',' });
    expect(t.header).toEqual(['time', 'event', 'risk']);
    expect(t.rows).toEqual([
      ['1.5', '1', '0.25'],
      ['2', '0', '-0.5'],
    ]);
  });
  it('a .tsv file is tab-separated; a tab file named .csv is named in the error', () => {
    const p = join(dir, 'a.tsv');
    writeFileSync(p, 'time\tevent\trisk\n1\t1\t0.5\n');
    expect(readCsv(p).rows).toEqual([['1', '1', '0.5']]);
    const q = join(dir, 'a.csv');
    writeFileSync(q, 'time\tevent\trisk\n1\t1\t0.5\n');
    expect(() => readCsv(q)).toThrow(messages.csvDialect(q, 'a tab-separated file', "--delimiter '\\t' (or name it .tsv)"));
    expect(readCsv(q, { delimiter: '\t' }).header).toEqual(['time', 'event', 'risk']);
  });
});

describe('prepareTable: columns, ids and leakage', () => {
  it('stops on an id column, a copy of the duration and a copy of the event, naming each and the options', () => {
    const t = parseCsv(leaky(), 'l.csv');
    let err: unknown;
    try {
      prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event' }, random);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SurvkitError);
    const m = (err as Error).message;
    expect((err as SurvkitError).code).toBe('leakage');
    expect(m).toContain('--exclude pid,futime,dead');
    expect(m).toContain('--allow-column pid,futime,dead');
    // futime = duration: Harrell's C of the duration itself as a risk is 0 (every comparable pair discordant)
    expect(m).toContain(`Harrell's C of "futime" alone as the risk score is 0 `);
  });
  it('--exclude, --id-col and --allow-column: the covariates used are listed, flagged ones kept on purpose are reported', () => {
    const t = parseCsv(leaky(), 'l.csv');
    const p = prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event', idCol: 'pid', exclude: ['futime'], allowColumns: ['dead'] }, random);
    expect(p.columns).toEqual(['x', 'dead']);
    expect(p.excluded.map((e) => e.column)).toEqual(['pid', 'futime', 'duration', 'event']);
    expect(p.allowed.map((a) => a.column)).toEqual(['dead']);
  });
  it("the screen's threshold is Harrell's C of the covariate alone: |C - 0.5| > 0.4", () => {
    // x = -time on 39 of 40 rows: as a risk score it ranks almost every pair right; C from concordanceIndex itself
    const rows = ['x,duration,event'];
    const time: number[] = [];
    const x: number[] = [];
    for (let i = 0; i < 40; i++) {
      time.push(i + 1);
      x.push(i < 39 ? -(i + 1) : 1000);
      rows.push(`${x[i]},${i + 1},1`);
    }
    const t = parseCsv(`${rows.join('\n')}\n`, 'c.csv');
    const all = { kind: 'column' as const, splitCol: 's', valCol: 'v' };
    const withSplit = parseCsv(`${rows.map((r, i) => `${r},${i === 0 ? 's,v' : i === 40 ? 'test,0' : 'train,0'}`).join('\n')}\n`, 'c.csv');
    const train = Array.from({ length: 39 }, (_, i) => i);
    const c = concordanceIndex(
      train.map((i) => time[i] as number),
      new Int32Array(39).fill(1),
      train.map((i) => x[i] as number),
    ).cIndex;
    expect(Math.abs(c - 0.5)).toBeGreaterThan(0.4);
    expect(() => prepareTable(FN, withSplit, { durationCol: 'duration', eventCol: 'event' }, all)).toThrow(
      `Harrell's C of "x" alone as the risk score is ${Math.round(c * 1000) / 1000} on the training rows`,
    );
    expect(t.rows).toHaveLength(40);
  });
  it('a missing column names the closest header name', () => {
    const t = parseCsv(leaky(), 'l.csv');
    expect(() => prepareTable(FN, t, { durationCol: 'Futime', eventCol: 'event' }, random)).toThrow(
      messages.noSuchColumn('l.csv', 'duration', 'Futime', t.header, 'futime'),
    );
    expect(() => prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event', exclude: ['fut1me'] }, random)).toThrow(
      messages.noSuchColumn('l.csv', '--exclude', 'fut1me', t.header, 'futime'),
    );
  });
  it('a repeated id stops training (one row per subject)', () => {
    const t = parseCsv('id,x,duration,event\n1,1,1,1\n1,2,2,0\n2,3,3,1\n', 'r.csv');
    expect(() => prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event', idCol: 'id' }, random)).toThrow(/repeats 1 value\(s\) \(e\.g\. "1"\)/);
  });
});

describe('event codes', () => {
  // x: 0..3, 5 rows per value, spread over time and independent of the event pattern
  const table = (codes: string[]): string => `x,duration,event\n${codes.map((c, i) => `${(i * 7) % 4},${i + 1},${c}`).join('\n')}\n`;
  it("2 is not 0 or 1: the message suggests --event-value 2; with it, R's 1/2 coding reads as 0/1", () => {
    const codes = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? '1' : '2'));
    const t = parseCsv(table(codes), 'e.csv');
    expect(() => prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event' }, random)).toThrow(/use --event-value 2/);
    const p = prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event', eventValue: '2' }, random);
    expect(Array.from(p.event)).toEqual(codes.map((c) => (c === '2' ? 1 : 0)));
  });
  it('TRUE/FALSE events; competing causes 0..K with competing', () => {
    const b = parseCsv(table(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'TRUE' : 'FALSE'))), 'b.csv');
    expect(Array.from(prepareTable(FN, b, { durationCol: 'duration', eventCol: 'event' }, random).event)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    );
    const k = parseCsv(table(Array.from({ length: 20 }, (_, i) => String(i % 3))), 'k.csv');
    expect(Array.from(prepareTable(FN, k, { durationCol: 'duration', eventCol: 'event', competing: true }, random).event)).toEqual(
      Array.from({ length: 20 }, (_, i) => i % 3),
    );
  });
});

describe('missing values and categories', () => {
  const text =
    'grp,flag,x,duration,event\n' +
    Array.from(
      { length: 20 },
      (_, i) =>
        `${['b', 'a', 'c'][i % 3]},${i % 2 === 0 ? 'TRUE' : 'FALSE'},${i === 4 ? 'NA' : i === 7 ? '.' : String((i * 7) % 10)},${i + 1},${i % 4 === 1 || i % 4 === 2 ? 1 : 0}`,
    ).join('\n') +
    '\n';
  it("--missing error (default) names the cell and both options; NA, NaN, '.' and empty are missing", () => {
    const t = parseCsv(text, 'm.csv');
    expect(() => prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event' }, random)).toThrow(messages.missingCell('m.csv', 6, 'x', 'NA'));
  });
  it('--missing drop: the rows are left out and counted', () => {
    const p = prepareTable(FN, parseCsv(text, 'm.csv'), { durationCol: 'duration', eventCol: 'event', missing: 'drop' }, random);
    expect(p.droppedRows).toBe(2);
    expect(p.time.length).toBe(18);
  });
  it('--missing impute: the training median plus an indicator; categories one-hot with the first sorted level as reference', () => {
    const t = parseCsv(text, 'm.csv');
    const all = Int32Array.from({ length: 20 }, (_, i) => i);
    const enc = fitEncoding(FN, t, ['grp', 'flag', 'x'], all, { missing: 'impute' });
    expect(encodedNames(enc)).toEqual(['grp=b', 'grp=c', 'flag=TRUE', 'x', 'x:missing']);
    // x = 7i mod 10 is 0..9 twice each; rows 4 and 7 (28 mod 10 = 8, 49 mod 10 = 9) are missing: the other 18
    // values in order are 0,0,1,1,…,7,7,8,9, whose median (the mean of the 9th and 10th) is 4
    expect(enc.columns[2]).toMatchObject({ kind: 'number', impute: 4, indicator: true });
    const x = applyEncoding(FN, t, enc);
    // row 4: grp = ['b','a','c'][1] = a (the reference), flag TRUE, x imputed, indicator 1
    expect(Array.from(x.subarray(4 * 5, 5 * 5))).toEqual([0, 0, 1, 4, 1]);
    const withRef = fitEncoding(FN, t, ['grp'], all, { missing: 'error', reference: { grp: 'c' } });
    expect(encodedNames(withRef)).toEqual(['grp=a', 'grp=b']);
    expect(() => fitEncoding(FN, t, ['grp'], all, { missing: 'error', reference: { grp: 'z' } })).toThrow(
      messages.badReference(FN, 'grp', 'z', ['a', 'b', 'c']),
    );
  });
  it('an unseen level at predict time names the column and the level', () => {
    const t = parseCsv(text, 'm.csv');
    const enc = fitEncoding(
      FN,
      t,
      ['grp'],
      Int32Array.from({ length: 20 }, (_, i) => i),
      { missing: 'error' },
    );
    const other = parseCsv('grp\na\nd\n', 'new.csv');
    expect(() => applyEncoding('survkit predict', other, enc)).toThrow(messages.unseenLevel('survkit predict', 'new.csv', 3, 'grp', 'd', ['a', 'b', 'c']));
  });
  it('a missing indicator that reads the event off is flagged (e.g. a cause of death, empty for the living)', () => {
    const rows = ['cause,x,duration,event', ...Array.from({ length: 30 }, (_, i) => `${i % 2 === 1 ? 'heart' : 'NA'},${i % 4},${i + 1},${i % 2}`)];
    const t = parseCsv(`${rows.join('\n')}\n`, 'f.csv');
    expect(() => prepareTable(FN, t, { durationCol: 'duration', eventCol: 'event', missing: 'impute' }, random)).toThrow(
      /whether "cause" is missing tells the event/,
    );
  });
});

describe("predict's outputs from curves (steps, S = 1 before the first time)", () => {
  // two subjects on times 1, 2, 4: S = [0.8, 0.5, 0.2] and [0.9, 0.9, 0.6]
  const c = new SurvivalCurves([1, 2, 4], [0.8, 0.5, 0.2, 0.9, 0.9, 0.6]);
  it('S(t) at chosen times reads the step; past the end it is carried forward, with a warning', () => {
    const s = summarizeCurves(c, { output: 'survival', times: [0.5, 2, 3, 5] });
    expect(Array.from(s.curves?.values ?? [])).toEqual([1, 0.5, 0.5, 0.2, 1, 0.9, 0.9, 0.6]);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toContain('the predicted curves end at 4');
  });
  it('RMST(τ) = ∫_0^τ S: 1·1 + 0.8·1 + 0.5·2 = 2.8 up to 4; risk = -RMST; median = first time with S <= 0.5', () => {
    expect(rmstOf(c, 0, 4)).toBeCloseTo(2.8, 14);
    expect(rmstOf(c, 1, 4)).toBeCloseTo(1 + 0.9 + 0.9 * 2, 14);
    expect(rmstOf(c, 0, 6)).toBeCloseTo(2.8 + 0.2 * 2, 14);
    const r = summarizeCurves(c, { output: 'risk', tau: 4 }).table(['id'], (i) => [String(i + 1)]);
    expect(r).toBe(`id,risk\n1,${-rmstOf(c, 0, 4)}\n2,${-rmstOf(c, 1, 4)}\n`);
    expect(summarizeCurves(c, { output: 'median' }).table(['id'], (i) => [String(i + 1)])).toBe('id,median\n1,2\n2,NA\n');
    expect(summarizeCurves(c, { output: 'rmst', tau: 6 }).warnings[0]).toContain('--tau runs to 6');
  });
});

describe('evaluate: the same column options', () => {
  it('--time-col / --event-col / --event-value / --id-col / --ignore-extra, listing what it ignores', () => {
    const p = join(dir, 'preds.csv');
    writeFileSync(p, 'pid,futime,status,score,note\n1,5,2,0.9,a\n2,8,1,0.1,b\n3,3,2,0.5,c\n');
    const r = readPredictions(p, { time: 'futime', event: 'status', risk: 'score', id: 'pid', eventValue: '2', ignoreExtra: true });
    expect(r.format).toBe('risk');
    expect(Array.from(r.labels.event)).toEqual([1, 0, 1]);
    expect(r.ignored).toEqual(['note']);
    const l = readLabelsListing(p, { time: 'futime', event: 'status', eventValue: '2', ignoreExtra: true });
    expect(Array.from(l.labels.time)).toEqual([5, 8, 3]);
    expect(l.ignored).toEqual(['pid', 'score', 'note']);
  });
});

describe('evaluate: bootstrap progress', () => {
  it('reports each resample evaluation of each scalar metric, ending at the total', () => {
    const calls: [number, number][] = [];
    evaluateFile('datasets/example-risk.csv', { bootstrap: 3, onProgress: (d, t) => calls.push([d, t]) });
    // every call counts one up to the total, which the last call reaches: (3 resamples + the estimate) per scalar
    // metric, for the whole file and each of its 2 groups
    const total = calls[0]?.[1] ?? 0;
    expect(total % (4 * 3)).toBe(0);
    expect(calls.map((c) => c[0])).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(calls.every((c) => c[1] === total)).toBe(true);
  });
});

describe('model directories', () => {
  it('an --out path that can never be created fails at once (no mkdir loop)', () => {
    expect(() => checkOutDir(FN, '/proc/survkit-x/model', false)).toThrow(SurvkitError);
  });
  it('refuses a non-empty directory that is not a model, and a model without force', async () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'keep me');
    expect(() => checkOutDir(FN, other, true)).toThrow(/not a survkit model/);
    const model = join(dir, 'model');
    await saveAtomically(FN, model, false, (tmp) => writeFile(join(tmp, 'survkit.json'), '{"v":1}'));
    expect(() => checkOutDir(FN, model, false)).toThrow(messages.outDir(FN, model, 'it already holds a survkit model; use --force to replace it'));
    // a save that fails leaves the old model whole, and no temporary directory behind
    await expect(
      saveAtomically(FN, model, true, async (tmp) => {
        await writeFile(join(tmp, 'survkit.json'), '{"v":2');
        throw new Error('killed');
      }),
    ).rejects.toThrow(/killed/);
    expect(readFileSync(join(model, 'survkit.json'), 'utf8')).toBe('{"v":1}');
    await saveAtomically(FN, model, true, (tmp) => writeFile(join(tmp, 'survkit.json'), '{"v":2}'));
    expect(readFileSync(join(model, 'survkit.json'), 'utf8')).toBe('{"v":2}');
    expect(readdirSync(dir).filter((f) => f.includes('survkit-tmp'))).toEqual([]);
    expect(existsSync(join(other, 'notes.txt'))).toBe(true);
  });
});
