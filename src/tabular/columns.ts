/**
 * Column look-up, missing values and event codes of the tables `survkit
 * train` / `predict` read: exact names (with the closest header name
 * suggested when one is missing), the missing-value tokens, and event columns
 * coded 0/1, TRUE/FALSE, R's 1/2 (`eventValue`) or competing causes 0..K.
 */
import { closestName } from '../core/closest.js';
import { survkitError } from '../core/errors.js';
import { DECIMAL_COMMA, type CsvTable } from '../io/csv.js';
import { isEventValue, parseNumber } from '../io/csv-cells.js';

/** The cells read as missing values (after trimming spaces): empty, `NA`, `NaN`, `nan`, `.`. */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'NaN', 'nan', '.'];
const MISSING = new Set(MISSING_TOKENS);

/** Whether a cell is a missing value (see {@link MISSING_TOKENS}). */
export const isMissing = (text: string): boolean => MISSING.has(text.trim());

/** What to do with missing covariate cells: stop (default), drop the rows, or impute. */
export type MissingPolicy = 'error' | 'drop' | 'impute';

/** Index of the column `name`, or an error naming the closest header name. */
export function findColumn(t: CsvTable, name: string, what: string): number {
  const k = t.header.indexOf(name);
  if (k < 0) throw survkitError('noSuchColumn', t.file, what, name, t.header, closestName(name, t.header));
  return k;
}

/** A number cell, or an error naming file, row and column (with a hint for decimal commas and missing values). */
export function numberCell(t: CsvTable, r: number, k: number, expected: string): number {
  const text = (t.rows[r] as readonly string[])[k] as string;
  const v = parseNumber(text);
  if (v !== undefined) return v;
  const column = t.header[k] as string;
  if (isMissing(text)) throw survkitError('missingCell', t.file, r + 2, column, text.trim());
  const hint = DECIMAL_COMMA.test(text) ? "; it looks like a decimal comma: use --decimal ','" : '';
  throw survkitError('csvRow', t.file, r + 2, column, `${JSON.stringify(text)} is not a finite number; expected ${expected}${hint}`);
}

/** How the event column is coded. */
export interface EventCoding {
  /** The cell value that means "event" (e.g. "2" for R's 1 = censored, 2 = dead); every other value is censored. */
  eventValue?: string;
  /** Accept codes 0..K (0 = censored, k = cause k) for competing risks. */
  competing?: boolean;
}

const TRUE = new Set(['TRUE', 'true', 'True', 'T', 'yes']);
const FALSE = new Set(['FALSE', 'false', 'False', 'F', 'no']);

/**
 * The event code of one cell: with `eventValue`, 1 when the cell equals it (as text or as a number) and 0
 * otherwise; else 0/1, TRUE/FALSE, or 0..K with `competing`.
 */
export function eventCell(t: CsvTable, r: number, k: number, coding: EventCoding): number {
  const text = ((t.rows[r] as readonly string[])[k] as string).trim();
  const column = t.header[k] as string;
  if (isMissing(text)) throw survkitError('missingCell', t.file, r + 2, column, text);
  if (coding.eventValue !== undefined) return isEventValue(text, coding.eventValue) ? 1 : 0;
  if (TRUE.has(text)) return 1;
  if (FALSE.has(text)) return 0;
  const v = parseNumber(text);
  if (v === undefined) {
    throw survkitError('eventCode', t.file, r + 2, column, JSON.stringify(text), `; if ${JSON.stringify(text)} marks the event, use --event-value ${text}`);
  }
  if (v === 0 || v === 1) return v;
  if (coding.competing === true && Number.isInteger(v) && v >= 2) return v;
  const hint =
    v === 2
      ? "; if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2; for competing risks 0..K use --competing-risks (deephit)"
      : Number.isInteger(v) && v > 2
        ? `; for competing risks coded 0..K use --competing-risks (deephit); to count only code ${v} as the event use --event-value ${v}`
        : '';
  throw survkitError('eventCode', t.file, r + 2, column, String(v), hint);
}

/** The table with only the rows `keep` (ascending indices). */
export function keepRows(t: CsvTable, keep: readonly number[]): CsvTable {
  return { file: t.file, header: t.header, rows: keep.map((r) => t.rows[r] as readonly string[]) };
}
