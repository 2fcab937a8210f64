/**
 * Reads columns of an Arrow IPC file — the file format (`.arrow`, Feather v2 `.feather`) or the stream format
 * (`.arrows`, `.ipc`) — with apache-arrow. The file is read into memory whole; only the selected columns are
 * converted (the others stay untouched buffers). Synchronous.
 */
import { readFileSync, statSync } from 'node:fs';
import { tableFromIPC, type Table } from 'apache-arrow';
import { SurvkitError, survkitError } from '../core/errors.js';
import { assertColumns, type ColumnarData, type ColumnarReadOptions, type ColumnSelection } from './columnar.js';
import { fileProblem } from './parquet.js';

function readTable(path: string, opts: ColumnarReadOptions): Table {
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!st.isFile()) throw survkitError('tableFile', path, 'is not a regular file; Arrow IPC files are read from regular files');
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof SurvkitError) throw err;
    throw survkitError('tableFile', path, fileProblem(err, 'an Arrow IPC file'));
  }
  opts.onRead?.(bytes.length);
  // Feather v1 (before Arrow 0.17) starts with "FEA1": not an IPC file
  if (bytes.subarray(0, 4).toString('latin1') === 'FEA1') {
    throw survkitError('tableFile', path, 'is a Feather version 1 file; write it as Feather v2 / Arrow IPC (pandas: df.to_feather() with pyarrow >= 0.17)');
  }
  try {
    const t = tableFromIPC(bytes);
    if (t.schema.fields.length === 0) throw new Error('no schema (empty or not an Arrow IPC file)');
    return t;
  } catch (err) {
    throw survkitError('tableFile', path, `cannot be read as an Arrow IPC file (${(err as Error).message})`);
  }
}

/**
 * Reads the named columns of an Arrow IPC file or stream (default: all). Numbers without missing values come as
 * typed arrays (int64 as BigInt64Array), others as arrays with null for a missing value.
 *
 * @param path an Arrow IPC file (`.arrow`, `.feather` v2) or stream (`.arrows`, `.ipc`)
 * @param columns the columns to convert (or a function of the file's column names giving them)
 * @throws {SurvkitError} `tableFile` for a missing, unreadable or invalid file, or a column it lacks
 * @example
 * const d = readArrowColumns('preds.arrow', ['time', 'event', 'risk']);
 * d.numRows;
 */
export function readArrowColumns(path: string, columns?: ColumnSelection, opts: ColumnarReadOptions = {}): ColumnarData {
  const t = readTable(path, opts);
  const names = t.schema.fields.map((f) => f.name);
  const wanted = columns === undefined ? names : typeof columns === 'function' ? [...columns(names)] : [...columns];
  assertColumns(path, names, wanted);
  const out = new Map<string, ArrayLike<unknown>>();
  for (const w of wanted) {
    const v = t.getChild(w);
    if (v === null) throw survkitError('tableFile', path, `no column ${JSON.stringify(w)}`);
    if (v.nullCount === 0) {
      out.set(w, v.toArray() as ArrayLike<unknown>);
    } else {
      const a = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) a[i] = v.isValid(i) ? (v.get(i) as unknown) : null;
      out.set(w, a);
    }
  }
  return { file: path, format: 'arrow', names, numRows: t.numRows, columns: out };
}
