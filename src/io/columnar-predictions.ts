/**
 * Predictions and labels from a Parquet or Arrow IPC file through the one predictions reader
 * (`prediction-columns.ts`): the same column plan decided on the header alone, so that only the columns the
 * format uses are read (time, event, risk, the grid-time or cif columns, group), then the same checks of the
 * risk, curves and cif formats; the values are checked as numbers, not text, and every message names the data
 * row (from 1) and the column.
 */
import { survkitError } from '../core/errors.js';
import type { SurvivalLabels } from '../data/labels.js';
import { cellError, numberColumn, textColumn, type ColumnarData } from './columnar.js';
import { isEventValue } from './csv-cells.js';
import { columnPlan, labelsColumnOptions, labelsListingFromColumns, predictionsFromColumns, type ColumnPlan, type ColumnView } from './prediction-columns.js';
import type { PredictionColumns, Predictions } from './predictions.js';

/** The column plan of a columnar file and the file columns it reads. */
export interface ColumnarPlan {
  readonly plan: ColumnPlan;
  /** The file name of each kept column (the plan's `keep`, by name). */
  readonly files: string[];
  /** Every file column to read. */
  readonly needed: string[];
  readonly labelsOnly: boolean;
}

/** The plan of a predictions file (`labelsOnly` false) or a labels file, from the file's column names. */
export function columnarPlan(file: string, names: readonly string[], columns: PredictionColumns, labelsOnly: boolean): ColumnarPlan {
  const plan = columnPlan(file, names, labelsOnly ? labelsColumnOptions(columns) : columns, labelsOnly);
  const files = plan.keep.map((k) => names[k] as string);
  // a labels file's group column is allowed but not read
  const needed = files.filter((_, j) => !(labelsOnly && plan.names[j] === 'group'));
  return { plan, files, needed, labelsOnly };
}

/** The planned columns of `d` as a {@link ColumnView}: numbers checked by `numberColumn`, the event recoded with `eventValue`. */
function columnarView(d: ColumnarData, p: ColumnarPlan): ColumnView {
  const raw = (j: number): ArrayLike<unknown> => {
    const name = p.files[j] as string;
    const c = d.columns.get(name);
    if (c === undefined) throw survkitError('tableFile', d.file, `the column ${JSON.stringify(name)} was not read`);
    return c;
  };
  const ev = p.plan.eventValue;
  const numbers = (j: number): Float64Array => {
    const role = p.plan.names[j] as string;
    const name = p.files[j] as string;
    if (role === 'event' && ev !== undefined) {
      const cells = textColumn(d.file, name, raw(j), `an event value (${JSON.stringify(ev)} = event)`);
      return Float64Array.from(cells, (c) => (isEventValue(c, ev) ? 1 : 0));
    }
    const what =
      role === 'time' ? 'a time >= 0' : role === 'event' ? '0 (censored) or 1 (event)' : role === 'risk' ? 'a risk score' : 'a probability in [0, 1]';
    return numberColumn(d.file, name, raw(j), what, role === 'event');
  };
  return {
    file: d.file,
    header: p.plan.names,
    n: d.numRows,
    numbers,
    text: (j) => textColumn(d.file, p.files[j] as string, raw(j), 'a group name'),
    bad: () => '',
    cell: (r, column, problem) => cellError(d.file, r, column, problem),
    column: (column, problem) => {
      throw survkitError('tableFile', d.file, `column ${JSON.stringify(column)}: ${problem}`);
    },
  };
}

/** Predictions (risk, curves or cif format) from the planned columns of a columnar file. */
export function predictionsFromColumnar(d: ColumnarData, p: ColumnarPlan): Predictions & { ignored: string[] } {
  return { ...predictionsFromColumns(columnarView(d, p)), ignored: p.plan.ignored };
}

/** Labels (`time`, `event`; `group` allowed, other columns an error unless ignored) from a columnar file. */
export function labelsFromColumnar(d: ColumnarData, p: ColumnarPlan): { labels: SurvivalLabels; ignored: string[] } {
  return labelsListingFromColumns(columnarView(d, p), p.plan);
}
