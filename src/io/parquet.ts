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
    const sinks = new Map(wanted.map((w) => [w, new ColumnSink(numRows)]));
    // one row group at a time: the raw pages of a single group are held at once, and decoded values are
    // copied straight into the output columns
    let groupStart = 0;
    for (const g of metadata.row_groups) {
      const rows = Number(g.num_rows);
      if (wanted.length > 0 && rows > 0) {
        await parquetRead({
          file,
          metadata,
          columns: wanted,
          rowStart: groupStart,
          rowEnd: groupStart + rows,
          onChunk: ({ columnName, columnData, rowStart }) => sinks.get(columnName)?.put(columnData as ArrayLike<unknown>, rowStart),
        });
      }
      groupStart += rows;
    }
    const out = new Map<string, ArrayLike<unknown>>();
    for (const [name, sink] of sinks) out.set(name, sink.values);
    return { file: path, format: 'parquet', names, numRows, columns: out };
  });
}

type TypedCtor = new (n: number) => ArrayLike<unknown> & { set(a: ArrayLike<unknown>, o: number): void };

/** One output column of n values: a typed array of the chunks' kind while every chunk is one, else an array. */
class ColumnSink {
  values: ArrayLike<unknown> & { set?: (a: ArrayLike<unknown>, o: number) => void };
  private kind: TypedCtor | undefined;
  private started = false;
  constructor(private readonly n: number) {
    this.values = [];
  }
  put(data: ArrayLike<unknown>, start: number): void {
    const ctor = ArrayBuffer.isView(data) ? (data.constructor as TypedCtor) : undefined;
    if (!this.started) {
      this.started = true;
      this.kind = ctor;
      this.values = ctor !== undefined ? new ctor(this.n) : new Array<unknown>(this.n);
    } else if (this.kind !== undefined && ctor !== this.kind) {
      this.kind = undefined;
      this.values = Array.from(this.values);
    }
    if (this.kind !== undefined && this.values.set !== undefined) this.values.set(data, start);
    else {
      const out = this.values as unknown[];
      for (let i = 0; i < data.length; i++) out[start + i] = data[i];
    }
  }
}
