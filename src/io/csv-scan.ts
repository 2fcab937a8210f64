/**
 * The CSV tokenizer shared by {@link parseCsv} (rows of strings) and {@link readCsvColumns} (typed columns,
 * streamed): it walks the text by character code, finds each record's cells as index ranges (no string is
 * built unless a reader asks for the cell) and hands complete records to a sink. It can be fed a file piece by
 * piece: {@link CsvScanner.scan} stops before a record that is not complete yet and says where the next piece
 * must continue. Syntax errors (stray or unterminated quotes, a bare carriage return, a record longer than the
 * limit) are thrown at once, exactly where the character-by-character reader threw them; the record-level
 * checks (header, blank lines, ragged rows) are kept by {@link RecordChecker} and thrown after the whole text
 * was scanned, in the order that reader gave them.
 */
import type { SurvkitError } from '../core/errors.js';
import { survkitError } from '../core/errors.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Cell flag: the cell was quoted. */
export const QUOTED = 1;
/** Cell flag: the quoted cell holds doubled quotes (`""`) to turn into one. */
export const DOUBLED = 2;

/** Receives each complete record: cell k spans `s.slice(starts[k], ends[k])` (without its quotes). */
export type RecordSink = (s: string, count: number, starts: Int32Array, ends: Int32Array, flags: Uint8Array) => void;

/** The text of cell k of a record given to a {@link RecordSink}. */
export function cellText(s: string, starts: Int32Array, ends: Int32Array, flags: Uint8Array, k: number): string {
  const text = s.slice(starts[k], ends[k]);
  return ((flags[k] as number) & DOUBLED) !== 0 ? text.replaceAll('""', '"') : text;
}

/** Splits CSV text into records of cells; see the module comment. */
export class CsvScanner {
  /** Records completed so far (blank lines included); the record being read is row `records + 1`. */
  records = 0;
  /** The cells of the first record (for naming columns in messages), null when it is blank. */
  header: string[] | null | undefined;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private flags = new Uint8Array(64);
  private readonly delim: number;
  /** 1 for the characters that end an unquoted run: the delimiter, a quote, CR, LF. */
  private readonly stop = new Uint8Array(65536);

  constructor(
    private readonly file: string,
    delimiter: string,
    private readonly maxLength: number,
    private readonly sink: RecordSink,
  ) {
    this.delim = delimiter.charCodeAt(0);
    for (const c of [this.delim, QUOTE, CR, LF]) this.stop[c] = 1;
  }

  private fail(k: number, problem: string, at: number, recordStart: number): never {
    if (at - recordStart > this.maxLength) throw this.tooLong();
    const col = this.header?.[k] ?? `#${k + 1}`;
    throw survkitError('csvRow', this.file, this.records + 1, col, problem);
  }

  private tooLong(): SurvkitError {
    return survkitError('csvLineTooLong', this.file, this.records + 1, this.maxLength);
  }

  private cell(k: number, a: number, b: number, f: number): void {
    if (k >= this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(x: T, y: T): T => (y.set(x), y);
      this.starts = grow(this.starts, new Int32Array(2 * k));
      this.ends = grow(this.ends, new Int32Array(2 * k));
      this.flags = grow(this.flags, new Uint8Array(2 * k));
    }
    this.starts[k] = a;
    this.ends[k] = b;
    this.flags[k] = f;
  }

  private finish(s: string, count: number): void {
    if (this.records === 0) {
      const blank = count === 1 && this.starts[0] === this.ends[0] && this.flags[0] === 0;
      this.header = blank ? null : Array.from({ length: count }, (_, k) => cellText(s, this.starts, this.ends, this.flags, k));
    }
    this.sink(s, count, this.starts, this.ends, this.flags);
    this.records++;
  }

  /**
   * Reads the complete records of `s[pos, end)`; with `final`, the text ends there. Returns where the first
   * incomplete record starts (`end` when none is left).
   */
  scan(s: string, pos: number, end: number, final: boolean): number {
    const d = this.delim;
    const max = this.maxLength;
    const stop = this.stop;
    next: while (pos < end) {
      const rs = pos;
      let i = pos;
      let k = 0;
      for (;;) {
        // at the start of cell k
        if (i < end && s.charCodeAt(i) === QUOTE) {
          let j = i + 1;
          let f = QUOTED;
          let q: number;
          for (;;) {
            q = s.indexOf('"', j);
            if (q < 0 || q >= end) {
              if (!final) return this.incomplete(rs, end);
              // the character reader did not check the second quote of a doubled pair
              return this.fail(k, 'the quoted field is never closed', j > i + 1 && j === end ? end - 2 : end - 1, rs);
            }
            if (q + 1 >= end && !final) return this.incomplete(rs, end);
            if (s.charCodeAt(q + 1) === QUOTE) {
              f = QUOTED | DOUBLED;
              j = q + 2;
              continue;
            }
            break;
          }
          this.cell(k, i + 1, q, f);
          i = q + 1;
          if (i >= end) {
            if (i - 1 - rs > max) throw this.tooLong();
            this.finish(s, k + 1);
            pos = i;
            continue next;
          }
          const c = s.charCodeAt(i);
          if (c === d) {
            k++;
            i++;
            continue;
          }
          if (c !== LF && c !== CR) return this.fail(k, 'text after the closing quote of a quoted field', q, rs);
          pos = this.terminator(s, i, end, final, rs, k);
          if (pos < 0) return rs;
          continue next;
        }
        let j = i;
        while (j < end && stop[s.charCodeAt(j)] === 0) j++;
        if (j >= end) {
          if (!final) return this.incomplete(rs, end);
          if (end - 1 - rs > max) throw this.tooLong();
          if (k > 0 || j > i) {
            this.cell(k, i, j, 0);
            this.finish(s, k + 1);
          }
          return end;
        }
        const c = s.charCodeAt(j);
        // a quote at the start of the cell was taken above: this one follows other text
        if (c === QUOTE) return this.fail(k, 'a double quote inside an unquoted field (quote the whole field and double the inner quotes)', j, rs);
        this.cell(k, i, j, 0);
        if (c === d) {
          k++;
          i = j + 1;
          continue;
        }
        pos = this.terminator(s, j, end, final, rs, k);
        if (pos < 0) return rs;
        continue next;
      }
    }
    return pos;
  }

  /** The record's line break at `t` (LF or CRLF): checks it and the record's length, passes the record on; -1 when more text is needed. */
  private terminator(s: string, t: number, end: number, final: boolean, rs: number, k: number): number {
    if (t - rs > this.maxLength) throw this.tooLong();
    let after = t + 1;
    if (s.charCodeAt(t) === CR) {
      if (t + 1 >= end && !final) return -1;
      if (s.charCodeAt(t + 1) !== LF) return this.fail(k, 'a bare carriage return (lines must end in LF or CRLF)', t, rs);
      after = t + 2;
    }
    this.finish(s, k + 1);
    return after;
  }

  private incomplete(rs: number, end: number): number {
    // every other position of a record is checked by the character reader: past the limit, more text cannot help
    if (end - 2 - rs > this.maxLength) throw this.tooLong();
    return rs;
  }
}

/**
 * The record-level rules of the reader: the header (not blank, names non-empty and unique), no blank line
 * between rows, every row as wide as the header. The first broken rule is kept and thrown by {@link check}
 * after the whole file was scanned, so a syntax error anywhere still comes first, as it always did.
 */
export class RecordChecker {
  header: string[] | null = null;
  /** Data rows seen (rows that passed and rows that did not). */
  dataRows = 0;
  private records = 0;
  private nonBlank = false;
  private headerBlank = false;
  private headerError: SurvkitError | undefined;
  private rowError: SurvkitError | undefined;
  private pendingBlank = 0;

  constructor(private readonly file: string) {}

  /** Whether the checks failed so far (then nothing more needs to be kept). */
  get failed(): boolean {
    return this.headerBlank || this.headerError !== undefined || this.rowError !== undefined;
  }

  /** Registers record `records + 1`; returns true for a data row to keep (as wide as the header, no earlier failure). */
  record(count: number, blank: boolean, header: () => string[]): boolean {
    const row = ++this.records;
    if (blank) {
      if (row > 1 && this.pendingBlank === 0) this.pendingBlank = row;
      if (row === 1) this.headerBlank = true;
      return false;
    }
    this.nonBlank = true;
    if (row === 1) {
      const h = header();
      this.header = h;
      const seen = new Set<string>();
      for (let k = 0; k < h.length && this.headerError === undefined; k++) {
        const name = h[k] as string;
        if (name.trim() === '') this.headerError = survkitError('csvRow', this.file, 1, `#${k + 1}`, 'the header name is empty');
        else if (seen.has(name)) this.headerError = survkitError('csvRow', this.file, 1, name, 'the header names this column twice');
        seen.add(name);
      }
      return false;
    }
    this.dataRows++;
    if (this.pendingBlank !== 0) {
      const first = this.header?.[0] ?? '#1';
      this.rowError ??= survkitError('csvRow', this.file, this.pendingBlank, first, 'the line is blank (blank lines are allowed only at the end)');
      this.pendingBlank = 0;
    }
    const h = this.header;
    if (h === null) return false;
    if (count !== h.length && this.rowError === undefined) {
      const missing = count < h.length ? `; column ${JSON.stringify(h[count])} is missing` : '';
      this.rowError = survkitError('csvRagged', this.file, row, count, h.length, missing);
    }
    return !this.failed;
  }

  /** Throws the first broken rule, in the order the reader always reported them. */
  check(): void {
    if (!this.nonBlank) throw survkitError('csvFile', this.file, 'the file is empty; expected a header row such as "time,event,risk"');
    if (this.headerBlank) throw survkitError('csvRow', this.file, 1, '#1', 'the header line is blank');
    if (this.headerError !== undefined) throw this.headerError;
    if (this.dataRows === 0) throw survkitError('csvFile', this.file, 'the file has a header but no data rows');
    if (this.rowError !== undefined) throw this.rowError;
  }
}
