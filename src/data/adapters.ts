import { survkitError } from '../core/errors.js';
import { survivalLabelsAs, type SurvivalLabels } from './labels.js';

/**
 * A column table: an object of equally long columns (`{ time: [...], event: [...] }`),
 * an array of row records (`[{ time, event }, …]`), a DataFrame-like
 * object with `columns` (names) and either `column(name).values` or
 * per-column `values` (danfo.js `DataFrame` works as is), or an Arrow table
 * (`schema.fields` and `getChild(name)`: an apache-arrow `Table` as is).
 */
export type TableLike = Record<string, ArrayLike<unknown>> | readonly Record<string, unknown>[] | DataFrameLike | ArrowTableLike;

/** The part of an Arrow table (apache-arrow `Table`) that survkit reads. */
export interface ArrowTableLike {
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChild(name: string): ArrowColumnLike | null;
}

/** The part of an Arrow vector that survkit reads. */
export interface ArrowColumnLike {
  readonly length: number;
  readonly nullCount: number;
  toArray(): ArrayLike<unknown>;
  get(i: number): unknown;
  isValid(i: number): boolean;
}

function isArrowTableLike(x: unknown): x is ArrowTableLike {
  if (typeof x !== 'object' || x === null || typeof (x as ArrowTableLike).getChild !== 'function') return false;
  const schema = (x as ArrowTableLike).schema as unknown;
  return typeof schema === 'object' && schema !== null && Array.isArray((schema as { fields?: unknown }).fields);
}

/** An Arrow column as an array-like: its typed array without missing values, else values with null where missing. */
function arrowColumn(t: ArrowTableLike, fn: string, name: string): ArrayLike<unknown> {
  const names = t.schema.fields.map((f) => f.name);
  const v = names.includes(name) ? t.getChild(name) : null;
  if (v === null) throw survkitError('unknownColumn', fn, name, names);
  if (v.nullCount === 0) return v.toArray();
  return Array.from({ length: v.length }, (_, i) => (v.isValid(i) ? v.get(i) : null));
}

/** The part of a DataFrame (danfo.js and similar) that survkit reads. */
export interface DataFrameLike {
  readonly columns: readonly string[];
  column?: (name: string) => { values: ArrayLike<unknown> };
  values?: unknown;
}

function isDataFrameLike(x: unknown): x is DataFrameLike {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Array.isArray((x as DataFrameLike).columns);
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Reads one column of a {@link TableLike} as an array-like. Row records are
 * checked against the keys of the first row (a later row without the key
 * gives `undefined`, which the label validation rejects). Errors name `getColumn`.
 *
 * @throws {SurvkitError} `unknownColumn` when the column does not exist (the
 *   message lists the available names); `notTable` when `table` is not a
 *   table; `dataFrameAccess` when a DataFrame-like object has neither `column(name)` nor row `values`
 * @example
 * getColumn({ t: [1, 2], e: [1, 0] }, 't'); // [1, 2]
 */
export function getColumn(table: TableLike, name: string): ArrayLike<unknown>;
/** @deprecated since 0.2: call `getColumn(table, name)`; the caller's name `fn` will be removed from the signature. */
export function getColumn(fn: string, table: TableLike, name: string): ArrayLike<unknown>;
export function getColumn(...args: unknown[]): ArrayLike<unknown> {
  if (args.length >= 3 && typeof args[0] === 'string') return columnOf(args[0], args[1] as TableLike, args[2] as string);
  return columnOf('getColumn', args[0] as TableLike, args[1] as string);
}

/** {@link getColumn} in the name of `fn` (survkit's own callers). */
export function columnOf(fn: string, table: TableLike, name: string): ArrayLike<unknown> {
  if (typeof table !== 'object' || table === null) {
    throw survkitError('notTable', fn, 'table', table);
  }
  if (isArrowTableLike(table)) return arrowColumn(table, fn, name);
  if (Array.isArray(table)) {
    const rows = table as readonly Record<string, unknown>[];
    const first = rows[0];
    if (first !== undefined && (typeof first !== 'object' || first === null || !hasOwn(first, name))) {
      throw survkitError('unknownColumn', fn, name, typeof first === 'object' && first !== null ? Object.keys(first) : []);
    }
    return rows.map((r) => (typeof r === 'object' && r !== null ? r[name] : undefined));
  }
  if (isDataFrameLike(table)) {
    const cols = table.columns;
    const k = cols.indexOf(name);
    if (k < 0) throw survkitError('unknownColumn', fn, name, cols);
    if (typeof table.column === 'function') return table.column(name).values;
    const rows = table.values;
    if (Array.isArray(rows)) return (rows as unknown[][]).map((r) => r[k]);
    throw survkitError('dataFrameAccess', fn, 'table', table);
  }
  const rec = table as Record<string, ArrayLike<unknown>>;
  const col = hasOwn(rec, name) ? rec[name] : undefined;
  if (col === undefined) throw survkitError('unknownColumn', fn, name, Object.keys(rec));
  return col;
}

/**
 * Builds {@link SurvivalLabels} from a table (column object, row records or
 * DataFrame-like such as a danfo.js `DataFrame`), reading the columns named
 * by `columns.time` (default `'time'`) and `columns.event` (default `'event'`).
 * Errors name `labelsFromTable`.
 *
 * @throws {SurvkitError} `unknownColumn` for a missing column, and every
 *   error of {@link survivalLabels} for the values
 * @example
 * labelsFromTable([{ t: 3, e: 1 }, { t: 5, e: 0 }], { time: 't', event: 'e' });
 */
export function labelsFromTable(table: TableLike, columns: { time?: string; event?: string } = {}): SurvivalLabels {
  const fn = 'labelsFromTable';
  const time = columnOf(fn, table, columns.time ?? 'time');
  const event = columnOf(fn, table, columns.event ?? 'event');
  return survivalLabelsAs(fn, time, event);
}

/**
 * The column names of a {@link TableLike} (the keys of the first row for row records). Errors name `columnNames`.
 * @throws {SurvkitError} `notTable` when `table` is not a table
 * @example
 * columnNames([{ t: 3, e: 1 }]); // ['t', 'e']
 */
export function columnNames(table: TableLike): string[];
/** @deprecated since 0.2: call `columnNames(table)`; the caller's name `fn` will be removed from the signature. */
export function columnNames(fn: string, table: TableLike): string[];
export function columnNames(...args: unknown[]): string[] {
  if (args.length >= 2 && typeof args[0] === 'string') return columnNamesOf(args[0], args[1] as TableLike);
  return columnNamesOf('columnNames', args[0] as TableLike);
}

/** {@link columnNames} in the name of `fn` (survkit's own callers). */
export function columnNamesOf(fn: string, table: TableLike): string[] {
  if (typeof table !== 'object' || table === null) throw survkitError('notTable', fn, 'table', table);
  if (isArrowTableLike(table)) return table.schema.fields.map((f) => f.name);
  if (Array.isArray(table)) {
    const first = (table as readonly unknown[])[0];
    return typeof first === 'object' && first !== null ? Object.keys(first) : [];
  }
  if (isDataFrameLike(table)) return [...table.columns];
  return Object.keys(table);
}

/** Covariates read from a table by {@link covariatesFromTable}: an n × d matrix, row-major. */
export interface TableCovariates {
  /** n × d values, row-major (row i is `values[i*d … i*d+d−1]`), float32 as TF.js takes them: `tf.tensor2d(values, [n, d])`. */
  values: Float32Array;
  n: number;
  d: number;
  /** The column of each of the d features, in order. */
  columns: string[];
}

/**
 * Reads covariate columns of a table (column object, row records or a
 * danfo.js `DataFrame`) into a row-major n × d float32 matrix of finite
 * numbers — the `x` of a tabular model, `tf.tensor2d(cov.values, [cov.n, cov.d])`.
 * Booleans count as 0 / 1; anything else that is not a finite number is an
 * error naming the column and the row.
 *
 * @param columns the columns to read, in order (default: every column not in `exclude`)
 * @param opts.exclude columns to leave out of the default (e.g. `['time', 'event']`)
 * @example
 * const cov = covariatesFromTable(df, undefined, { exclude: ['time', 'event'] });
 * const x = tf.tensor2d(cov.values, [cov.n, cov.d]);
 * @throws {SurvkitError} `unknownColumn` for a missing column; `notNumber` / `notFinite` for a bad value;
 *   `lengthMismatch` for columns of different lengths; `noCovariates` for no columns
 */
export function covariatesFromTable(table: TableLike, columns?: readonly string[], opts: { exclude?: readonly string[] } = {}): TableCovariates {
  const fn = 'covariatesFromTable';
  const names = columns !== undefined ? [...columns] : columnNamesOf(fn, table).filter((c) => !(opts.exclude ?? []).includes(c));
  if (names.length === 0) throw survkitError('noCovariates', fn, 'columns');
  const cols = names.map((c) => columnOf(fn, table, c));
  const n = (cols[0] as ArrayLike<unknown>).length;
  const d = names.length;
  const values = new Float32Array(n * d);
  cols.forEach((col, j) => {
    if (col.length !== n) throw survkitError('lengthMismatch', fn, names[j] as string, col.length, names[0] as string, n);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      const x = typeof v === 'boolean' ? Number(v) : v;
      if (typeof x !== 'number') throw survkitError('notNumber', fn, names[j] as string, i, v);
      if (!Number.isFinite(x)) throw survkitError('notFinite', fn, names[j] as string, i, v);
      values[i * d + j] = x;
    }
  });
  return { values, n, d, columns: names };
}
