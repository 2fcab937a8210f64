import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/errors.js';
import { messages } from '../../src/core/messages.js';
import { parseCsv, readCsv } from '../../src/io/csv.js';
import { tempDir } from '../helpers/temp-dir.js';

const F = 'f.csv';

describe('parseCsv: accepted input', () => {
  it('reads header and rows as strings', () => {
    const t = parseCsv('time,event,risk\n1.5,1,0.2\n2,0,-1\n', F);
    expect(t.file).toBe(F);
    expect(t.header).toEqual(['time', 'event', 'risk']);
    expect(t.rows).toEqual([
      ['1.5', '1', '0.2'],
      ['2', '0', '-1'],
    ]);
  });

  it('accepts CRLF, a missing final line break and a UTF-8 BOM', () => {
    const t = parseCsv('\uFEFFa,b\r\n1,2\r\n3,4', F);
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const t = parseCsv('name,"x,y"\n"a ""b"", c","line1\r\nline2"\n"",3\n', F);
    expect(t.header).toEqual(['name', 'x,y']);
    expect(t.rows).toEqual([
      ['a "b", c', 'line1\r\nline2'],
      ['', '3'],
    ]);
  });

  it('ignores blank lines at the end only', () => {
    expect(parseCsv('a\n1\n\n\r\n\n', F).rows).toEqual([['1']]);
  });

  it('keeps empty cells (the caller decides whether they are allowed)', () => {
    expect(parseCsv('a,b\n,\n', F).rows).toEqual([['', '']]);
  });
});

describe('parseCsv: errors name the file, row and column', () => {
  const cases: [string, string, string][] = [
    ['empty file', '', messages.csvFile(F, 'the file is empty; expected a header row such as "time,event,risk"')],
    ['only blank lines', '\n\r\n', messages.csvFile(F, 'the file is empty; expected a header row such as "time,event,risk"')],
    ['BOM only', '\uFEFF', messages.csvFile(F, 'the file is empty; expected a header row such as "time,event,risk"')],
    ['blank header line', '\ntime,event\n1,0\n', messages.csvRow(F, 1, '#1', 'the header line is blank')],
    ['header without rows', 'time,event\n', messages.csvFile(F, 'the file has a header but no data rows')],
    ['empty header name', 'time,,risk\n1,2,3\n', messages.csvRow(F, 1, '#2', 'the header name is empty')],
    ['duplicated header name', 'time,risk,risk\n1,2,3\n', messages.csvRow(F, 1, 'risk', 'the header names this column twice')],
    ['row with too few fields', 'time,event,risk\n1,1,0.5\n2,0\n', messages.csvRagged(F, 3, 2, 3, '; column "risk" is missing')],
    ['row with too many fields', 'time,event\n1,1\n2,0,7\n', messages.csvRagged(F, 3, 3, 2, '')],
    ['blank line between rows', 'time,event\n1,1\n\n2,0\n', messages.csvRow(F, 3, 'time', 'the line is blank (blank lines are allowed only at the end)')],
    [
      'quote inside an unquoted field',
      'time,event\n1,1"\n',
      messages.csvRow(F, 2, 'event', 'a double quote inside an unquoted field (quote the whole field and double the inner quotes)'),
    ],
    ['unterminated quote', 'time,event\n1,"1\n2,0\n', messages.csvRow(F, 2, 'event', 'the quoted field is never closed')],
    ['text after a closing quote', 'time,event\n"1"x,1\n', messages.csvRow(F, 2, 'time', 'text after the closing quote of a quoted field')],
    ['bare carriage return', 'time,event\r1,1\n', messages.csvRow(F, 1, '#2', 'a bare carriage return (lines must end in LF or CRLF)')],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => {
      const err = errorOf(() => parseCsv(text, F));
      expect(err.message).toBe(message);
      expect(err.message.startsWith(`${F}: `)).toBe(true);
    });
  }
});

describe('readCsv', () => {
  const dir = tempDir('survkit-csv-');

  it('reads a file from disk', () => {
    const path = join(dir, 'ok.csv');
    writeFileSync(path, 'time,event\n1,0\n');
    expect(readCsv(path)).toEqual({ file: path, header: ['time', 'event'], rows: [['1', '0']] });
  });

  it('reports a missing file and a directory as csvFile errors', () => {
    const missing = join(dir, 'nope.csv');
    expect(errorOf(() => readCsv(missing)).message).toBe(messages.csvFile(missing, 'no such file'));
    expect(errorOf(() => readCsv(dir)).message).toBe(messages.csvFile(dir, 'is a directory, not a CSV file'));
  });
});

/** RFC 4180 writer used to check the reader (quotes every field that needs it). */
function writeCsv(rows: string[][], eol: string): string {
  const cell = (s: string): string => (/[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s);
  return rows.map((r) => r.map(cell).join(',')).join(eol) + eol;
}

describe('parseCsv: properties', () => {
  it('reads back any table written by an RFC 4180 writer (LF or CRLF)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '1') });
    const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
      fc.tuple(
        fc.uniqueArray(
          text.filter((s) => s.trim() !== ''),
          { minLength: width, maxLength: width },
        ),
        fc.array(fc.array(text, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }),
      ),
    );
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), ([header, rows], eol) => {
        const t = parseCsv(writeCsv([header, ...rows], eol), F);
        expect(t.header).toEqual(header);
        expect(t.rows).toEqual(rows);
      }),
    );
  });

  it('names the right row for a ragged row anywhere in the file', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), (n, k) => {
        const bad = k % n;
        const lines = ['a,b', ...Array.from({ length: n }, (_, i) => (i === bad ? '1' : '1,2'))];
        expect(errorOf(() => parseCsv(lines.join('\n'), F)).message).toBe(messages.csvRagged(F, bad + 2, 1, 2, '; column "b" is missing'));
      }),
    );
  });
});
