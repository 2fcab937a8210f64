/**
 * Columns read from a Parquet or Arrow IPC file (the shape both readers return), and the checks that turn
 * them into numbers or text with messages naming the file, the data row (from 1) and the column.
 */
import { survkitError } from '../core/errors.js';

/** Columns of a columnar file: the names in file order, the row count, and the columns that were read. */
export interface ColumnarData {
  /** The file name used in messages. */
  readonly file: string;
  /** 'parquet' or 'arrow' (Arrow IPC file or stream, Feather v2). */
  readonly format: 'parquet' | 'arrow';
  /** Every top-level column name in file order (also those not read). */
  readonly names: readonly string[];
  readonly numRows: number;
  /** The columns that were asked for, by name: typed arrays for numbers without missing values, else arrays. */
  readonly columns: ReadonlyMap<string, ArrayLike<unknown>>;
}

/** The columns to read: names, or a function of the file's column names (called once the footer or schema is read). */
export type ColumnSelection = readonly string[] | ((names: readonly string[]) => readonly string[]);

/** Options of the columnar readers. */
export interface ColumnarReadOptions {
  /** Called with the byte count of every read from the file (Parquet: the footer and the chunks of the selected columns). */
  onRead?: (bytes: number) => void;
}

/** Throws `tableColumn` unless every name is a column of the file. */
export function assertColumns(file: string, names: readonly string[], wanted: readonly string[]): void {
  for (const w of wanted) {
    if (!names.includes(w))
      throw survkitError('tableFile', file, `no column ${JSON.stringify(w)}; the columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`);
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'missing (null)';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `a ${typeof v} value`;
}

/** Throws the message for cell `r` (0-based) of `column`. */
export function cellError(file: string, r: number, column: string, detail: string): never {
  throw survkitError('tableCell', file, r + 1, column, detail);
}

/**
 * A column as float64 numbers: numbers, integers (int64 within ±2^53) and, with `booleans`, true / false as 1 / 0.
 * Missing values, text and non-finite numbers are errors naming the row and the column.
 */
export function numberColumn(file: string, column: string, values: ArrayLike<unknown>, expected: string, booleans = false): Float64Array {
  if (ArrayBuffer.isView(values) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array)) {
    // a numeric typed array without missing values: used as is when float64 (the reader's own copy), else widened
    const out = values instanceof Float64Array ? values : Float64Array.from(values as unknown as ArrayLike<number>);
    for (let r = 0; r < out.length; r++) {
      const x = out[r] as number;
      if (!Number.isFinite(x)) cellError(file, r, column, `${String(x)} is not a finite number; expected ${expected}`);
    }
    return out;
  }
  const n = values.length;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = values[r];
    let x: number;
    if (typeof v === 'number') x = v;
    else if (typeof v === 'bigint') {
      x = Number(v);
      if (!Number.isSafeInteger(x)) cellError(file, r, column, `${describe(v)} is outside the exactly representable integers (±2^53); expected ${expected}`);
    } else if (typeof v === 'boolean' && booleans) x = v ? 1 : 0;
    else cellError(file, r, column, `${describe(v)} is not a number; expected ${expected}`);
    if (!Number.isFinite(x)) cellError(file, r, column, `${x} is not a finite number; expected ${expected}`);
    out[r] = x;
  }
  return out;
}

/** A column as text (numbers and booleans written as in a CSV cell); a missing value is an error unless `missing` gives its text. */
export function textColumn(file: string, column: string, values: ArrayLike<unknown>, expected: string, missing?: string): string[] {
  const n = values.length;
  const out = new Array<string>(n);
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (v === null || v === undefined) {
      if (missing === undefined) cellError(file, r, column, `the value is missing (null); expected ${expected}`);
      out[r] = missing;
    } else if (typeof v === 'string') out[r] = v;
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') out[r] = String(v);
    else if (v instanceof Date) out[r] = v.toISOString();
    else cellError(file, r, column, `a ${typeof v} value (nested or binary) is not a table cell; expected ${expected}`);
  }
  return out;
}

/** The format of a table file, by its extension (case-insensitive). */
export type TableFormat = 'csv' | 'parquet' | 'arrow';

/**
 * The format of a table file by extension: `.parquet` / `.parq` / `.pq` → 'parquet'; `.arrow` / `.feather` /
 * `.ipc` / `.arrows` → 'arrow' (Arrow IPC file or stream); anything else (`.csv`, `.tsv`, `.txt`, none) → 'csv'.
 * @example
 * tableFormat('preds.PARQUET'); // 'parquet'
 */
export function tableFormat(path: string): TableFormat {
  const m = /\.([A-Za-z]+)$/.exec(path);
  const ext = m === null ? '' : (m[1] as string).toLowerCase();
  if (ext === 'parquet' || ext === 'parq' || ext === 'pq') return 'parquet';
  if (ext === 'arrow' || ext === 'feather' || ext === 'ipc' || ext === 'arrows') return 'arrow';
  return 'csv';
}
