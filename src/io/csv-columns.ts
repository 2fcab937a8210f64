/**
 * Reads a CSV file straight into typed columns, streamed in pieces: numbers go into a `Float64Array` as
 * they are scanned (no string per cell on the common path), text only into the columns that need it, and
 * the columns nobody asked for are skipped. Memory stays near the size of the numeric columns, not the
 * size of the file or of a table of strings. The dialect, the limits and every message are those of
 * {@link readCsv}: the same scanner and record checks, and a cell that the fast number path cannot settle
 * goes through the same {@link parseNumber} the row reader's callers use.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parseNumber, isEventValue } from './csv-cells.js';
import { cellText, CsvScanner, RecordChecker, type RecordSink } from './csv-scan.js';
import { checkDelimiter, decimalPoint, detectDialect, maxLine, readCsvText, readError, statCsv, type ReadCsvOptions } from './csv.js';

/** What to keep of a column: nothing, its numbers, its text, or 1/0 for whether the cell is the event value. */
export type ColumnKind = 'skip' | 'number' | 'text' | { eventValue: string };

/** Typed columns of a CSV file (see {@link readCsvColumns}). */
export interface CsvColumns {
  /** The file name used in messages. */
  readonly file: string;
  /** Column names from the first record (as written, spaces kept). */
  readonly header: readonly string[];
  /** Data rows; row r is spreadsheet row r + 2. */
  readonly n: number;
  /** Per header column: numbers (NaN where a cell is not a number), text, or undefined (skipped). */
  readonly columns: readonly (Float64Array | string[] | undefined)[];
  /** Per number column: the text of its first cell that is not a number (decimal commas already turned to points). */
  readonly firstBad: readonly (string | undefined)[];
}

const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The value of a plain decimal cell `s[a, b)` (`-1.25`, `3e-2`, spaces around), exactly as `Number` gives it;
 * NaN when the cell needs the full parser (other text, digits beyond 2^53, a large exponent, non-ASCII).
 */
export function fastNumber(s: string, a: number, b: number, comma: boolean): number {
  let i = a;
  let e = b;
  let c = s.charCodeAt(i);
  if (c <= 32) while (i < e && ((c = s.charCodeAt(i)) === 32 || (c >= 9 && c <= 13))) i++;
  if (s.charCodeAt(e - 1) <= 32) while (e > i && ((c = s.charCodeAt(e - 1)) === 32 || (c >= 9 && c <= 13))) e--;
  if (i >= e) return NaN;
  c = s.charCodeAt(i);
  const neg = c === 45;
  if (neg || c === 43) i++;
  const first = i;
  let m = 0;
  let exp = 0;
  let d = 0;
  while (i < e && (d = s.charCodeAt(i) - 48) >= 0 && d <= 9) {
    m = m * 10 + d;
    i++;
  }
  let digits = i - first;
  c = d + 48;
  if (i < e && (c === 46 || (comma && c === 44))) {
    const point = c;
    const frac0 = ++i;
    while (i < e && (d = s.charCodeAt(i) - 48) >= 0 && d <= 9) {
      m = m * 10 + d;
      i++;
    }
    const frac = i - frac0;
    if (point === 44 && frac === 0) return NaN;
    exp = -frac;
    digits += frac;
    c = d + 48;
  }
  if (digits === 0) return NaN;
  if (i < e && (c === 101 || c === 69)) {
    i++;
    let eneg = false;
    if (i < e && ((c = s.charCodeAt(i)) === 45 || c === 43)) {
      eneg = c === 45;
      i++;
    }
    let ev = 0;
    const e0 = i;
    while (i < e && (d = s.charCodeAt(i) - 48) >= 0 && d <= 9 && ev < 1e6) {
      ev = ev * 10 + d;
      i++;
    }
    if (i === e0) return NaN;
    exp += eneg ? -ev : ev;
  }
  // below 2^53 every step of m was exact, and one multiplication or division by an exact power of ten rounds once
  if (i !== e || m > Number.MAX_SAFE_INTEGER) return NaN;
  let v: number;
  if (exp === 0 || m === 0) v = m;
  else if (exp > 0 && exp <= 22) v = m * (POW10[exp] as number);
  else if (exp < 0 && exp >= -22) v = m / (POW10[-exp] as number);
  else return NaN;
  return neg ? -v : v;
}

const SKIP = 0;
const NUMBER = 1;
const TEXT = 2;
const EVENT = 3;

/**
 * Reads the CSV file at `path` into typed columns. `plan` sees the header once and says what to keep of
 * each column; an error it throws is reported after the file's own errors, as the row reader's callers did.
 *
 * @param path the file path (also the name used in messages)
 * @param opts delimiter, decimal mark and limits, as for {@link readCsv}
 * @param plan the kind of each header column
 * @param chunkBytes bytes read at a time (memory holds one piece of the file, not the file)
 * @returns {@link CsvColumns}
 * @throws {SurvkitError} everything {@link readCsv} throws, with the same messages, then what `plan` throws
 * @example
 * const c = readCsvColumns('datasets/example-risk.csv', {}, (h) => h.map((name) => (name === 'group' ? 'text' : 'number')));
 * c.columns[0]; // Float64Array of the times
 */
export function readCsvColumns(path: string, opts: ReadCsvOptions, plan: (header: readonly string[]) => ColumnKind[], chunkBytes = 1 << 16): CsvColumns {
  const max = maxLine(path, opts.maxLineLength);
  const st = statCsv(path, opts);
  const delimiter = opts.delimiter ?? (/\.(tsv|tab)$/i.test(path) ? '\t' : ',');
  const comma = opts.decimal === ',';
  const checker = new RecordChecker(path);
  let kinds: Uint8Array | undefined;
  let events: string[] = [];
  let planError: Error | undefined;
  let n = 0;
  let cap = 1024;
  let num: (Float64Array | undefined)[] = [];
  let txt: (string[] | undefined)[] = [];
  const firstBad: (string | undefined)[] = [];
  const setup = (header: readonly string[]): void => {
    const p = plan(header);
    kinds = Uint8Array.from(header, (_, k) => {
      const kind = p[k] ?? 'skip';
      return kind === 'skip' ? SKIP : kind === 'number' ? NUMBER : kind === 'text' ? TEXT : EVENT;
    });
    events = header.map((_, k) => {
      const kind = p[k];
      return typeof kind === 'object' ? kind.eventValue : '';
    });
    num = Array.from(kinds, (kd) => (kd === NUMBER || kd === EVENT ? new Float64Array(cap) : undefined));
    txt = Array.from(kinds, (kd) => (kd === TEXT ? [] : undefined));
  };
  const sink: RecordSink = (s, count, starts, ends, flags) => {
    const blank = count === 1 && starts[0] === ends[0] && flags[0] === 0;
    if (!checker.record(count, blank, () => scanner.header ?? []) || planError !== undefined) return;
    if (kinds === undefined) {
      try {
        setup(checker.header ?? []);
      } catch (err) {
        planError = err instanceof Error ? err : new Error(String(err));
        return;
      }
    }
    const kd = kinds as Uint8Array;
    if (n === cap) {
      cap = Math.ceil(cap * 1.5);
      num = num.map((col) => {
        if (col === undefined) return undefined;
        const grown = new Float64Array(cap);
        grown.set(col);
        return grown;
      });
    }
    for (let k = 0; k < count; k++) {
      const kind = kd[k];
      if (kind === SKIP) continue;
      if (kind === NUMBER) {
        let v = flags[k] === 0 ? fastNumber(s, starts[k] as number, ends[k] as number, comma) : NaN;
        if (v !== v) {
          const raw = cellText(s, starts, ends, flags, k);
          const text = comma ? decimalPoint(raw) : raw;
          v = parseNumber(text) ?? NaN;
          if (v !== v && firstBad[k] === undefined) firstBad[k] = text;
        }
        (num[k] as Float64Array)[n] = v;
      } else {
        const raw = cellText(s, starts, ends, flags, k);
        const text = comma ? decimalPoint(raw) : raw;
        if (kind === TEXT) (txt[k] as string[]).push(text);
        else (num[k] as Float64Array)[n] = isEventValue(text, events[k] as string) ? 1 : 0;
      }
    }
    n++;
  };
  let fd = -1;
  let whole = '';
  if (st.regular) {
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw readError(path, err);
    }
  } else whole = readCsvText(path, max, st);
  const scanner = new CsvScanner(path, delimiter, max, sink);
  try {
    checkDelimiter(path, delimiter);
    if (fd < 0) {
      const src = whole.charCodeAt(0) === 0xfeff ? whole.slice(1) : whole;
      if (opts.delimiter === undefined && delimiter === ',') detectDialect(src, path);
      scanner.scan(src, 0, src.length, true);
    } else {
      streamFile(path, fd, Math.min(chunkBytes, st.size + 1), (text, first, final) => {
        const src = first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
        if (first && opts.delimiter === undefined && delimiter === ',') detectDialect(src, path);
        const pos = scanner.scan(src, 0, src.length, final);
        if (first && n > 0 && kinds !== undefined) {
          // size the columns from the first piece: about the file's rows, so that they rarely grow
          const est = Math.ceil((st.size / Math.max(1, pos)) * n * 1.05) + 64;
          if (est > cap) {
            cap = est;
            num = num.map((col) => {
              if (col === undefined) return undefined;
              const grown = new Float64Array(cap);
              grown.set(col.subarray(0, n));
              return grown;
            });
          }
        }
        return src.slice(pos);
      });
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  checker.check();
  if (planError !== undefined) throw planError;
  const header = checker.header ?? [];
  const columns = header.map((_, k) => num[k]?.subarray(0, n) ?? txt[k]);
  return { file: path, header, n, columns, firstBad };
}

/** Pieces of a file read in turn and decoded as UTF-8; `piece` returns the text it could not use yet (an incomplete record). */
function streamFile(path: string, fd: number, bytes: number, piece: (text: string, first: boolean, final: boolean) => string): void {
  const chunk = Buffer.allocUnsafe(Math.max(1, bytes));
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let first = true;
  for (;;) {
    let got: number;
    try {
      got = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      throw readError(path, err);
    }
    const final = got === 0;
    const text = pending + (final ? decoder.end() : decoder.write(chunk.subarray(0, got)));
    // the first piece must hold the first two lines for the dialect check
    if (first && !final && countLf(text) < 2) {
      pending = text;
      continue;
    }
    pending = piece(text, first, final);
    first = false;
    if (final) return;
  }
}

function countLf(s: string): number {
  const a = s.indexOf('\n');
  return a < 0 ? 0 : s.indexOf('\n', a + 1) < 0 ? 1 : 2;
}
