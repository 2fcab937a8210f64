/**
 * One dispatch by file extension for every table survkit reads — predictions and labels (`survkit evaluate`,
 * `--train`), covariate tables (`survkit train --data`, `survkit predict --data`, `survkit stats --data`):
 * CSV (`readCsv`), Parquet (`.parquet`, hyparquet) and Arrow IPC (`.arrow`, `.feather`, `.ipc`, `.arrows`,
 * apache-arrow). Parquet is read asynchronously: the `…Async` functions take every format; the synchronous
 * ones take CSV and Arrow and name the `…Async` function for a Parquet file.
 */
import { survkitError } from '../core/errors.js';
import type { SurvivalLabels } from '../data/labels.js';
import { readArrowColumns } from './arrow.js';
import { columnarPlan, labelsFromColumnar, predictionsFromColumnar, type ColumnarPlan } from './columnar-predictions.js';
import { tableFormat, textColumn, type ColumnarData, type ColumnarReadOptions } from './columnar.js';
import { readCsv, type CsvTable, type ReadCsvOptions } from './csv.js';
import { readParquetColumns } from './parquet.js';
import { readLabelsListing, readPredictions, type PredictionColumns, type Predictions } from './predictions.js';

export { tableFormat, type TableFormat } from './columnar.js';

/** Columnar data as a table of text cells (numbers as JavaScript writes them, which read back exactly; a missing value as ''). */
export function columnarToCsvTable(d: ColumnarData): CsvTable {
  const names = d.names.filter((n) => d.columns.has(n));
  const cols = names.map((n) => textColumn(d.file, n, d.columns.get(n) as ArrayLike<unknown>, 'a table cell', ''));
  const rows = new Array<string[]>(d.numRows);
  for (let r = 0; r < d.numRows; r++) rows[r] = cols.map((c) => c[r] as string);
  if (names.length === 0) throw survkitError('tableFile', d.file, 'has no columns');
  return { file: d.file, header: names, rows };
}

/**
 * Reads a CSV or Arrow IPC table into text cells, as `readCsv` does for CSV. Synchronous.
 * @throws {SurvkitError} `parquetNeedsAsync` for a Parquet file (use {@link readTableAsync}); everything `readCsv` and the Arrow reader throw
 * @example
 * readTable('datasets/example-risk.csv').header; // ['time', 'event', 'risk', 'group']
 */
export function readTable(path: string, opts: ReadCsvOptions = {}): CsvTable {
  const f = tableFormat(path);
  if (f === 'parquet') throw survkitError('parquetNeedsAsync', 'readTable', path, 'readTableAsync');
  return f === 'arrow' ? columnarToCsvTable(readArrowColumns(path)) : readCsv(path, opts);
}

/**
 * Reads a CSV, Parquet or Arrow IPC table (by extension) into text cells.
 * @throws {SurvkitError} `tableFile` for a missing, unreadable or invalid Parquet / Arrow file; everything `readCsv` throws for CSV
 * @example
 * const t = await readTableAsync('covariates.parquet');
 */
export async function readTableAsync(path: string, opts: ReadCsvOptions = {}): Promise<CsvTable> {
  return tableFormat(path) === 'parquet' ? columnarToCsvTable(await readParquetColumns(path)) : readTable(path, opts);
}

/** The predictions of a columnar file, reading only the columns the plan needs. */
async function columnarPredictions(path: string, columns: PredictionColumns, opts: ColumnarReadOptions): Promise<Predictions & { ignored: string[] }> {
  if (tableFormat(path) === 'arrow') return arrowPredictions(path, columns, opts);
  let plan: ColumnarPlan | undefined;
  const d = await readParquetColumns(path, (names) => (plan = columnarPlan(path, names, columns, false)).needed, opts);
  return predictionsFromColumnar(d, plan as ColumnarPlan);
}

function arrowPredictions(path: string, columns: PredictionColumns, opts: ColumnarReadOptions): Predictions & { ignored: string[] } {
  let plan: ColumnarPlan | undefined;
  const d = readArrowColumns(path, (names) => (plan = columnarPlan(path, names, columns, false)).needed, opts);
  return predictionsFromColumnar(d, plan as ColumnarPlan);
}

/**
 * {@link readPredictions} for CSV and Arrow IPC files (by extension). Synchronous.
 * @throws {SurvkitError} `parquetNeedsAsync` for a Parquet file; the errors of {@link readPredictions} (named by
 *   data row and column for Arrow)
 */
export function readPredictionsFile(path: string, columns: PredictionColumns = {}): Predictions & { ignored: string[] } {
  const f = tableFormat(path);
  if (f === 'parquet') throw survkitError('parquetNeedsAsync', 'readPredictionsFile', path, 'readPredictionsAsync');
  return f === 'arrow' ? arrowPredictions(path, columns, {}) : readPredictions(path, columns);
}

/**
 * Reads a predictions file — CSV, Parquet or Arrow IPC, by extension — in the risk, curves or cif format (the columns
 * and checks of {@link readPredictions}). From Parquet and Arrow only the columns the format uses are read (time,
 * event, risk or the grid times, group); with `ignoreExtra` the others are never read from a Parquet file.
 *
 * @param path `.csv` / `.tsv` (any other extension), `.parquet`, `.arrow` / `.feather` / `.ipc` / `.arrows`
 * @param columns column roles, event coding, `ignoreExtra` and CSV dialect, as {@link readPredictions}
 * @throws {SurvkitError} `tableFile` / `tableCell` naming the file, data row and column for Parquet and Arrow; the CSV errors otherwise
 * @example
 * const p = await readPredictionsAsync('datasets/example-risk.csv');
 * p.format; // 'risk'
 */
export async function readPredictionsAsync(
  path: string,
  columns: PredictionColumns = {},
  opts: ColumnarReadOptions = {},
): Promise<Predictions & { ignored: string[] }> {
  return tableFormat(path) === 'csv' ? readPredictions(path, columns) : columnarPredictions(path, columns, opts);
}

/** `readLabelsListing` for CSV and Arrow IPC files. Synchronous; `parquetNeedsAsync` for Parquet. */
export function readLabelsFile(path: string, columns: PredictionColumns = {}): { labels: SurvivalLabels; ignored: string[] } {
  const f = tableFormat(path);
  if (f === 'parquet') throw survkitError('parquetNeedsAsync', 'readLabelsFile', path, 'readLabelsAsync');
  if (f === 'csv') return readLabelsListing(path, columns);
  let plan: ColumnarPlan | undefined;
  const d = readArrowColumns(path, (names) => (plan = columnarPlan(path, names, columns, true)).needed);
  return labelsFromColumnar(d, plan as ColumnarPlan);
}

/**
 * Reads a labels file (`time`, `event`, optionally `group`) — CSV, Parquet or Arrow IPC — as
 * `readLabelsListing`, reading only the `time` and `event` columns of a columnar file.
 * @example
 * const { labels } = await readLabelsAsync('datasets/example-train.csv');
 */
export async function readLabelsAsync(path: string, columns: PredictionColumns = {}): Promise<{ labels: SurvivalLabels; ignored: string[] }> {
  if (tableFormat(path) !== 'parquet') return readLabelsFile(path, columns);
  let plan: ColumnarPlan | undefined;
  const d = await readParquetColumns(path, (names) => (plan = columnarPlan(path, names, columns, true)).needed);
  return labelsFromColumnar(d, plan as ColumnarPlan);
}
