/**
 * `survkit evaluate` as plain functions: read a predictions file, compute
 * every metric its format allows, per group too, with optional bootstrap
 * confidence intervals, and return one report object (printed by format.ts).
 * The computing is in evaluate-core.ts (Node-free); this file reads the files.
 */
import { survkitError } from '../core/errors.js';
import type { Predictions } from '../io/predictions.js';
import { readLabelsAsync, readLabelsFile, readPredictionsAsync, readPredictionsFile, tableFormat } from '../io/table-file.js';
import {
  evaluatePredictions as evaluateInMemory,
  evaluateSettings,
  evaluateWithSettings,
  type EvaluateOptions,
  type EvaluateReport,
  type Settings,
} from './evaluate-core.js';

export {
  MAX_GRID,
  RMST_RISK,
  subset,
  type CauseReports,
  type EvaluateMeta,
  type EvaluateOptions,
  type EvaluateReport,
  type GroupReport,
  type MetricReport,
  type MetricReports,
  type Skipped,
  type TrainReader,
} from './evaluate-core.js';

/**
 * Evaluates a predictions CSV or Arrow IPC file (risk, curves or cif format, see `readPredictions`); a Parquet file
 * needs {@link evaluateFileAsync}.
 *
 * @param path CSV (or `.arrow` / `.feather` / `.ipc` / `.arrows`) file path
 * @param options see {@link EvaluateOptions}
 * @returns the report: `meta`, one entry per metric the format allows, `groups` when the file has a group column
 * @throws {SurvkitError} for unreadable or malformed files and invalid options; a metric the data do not allow is
 *   reported as `{ skipped: message }` instead
 * @example
 * const r = evaluateFile('datasets/example-predictions.csv', { train: 'datasets/example-train.csv' });
 * r.concordanceTd; // { cIndex: …, concordant: …, comparable: …, method: 'antolini' }
 */
export function evaluateFile(path: string, options: EvaluateOptions = {}): EvaluateReport {
  for (const f of [path, options.train])
    if (typeof f === 'string' && tableFormat(f) === 'parquet') throw survkitError('parquetNeedsAsync', 'evaluateFile', f, 'evaluateFileAsync');
  const settings = evaluateSettings(options, readLabelsFile); // options first: a bad flag is reported before the file is read
  return finish(readPredictionsFile(path, options.columns ?? {}), settings);
}

/**
 * {@link evaluateFile} for CSV, Parquet and Arrow IPC files (by extension). From Parquet, only the footer and the
 * column chunks the metrics use are read (time, event, risk or the grid times, group), so a 10⁷-row file costs
 * time and memory in proportion to n and to those columns alone.
 *
 * @param path `.csv`, `.parquet`, `.arrow` / `.feather` / `.ipc` / `.arrows`
 * @param options see {@link EvaluateOptions} (`train` may name a file of any of these formats)
 * @throws {SurvkitError} as {@link evaluateFile}; `tableFile` / `tableCell` for unreadable or malformed Parquet / Arrow files
 * @example
 * const r = await evaluateFileAsync('datasets/example-risk.csv');
 * r.meta.format; // 'risk'
 */
export async function evaluateFileAsync(path: string, options: EvaluateOptions = {}): Promise<EvaluateReport> {
  evaluateSettings({ ...options, train: undefined }); // options first: a bad flag is reported before any file is read
  const train = typeof options.train === 'string' ? await readLabelsAsync(options.train, options.columns ?? {}) : undefined;
  const settings = evaluateSettings(options, train === undefined ? undefined : () => train);
  return finish(await readPredictionsAsync(path, options.columns ?? {}), settings);
}

function finish(pred: Predictions & { ignored: string[] }, settings: Settings): EvaluateReport {
  const report = evaluateWithSettings(pred, settings);
  const ignored = [...pred.ignored, ...settings.trainIgnored.map((c) => `${c} (--train file)`)];
  if (ignored.length > 0) report.meta.ignoredColumns = ignored;
  return report;
}

/** {@link evaluateFile} on predictions already read (`train` may be a CSV or Arrow path). */
export function evaluatePredictions(pred: Predictions, options: EvaluateOptions = {}): EvaluateReport {
  return evaluateInMemory(pred, options, readLabelsFile);
}
