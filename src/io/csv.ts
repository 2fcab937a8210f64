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
import { SurvkitError, survkitError } from '../core/errors.js';
import { cellText, CsvScanner, RecordChecker } from './csv-scan.js';

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
  checkDelimiter(file, delimiter);
  if (opts.delimiter === undefined) detectDialect(src, file);
  const checker = new RecordChecker(file);
  const rows: string[][] = [];
  const comma = opts.decimal === ',';
  const scanner = new CsvScanner(file, delimiter, maxLine(file, opts.maxLineLength), (s, count, starts, ends, flags) => {
    const blank = count === 1 && starts[0] === ends[0] && flags[0] === 0;
    if (!checker.record(count, blank, () => scanner.header ?? [])) return;
    const cells = new Array<string>(count);
    for (let k = 0; k < count; k++) {
      const text = cellText(s, starts, ends, flags, k);
      cells[k] = comma ? decimalPoint(text) : text;
    }
    rows.push(cells);
  });
  scanner.scan(src, 0, src.length, true);
  checker.check();
  return { file, header: checker.header ?? [], rows };
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
  const text = readCsvText(path, max, statCsv(path, opts));
  const tsv = /\.(tsv|tab)$/i.test(path) && opts.delimiter === undefined ? { delimiter: '\t' } : {};
  return parseCsv(text, path, { ...opts, ...tsv, maxLineLength: max });
}

/** What {@link statCsv} found: a regular file (and its size) or a stream the caller allowed. */
export interface CsvFileKind {
  readonly regular: boolean;
  readonly size: number;
}

/**
 * Checks that `path` can be read as a CSV file: it exists, is not a directory, and is a regular file unless
 * `opts.allowNonRegular`.
 * @throws {SurvkitError} `csvFile` (no such file, a directory, no permission), `csvNotRegular`
 */
export function statCsv(path: string, opts: ReadCsvOptions): CsvFileKind {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!st.isFile() && opts.allowNonRegular !== true) throw survkitError('csvNotRegular', path, fileKind(st));
    return { regular: st.isFile(), size: st.size };
  } catch (err) {
    throw readError(path, err);
  }
}

/** The whole text of a file that {@link statCsv} accepted (a stream is read up to {@link MAX_STREAM_BYTES}). */
export function readCsvText(path: string, max: number, kind: CsvFileKind): string {
  try {
    return kind.regular ? readFileSync(path, 'utf8') : readStream(path, max);
  } catch (err) {
    throw readError(path, err);
  }
}

/** A file-system error as the `csvFile` message users see (a {@link SurvkitError} passes through). */
export function readError(path: string, err: unknown): SurvkitError {
  if (err instanceof SurvkitError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a CSV file'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot be read (${(err as Error).message})`;
  return survkitError('csvFile', path, why);
}

/** Refuses a delimiter that is not one character, or is a quote or a line break. */
export function checkDelimiter(file: string, delimiter: string): void {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw survkitError('csvFile', file, `the delimiter must be one character other than a quote or a line break; got ${JSON.stringify(delimiter)}`);
  }
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

export function decimalPoint(cell: string): string {
  return DECIMAL_COMMA.test(cell) ? cell.replace(',', '.') : cell;
}

/** With the default comma delimiter: a header line with no comma but semicolons or tabs is another dialect, named in the error. */
export function detectDialect(src: string, file: string): void {
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

export function maxLine(file: string, v: number | undefined): number {
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
