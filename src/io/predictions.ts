/**
 * Reads a predictions CSV — the input of `survkit evaluate` — into validated
 * labels and predictions. The format is detected from the header:
 *
 * - **risk**: `time,event,risk` — one risk score per subject, higher = earlier event;
 * - **curves**: `time,event,<t1>,<t2>,…` — every other column is named by a
 *   grid time (a number >= 0, strictly ascending left to right) and holds the
 *   predicted survival probability Ŝ_i(t_k) in [0, 1], non-increasing along the row;
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
import { MONOTONE_TOL, curvesFor, SurvivalCurves } from '../estimators/survival-curves.js';
import { cellNumber, columnIndex, isEventValue, parseNumber } from './csv-cells.js';
import type { CsvOptions, CsvTable } from './csv.js';
import { columnPlan, labelsFromColumns, predictionsFromColumns, readPlanned } from './prediction-columns.js';

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

/** What {@link readPredictions} returns. */
export type Predictions = RiskPredictions | CurvePredictions;

/** Reads the `time` and `event` columns of a parsed CSV into labels. */
export function labelsFromCsv(t: CsvTable, expected = 'a header like "time,event"'): SurvivalLabels {
  const kt = columnIndex(t, 'time', { expected });
  const ke = columnIndex(t, 'event', { expected });
  const n = t.rows.length;
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const tv = cellNumber(t, r, kt, 'a time >= 0');
    if (tv < 0) throw survkitError('csvRow', t.file, r + 2, 'time', `${tv} is negative; expected a time >= 0`);
    time[r] = tv;
    const ev = cellNumber(t, r, ke, '0 (censored) or 1 (event)');
    if (ev !== 0 && ev !== 1) {
      const hint = ev === 2 ? "; if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2" : '';
      throw survkitError('csvRow', t.file, r + 2, 'event', `${ev} is not 0 or 1; expected 0 (censored) or 1 (event)${hint}`);
    }
    event[r] = ev;
  }
  return Object.freeze({ time, event });
}

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
  const c = { ...columns };
  if (c.ignoreExtra === true) {
    delete c.risk;
    delete c.group;
  }
  const { view, plan } = readPlanned(path, c, true);
  const extra = plan.names.filter((h) => h !== 'time' && h !== 'event' && h !== 'group');
  if (extra.length > 0) {
    throw survkitError(
      'csvFile',
      path,
      `unexpected column ${JSON.stringify(extra[0])}; a labels file has the columns "time" and "event" (and optionally "group"); --ignore-extra ignores the others`,
    );
  }
  return { labels: labelsFromColumns(view), ignored: plan.ignored };
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
  const { view, plan } = readPlanned(path, columns, false);
  return { ...predictionsFromColumns(view), ignored: plan.ignored };
}

/** The table with spaces around the header names removed ("time, event" names the column "event"). */
function trimHeader(t: CsvTable): CsvTable {
  return { ...t, header: t.header.map((h) => h.trim()) };
}

/** {@link readPredictions} on an already parsed CSV. */
export function predictionsFromTable(table: CsvTable): Predictions {
  const t = trimHeader(table);
  const expected = 'a header "time,event,risk" (risk format) or "time,event,<t1>,<t2>,…" (curves format)';
  const labels = labelsFromCsv(t, expected);
  const kg = t.header.indexOf('group');
  let group: string[] | undefined;
  if (kg >= 0) {
    group = t.rows.map((row, r) => {
      const g = (row[kg] as string).trim();
      if (g === '') throw survkitError('csvRow', t.file, r + 2, 'group', 'the cell is empty; expected a group name');
      return g;
    });
  }
  const rest = t.header.map((h, k) => ({ h, k })).filter(({ h }) => h !== 'time' && h !== 'event' && h !== 'group');
  if (rest.length === 0) throw survkitError('csvFile', t.file, `no prediction columns; expected ${expected}`);
  if (rest.some(({ h }) => h === 'risk')) {
    const other = rest.find(({ h }) => h !== 'risk');
    if (other !== undefined) {
      throw survkitError(
        'csvRow',
        t.file,
        1,
        other.h,
        'unexpected column in the risk format (columns: time, event, risk and optionally group and id); --ignore-extra ignores it',
      );
    }
    const kr = t.header.indexOf('risk');
    const risk = Float64Array.from(t.rows, (_row, r) => cellNumber(t, r, kr, 'a risk score'));
    return { format: 'risk', file: t.file, labels, group, risk };
  }
  return { format: 'curves', file: t.file, labels, group, curves: readCurves(t, rest) };
}

function readCurves(t: CsvTable, cols: readonly { h: string; k: number }[]): SurvivalCurves {
  const m = cols.length;
  const times = new Float64Array(m);
  cols.forEach(({ h }, j) => {
    const v = parseNumber(h);
    if (v === undefined || v < 0) {
      throw survkitError(
        'csvRow',
        t.file,
        1,
        h,
        'unexpected column: in the curves format every column other than time, event, group and id is a grid time (a number >= 0); --ignore-extra ignores it',
      );
    }
    if (j > 0 && !(v > (times[j - 1] as number))) {
      throw survkitError(
        'csvRow',
        t.file,
        1,
        h,
        `the grid times must be strictly ascending from left to right; ${h} follows ${(cols[j - 1] as { h: string }).h}`,
      );
    }
    times[j] = v;
  });
  const n = t.rows.length;
  const values = new Float64Array(n * m);
  for (let r = 0; r < n; r++) {
    let prev = 1;
    for (let j = 0; j < m; j++) {
      const { h, k } = cols[j] as { h: string; k: number };
      const s = cellNumber(t, r, k, 'a survival probability in [0, 1]');
      if (s < 0 || s > 1) throw survkitError('csvRow', t.file, r + 2, h, `${s} is not a survival probability in [0, 1]`);
      if (j > 0 && s - prev > MONOTONE_TOL) {
        throw survkitError('csvRow', t.file, r + 2, h, `the survival curve rises from ${prev} to ${s}; it must be non-increasing in time`);
      }
      values[r * m + j] = s;
      prev = s;
    }
  }
  return curvesFor('readPredictions', times, values, 'curves');
}
