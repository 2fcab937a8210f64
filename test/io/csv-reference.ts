/**
 * The character-by-character CSV reader that src/io/csv.ts used before its scanner, kept unchanged as the
 * oracle of the property tests in csv-columns.test.ts (same rows, same messages). Not used by survkit.
 */
/**
 * A small, strict CSV reader (RFC 4180): comma-separated fields, fields in
 * double quotes may hold commas, line breaks and doubled quotes (`""`); lines
 * end in LF or CRLF; a UTF-8 byte-order mark is dropped; the first record is
 * the header. Everything else is an error that names the file, the row and
 * the column, so a user can find the cell: a quote inside an unquoted field,
 * text after a closing quote, an unterminated quote, a row with more or fewer
 * fields than the header, an empty or duplicated header name, a blank line
 * between data rows, an empty file. Blank lines at the end are ignored.
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1, the
 * first data row is row 2 (a record that spans several lines through a quoted
 * line break still counts as one row).
 */
import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { SurvkitError, survkitError } from '../../src/core/errors.js';

/** Default longest line (record) in characters: 1 Mi, far above any table row, far below a runaway cell. */
export const MAX_LINE_LENGTH = 1 << 20;

/** Most bytes read from a non-regular file (a FIFO, a device) when it is allowed: 256 MiB. */
export const MAX_STREAM_BYTES = 256 * 1024 * 1024;

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions extends CsvOptions {
  /** Longest record in characters (a quoted multi-line record counts whole). Default {@link MAX_LINE_LENGTH}. */
  maxLineLength?: number;
}

/** Options of {@link readCsv}. */
export interface ReadCsvOptions extends ParseCsvOptions {
  /**
   * Read a FIFO, a character device or another non-regular file (default false:
   * refused, since `/dev/zero` never ends and a FIFO blocks until a writer comes).
   * At most {@link MAX_STREAM_BYTES} bytes are then read.
   */
  allowNonRegular?: boolean;
}

/** A parsed CSV file: the header and the data rows, all cells as strings. */
export interface CsvTable {
  /** The file name used in messages. */
  readonly file: string;
  /** Column names from the first record. */
  readonly header: readonly string[];
  /** Data records; each has exactly `header.length` cells. `rows[r]` is spreadsheet row r + 2. */
  readonly rows: readonly (readonly string[])[];
}

/**
 * Parses CSV text (see the module comment for the accepted dialect).
 *
 * @param text the file contents
 * @param file the file name to put in messages
 * @returns {@link CsvTable} with the header and data rows as strings
 * @param opts.maxLineLength longest record in characters (default {@link MAX_LINE_LENGTH})
 * @throws {SurvkitError} (`csvFile`, `csvRow`, `csvRagged`, `csvLineTooLong`) on an empty file,
 *   a header without data rows, empty or duplicated header names, stray or
 *   unterminated quotes, blank lines between rows, ragged rows, or a record longer than `maxLineLength`
 * @example
 * parseCsv('time,event\r\n1.5,1\r\n"2",0\r\n', 'a.csv').rows; // [['1.5', '1'], ['2', '0']]
 */
export function parseCsv(text: string, file: string, opts: ParseCsvOptions = {}): CsvTable {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = opts.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw survkitError('csvFile', file, `the delimiter must be one character other than a quote or a line break; got ${JSON.stringify(delimiter)}`);
  }
  if (opts.delimiter === undefined) detectDialect(src, file);
  const records = splitRecords(src, file, delimiter, maxLine(file, opts.maxLineLength));
  if (opts.decimal === ',') {
    for (const rec of records.slice(1)) if (rec !== null) for (let k = 0; k < rec.length; k++) rec[k] = decimalPoint(rec[k] as string);
  }
  while (records.length > 0 && records[records.length - 1] === null) records.pop();
  if (records.length === 0) throw survkitError('csvFile', file, 'the file is empty; expected a header row such as "time,event,risk"');
  const header = records[0];
  if (header === null || header === undefined) throw survkitError('csvRow', file, 1, '#1', 'the header line is blank');
  const seen = new Set<string>();
  header.forEach((name, k) => {
    if (name.trim() === '') throw survkitError('csvRow', file, 1, `#${k + 1}`, 'the header name is empty');
    if (seen.has(name)) throw survkitError('csvRow', file, 1, name, 'the header names this column twice');
    seen.add(name);
  });
  if (records.length === 1) throw survkitError('csvFile', file, 'the file has a header but no data rows');
  const rows: string[][] = [];
  records.slice(1).forEach((cells, r) => {
    const row = r + 2;
    if (cells === null) throw survkitError('csvRow', file, row, header[0] as string, 'the line is blank (blank lines are allowed only at the end)');
    rows.push(cells);
    if (cells.length !== header.length) {
      const missing = cells.length < header.length ? `; column ${JSON.stringify(header[cells.length])} is missing` : '';
      throw survkitError('csvRagged', file, row, cells.length, header.length, missing);
    }
  });
  return { file, header, rows };
}

/**
 * Reads and parses a CSV file from disk (UTF-8).
 *
 * @param path the file path (also the name used in messages)
 * @throws {SurvkitError} `csvFile` when the file cannot be read (no such file,
 *   a directory, no permission), and everything {@link parseCsv} throws
 * @example
 * const t = readCsv('datasets/example-risk.csv');
 * t.header; // ['time', 'event', 'risk', 'group']
 */
export function readCsv(path: string, opts: ReadCsvOptions = {}): CsvTable {
  const max = maxLine(path, opts.maxLineLength);
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!st.isFile()) {
      if (opts.allowNonRegular !== true) throw survkitError('csvNotRegular', path, fileKind(st));
      text = readStream(path, max);
    } else text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof SurvkitError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a CSV file'
          : code === 'EACCES'
            ? 'permission denied'
            : `cannot be read (${(err as Error).message})`;
    throw survkitError('csvFile', path, why);
  }
  const tsv = /\.(tsv|tab)$/i.test(path) && opts.delimiter === undefined ? { delimiter: '\t' } : {};
  return parseCsv(text, path, { ...opts, ...tsv, maxLineLength: max });
}

/** How a delimited text file is written: the field delimiter (default ',', '\t' for .tsv / .tab files) and the decimal mark. */
export interface CsvOptions {
  /** One character (default ','; a .tsv or .tab file defaults to a tab). */
  delimiter?: string;
  /** '.' (default) or ',' (decimal commas: "1,5" is read as 1.5 in every data cell). */
  decimal?: '.' | ',';
}

/** A decimal-comma number ("1,5", "-0,25", "3,1e-2"). */
export const DECIMAL_COMMA = /^\s*[+-]?\d*,\d+([eE][+-]?\d+)?\s*$/;

function decimalPoint(cell: string): string {
  return DECIMAL_COMMA.test(cell) ? cell.replace(',', '.') : cell;
}

/** With the default comma delimiter: a header line with no comma but semicolons or tabs is another dialect, named in the error. */
function detectDialect(src: string, file: string): void {
  const end = src.search(/\r?\n/);
  const line = (end < 0 ? src : src.slice(0, end)).replace(/"[^"]*"/g, 'x');
  if (line.includes(',')) return;
  if (line.includes(';')) {
    const second = src.slice(end + 1, src.indexOf('\n', end + 1) < 0 ? undefined : src.indexOf('\n', end + 1));
    const dec = /\d,\d/.test(second) ? " --decimal ','" : '';
    throw survkitError('csvDialect', file, 'a semicolon-separated file', `--delimiter ';'${dec}`);
  }
  if (line.includes('\t')) throw survkitError('csvDialect', file, 'a tab-separated file', "--delimiter '\\t' (or name it .tsv)");
}

function maxLine(file: string, v: number | undefined): number {
  if (v === undefined) return MAX_LINE_LENGTH;
  if (!(Number.isInteger(v) && v >= 1)) throw survkitError('optionRange', 'readCsv', 'maxLineLength', 'an integer >= 1', v);
  void file;
  return v;
}

function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads a non-regular file in chunks, refusing a line longer than `max` bytes or more than {@link MAX_STREAM_BYTES} in all. */
function readStream(path: string, max: number): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    let total = 0;
    let line = 0;
    let rows = 1;
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      for (let i = 0; i < got; i++) {
        if (buf[i] === 0x0a) {
          line = 0;
          rows++;
        } else if (++line > max) throw survkitError('csvLineTooLong', path, rows, max);
      }
      total += got;
      if (total > MAX_STREAM_BYTES) throw survkitError('csvTooLarge', path, MAX_STREAM_BYTES);
      chunks.push(Buffer.from(buf.subarray(0, got)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Splits text into records of raw cells (quoted cells lose their quotes); null marks a blank line. */
function splitRecords(s: string, file: string, delimiter: string, maxLength: number): (string[] | null)[] {
  const records: (string[] | null)[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false; // the current record has a quoted field (so it is not a blank line)
  let i = 0;
  const n = s.length;
  const where = (): [number, string] => [records.length + 1, records[0]?.[cells.length] ?? `#${cells.length + 1}`];
  let recordStart = 0;
  const tooLong = (): never => {
    throw survkitError('csvLineTooLong', file, records.length + 1, maxLength);
  };
  while (i <= n) {
    if (i === n) {
      // end of input: close the last record unless the text ended with a line break
      if (cells.length > 0 || cell !== '' || quoted) {
        cells.push(cell);
        records.push(cells);
      }
      break;
    }
    if (i - recordStart > maxLength) tooLong();
    const c = s[i] as string;
    if (c === '"') {
      if (cell !== '') {
        const [row, col] = where();
        throw survkitError('csvRow', file, row, col, 'a double quote inside an unquoted field (quote the whole field and double the inner quotes)');
      }
      i++;
      quoted = true;
      let closed = false;
      while (i < n) {
        if (i - recordStart > maxLength) tooLong();
        const q = s[i] as string;
        if (q === '"') {
          if (s[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        cell += q;
        i++;
      }
      if (!closed) {
        const [row, col] = where();
        throw survkitError('csvRow', file, row, col, 'the quoted field is never closed');
      }
      const next = s[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        const [row, col] = where();
        throw survkitError('csvRow', file, row, col, 'text after the closing quote of a quoted field');
      }
      continue;
    }
    if (c === delimiter) {
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      if (c === '\r') {
        if (s[i + 1] !== '\n') {
          const [row, col] = where();
          throw survkitError('csvRow', file, row, col, 'a bare carriage return (lines must end in LF or CRLF)');
        }
        i++;
      }
      i++;
      cells.push(cell);
      records.push(cells.length === 1 && cell === '' && !quoted ? null : cells);
      cells = [];
      cell = '';
      quoted = false;
      recordStart = i;
      continue;
    }
    cell += c;
    i++;
  }
  return records;
}
