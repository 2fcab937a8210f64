/**
 * The row-based cif parse (labels with event codes 0..K, the cif columns read cell by cell from the string
 * table) as it was before the predictions reader moved to typed columns: the reference that
 * test/io/cif-columns.test.ts holds the columnar reader to. Not used by the library.
 */
import { closestName } from '../../src/core/closest.js';
import { survkitError } from '../../src/core/errors.js';
import type { SurvivalLabels } from '../../src/data/labels.js';
import { CifCurves } from '../../src/estimators/cif-curves.js';
import { MONOTONE_TOL, curvesFor, SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { cellNumber, columnIndex, isEventValue, parseNumber } from '../../src/io/csv-cells.js';
import { type CsvTable, readCsv } from '../../src/io/csv.js';
import type { PredictionColumns, Predictions } from '../../src/io/predictions.js';

/** The old `readPredictions`: the string table, the old column rules, then the old row-based checks. */
export function oldReadPredictions(path: string, columns: PredictionColumns = {}): Predictions & { ignored: string[] } {
  const { table, ignored } = normalizeColumns(readCsv(path, columns.csv ?? {}), columns);
  return { ...predictionsFromTable(table), ignored };
}

/**
 * The table with the chosen columns renamed to `time`, `event`, `risk`, `group`, the id column removed, event
 * cells recoded to 0/1 with `eventValue`, and (with `ignoreExtra`) the other columns removed; `ignored` lists
 * the removed columns.
 */
export function normalizeColumns(t: CsvTable, c0: PredictionColumns, labelsOnly = false): { table: CsvTable; ignored: string[] } {
  // a --time-col / --event-col this file lacks, when it has "time" / "event": the options were given for the other file
  const c = { ...c0 };
  const h0 = t.header.map((h) => h.trim());
  if (c.time !== undefined && !h0.includes(c.time) && h0.includes('time')) delete c.time;
  if (c.event !== undefined && !h0.includes(c.event) && h0.includes('event')) {
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
  const header = t.header.map((h) => h.trim());
  for (const [role, name] of [...roles, ['id', c.id] as [string, string | undefined]]) {
    if (name !== undefined && !header.includes(name)) {
      throw survkitError('noSuchColumn', t.file, `${role} (--${role}-col)`, name, header, closestName(name, header));
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
  let rows = t.rows;
  if (c.eventValue !== undefined || keep.length !== header.length) {
    const ke = names.indexOf('event');
    const ev = c.eventValue;
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

/** A column of the cif format: `cif_<cause>@<time>`. */
const CIF_COLUMN = /^cif_(\d+)@(.+)$/;

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
