/**
 * Reads a predictions CSV — the input of `survkit evaluate` — into validated
 * labels and predictions. The format is detected from the header:
 *
 * - **risk**: `time,event,risk` — one risk score per subject, higher = earlier event;
 * - **curves**: `time,event,<t1>,<t2>,…` — every other column is named by a
 *   grid time (a number >= 0, strictly ascending left to right) and holds the
 *   predicted survival probability Ŝ_i(t_k) in [0, 1], non-increasing along the row;
 * - **cif** (competing risks): `time,event,cif_1@<t1>,…,cif_1@<tm>,cif_2@<t1>,…` — the predicted cumulative
 *   incidence F̂_k,i(t_j) of every cause k = 1..K on one grid (the same grid times for every cause, ascending
 *   left to right within a cause), in [0, 1], non-decreasing along the row, Σ_k F̂_k,i(t) <= 1; `event` holds
 *   0 (censored) or the cause 1..K;
 * - **labels**: `time,event` only (training labels for IPCW, `--train`).
 *
 * Either format may carry a `group` column (any non-empty text) for metrics
 * per group. Columns may come in any order; any other column is an error.
 * `time` must be a finite number >= 0 and `event` 0 (censored) or 1 (event).
 * Numbers are decimal or scientific (`1`, `-0.5`, `.5`, `2.5e-3`); surrounding
 * spaces are allowed; empty cells, `NaN`, `Inf`, hex and other text are not.
 */
import { survkitError } from '../core/errors.js';
import type { SurvivalLabels } from '../data/labels.js';
import type { CifCurves } from '../estimators/cif-curves.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import { isEventValue, parseNumber } from './csv-cells.js';
import type { CsvOptions, CsvTable } from './csv.js';
import { tableFormat } from './columnar.js';
import {
  columnPlan,
  labelsColumnOptions,
  labelsFromColumns,
  labelsListingFromColumns,
  predictionsFromColumns,
  readPlanned,
  type ColumnView,
} from './prediction-columns.js';

export { CIF_COLUMN, eventFree } from './prediction-columns.js';

/** Throws `notCsvTable` for a Parquet or Arrow IPC path: these are read by the table-file functions. */
function assertCsvPath(fn: string, path: string, instead: string): void {
  const f = tableFormat(path);
  if (f !== 'csv') throw survkitError('notCsvTable', fn, path, f === 'parquet' ? 'a Parquet' : 'an Arrow IPC', instead);
}

/**
 * Which columns of a predictions or labels file hold what (default: `time`, `event`, `risk`, `group`, `id`),
 * how the event is coded, and whether other columns are ignored (and listed) instead of being an error.
 */
export interface PredictionColumns {
  time?: string;
  event?: string;
  risk?: string;
  group?: string;
  /** An id column, ignored by the metrics (a column named `id` is one by default). */
  id?: string;
  /** The event cell value that means "event" (e.g. "2" for R's 1/2 coding); every other value is censored. */
  eventValue?: string;
  /** Ignore the columns that are neither a label, risk, group, id nor (curves format) a grid time. */
  ignoreExtra?: boolean;
  /** Delimiter and decimal mark of the file. */
  csv?: CsvOptions;
}

/**
 * The table with the chosen columns renamed to `time`, `event`, `risk`, `group`, the id column removed, event
 * cells recoded to 0/1 with `eventValue`, and (with `ignoreExtra`) the other columns removed; `ignored` lists
 * the removed columns.
 */
export function normalizeColumns(t: CsvTable, c0: PredictionColumns, labelsOnly = false): { table: CsvTable; ignored: string[] } {
  const { keep, names, ignored, eventValue: ev } = columnPlan(t.file, t.header, c0, labelsOnly);
  let rows = t.rows;
  if (ev !== undefined || keep.length !== t.header.length) {
    const ke = names.indexOf('event');
    rows = t.rows.map((row) =>
      keep.map((k, j) => {
        const cell = row[k] as string;
        if (j !== ke || ev === undefined) return cell;
        return isEventValue(cell, ev) ? '1' : '0';
      }),
    );
  }
  return { table: { file: t.file, header: names, rows }, ignored };
}

/** Labels plus optional group of a predictions file. */
interface PredictionsBase {
  readonly file: string;
  readonly labels: SurvivalLabels;
  /** The `group` cell of each subject, or undefined without a `group` column. */
  readonly group: readonly string[] | undefined;
}

/** A risk-format file. */
export interface RiskPredictions extends PredictionsBase {
  readonly format: 'risk';
  readonly risk: Float64Array;
}

/** A curves-format file. */
export interface CurvePredictions extends PredictionsBase {
  readonly format: 'curves';
  readonly curves: SurvivalCurves;
}

/** A cif-format file (competing risks). */
export interface CifPredictions extends PredictionsBase {
  readonly format: 'cif';
  /** `cif[k − 1]`: the predicted cumulative incidence of cause k, one row per subject. */
  readonly cif: CifCurves[];
  /** The event-free survival 1 − Σ_k F̂_k on the same grid (clipped at 0). */
  readonly curves: SurvivalCurves;
}

/** What {@link readPredictions} returns. */
export type Predictions = RiskPredictions | CurvePredictions | CifPredictions;

/**
 * Reads a labels file (`time,event`, extra columns not allowed except `group`),
 * e.g. the training labels for IPCW.
 *
 * @param path CSV file with columns `time` and `event`
 * @returns validated labels `{ time: Float64Array, event: Int32Array }`
 * @throws {SurvkitError} on unreadable or malformed files (see {@link readCsv}),
 *   a missing or unexpected column, or a bad cell (named by row and column)
 * @example
 * const train = readLabels('datasets/example-train.csv');
 */
export function readLabels(path: string, columns: PredictionColumns = {}): SurvivalLabels {
  return readLabelsListing(path, columns).labels;
}

/**
 * {@link readLabels} that also returns the ignored columns. With `ignoreExtra`, a `time` / `event` column
 * option names a column of this file when it has one, else the file's `time` / `event` column is used (so the
 * options given for a predictions file also fit a training table passed as `--train`).
 */
export function readLabelsListing(path: string, columns: PredictionColumns = {}): { labels: SurvivalLabels; ignored: string[] } {
  assertCsvPath('readLabels', path, 'readLabelsAsync');
  const { view, plan } = readPlanned(path, labelsColumnOptions(columns), true);
  return labelsListingFromColumns(view, plan);
}

/**
 * Reads a predictions file in the risk or curves format (see the module comment).
 *
 * @param path CSV file path (named in every message)
 * @returns {@link Predictions}: labels, `risk` (n) or `curves` (n × m), and `group`
 * @throws {SurvkitError} `csvFile` / `csvRow` / `csvRagged` naming the file,
 *   row and column: unreadable or empty file, ragged rows, a missing `time` or
 *   `event` column, no prediction columns, a column that is neither `risk`,
 *   `group` nor a grid time, grid times not ascending, non-numeric cells, times
 *   < 0, events other than 0/1, survival probabilities outside [0, 1] or rising
 *   along a row
 * @example
 * const p = readPredictions('datasets/example-predictions.csv');
 * p.format; // 'curves'
 */
export function readPredictions(path: string, columns: PredictionColumns = {}): Predictions & { ignored: string[] } {
  assertCsvPath('readPredictions', path, 'readPredictionsAsync');
  const { view, plan } = readPlanned(path, columns, false);
  return { ...predictionsFromColumns(view), ignored: plan.ignored };
}

/** The table with spaces around the header names removed ("time, event" names the column "event"). */
function trimHeader(t: CsvTable): CsvTable {
  return { ...t, header: t.header.map((h) => h.trim()) };
}

/** {@link readPredictions} on an already parsed CSV: the same column reader, on the table's cells. */
export function predictionsFromTable(table: CsvTable): Predictions {
  return predictionsFromColumns(tableView(trimHeader(table)));
}

/** Reads the `time` and `event` columns of a parsed CSV into labels (events 0..`causes`), with the file reader's checks. */
export function labelsFromCsv(t: CsvTable, expected = 'a header like "time,event"', causes = 1): SurvivalLabels {
  return labelsFromColumns(tableView(trimHeader(t)), expected, causes);
}

/** A parsed table seen as columns: each cell read by {@link parseNumber} (NaN where it is not a number), as the file reader does. */
function tableView(t: CsvTable): ColumnView {
  const n = t.rows.length;
  const cache = new Map<number, { values: Float64Array; bad: string }>();
  const column = (j: number): { values: Float64Array; bad: string } => {
    let c = cache.get(j);
    if (c === undefined) {
      const values = new Float64Array(n);
      let bad: string | undefined;
      for (let r = 0; r < n; r++) {
        const text = t.rows[r]?.[j] ?? '';
        const v = parseNumber(text);
        if (v === undefined && bad === undefined) bad = text;
        values[r] = v ?? NaN;
      }
      c = { values, bad: bad ?? '' };
      cache.set(j, c);
    }
    return c;
  };
  return {
    file: t.file,
    header: t.header,
    n,
    numbers: (j) => column(j).values,
    text: (j) => t.rows.map((row) => row[j] ?? ''),
    bad: (j) => column(j).bad,
  };
}
