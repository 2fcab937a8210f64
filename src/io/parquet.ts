/**
 * Reads columns of a Parquet file with hyparquet (pure JavaScript: no native code, no WebAssembly; snappy,
 * dictionary, RLE and delta encodings; gzip / zstd / brotli / lz4 pages are refused by hyparquet unless
 * compressors are given). Only the footer and the column chunks of the selected columns are read from disk, so
 * the cost of a column the caller does not ask for is nil. Asynchronous (hyparquet reads through promises).
 */
import { open } from 'node:fs/promises';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { SurvkitError, survkitError } from '../core/errors.js';
import { assertColumns, type ColumnarData, type ColumnarReadOptions, type ColumnSelection } from './columnar.js';

/** The message for a file that cannot be opened or read, by the node error code. */
export function fileProblem(err: unknown, what: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return `is a directory, not ${what}`;
  if (code === 'EACCES') return 'permission denied';
  return `cannot be read as ${what} (${(err as Error).message})`;
}

async function withFile<T>(path: string, opts: ColumnarReadOptions, body: (file: AsyncBuffer) => Promise<T>): Promise<T> {
  let fh;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!st.isFile()) throw survkitError('tableFile', path, 'is not a regular file; Parquet is read by byte ranges from a regular file');
  } catch (err) {
    await fh?.close();
    if (err instanceof SurvkitError) throw err;
    throw survkitError('tableFile', path, fileProblem(err, 'a Parquet file'));
  }
  const handle = fh;
  const size = (await handle.stat()).size;
  const file: AsyncBuffer = {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const buf = new Uint8Array(Math.max(0, stop - start));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, buf.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      opts.onRead?.(done);
      return buf.buffer;
    },
  };
  try {
    return await body(file);
  } catch (err) {
    if (err instanceof SurvkitError) throw err;
    throw survkitError('tableFile', path, `cannot be read as a Parquet file (${(err as Error).message})`);
  } finally {
    await handle.close();
  }
}

/** Bytes fetched from the end of the file for the footer: enough for a few hundred columns (hyparquet fetches more when needed). */
const FOOTER_FETCH = 1 << 16;

function topLevelNames(metadata: FileMetaData): string[] {
  return parquetSchema(metadata).children.map((c) => c.element.name);
}

/**
 * The column names (file order) and row count of a Parquet file, from its footer alone.
 * @throws {SurvkitError} `tableFile` for a missing, unreadable or invalid file
 */
export async function parquetColumnNames(path: string, opts: ColumnarReadOptions = {}): Promise<{ names: string[]; numRows: number }> {
  return withFile(path, opts, async (file) => {
    const metadata = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
    return { names: topLevelNames(metadata), numRows: Number(metadata.num_rows) };
  });
}

/**
 * Reads the named columns of a Parquet file (default: all). Numbers come as typed arrays where the file
 * has no missing values (int64 as BigInt64Array), text as string arrays, missing values as null.
 *
 * @param path a Parquet file
 * @param columns the columns to read (or a function of the file's column names giving them); the others are not read from disk
 * @throws {SurvkitError} `tableFile` for a missing, unreadable or invalid file, or a column it lacks
 * @example
 * const d = await readParquetColumns('preds.parquet', ['time', 'event', 'risk']);
 * d.columns.get('risk'); // Float64Array
 */
export async function readParquetColumns(path: string, columns?: ColumnSelection, opts: ColumnarReadOptions = {}): Promise<ColumnarData> {
  return withFile(path, opts, async (file) => {
    const metadata = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
    const names = topLevelNames(metadata);
    const wanted = columns === undefined ? names : typeof columns === 'function' ? [...columns(names)] : [...columns];
    assertColumns(path, names, wanted);
    const numRows = Number(metadata.num_rows);
    const chunks = new Map<string, { start: number; data: ArrayLike<unknown> }[]>();
    for (const w of wanted) chunks.set(w, []);
    if (wanted.length > 0 && numRows > 0) {
      await parquetRead({
        file,
        metadata,
        columns: wanted,
        onChunk: ({ columnName, columnData, rowStart }) => chunks.get(columnName)?.push({ start: rowStart, data: columnData as ArrayLike<unknown> }),
      });
    }
    const out = new Map<string, ArrayLike<unknown>>();
    for (const [name, parts] of chunks) out.set(name, join(parts, numRows));
    return { file: path, format: 'parquet', names, numRows, columns: out };
  });
}

/** The chunks of one column as one array: a typed array when every chunk is one of the same kind. */
function join(parts: { start: number; data: ArrayLike<unknown> }[], n: number): ArrayLike<unknown> {
  const first = parts[0]?.data;
  if (parts.length === 1 && first !== undefined && first.length === n) return first;
  type TypedCtor = new (n: number) => { set(a: ArrayLike<unknown>, o: number): void };
  const Typed = first !== undefined && ArrayBuffer.isView(first) ? (first.constructor as TypedCtor) : undefined;
  if (Typed !== undefined && parts.every((p) => p.data.constructor === Typed)) {
    const out = new Typed(n);
    for (const p of parts) out.set(p.data, p.start);
    return out as unknown as ArrayLike<unknown>;
  }
  const out = new Array<unknown>(n);
  for (const p of parts) for (let i = 0; i < p.data.length; i++) out[p.start + i] = p.data[i];
  return out;
}
