import { describe, expect, it } from 'vitest';
import { splitRows } from '../../src/tabular/table-data.js';
import { prepareTable, type TableSpec } from '../../src/tabular/prepare.js';
import { messages } from '../../src/core/messages.js';
import { parseCsv } from '../../src/io/csv.js';

const COLS: TableSpec = { durationCol: 'duration', eventCol: 'event' };
const NO_SPLIT = { kind: 'random' as const, testFrac: 0, valFrac: 0, seed: 1 }; // the errors below come before the split
// four rows: every covariate ranks them perfectly, so the leakage screen is told to keep them
const KEEP = ['a', 'b', 'grp'];

const t = parseCsv('a,b,duration,event,split,val,grp\n1,2,3,1,train,0,5\n2,3,4,0,test,1,6\n3,4,5,1,train,1,7\n4,5,6,0,x,0,8\n', 'd.csv');

describe('train data', () => {
  it('the split column: "test" rows are the test set (whatever val says), val = 1 the validation set', () => {
    const s = splitRows(t, { kind: 'column', splitCol: 'split', valCol: 'val' });
    expect({ train: Array.from(s.train), val: Array.from(s.val), test: Array.from(s.test) }).toEqual({ train: [0, 3], val: [2], test: [1] });
  });

  it('a random split: round(f·n) test rows, then round(f·rest) validation rows, seeded', () => {
    const csv = ['x,duration,event', ...Array.from({ length: 50 }, (_, i) => `${i},${i + 1},${i % 2}`)].join('\n');
    const big = parseCsv(csv, 'b.csv');
    const s = splitRows(big, { kind: 'random', testFrac: 0.2, valFrac: 0.25, seed: 4 });
    expect([s.train.length, s.val.length, s.test.length]).toEqual([30, 10, 10]);
    expect(new Set([...s.train, ...s.val, ...s.test]).size).toBe(50);
    expect(splitRows(big, { kind: 'random', testFrac: 0.2, valFrac: 0.25, seed: 4 })).toEqual(s);
    expect(Array.from(splitRows(big, { kind: 'random', testFrac: 0.2, valFrac: 0.25, seed: 5 }).test)).not.toEqual(Array.from(s.test));
  });

  it('default covariates: every column but the labels, the split columns and columns named split / val', () => {
    const split = { kind: 'column' as const, splitCol: 'split', valCol: 'val' };
    expect(prepareTable('train', t, { ...COLS, allowColumns: KEEP }, split).columns).toEqual(['a', 'b', 'grp']);
    const t01 = parseCsv('a,b,duration,event,split,val,grp\n1,2,3,1,train,0,0\n2,3,4,0,test,1,1\n3,4,5,1,train,1,0\n4,5,6,0,x,0,0\n', 'd.csv');
    expect(prepareTable('train', t01, { ...COLS, allowColumns: ['a', 'b'] }, { ...split, valCol: 'grp' }).columns).toEqual(['a', 'b']);
    const d = prepareTable('train', t, { ...COLS, features: ['b', 'a'], allowColumns: ['a', 'b'] }, split);
    expect(Array.from(d.x.subarray(0, 4))).toEqual([2, 1, 3, 2]);
    expect(Array.from(d.time)).toEqual([3, 4, 5, 6]);
    expect(Array.from(d.event)).toEqual([1, 0, 1, 0]);
  });

  it('errors', () => {
    expect(() => prepareTable('train', t, { ...COLS, features: ['a', 'a'] }, NO_SPLIT)).toThrow(
      messages.csvFile('d.csv', 'the covariate column "a" is listed twice'),
    );
    expect(() => prepareTable('train', t, { ...COLS, features: ['duration'] }, NO_SPLIT)).toThrow(
      messages.csvFile('d.csv', 'the column "duration" is the duration or event column and cannot also be a covariate'),
    );
    const neg = parseCsv('a,duration,event\n1,-2,1\n', 'n.csv');
    expect(() => prepareTable('train', neg, COLS, NO_SPLIT)).toThrow(messages.csvRow('n.csv', 2, 'duration', '-2 is negative; expected a duration >= 0'));
    const only = parseCsv('duration,event\n1,1\n', 'o.csv');
    expect(() => prepareTable('train', only, COLS, NO_SPLIT)).toThrow(
      messages.csvFile('o.csv', 'no covariate columns (the table has only the duration, event, split, id and excluded columns)'),
    );
    const allTest = parseCsv('a,split,val\n1,test,0\n', 'a.csv');
    expect(() => splitRows(allTest, { kind: 'column', splitCol: 'split', valCol: 'val' })).toThrow(
      messages.csvFile(
        'a.csv',
        'the split leaves no training rows (fixed: test = rows with split == "test", validation = other rows with val == 1, training = the rest)',
      ),
    );
  });
});
