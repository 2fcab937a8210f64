/**
 * Reading the cells of a parsed CSV table: the one strict number parser and
 * the one column lookup that the predictions reader, the tabular pipelines
 * and the CLI's flag parsing share. Errors name file, row and column.
 */
import { closestName } from '../core/closest.js';
import { survkitError } from '../core/errors.js';
import { quote } from '../core/messages.js';
import type { CsvTable } from './csv.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a strict decimal number (`1`, `-0.5`, `.5`, `2.5e-3`, surrounding
 * spaces allowed); undefined when the text is not one (empty, `NaN`, `Inf`,
 * hex, other text, or a value that overflows to ±Infinity).
 * @example
 * parseNumber(' 2.5e-3 '); // 0.0025
 * parseNumber('0x10'); // undefined
 */
export function parseNumber(text: string): number | undefined {
  const s = text.trim();
  if (!NUMBER.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * The number in row `r` (0-based, after the header), column `col` of `t`.
 * @param what what the cell should hold, for the message ("a time >= 0")
 * @throws {SurvkitError} `csvRow` (file, 1-based line, column) for an empty or non-numeric cell
 */
export function cellNumber(t: CsvTable, r: number, col: number, what: string): number {
  const text = (t.rows[r] as readonly string[])[col] as string;
  const v = parseNumber(text);
  if (v === undefined) {
    const shown = text.trim() === '' ? 'the cell is empty' : `${quote(text)} is not a finite number`;
    throw survkitError('csvRow', t.file, r + 2, t.header[col] as string, `${shown}; expected ${what}`);
  }
  return v;
}

/**
 * The index of column `name` in the header of `t`.
 * @param opts.role the column's role, for the message ("no covariate column …")
 * @param opts.expected what the header should look like, for the message ("…; expected a header like …")
 * @throws {SurvkitError} `csvFile` when the header has no such column, listing the columns it has
 */
export function columnIndex(t: CsvTable, name: string, opts: { role?: string; expected?: string } = {}): number {
  const k = t.header.indexOf(name);
  if (k < 0) {
    const role = opts.role === undefined ? '' : `${opts.role} `;
    const expected = opts.expected === undefined ? '' : `; expected ${opts.expected}`;
    const have = t.header.map((h) => JSON.stringify(h)).join(', ');
    const near = closestName(name, t.header);
    const flag = name === 'time' || name === 'event' ? ` (or --${name}-col ${near ?? '<column>'})` : '';
    const suggestion = near === undefined ? '' : `; did you mean ${JSON.stringify(near)}${flag}?`;
    throw survkitError('csvFile', t.file, `no ${role}column ${JSON.stringify(name)} in the header (${have})${expected}${suggestion}`);
  }
  return k;
}

/**
 * Whether an event cell holds the value that means "event" (`--event-value`): equal as text, or as a number
 * (so "2" matches "2.0"). Surrounding spaces are ignored.
 * @example
 * isEventValue(' 2.0', '2'); // true
 */
export function isEventValue(cell: string, eventValue: string): boolean {
  const text = cell.trim();
  const ev = eventValue.trim();
  const a = parseNumber(text);
  return text === ev || (a !== undefined && a === parseNumber(ev));
}
