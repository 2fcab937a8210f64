import { survkitError } from '../core/errors.js';
import { survivalLabels, type SurvivalLabels } from './labels.js';

/**
 * A column table: an object of equally long columns (`{ time: [...], event: [...] }`),
 * an array of row records (`[{ time, event }, …]`), or a DataFrame-like
 * object with `columns` (names) and either `column(name).values` or
 * per-column `values` (danfo.js `DataFrame` works as is).
 */
export type TableLike =
  | Record<string, ArrayLike<unknown>>
  | readonly Record<string, unknown>[]
  | DataFrameLike;

/** The part of a DataFrame (danfo.js and similar) that survkit reads. */
export interface DataFrameLike {
  readonly columns: readonly string[];
  column?: (name: string) => { values: ArrayLike<unknown> };
  values?: unknown;
}

function isDataFrameLike(x: unknown): x is DataFrameLike {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Array.isArray((x as DataFrameLike).columns);
}

/**
 * Reads one column of a {@link TableLike} as a plain array.
 * @throws {SurvkitError} when the column does not exist
 */
export function getColumn(fn: string, table: TableLike, name: string): ArrayLike<unknown> {
  if (Array.isArray(table)) {
    const rows = table as readonly Record<string, unknown>[];
    if (rows.length > 0 && !(name in (rows[0] as object))) {
      throw survkitError('unknownColumn', fn, name, Object.keys(rows[0] as object));
    }
    return rows.map((r) => r[name]);
  }
  if (isDataFrameLike(table)) {
    const cols = table.columns;
    const k = cols.indexOf(name);
    if (k < 0) throw survkitError('unknownColumn', fn, name, cols);
    if (typeof table.column === 'function') return table.column(name).values;
    const rows = table.values;
    if (Array.isArray(rows)) return (rows as unknown[][]).map((r) => r[k]);
    throw survkitError('argRange', fn, 'table', 'a DataFrame with column(name) or row values', table);
  }
  const rec = table as Record<string, ArrayLike<unknown>>;
  const col = rec[name];
  if (col === undefined) throw survkitError('unknownColumn', fn, name, Object.keys(rec));
  return col;
}

/**
 * Builds {@link SurvivalLabels} from a table (column object, row records or
 * DataFrame-like).
 *
 * @example
 * labelsFromTable([{ t: 3, e: 1 }, { t: 5, e: 0 }], { time: 't', event: 'e' });
 */
export function labelsFromTable(
  table: TableLike,
  columns: { time?: string; event?: string } = {},
): SurvivalLabels {
  const fn = 'labelsFromTable';
  const time = getColumn(fn, table, columns.time ?? 'time');
  const event = getColumn(fn, table, columns.event ?? 'event');
  return survivalLabels(Array.from(time), Array.from(event), fn);
}
