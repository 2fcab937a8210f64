/**
 * Predictions and labels from a Parquet or Arrow IPC file: the same columns, roles and checks as the CSV
 * reader (`readPredictions`), decided on the column names alone, so that only the columns the metrics use are
 * read (time, event, risk or the grid-time columns, group); the values are checked as numbers, not text.
 */
import { survkitError } from '../core/errors.js';
import type { SurvivalLabels } from '../data/labels.js';
import { MONOTONE_TOL, curvesFor } from '../estimators/survival-curves.js';
import { cellError, numberColumn, textColumn, type ColumnarData } from './columnar.js';
import { isEventValue, parseNumber } from './csv-cells.js';
import { normalizeColumns, type PredictionColumns, type Predictions } from './predictions.js';

/** Which file column plays which role, decided from the header. */
export interface ColumnPlan {
  /** Role ('time', 'event', 'risk', 'group') → file column. */
  roles: Map<string, string>;
  /** Grid-time columns of the curves format, in file order. */
  grid: { name: string; time: number }[];
  ignored: string[];
  /** Every file column to read. */
  needed: string[];
  /** The event value that means "event" (dropped, as by the CSV reader, when `event` names a column of another file). */
  eventValue: string | undefined;
}

/** Runs the CSV reader's column rules on the header alone (each kept column is traced back by its index). */
function mapColumns(
  file: string,
  names: readonly string[],
  columns: PredictionColumns,
  labelsOnly: boolean,
): { kept: [string, string][]; ignored: string[]; eventValue: string | undefined } {
  const c: PredictionColumns = { ...columns };
  delete c.eventValue;
  const { table, ignored } = normalizeColumns({ file, header: names, rows: [names.map((_, k) => String(k))] }, c, labelsOnly);
  const row = table.rows[0] as readonly string[];
  const trimmed = names.map((h) => h.trim());
  const otherFile = columns.event !== undefined && !trimmed.includes(columns.event) && trimmed.includes('event');
  return { kept: table.header.map((role, j) => [role, names[Number(row[j])] as string]), ignored, eventValue: otherFile ? undefined : columns.eventValue };
}

const EXPECTED = 'columns "time", "event", "risk" (risk format) or "time", "event", <t1>, <t2>, … (curves format)';

/** The plan of a predictions file (risk or curves format). */
export function predictionsPlan(file: string, names: readonly string[], columns: PredictionColumns): ColumnPlan {
  const { kept, ignored, eventValue } = mapColumns(file, names, columns, false);
  const roles = new Map<string, string>();
  const rest: [string, string][] = [];
  for (const [role, name] of kept) {
    if (role === 'time' || role === 'event' || role === 'group') roles.set(role, name);
    else rest.push([role, name]);
  }
  for (const r of ['time', 'event']) if (!roles.has(r)) throw survkitError('tableFile', file, `no column "${r}"; expected ${EXPECTED}`);
  if (rest.length === 0) throw survkitError('tableFile', file, `no prediction columns; expected ${EXPECTED}`);
  const grid: { name: string; time: number }[] = [];
  const risk = rest.find(([role]) => role === 'risk');
  if (risk !== undefined) {
    const other = rest.find(([role]) => role !== 'risk');
    if (other !== undefined) {
      throw survkitError(
        'tableFile',
        file,
        `unexpected column ${JSON.stringify(other[1])} in the risk format (columns: time, event, risk and optionally group and id); --ignore-extra ignores it`,
      );
    }
    roles.set('risk', risk[1]);
  } else {
    for (const [role, name] of rest) {
      const v = parseNumber(role);
      if (v === undefined || v < 0) {
        throw survkitError(
          'tableFile',
          file,
          `unexpected column ${JSON.stringify(name)}: in the curves format every column other than time, event, group and id is a grid time (a number >= 0); --ignore-extra ignores it`,
        );
      }
      const prev = grid[grid.length - 1];
      if (prev !== undefined && !(v > prev.time))
        throw survkitError('tableFile', file, `the grid times must be strictly ascending from left to right; ${name} follows ${prev.name}`);
      grid.push({ name, time: v });
    }
  }
  return { roles, grid, ignored, needed: [...roles.values(), ...grid.map((g) => g.name)], eventValue };
}

/** The plan of a labels file (`time`, `event`, optionally `group`; with `ignoreExtra` the other columns are ignored). */
export function labelsPlan(file: string, names: readonly string[], columns: PredictionColumns): ColumnPlan {
  const c = { ...columns };
  if (c.ignoreExtra === true) {
    delete c.risk;
    delete c.group;
  }
  const { kept, ignored, eventValue } = mapColumns(file, names, c, true);
  const roles = new Map<string, string>();
  for (const [role, name] of kept) {
    if (role !== 'time' && role !== 'event' && role !== 'group') {
      throw survkitError(
        'tableFile',
        file,
        `unexpected column ${JSON.stringify(name)}; a labels file has the columns "time" and "event" (and optionally "group"); --ignore-extra ignores the others`,
      );
    }
    if (role !== 'group') roles.set(role, name);
  }
  for (const r of ['time', 'event'])
    if (!roles.has(r)) throw survkitError('tableFile', file, `no column "${r}"; expected a labels file with the columns "time" and "event"`);
  return { roles, grid: [], ignored, needed: [...roles.values()], eventValue };
}

function column(d: ColumnarData, name: string): ArrayLike<unknown> {
  const c = d.columns.get(name);
  if (c === undefined) throw survkitError('tableFile', d.file, `the column ${JSON.stringify(name)} was not read`);
  return c;
}

/** Labels from the planned `time` and `event` columns (event 0/1 or booleans; with `eventValue`, that value is the event). */
export function labelsFromColumns(d: ColumnarData, plan: ColumnPlan): SurvivalLabels {
  const tn = plan.roles.get('time') as string;
  const en = plan.roles.get('event') as string;
  const time = numberColumn(d.file, tn, column(d, tn), 'a time >= 0');
  for (let r = 0; r < time.length; r++) if ((time[r] as number) < 0) cellError(d.file, r, tn, `${time[r]} is negative; expected a time >= 0`);
  const ev = plan.eventValue;
  const raw = column(d, en);
  const event = new Int32Array(time.length);
  if (ev !== undefined) {
    const cells = textColumn(d.file, en, raw, `an event value (${JSON.stringify(ev)} = event)`);
    for (let r = 0; r < cells.length; r++) event[r] = isEventValue(cells[r] as string, ev) ? 1 : 0;
  } else {
    const e = numberColumn(d.file, en, raw, '0 (censored) or 1 (event)', true);
    for (let r = 0; r < e.length; r++) {
      const v = e[r] as number;
      if (v !== 0 && v !== 1) {
        const hint = v === 2 ? "; if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2" : '';
        cellError(d.file, r, en, `${v} is not 0 or 1; expected 0 (censored) or 1 (event)${hint}`);
      }
      event[r] = v;
    }
  }
  return Object.freeze({ time, event });
}

/** Predictions (risk or curves format) from the planned columns. */
export function predictionsFromColumns(d: ColumnarData, plan: ColumnPlan): Predictions {
  const labels = labelsFromColumns(d, plan);
  const gn = plan.roles.get('group');
  let group: string[] | undefined;
  if (gn !== undefined) {
    group = textColumn(d.file, gn, column(d, gn), 'a group name');
    group.forEach((g, r) => {
      if (g.trim() === '') cellError(d.file, r, gn, 'the cell is empty; expected a group name');
    });
  }
  const rn = plan.roles.get('risk');
  if (rn !== undefined) return { format: 'risk', file: d.file, labels, group, risk: numberColumn(d.file, rn, column(d, rn), 'a risk score') };
  const n = d.numRows;
  const m = plan.grid.length;
  const values = new Float64Array(n * m);
  plan.grid.forEach(({ name }, j) => {
    const s = numberColumn(d.file, name, column(d, name), 'a survival probability in [0, 1]');
    for (let r = 0; r < n; r++) {
      const v = s[r] as number;
      if (v < 0 || v > 1) cellError(d.file, r, name, `${v} is not a survival probability in [0, 1]`);
      if (j > 0 && v - (values[r * m + j - 1] as number) > MONOTONE_TOL) {
        cellError(d.file, r, name, `the survival curve rises from ${values[r * m + j - 1]} to ${v}; it must be non-increasing in time`);
      }
      values[r * m + j] = v;
    }
  });
  const times = Float64Array.from(plan.grid, (g) => g.time);
  return { format: 'curves', file: d.file, labels, group, curves: curvesFor('readPredictions', times, values, 'curves') };
}
