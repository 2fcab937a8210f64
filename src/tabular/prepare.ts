/**
 * The table side of `survkit train` before any tensor: which columns are
 * covariates (everything but the labels, split, id and `--exclude` columns,
 * or `--features`), missing values (stop, drop the rows, or impute), the
 * labels (event codes), the split, the covariate encoding and the leakage screen.
 */
import { closestName } from '../core/closest.js';
import { survkitError } from '../core/errors.js';
import type { CsvTable } from '../io/csv.js';
import { eventCell, findColumn, isMissing, keepRows, numberCell, type EventCoding, type MissingPolicy } from './columns.js';
import { applyEncoding, encodedNames, encodedSources, fitEncoding, type Encoding } from './encoding.js';
import { missingCodesEvent, screenCovariates, type LeakFinding } from './leakage.js';
import { splitRows, type Split, type SplitSpec } from './table-data.js';

/** The column options of `survkit train`. */
export interface TableSpec extends EventCoding {
  durationCol: string;
  eventCol: string;
  features?: readonly string[];
  exclude?: readonly string[];
  idCol?: string;
  allowColumns?: readonly string[];
  missing?: MissingPolicy;
  reference?: Readonly<Record<string, string>>;
  /** Cox strata column (`--strata-col`): never a covariate. */
  strataCol?: string;
  /** Left-truncation entry-time column (`--entry-col`): never a covariate. */
  entryCol?: string;
}

/** A table ready for training. */
export interface PreparedTable {
  table: CsvTable;
  split: Split;
  time: Float64Array;
  event: Int32Array;
  /** Source covariate columns. */
  columns: string[];
  encoding: Encoding;
  /** Model input names ({@link encodedNames}). */
  features: string[];
  x: Float64Array;
  /** Columns not used as covariates, with why. */
  excluded: { column: string; why: string }[];
  /** Rows dropped for missing values (`--missing drop`, or missing labels under `--missing impute`). */
  droppedRows: number;
  /** Covariates flagged by the screen but kept with `--allow-column`. */
  allowed: LeakFinding[];
}

function checkNames(t: CsvTable, flag: string, names: readonly string[] | undefined): void {
  for (const n of names ?? []) if (!t.header.includes(n)) throw survkitError('noSuchColumn', t.file, `--${flag}`, n, t.header, closestName(n, t.header));
}

/**
 * Prepares a table for training (see the module comment).
 *
 * @throws {SurvkitError} for unknown column names (with the closest header name), missing values under 'error',
 *   bad event codes, an empty split part, and covariates that look like the outcome or an id
 */
export function prepareTable(fn: string, t0: CsvTable, spec: TableSpec, splitSpec: SplitSpec): PreparedTable {
  const kt = findColumn(t0, spec.durationCol, 'duration');
  const ke = findColumn(t0, spec.eventCol, 'event');
  checkNames(t0, 'exclude', spec.exclude);
  checkNames(t0, 'allow-column', spec.allowColumns);
  if (spec.idCol !== undefined) findColumn(t0, spec.idCol, 'id (--id-col)');
  if (spec.features !== undefined) for (const f of spec.features) findColumn(t0, f, 'covariate');
  const excluded: { column: string; why: string }[] = [];
  const skip = new Map<string, string>([
    [spec.durationCol, 'duration'],
    [spec.eventCol, 'event'],
    ['split', 'split'],
    ['val', 'validation'],
  ]);
  if (splitSpec.kind === 'column') {
    skip.set(splitSpec.splitCol, 'split');
    skip.set(splitSpec.valCol, 'validation');
  }
  if (spec.idCol !== undefined) skip.set(spec.idCol, 'id (--id-col)');
  for (const [col, why] of [
    [spec.strataCol, 'strata (--strata-col)'],
    [spec.entryCol, 'entry time (--entry-col)'],
  ] as const) {
    if (col === undefined) continue;
    findColumn(t0, col, why);
    if (col === spec.durationCol || col === spec.eventCol)
      throw survkitError('csvFile', t0.file, `the column ${JSON.stringify(col)} is the duration or event column and cannot also be the ${why} column`);
    if (spec.features?.includes(col) === true)
      throw survkitError('csvFile', t0.file, `the column ${JSON.stringify(col)} is the ${why} column and cannot also be a covariate (--features)`);
    skip.set(col, why);
  }
  for (const c of spec.exclude ?? []) skip.set(c, '--exclude');
  let columns: string[];
  if (spec.features !== undefined) {
    columns = [...spec.features];
    const seen = new Set<string>();
    for (const f of columns) {
      if (seen.has(f)) throw survkitError('csvFile', t0.file, `the covariate column ${JSON.stringify(f)} is listed twice`);
      seen.add(f);
      if (f === spec.durationCol || f === spec.eventCol)
        throw survkitError('csvFile', t0.file, `the column ${JSON.stringify(f)} is the duration or event column and cannot also be a covariate`);
    }
    for (const h of t0.header) if (!seen.has(h)) excluded.push({ column: h, why: skip.get(h) ?? 'not in --features' });
  } else {
    columns = [];
    for (const h of t0.header) {
      const why = skip.get(h);
      if (why === undefined) columns.push(h);
      else excluded.push({ column: h, why });
    }
  }
  if (columns.length === 0)
    throw survkitError('csvFile', t0.file, 'no covariate columns (the table has only the duration, event, split, id and excluded columns)');
  const missing = spec.missing ?? 'error';
  // rows: missing labels are dropped under 'drop' and 'impute'; missing covariates under 'drop'
  const kc = columns.map((c) => findColumn(t0, c, 'covariate'));
  const keep: number[] = [];
  const labelled: number[] = [];
  for (let r = 0; r < t0.rows.length; r++) {
    const row = t0.rows[r] as readonly string[];
    const labelMissing = isMissing(row[kt] as string) || isMissing(row[ke] as string);
    const covMissing = kc.some((k) => isMissing(row[k] as string));
    if (missing !== 'error' && labelMissing) continue;
    labelled.push(r);
    if (missing === 'drop' && covMissing) continue;
    keep.push(r);
  }
  // an id column names one subject per row
  if (spec.idCol !== undefined) {
    const ki = t0.header.indexOf(spec.idCol);
    const seen = new Set<string>();
    let repeats = 0;
    let example = '';
    for (const r of labelled) {
      const id = ((t0.rows[r] as readonly string[])[ki] as string).trim();
      if (seen.has(id)) {
        repeats++;
        if (example === '') example = id;
      } else seen.add(id);
    }
    if (repeats > 0) {
      throw survkitError(
        'csvFile',
        t0.file,
        `the id column ${JSON.stringify(spec.idCol)} repeats ${repeats} value(s) (e.g. ${JSON.stringify(example)}): survkit expects one row per subject; ` +
          'keep one row per subject before training (e.g. one endpoint of a table with a row per event type)',
      );
    }
  }
  // event codes of all rows with labels, for the missing-value screen
  const ev0 = new Int32Array(t0.rows.length);
  const hasLabels = new Uint8Array(t0.rows.length);
  for (const r of labelled) {
    const row = t0.rows[r] as readonly string[];
    if (isMissing(row[ke] as string) || isMissing(row[kt] as string)) continue;
    ev0[r] = eventCell(t0, r, ke, spec);
    hasLabels[r] = 1;
  }
  const missingFindings = missingCodesEvent(t0, columns, ev0, (r) => hasLabels[r] === 1);
  const droppedRows = t0.rows.length - keep.length;
  if (keep.length === 0) throw survkitError('noRowsLeft', fn, t0.file, droppedRows, 'missing values');
  const t = droppedRows > 0 ? keepRows(t0, keep) : t0;
  const n = t.rows.length;
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const tv = numberCell(t, r, kt, 'a duration >= 0');
    if (tv < 0) throw survkitError('csvRow', t.file, r + 2, spec.durationCol, `${tv} is negative; expected a duration >= 0`);
    time[r] = tv;
    event[r] = eventCell(t, r, ke, spec);
  }
  const split = splitRows(t, splitSpec);
  const encoding = fitEncoding(fn, t, columns, split.train, { missing, ...(spec.reference ? { reference: spec.reference } : {}) });
  const x = applyEncoding(fn, t, encoding);
  const features = encodedNames(encoding);
  const findings = [
    ...missingFindings,
    ...screenCovariates({ table: t, columns, x, sources: encodedSources(encoding), names: features, time, event, train: split.train }).filter(
      (f) => !missingFindings.some((m) => m.column === f.column),
    ),
  ];
  const allow = new Set(spec.allowColumns ?? []);
  const blocking = findings.filter((f) => !allow.has(f.column));
  if (blocking.length > 0) {
    throw survkitError(
      'leakage',
      fn,
      blocking.map((f) => f.reason),
      blocking.map((f) => f.column),
    );
  }
  return { table: t, split, time, event, columns, encoding, features, x, excluded, droppedRows, allowed: findings.filter((f) => allow.has(f.column)) };
}
