/**
 * The train / validation / test split of a CSV table and the row selections
 * of `survkit train` (the columns themselves are read by prepare.ts). Plain
 * TypeScript on Float64Array (no TensorFlow.js).
 */
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';
import type { CsvTable } from '../io/csv.js';
import { cellNumber, columnIndex } from '../io/csv-cells.js';

/** How rows are split into training, validation and test rows. */
export type SplitSpec = { kind: 'column'; splitCol: string; valCol: string } | { kind: 'random'; testFrac: number; valFrac: number; seed: number };

/** Which columns hold what. */
export interface ColumnSpec {
  durationCol: string;
  eventCol: string;
  /** Covariate columns; default: every column except the duration, event, split and validation columns. */
  features?: readonly string[];
}

/** Row indices (ascending) of each part. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
  /** What the split was made from, for the report. */
  description: string;
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
    const ks = columnIndex(t, spec.splitCol, { role: 'split' });
    const kv = columnIndex(t, spec.valCol, { role: 'validation' });
    for (let r = 0; r < n; r++) {
      const row = t.rows[r] as readonly string[];
      if ((row[ks] as string).trim() === 'test') {
        part[r] = 2;
        continue;
      }
      const v = cellNumber(t, r, kv, '1 (validation row) or 0');
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
export function takeLabels(d: { time: Float64Array; event: Int32Array }, rows: ArrayLike<number>): { time: Float64Array; event: Int32Array } {
  return { time: Float64Array.from(rows, (i) => d.time[i] as number), event: Int32Array.from(rows, (i) => d.event[i] as number) };
}
