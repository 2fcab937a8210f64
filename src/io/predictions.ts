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
import { CifCurves } from '../estimators/cif-curves.js';
import { MONOTONE_TOL, curvesFor, SurvivalCurves } from '../estimators/survival-curves.js';
import { cellNumber, columnIndex, isEventValue, parseNumber } from './csv-cells.js';
import type { CsvOptions, CsvTable } from './csv.js';
import { tableFormat } from './columnar.js';
import { CIF_COLUMN, columnPlan, eventFree, labelsFromColumns, predictionsFromColumns, readPlanned } from './prediction-columns.js';

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

/** Reads the `time` and `event` columns of a parsed CSV into labels. */
export function labelsFromCsv(t: CsvTable, expected = 'a header like "time,event"', causes = 1): SurvivalLabels {
  const kt = columnIndex(t, 'time', { expected });
  const ke = columnIndex(t, 'event', { expected });
  const n = t.rows.length;
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const tv = cellNumber(t, r, kt, 'a time >= 0');
    if (tv < 0) throw survkitError('csvRow', t.file, r + 2, 'time', `${tv} is negative; expected a time >= 0`);
    time[r] = tv;
    const ev = cellNumber(t, r, ke, causes > 1 ? `0 (censored) or a cause 1..${causes}` : '0 (censored) or 1 (event)');
    if (causes > 1 && Number.isInteger(ev) && ev >= 0 && ev <= causes) {
      event[r] = ev;
      continue;
    }
    if (causes > 1)
      throw survkitError(
        'csvRow',
        t.file,
        r + 2,
        'event',
        `${ev} is not a cause code; expected 0 (censored) or a cause 1..${causes} (the file has CIF columns for ${causes} causes)`,
      );
    if (ev !== 0 && ev !== 1) {
      const hint =
        ev === 2
          ? "; if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2; for competing risks give the CIF of each cause as columns cif_<k>@<t>"
          : '';
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
  assertCsvPath('readLabels', path, 'readLabelsAsync');
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
  assertCsvPath('readPredictions', path, 'readPredictionsAsync');
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
  const rest = t.header.map((h, k) => ({ h, k })).filter(({ h }) => h !== 'time' && h !== 'event' && h !== 'group');
  const isCif = rest.some(({ h }) => CIF_COLUMN.test(h));
  const cif = isCif ? readCif(t, rest) : undefined;
  const labels = labelsFromCsv(t, expected, cif?.length ?? 1);
  const kg = t.header.indexOf('group');
  let group: string[] | undefined;
  if (kg >= 0) {
    group = t.rows.map((row, r) => {
      const g = (row[kg] as string).trim();
      if (g === '') throw survkitError('csvRow', t.file, r + 2, 'group', 'the cell is empty; expected a group name');
      return g;
    });
  }
  if (rest.length === 0) throw survkitError('csvFile', t.file, `no prediction columns; expected ${expected}`);
  if (cif !== undefined) return { format: 'cif', file: t.file, labels, group, cif, curves: eventFree(cif) };
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

/** The cif columns `cif_<k>@<t>` as one {@link CifCurves} per cause 1..K on a common grid. */
function readCif(t: CsvTable, cols: readonly { h: string; k: number }[]): CifCurves[] {
  const byCause = new Map<number, { h: string; k: number; time: number }[]>();
  for (const c of cols) {
    const mt = CIF_COLUMN.exec(c.h);
    const time = mt === null ? undefined : parseNumber(mt[2] as string);
    const cause = mt === null ? NaN : Number(mt[1]);
    if (mt === null || time === undefined || time < 0 || !(cause >= 1)) {
      const what = mt === null ? 'every column other than time, event, group and id is a CIF column' : 'a CIF column is named';
      throw survkitError('csvRow', t.file, 1, c.h, `unexpected column: in the cif format ${what} cif_<cause>@<time> (cause 1, 2, …; time a number >= 0)`);
    }
    const list = byCause.get(cause) ?? [];
    if (list.length > 0 && !(time > (list[list.length - 1] as { time: number }).time)) {
      throw survkitError('csvRow', t.file, 1, c.h, `the grid times of cause ${cause} must be strictly ascending from left to right`);
    }
    list.push({ ...c, time });
    byCause.set(cause, list);
  }
  const K = Math.max(...byCause.keys());
  const first = byCause.get(1);
  const grid = (first ?? []).map((c) => c.time);
  for (let k = 1; k <= K; k++) {
    const list = byCause.get(k);
    const same = list !== undefined && list.length === grid.length && list.every((c, j) => c.time === grid[j]);
    if (!same) {
      throw survkitError(
        'csvFile',
        t.file,
        `the cif columns must give every cause 1..${K} on the same grid times (those of cause 1); cause ${k} ${list === undefined ? 'has no columns' : 'has other times'}`,
      );
    }
  }
  const n = t.rows.length;
  const m = grid.length;
  const sum = new Float64Array(n * m);
  const out: CifCurves[] = [];
  for (let k = 1; k <= K; k++) {
    const list = byCause.get(k) as { h: string; k: number }[];
    const values = new Float64Array(n * m);
    for (let r = 0; r < n; r++) {
      let prev = 0;
      list.forEach(({ h, k: col }, j) => {
        const v = cellNumber(t, r, col, 'a cumulative incidence in [0, 1]');
        if (v < 0 || v > 1) throw survkitError('csvRow', t.file, r + 2, h, `${v} is not a cumulative incidence in [0, 1]`);
        if (prev - v > MONOTONE_TOL)
          throw survkitError('csvRow', t.file, r + 2, h, `the cumulative incidence falls from ${prev} to ${v}; it must be non-decreasing in time`);
        prev = v;
        values[r * m + j] = v;
        const s = (sum[r * m + j] as number) + v;
        if (s > 1 + MONOTONE_TOL)
          throw survkitError('csvRow', t.file, r + 2, h, `the cumulative incidences of causes 1..${k} sum to ${s} here; they must sum to at most 1`);
        sum[r * m + j] = s;
      });
    }
    out.push(new CifCurves(grid, values, { fn: 'readPredictions', arg: `cif_${k}` }));
  }
  return out;
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
