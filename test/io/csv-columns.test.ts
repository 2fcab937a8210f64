/**
 * The scanner-based readers against the character-by-character reader they replaced (test/io/csv-reference.ts):
 * on any text, the same rows or the same message; typed columns equal to the strict number parser on the old
 * reader's cells, whatever the size of the pieces the file is read in; readPredictions equal to the old
 * parse + normalizeColumns + predictionsFromTable; and the time to read grows linearly with the rows.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber } from '../../src/io/csv-cells.js';
import { fastNumber, readCsvColumns, type ColumnKind } from '../../src/io/csv-columns.js';
import { decimalPoint, parseCsv, readCsv, type ParseCsvOptions } from '../../src/io/csv.js';
import { normalizeColumns, predictionsFromTable, readPredictions, type PredictionColumns } from '../../src/io/predictions.js';
import { tempDir } from '../helpers/temp-dir.js';
import { parseCsv as oldParseCsv } from './csv-reference.js';

const dir = tempDir('survkit-csv-columns-');
let files = 0;
const fileWith = (text: string, ext = 'csv'): string => {
  const p = join(dir, `t${files++}.${ext}`);
  writeFileSync(p, text);
  return p;
};

/** The result of f: its value, or the message it threw. */
function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const piece = fc.constantFrom('a', '1', '2.5', '-3e2', ',', ';', '"', '""', '\n', '\r\n', '\r', ' ', 'é', '𝛼', '\t', '', 'x,y', '\uFEFF');
const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
const options: fc.Arbitrary<ParseCsvOptions> = fc.record(
  {
    delimiter: fc.constantFrom(',', ';', '\t'),
    decimal: fc.constantFrom('.' as const, ',' as const),
    maxLineLength: fc.integer({ min: 1, max: 24 }),
  },
  { requiredKeys: [] },
);

describe('parseCsv = the character reader, on any text', () => {
  it('gives the same rows or the same message (dialects, quotes, CRLF, BOM, blank lines, line limits)', () => {
    fc.assert(
      fc.property(text, options, (t, o) => {
        expect(outcome(() => parseCsv(t, 'f.csv', o))).toEqual(outcome(() => oldParseCsv(t, 'f.csv', o)));
      }),
      { numRuns: 3000 },
    );
  });
  it('reads a 3-column numeric table written with every kind of quoting and spacing like the character reader', () => {
    const cell = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.integer({ min: -1e6, max: 1e6 }).map(String),
      fc.constantFrom('', ' 1 ', '"2"', '"a""b"', 'NaN', '1e400', '.5', '5.', '-0', '1,5', '"1,5"'),
    );
    const table = fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        const t = ['a,b,c', ...rows.map((r) => r.join(','))].join(eol) + eol;
        expect(outcome(() => parseCsv(t, 'f.csv'))).toEqual(outcome(() => oldParseCsv(t, 'f.csv')));
      }),
    );
  });
});

/** What readCsvColumns must give: the old reader's cells through the strict number parser (NaN where it refuses). */
function expectedColumns(t: string, o: ParseCsvOptions, kinds: (h: readonly string[]) => ColumnKind[]) {
  const old = oldParseCsv(t, 'x', o);
  const ks = kinds(old.header);
  return {
    header: old.header,
    n: old.rows.length,
    columns: ks.map((kind, k) => {
      if (kind === 'skip') return undefined;
      const cells = old.rows.map((r) => r[k] as string);
      return kind === 'text' ? cells : Float64Array.from(cells, (c) => parseNumber(c) ?? NaN);
    }),
  };
}

describe('readCsvColumns', () => {
  const kinds = (h: readonly string[]): ColumnKind[] => h.map((_, k) => (k % 3 === 2 ? 'text' : k % 3 === 1 ? 'skip' : 'number'));
  it('equals the strict parser on the old reader’s cells, or gives its message, for any piece size', () => {
    fc.assert(
      fc.property(text, options, fc.integer({ min: 1, max: 64 }), (t, o, chunk) => {
        const p = fileWith(t);
        const got = outcome(() => {
          const c = readCsvColumns(p, o, kinds, chunk);
          return { header: c.header, n: c.n, columns: c.columns };
        });
        const want = outcome(() => expectedColumns(t, o, kinds));
        if ('error' in want) expect(got).toEqual({ error: want.error.replace(/^x: /, `${p}: `) });
        else expect(got).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });
  it('streams a file larger than its pieces: numbers, quoted cells and a UTF-8 character split across pieces', () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i * 0.5},"g ""é"" ${i}",${-i}e-3`);
    const p = fileWith(['time,group,risk', ...rows].join('\r\n'));
    for (const chunk of [1, 7, 64, 4096]) {
      const c = readCsvColumns(p, {}, () => ['number', 'text', 'number'], chunk);
      expect(c.n).toBe(500);
      expect(c.columns[0]).toEqual(Float64Array.from({ length: 500 }, (_, i) => i * 0.5));
      expect((c.columns[1] as string[])[499]).toBe('g "é" 499');
      expect(c.columns[2]).toEqual(Float64Array.from({ length: 500 }, (_, i) => Number(`${-i}e-3`)));
    }
  });
});

describe('fastNumber', () => {
  it('is Number() exactly (sign of zero included) wherever it answers, and NaN only where parseNumber must decide', () => {
    const written = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 21 })).map(([x, p]) => x.toPrecision(p)),
      fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 })).map(([x, p]) => x.toFixed(p)),
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 })).map(([x, p]) => x.toExponential(p)),
      fc.stringMatching(/^ ?[+-]?\d{0,20}(\.\d{0,20})?([eE][+-]?\d{1,3})? ?$/),
    );
    fc.assert(
      fc.property(written, (s) => {
        const v = fastNumber(s, 0, s.length, false);
        const want = parseNumber(s);
        if (!Number.isNaN(v)) expect(Object.is(v, want)).toBe(true);
        if (want === undefined) expect(v).toBeNaN();
      }),
      { numRuns: 5000 },
    );
  });
  it('reads decimal commas as decimalPoint + parseNumber do', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[+-]?\d{0,6}[,.]?\d{0,6}([eE][+-]?\d{1,2})?$/), (s) => {
        const v = fastNumber(s, 0, s.length, true);
        const want = parseNumber(decimalPoint(s));
        if (!Number.isNaN(v)) expect(Object.is(v, want)).toBe(true);
        if (want === undefined) expect(v).toBeNaN();
      }),
      { numRuns: 3000 },
    );
  });
});

describe('readPredictions = the old parse + normalizeColumns + predictionsFromTable', () => {
  const value = fc.oneof(
    fc.double({ min: -5, max: 5, noNaN: true }).map(String),
    fc.integer({ min: 0, max: 3 }).map(String),
    fc.constantFrom('0', '1', '2', ' 1 ', '"0"', '-1', '', 'x', '0.5', '1,5', '"0,25"', '1e-3'),
  );
  const header = fc.shuffledSubarray(['time', 'event', 'risk', 'group', 'id', 'extra', '1', '2.5'], { minLength: 2 });
  const table = header.chain((h) =>
    fc.tuple(fc.constant(h), fc.array(fc.array(value, { minLength: h.length, maxLength: h.length }), { minLength: 1, maxLength: 6 })),
  );
  const columns: fc.Arbitrary<PredictionColumns> = fc.record(
    {
      eventValue: fc.constantFrom('1', '2'),
      ignoreExtra: fc.boolean(),
      csv: fc.constantFrom({}, { delimiter: ';', decimal: ',' as const }),
    },
    { requiredKeys: [] },
  );
  it('gives the same predictions or the same message', () => {
    fc.assert(
      fc.property(table, columns, ([h, rows], c) => {
        const d = c.csv?.delimiter ?? ',';
        const t = [h.join(d), ...rows.map((r) => r.join(d))].join('\n') + '\n';
        const p = fileWith(t);
        const got = outcome(() => readPredictions(p, c));
        const want = outcome(() => {
          const { table: nt, ignored } = normalizeColumns(oldParseCsv(t, p, c.csv ?? {}), c);
          return { ...predictionsFromTable(nt), ignored };
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('reading time grows linearly with the rows', () => {
  /** Least CPU milliseconds of a few reads (CPU time: other work on the machine counts less). */
  const cpu = (f: () => unknown): number => {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const c0 = process.cpuUsage();
      f();
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1000);
    }
    return best;
  };
  const rows = (n: number): string =>
    ['time,event,risk,group', ...Array.from({ length: n }, (_, i) => `${(i * 0.37) % 97},${i % 2},${Math.sin(i)},g${i % 5}`)].join('\n');
  it('2n rows take less than 3.5× the time of n rows (columns and rows readers; quadratic would be 4×)', () => {
    const small = fileWith(rows(50_000));
    const large = fileWith(rows(100_000));
    const ratioColumns = cpu(() => readPredictions(large)) / cpu(() => readPredictions(small));
    const ratioRows = cpu(() => readCsv(large)) / cpu(() => readCsv(small));
    expect(ratioColumns).toBeLessThan(3.5);
    expect(ratioRows).toBeLessThan(3.5);
  }, 120_000);
});
