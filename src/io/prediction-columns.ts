/**
 * The one predictions and labels reader, on typed columns: which column plays which role (from the header and
 * the column options), then the checks of the risk, curves and cif formats, on `Float64Array` columns read by
 * {@link readCsvColumns} (files) or taken from an already parsed table (`predictionsFromTable`).
 */
import { closestName } from '../core/closest.js';
import { survkitError } from '../core/errors.js';
import { quote } from '../core/messages.js';
import type { SurvivalLabels } from '../data/labels.js';
import { CifCurves } from '../estimators/cif-curves.js';
import { MONOTONE_TOL, curvesFor, type SurvivalCurves } from '../estimators/survival-curves.js';
import { columnIndex, parseNumber } from './csv-cells.js';
import { readCsvColumns, type ColumnKind, type CsvColumns } from './csv-columns.js';
import type { PredictionColumns, Predictions } from './predictions.js';

/** A column of the cif format: `cif_<cause>@<time>`. */
export const CIF_COLUMN = /^cif_(\d+)@(.+)$/;

/** Which header columns are kept and under which name, which are ignored, and the event value to recode with. */
export interface ColumnPlan {
  /** Header indices kept, in order. */
  readonly keep: number[];
  /** The name of each kept column: its role (time, event, risk, group) or its trimmed header name. */
  readonly names: string[];
  /** Header names left out (`ignoreExtra`, or a column named like a role another column plays). */
  readonly ignored: string[];
  /** The event value (`--event-value`) when the event column is recoded. */
  readonly eventValue: string | undefined;
}

/**
 * The columns of a predictions (or, with `labelsOnly`, labels) file by role: the chosen columns renamed to
 * `time`, `event`, `risk`, `group`, the id column removed, and (with `ignoreExtra`) the other columns removed.
 * @throws {SurvkitError} `noSuchColumn` for a column option naming no column
 */
export function columnPlan(file: string, rawHeader: readonly string[], c0: PredictionColumns, labelsOnly: boolean): ColumnPlan {
  // a --time-col / --event-col this file lacks, when it has "time" / "event": the options were given for the other file
  const c = { ...c0 };
  const header = rawHeader.map((h) => h.trim());
  if (c.time !== undefined && !header.includes(c.time) && header.includes('time')) delete c.time;
  if (c.event !== undefined && !header.includes(c.event) && header.includes('event')) {
    // the event column of the other file: this file's "event" is already 0/1
    delete c.event;
    delete c.eventValue;
  }
  const roles: [string, string | undefined][] = [
    ['time', c.time],
    ['event', c.event],
    ['risk', c.risk],
    ['group', c.group],
  ];
  for (const [role, name] of [...roles, ['id', c.id] as [string, string | undefined]]) {
    if (name !== undefined && !header.includes(name)) {
      throw survkitError('noSuchColumn', file, `${role} (--${role}-col)`, name, header, closestName(name, header));
    }
  }
  const rename = new Map<string, string>();
  for (const [role, name] of roles) if (name !== undefined) rename.set(name, role);
  const idCol = c.id ?? (header.includes('id') && !rename.has('id') ? 'id' : undefined);
  const keep: number[] = [];
  const names: string[] = [];
  const ignored: string[] = [];
  const hasRisk = header.some((h) => (rename.get(h) ?? h) === 'risk');
  header.forEach((h, k) => {
    if (h === idCol) return;
    const renamed = rename.get(h);
    if (renamed === undefined && roles.some(([role, name]) => name !== undefined && name !== role && h === role)) {
      // a column named like a role that another column plays (e.g. "time" with --time-col duration)
      ignored.push(h);
      return;
    }
    const role = renamed ?? h;
    const known = role === 'time' || role === 'event' || role === 'group' || (!labelsOnly && role === 'risk');
    const grid = !labelsOnly && !hasRisk && (parseNumber(h) !== undefined || CIF_COLUMN.test(h));
    if (c.ignoreExtra === true && !known && !grid) {
      ignored.push(h);
      return;
    }
    keep.push(k);
    names.push(role);
  });
  return { keep, names, ignored, eventValue: c.eventValue };
}

/** The kept columns of a file read by {@link readPlanned}, under their role names. */
export interface ColumnView {
  readonly file: string;
  readonly header: readonly string[];
  readonly n: number;
  readonly numbers: (j: number) => Float64Array;
  readonly text: (j: number) => string[];
  /** The text of the first cell of kept column j that is not a number. */
  readonly bad: (j: number) => string;
  /** Throws the message for data row `r` (from 0) of a column; a CSV file names the line (r + 2). */
  readonly cell?: (r: number, column: string, problem: string) => never;
  /** Throws the message for a column as a whole (its name or place); a CSV file names line 1. */
  readonly column?: (column: string, problem: string) => never;
}

/** The message for data row `r` (from 0) of `column`. */
function rowError(v: ColumnView, r: number, column: string, problem: string): never {
  if (v.cell) v.cell(r, column, problem);
  throw survkitError('csvRow', v.file, r + 2, column, problem);
}

/** The message for a header column. */
function headerError(v: ColumnView, column: string, problem: string): never {
  if (v.column) v.column(column, problem);
  throw survkitError('csvRow', v.file, 1, column, problem);
}

/** Reads `path` keeping only the columns the plan needs: the group as text, every other kept column as numbers. */
export function readPlanned(path: string, c: PredictionColumns, labelsOnly: boolean): { view: ColumnView; plan: ColumnPlan } {
  let plan: ColumnPlan | undefined;
  const cols: CsvColumns = readCsvColumns(path, c.csv ?? {}, (header) => {
    const p = columnPlan(path, header, c, labelsOnly);
    plan = p;
    const kinds: ColumnKind[] = header.map(() => 'skip');
    p.keep.forEach((k, j) => {
      const name = p.names[j] as string;
      if (name === 'group') kinds[k] = labelsOnly ? 'skip' : 'text';
      else if (name === 'event' && p.eventValue !== undefined) kinds[k] = { eventValue: p.eventValue };
      else kinds[k] = 'number';
    });
    return kinds;
  });
  const p = plan as ColumnPlan;
  const at = (j: number): number => p.keep[j] as number;
  const view: ColumnView = {
    file: path,
    header: p.names,
    n: cols.n,
    numbers: (j) => cols.columns[at(j)] as Float64Array,
    text: (j) => cols.columns[at(j)] as string[],
    bad: (j) => cols.firstBad[at(j)] ?? '',
  };
  return { view, plan: p };
}

/** The message of `cellNumber` for the first non-number of column j, at row r. */
function notANumber(v: ColumnView, r: number, j: number, what: string): never {
  const text = v.bad(j);
  const shown = text.trim() === '' ? 'the cell is empty' : `${quote(text)} is not a finite number`;
  rowError(v, r, v.header[j] as string, `${shown}; expected ${what}`);
}

/** The `time` and `event` columns as labels (events 0..`causes`), each bad cell named by row and column. */
export function labelsFromColumns(v: ColumnView, expected = 'a header like "time,event"', causes = 1): SurvivalLabels {
  const stub = { file: v.file, header: v.header, rows: [] };
  const kt = columnIndex(stub, 'time', { expected });
  const ke = columnIndex(stub, 'event', { expected });
  const n = v.n;
  const tc = v.numbers(kt);
  const ec = v.numbers(ke);
  const eventWhat = causes > 1 ? `0 (censored) or a cause 1..${causes}` : '0 (censored) or 1 (event)';
  // the time column is checked in place and becomes the labels' time (no copy)
  const time = tc;
  const event = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const tv = tc[r] as number;
    if (tv !== tv) notANumber(v, r, kt, 'a time >= 0');
    if (tv < 0) rowError(v, r, 'time', `${tv} is negative; expected a time >= 0`);
    const ev = ec[r] as number;
    if (ev !== ev) notANumber(v, r, ke, eventWhat);
    if (causes > 1) {
      if (Number.isInteger(ev) && ev >= 0 && ev <= causes) {
        event[r] = ev;
        continue;
      }
      rowError(v, r, 'event', `${ev} is not a cause code; expected 0 (censored) or a cause 1..${causes} (the file has CIF columns for ${causes} causes)`);
    }
    if (ev !== 0 && ev !== 1) {
      const hint =
        ev === 2
          ? "; if 2 means the event (R's coding 1 = censored, 2 = event) use --event-value 2; for competing risks give the CIF of each cause as columns cif_<k>@<t>"
          : '';
      rowError(v, r, 'event', `${ev} is not 0 or 1; expected 0 (censored) or 1 (event)${hint}`);
    }
    event[r] = ev;
  }
  return Object.freeze({ time, event });
}

/** The column options of a labels file: with `ignoreExtra`, a risk or group column option is dropped (its column is ignored). */
export function labelsColumnOptions(columns: PredictionColumns): PredictionColumns {
  const c = { ...columns };
  if (c.ignoreExtra === true) {
    delete c.risk;
    delete c.group;
  }
  return c;
}

/**
 * The labels of a labels file read by role: only `time`, `event` and `group` (which is not read) may be kept.
 * @throws {SurvkitError} `csvFile` for another column (with `ignoreExtra` the others are ignored)
 */
export function labelsListingFromColumns(v: ColumnView, plan: ColumnPlan): { labels: SurvivalLabels; ignored: string[] } {
  const extra = plan.names.filter((h) => h !== 'time' && h !== 'event' && h !== 'group');
  if (extra.length > 0) {
    throw survkitError(
      'csvFile',
      v.file,
      `unexpected column ${JSON.stringify(extra[0])}; a labels file has the columns "time" and "event" (and optionally "group"); --ignore-extra ignores the others`,
    );
  }
  return { labels: labelsFromColumns(v), ignored: plan.ignored };
}

/** A predictions table (risk, curves or cif format) from its columns, each bad cell named by row and column. */
export function predictionsFromColumns(v: ColumnView): Predictions {
  const expected = 'a header "time,event,risk" (risk format) or "time,event,<t1>,<t2>,…" (curves format)';
  const rest = v.header.map((h, k) => ({ h, k })).filter(({ h }) => h !== 'time' && h !== 'event' && h !== 'group');
  const cif = rest.some(({ h }) => CIF_COLUMN.test(h)) ? cifFromColumns(v, rest) : undefined;
  const labels = labelsFromColumns(v, expected, cif?.length ?? 1);
  const kg = v.header.indexOf('group');
  let group: string[] | undefined;
  if (kg >= 0) {
    group = v.text(kg).map((cell, r) => {
      const g = cell.trim();
      if (g === '') rowError(v, r, 'group', 'the cell is empty; expected a group name');
      return g;
    });
  }
  if (rest.length === 0) throw survkitError('csvFile', v.file, `no prediction columns; expected ${expected}`);
  if (cif !== undefined) return { format: 'cif', file: v.file, labels, group, cif, curves: eventFree(cif) };
  if (rest.some(({ h }) => h === 'risk')) {
    const other = rest.find(({ h }) => h !== 'risk');
    if (other !== undefined) {
      headerError(v, other.h, 'unexpected column in the risk format (columns: time, event, risk and optionally group and id); --ignore-extra ignores it');
    }
    const kr = v.header.indexOf('risk');
    const risk = v.numbers(kr);
    for (let r = 0; r < v.n; r++) if (risk[r] !== risk[r]) notANumber(v, r, kr, 'a risk score');
    return { format: 'risk', file: v.file, labels, group, risk };
  }
  return { format: 'curves', file: v.file, labels, group, curves: curvesFromColumns(v, rest) };
}

/** The cif columns `cif_<k>@<t>` as one {@link CifCurves} per cause 1..K on a common grid. */
function cifFromColumns(v: ColumnView, cols: readonly { h: string; k: number }[]): CifCurves[] {
  const byCause = new Map<number, { h: string; k: number; time: number }[]>();
  for (const c of cols) {
    const mt = CIF_COLUMN.exec(c.h);
    const time = mt === null ? undefined : parseNumber(mt[2] as string);
    const cause = mt === null ? NaN : Number(mt[1]);
    if (mt === null || time === undefined || time < 0 || !(cause >= 1)) {
      const what = mt === null ? 'every column other than time, event, group and id is a CIF column' : 'a CIF column is named';
      headerError(v, c.h, `unexpected column: in the cif format ${what} cif_<cause>@<time> (cause 1, 2, …; time a number >= 0)`);
    }
    const list = byCause.get(cause) ?? [];
    if (list.length > 0 && !(time > (list[list.length - 1] as { time: number }).time)) {
      headerError(v, c.h, `the grid times of cause ${cause} must be strictly ascending from left to right`);
    }
    list.push({ ...c, time });
    byCause.set(cause, list);
  }
  const K = Math.max(...byCause.keys());
  const grid = (byCause.get(1) ?? []).map((c) => c.time);
  for (let k = 1; k <= K; k++) {
    const list = byCause.get(k);
    const same = list !== undefined && list.length === grid.length && list.every((c, j) => c.time === grid[j]);
    if (!same) {
      throw survkitError(
        'csvFile',
        v.file,
        `the cif columns must give every cause 1..${K} on the same grid times (those of cause 1); cause ${k} ${list === undefined ? 'has no columns' : 'has other times'}`,
      );
    }
  }
  const n = v.n;
  const m = grid.length;
  const sum = new Float64Array(n * m);
  const out: CifCurves[] = [];
  for (let k = 1; k <= K; k++) {
    const list = byCause.get(k) as { h: string; k: number }[];
    const columns = list.map((c) => v.numbers(c.k));
    const values = new Float64Array(n * m);
    for (let r = 0; r < n; r++) {
      let prev = 0;
      for (let j = 0; j < m; j++) {
        const { h, k: col } = list[j] as { h: string; k: number };
        const x = (columns[j] as Float64Array)[r] as number;
        if (x !== x) notANumber(v, r, col, 'a cumulative incidence in [0, 1]');
        if (x < 0 || x > 1) rowError(v, r, h, `${x} is not a cumulative incidence in [0, 1]`);
        if (prev - x > MONOTONE_TOL) rowError(v, r, h, `the cumulative incidence falls from ${prev} to ${x}; it must be non-decreasing in time`);
        prev = x;
        values[r * m + j] = x;
        const s = (sum[r * m + j] as number) + x;
        if (s > 1 + MONOTONE_TOL) rowError(v, r, h, `the cumulative incidences of causes 1..${k} sum to ${s} here; they must sum to at most 1`);
        sum[r * m + j] = s;
      }
    }
    out.push(new CifCurves(grid, values, { fn: 'readPredictions', arg: `cif_${k}` }));
  }
  return out;
}

/** The event-free survival 1 − Σ_k F̂_k (clipped to [0, 1]). */
export function eventFree(cif: readonly CifCurves[]): SurvivalCurves {
  const c0 = cif[0] as CifCurves;
  const values = new Float64Array(c0.values.length);
  for (let i = 0; i < values.length; i++) {
    let s = 0;
    for (const c of cif) s += c.values[i] as number;
    values[i] = Math.min(1, Math.max(0, 1 - s));
  }
  return curvesFor('readPredictions', c0.times, values, 'cif');
}

function curvesFromColumns(v: ColumnView, cols: readonly { h: string; k: number }[]): SurvivalCurves {
  const m = cols.length;
  const times = new Float64Array(m);
  cols.forEach(({ h }, j) => {
    const t = parseNumber(h);
    if (t === undefined || t < 0) {
      headerError(
        v,
        h,
        'unexpected column: in the curves format every column other than time, event, group and id is a grid time (a number >= 0); --ignore-extra ignores it',
      );
    }
    if (j > 0 && !(t > (times[j - 1] as number))) {
      headerError(v, h, `the grid times must be strictly ascending from left to right; ${h} follows ${(cols[j - 1] as { h: string }).h}`);
    }
    times[j] = t;
  });
  const n = v.n;
  const columns = cols.map(({ k }) => v.numbers(k));
  const values = new Float64Array(n * m);
  for (let r = 0; r < n; r++) {
    let prev = 1;
    for (let j = 0; j < m; j++) {
      const { h, k } = cols[j] as { h: string; k: number };
      const s = (columns[j] as Float64Array)[r] as number;
      if (s !== s) notANumber(v, r, k, 'a survival probability in [0, 1]');
      if (s < 0 || s > 1) rowError(v, r, h, `${s} is not a survival probability in [0, 1]`);
      if (j > 0 && s - prev > MONOTONE_TOL) {
        rowError(v, r, h, `the survival curve rises from ${prev} to ${s}; it must be non-increasing in time`);
      }
      values[r * m + j] = s;
      prev = s;
    }
  }
  return curvesFor('readPredictions', times, values, 'curves');
}
