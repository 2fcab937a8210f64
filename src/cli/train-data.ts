/**
 * The data of `survkit train` / `survkit predict`: covariate columns, labels
 * and the train / validation / test split of a CSV table. Plain TypeScript on
 * Float64Array (no TensorFlow.js).
 */
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { quoteCell, type CsvTable } from '../io/csv.js';
import { parseNumber } from '../io/predictions.js';

/** How rows are split into training, validation and test rows. */
export type SplitSpec = { kind: 'column'; splitCol: string; valCol: string } | { kind: 'random'; testFrac: number; valFrac: number; seed: number };

/** Which columns hold what. */
export interface ColumnSpec {
  durationCol: string;
  eventCol: string;
  /** Covariate columns; default: every column except the duration, event, split and validation columns. */
  features?: readonly string[];
}

/** The covariates (row-major n × d, float64 as written) and labels of a table. */
export interface Tabular {
  file: string;
  features: string[];
  n: number;
  x: Float64Array;
  time: Float64Array;
  event: Int32Array;
}

/** Row indices (ascending) of each part. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
  /** What the split was made from, for the report. */
  description: string;
}

function column(t: CsvTable, name: string, what: string): number {
  const k = t.header.indexOf(name);
  if (k < 0)
    throw survkitError('csvFile', t.file, `no ${what} column ${JSON.stringify(name)} in the header (${t.header.map((h) => JSON.stringify(h)).join(', ')})`);
  return k;
}

function cell(t: CsvTable, r: number, k: number, expected: string): number {
  const text = (t.rows[r] as readonly string[])[k] as string;
  const v = parseNumber(text);
  if (v === undefined) {
    const shown = text.trim() === '' ? 'the cell is empty' : `${quoteCell(text)} is not a finite number`;
    throw survkitError('csvRow', t.file, r + 2, t.header[k] as string, `${shown}; expected ${expected}`);
  }
  return v;
}

/** The default covariates: every column that is not the duration, event, split or validation column (nor named "split" / "val"). */
export function defaultFeatures(t: CsvTable, spec: ColumnSpec, split?: SplitSpec): string[] {
  const skip = new Set([spec.durationCol, spec.eventCol, 'split', 'val']);
  if (split?.kind === 'column') {
    skip.add(split.splitCol);
    skip.add(split.valCol);
  }
  return t.header.filter((h) => !skip.has(h));
}

/**
 * Reads covariates and, when `labels` is true, the duration (finite, >= 0) and
 * event (0 or 1) columns. Every covariate cell must be a finite number.
 *
 * @throws {SurvkitError} naming the file, row and column of a missing column or a bad cell
 */
export function readTabular(t: CsvTable, spec: ColumnSpec, labels: boolean, split?: SplitSpec): Tabular {
  const features = [...(spec.features ?? defaultFeatures(t, spec, split))];
  if (features.length === 0) throw survkitError('csvFile', t.file, 'no covariate columns (the table has only the duration, event and split columns)');
  const seen = new Set<string>();
  for (const f of features) {
    if (seen.has(f)) throw survkitError('csvFile', t.file, `the covariate column ${JSON.stringify(f)} is listed twice`);
    seen.add(f);
    if (labels && (f === spec.durationCol || f === spec.eventCol)) {
      throw survkitError('csvFile', t.file, `the column ${JSON.stringify(f)} is the duration or event column and cannot also be a covariate`);
    }
  }
  const ks = features.map((f) => column(t, f, 'covariate'));
  const n = t.rows.length;
  const d = features.length;
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) x[r * d + j] = cell(t, r, ks[j] as number, 'a number (covariate)');
  const time = new Float64Array(labels ? n : 0);
  const event = new Int32Array(labels ? n : 0);
  if (labels) {
    const kt = column(t, spec.durationCol, 'duration');
    const ke = column(t, spec.eventCol, 'event');
    for (let r = 0; r < n; r++) {
      const tv = cell(t, r, kt, 'a duration >= 0');
      if (tv < 0) throw survkitError('csvRow', t.file, r + 2, spec.durationCol, `${tv} is negative; expected a duration >= 0`);
      time[r] = tv;
      const ev = cell(t, r, ke, '0 (censored) or 1 (event)');
      if (ev !== 0 && ev !== 1) throw survkitError('csvRow', t.file, r + 2, spec.eventCol, `${ev} is not 0 or 1; expected 0 (censored) or 1 (event)`);
      event[r] = ev;
    }
  }
  return { file: t.file, features, n, x, time, event };
}

/**
 * Splits the rows. `column`: rows whose split cell is `test` are the test set,
 * the other rows with a validation cell of 1 the validation set (0 = training).
 * `random`: a seeded permutation puts round(testFrac·n) rows in the test set
 * and round(valFrac·(n − n_test)) of the rest in the validation set, as
 * pycox's notebooks sample them (`df.sample(frac=0.2)` twice).
 *
 * @throws {SurvkitError} for a missing column, a validation cell other than 0/1, or an empty training or test set
 */
export function splitRows(t: CsvTable, spec: SplitSpec): Split {
  const n = t.rows.length;
  const part = new Int8Array(n); // 0 train, 1 val, 2 test
  let description: string;
  if (spec.kind === 'column') {
    const ks = column(t, spec.splitCol, 'split');
    const kv = column(t, spec.valCol, 'validation');
    for (let r = 0; r < n; r++) {
      const row = t.rows[r] as readonly string[];
      if ((row[ks] as string).trim() === 'test') {
        part[r] = 2;
        continue;
      }
      const v = cell(t, r, kv, '1 (validation row) or 0');
      if (v !== 0 && v !== 1) throw survkitError('csvRow', t.file, r + 2, spec.valCol, `${v} is not 0 or 1; expected 1 (validation row) or 0`);
      part[r] = v;
    }
    description = `fixed: test = rows with ${spec.splitCol} == "test", validation = other rows with ${spec.valCol} == 1, training = the rest`;
  } else {
    const perm = new Random(spec.seed).permutation(n);
    const nTest = Math.round(spec.testFrac * n);
    const nVal = Math.round(spec.valFrac * (n - nTest));
    for (let k = 0; k < n; k++) part[perm[k] as number] = k < nTest ? 2 : k < nTest + nVal ? 1 : 0;
    description = `random (seed ${spec.seed}): test ${spec.testFrac} of the rows, validation ${spec.valFrac} of the remaining rows`;
  }
  const rows = (p: number): Int32Array => Int32Array.from(Array.from(part.keys()).filter((i) => part[i] === p));
  const split: Split = { train: rows(0), val: rows(1), test: rows(2), description };
  if (split.train.length === 0) throw survkitError('csvFile', t.file, `the split leaves no training rows (${description})`);
  if (split.test.length === 0) throw survkitError('csvFile', t.file, `the split leaves no test rows (${description})`);
  return split;
}

/** The covariate rows `rows` of `d` (row-major copy). */
export function takeRows(x: Float64Array, d: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * d);
  for (let k = 0; k < rows.length; k++) out.set(x.subarray((rows[k] as number) * d, (rows[k] as number) * d + d), k * d);
  return out;
}

/** Labels of the rows `rows`. */
export function takeLabels(d: Tabular, rows: ArrayLike<number>): { time: Float64Array; event: Int32Array } {
  return { time: Float64Array.from(rows, (i) => d.time[i] as number), event: Int32Array.from(rows, (i) => d.event[i] as number) };
}
