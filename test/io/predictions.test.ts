import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/errors.js';
import { messages } from '../../src/core/messages.js';
import { parseCsv } from '../../src/io/csv.js';
import { parseNumber } from '../../src/io/csv-cells.js';
import { predictionsFromTable, readLabels, readPredictions } from '../../src/io/predictions.js';
import { tempDir } from '../helpers/temp-dir.js';

const F = 'p.csv';
const parse = (text: string) => predictionsFromTable(parseCsv(text, F));

describe('parseNumber', () => {
  it('accepts decimal and scientific numbers with surrounding spaces', () => {
    expect(parseNumber('1')).toBe(1);
    expect(parseNumber(' -0.5 ')).toBe(-0.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('5.')).toBe(5);
    expect(parseNumber('+2.5e-3')).toBe(0.0025);
    expect(parseNumber('1E2')).toBe(100);
    expect(parseNumber('0.30000000000000004')).toBe(0.1 + 0.2);
  });
  it('rejects empty cells, words, NaN, infinities, hex and overflow', () => {
    for (const s of ['', ' ', 'abc', 'NaN', 'Infinity', '-Inf', '0x10', '1e400', '1,5', '1 2', 'e5', '.', '--1']) {
      expect(parseNumber(s)).toBeUndefined();
    }
  });
  it('reads back every finite double written with String()', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(parseNumber(String(v))).toBe(v === 0 ? 0 : v);
      }),
    );
  });
});

describe('readPredictions: formats', () => {
  it('risk format, any column order, with a group column', () => {
    const p = parse('risk,time,group,event\n0.5,3,a,1\n-1,2.5,b,0\n');
    expect(p.format).toBe('risk');
    if (p.format !== 'risk') return;
    expect(Array.from(p.labels.time)).toEqual([3, 2.5]);
    expect(Array.from(p.labels.event)).toEqual([1, 0]);
    expect(Array.from(p.risk)).toEqual([0.5, -1]);
    expect(p.group).toEqual(['a', 'b']);
    expect(p.file).toBe(F);
  });

  it('curves format: grid times from the header, survival probabilities row-major', () => {
    const p = parse('time,event,1,2.5,10\n3,1,0.9,0.5,0.1\n2,0,1,1,0.8\n');
    expect(p.format).toBe('curves');
    if (p.format !== 'curves') return;
    expect(Array.from(p.curves.times)).toEqual([1, 2.5, 10]);
    expect(Array.from(p.curves.values)).toEqual([0.9, 0.5, 0.1, 1, 1, 0.8]);
    expect(p.group).toBeUndefined();
  });

  it('trims spaces around header names and cells', () => {
    const p = parse('time, event, risk\n 1 , 1 , 2 \n2,0,1\n');
    expect(p.format).toBe('risk');
  });

  it('reads the bundled example files', () => {
    const c = readPredictions('datasets/example-predictions.csv');
    const r = readPredictions('datasets/example-risk.csv');
    expect(c.format).toBe('curves');
    expect(r.format).toBe('risk');
    expect(c.labels).toEqual(r.labels);
    expect(new Set(c.group)).toEqual(new Set(['A', 'B']));
    expect(readLabels('datasets/example-train.csv').time.length).toBe(600);
  });
});

describe('readPredictions: errors name the file, row and column', () => {
  const cases: [string, string, string][] = [
    [
      'missing time column',
      'duration,event,risk\n1,1,0\n',
      messages.csvFile(
        F,
        'no column "time" in the header ("duration", "event", "risk"); expected a header "time,event,risk" (risk format) or "time,event,<t1>,<t2>,…" (curves format)',
      ),
    ],
    [
      'missing event column',
      'time,risk\n1,0\n',
      messages.csvFile(
        F,
        'no column "event" in the header ("time", "risk"); expected a header "time,event,risk" (risk format) or "time,event,<t1>,<t2>,…" (curves format)',
      ),
    ],
    ['non-numeric cell', 'time,event,risk\n1,1,0.5\n2,0,high\n', messages.csvRow(F, 3, 'risk', '"high" is not a finite number; expected a risk score')],
    ['empty cell', 'time,event,risk\n1,,0.5\n', messages.csvRow(F, 2, 'event', 'the cell is empty; expected 0 (censored) or 1 (event)')],
    ['NaN time', 'time,event,risk\nNaN,1,0.5\n', messages.csvRow(F, 2, 'time', '"NaN" is not a finite number; expected a time >= 0')],
    ['negative time', 'time,event,risk\n-1,1,0.5\n', messages.csvRow(F, 2, 'time', '-1 is negative; expected a time >= 0')],
    [
      'event code 2',
      'time,event,risk\n1,2,0.5\n',
      messages.csvRow(
        F,
        2,
        'event',
        "2 is not 0 or 1; expected 0 (censored) or 1 (event); if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2; " +
          'for competing risks give the CIF of each cause as columns cif_<k>@<t>',
      ),
    ],
    [
      'no prediction column',
      'time,event,group\n1,1,a\n',
      messages.csvFile(F, 'no prediction columns; expected a header "time,event,risk" (risk format) or "time,event,<t1>,<t2>,…" (curves format)'),
    ],
    [
      'extra column in the risk format',
      'time,event,risk,id\n1,1,0.5,7\n',
      messages.csvRow(F, 1, 'id', 'unexpected column in the risk format (columns: time, event, risk and optionally group and id); --ignore-extra ignores it'),
    ],
    [
      'non-numeric grid header',
      'time,event,1,id\n1,1,0.5,0.2\n',
      messages.csvRow(
        F,
        1,
        'id',
        'unexpected column: in the curves format every column other than time, event, group and id is a grid time (a number >= 0); --ignore-extra ignores it',
      ),
    ],
    [
      'grid times not ascending',
      'time,event,1,3,2\n1,1,0.5,0.2,0.1\n',
      messages.csvRow(F, 1, '2', 'the grid times must be strictly ascending from left to right; 2 follows 3'),
    ],
    ['survival probability above 1', 'time,event,1,2\n1,1,1.5,0.2\n', messages.csvRow(F, 2, '1', '1.5 is not a survival probability in [0, 1]')],
    [
      'rising curve',
      'time,event,1,2,3\n1,1,0.9,0.8,0.7\n1,0,0.9,0.5,0.6\n',
      messages.csvRow(F, 3, '3', 'the survival curve rises from 0.5 to 0.6; it must be non-increasing in time'),
    ],
    ['empty group', 'time,event,risk,group\n1,1,0.5,a\n2,0,0.1, \n', messages.csvRow(F, 3, 'group', 'the cell is empty; expected a group name')],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => expect(errorOf(() => parse(text)).message).toBe(message));
  }

  it('a labels file rejects columns other than time, event and group', () => {
    const dir = tempDir('survkit-pred-');
    const path = join(dir, 'train.csv');
    writeFileSync(path, 'time,event,risk\n1,1,0\n');
    expect(errorOf(() => readLabels(path)).message).toBe(
      messages.csvFile(
        path,
        'unexpected column "risk"; a labels file has the columns "time" and "event" (and optionally "group"); --ignore-extra ignores the others',
      ),
    );
  });
});

describe('readPredictions: properties', () => {
  it('curves written with 17 significant digits read back exactly', () => {
    const curves = fc.integer({ min: 1, max: 6 }).chain((m) =>
      fc.array(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: m, maxLength: m }).map((r) => r.sort((a, b) => b - a)),
        { minLength: 1, maxLength: 8 },
      ),
    );
    fc.assert(
      fc.property(curves, (rows) => {
        const m = (rows[0] as number[]).length;
        const grid = Array.from({ length: m }, (_, k) => (k + 1) * 0.7);
        const text = [
          ['time', 'event', ...grid.map((t) => t.toPrecision(17))].join(','),
          ...rows.map((r, i) => [String(i + 1), String(i % 2), ...r.map((v) => v.toPrecision(17))].join(',')),
        ].join('\n');
        const p = parse(text);
        if (p.format !== 'curves') throw new Error('expected curves');
        expect(Array.from(p.curves.values)).toEqual(rows.flat().map((v) => (v === 0 ? 0 : v)));
        expect(Array.from(p.curves.times)).toEqual(grid);
      }),
    );
  });

  it('a non-numeric cell anywhere is reported at its row and column', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.nat(), fc.constantFrom('time', 'event', 'risk'), (n, k, col) => {
        const bad = k % n;
        const rows = Array.from({ length: n }, (_, i) => {
          const cells: Record<string, string> = { time: String(i + 1), event: String(i % 2), risk: String(i / 3) };
          if (i === bad) cells[col] = 'x';
          return [cells.time, cells.event, cells.risk].join(',');
        });
        const msg = errorOf(() => parse(['time,event,risk', ...rows].join('\n'))).message;
        expect(msg.startsWith(`${F}: row ${bad + 2}, column "${col}": "x" is not a finite number`)).toBe(true);
      }),
    );
  });
});
