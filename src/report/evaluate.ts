/**
 * `survkit evaluate` as plain functions: read a predictions file, compute
 * every metric its format allows, per group too, with optional bootstrap
 * confidence intervals, and return one report object (printed by format.ts).
 * The computing is in evaluate-core.ts (Node-free); this file reads the files.
 */
import { readLabelsListing, readPredictions, type Predictions } from '../io/predictions.js';
import { evaluatePredictions as evaluateInMemory, evaluateSettings, evaluateWithSettings, type EvaluateOptions, type EvaluateReport } from './evaluate-core.js';

export {
  MAX_GRID,
  RMST_RISK,
  subset,
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
 * Evaluates a predictions CSV (risk or curves format, see `readPredictions`).
 *
 * @param path CSV file path
 * @param options see {@link EvaluateOptions}
 * @returns the report: `meta`, one entry per metric the format allows, `groups` when the file has a group column
 * @throws {SurvkitError} for unreadable or malformed files and invalid options; a metric the data do not allow is
 *   reported as `{ skipped: message }` instead
 * @example
 * const r = evaluateFile('datasets/example-predictions.csv', { train: 'datasets/example-train.csv' });
 * r.concordanceTd; // { cIndex: …, concordant: …, comparable: …, method: 'antolini' }
 */
export function evaluateFile(path: string, options: EvaluateOptions = {}): EvaluateReport {
  const settings = evaluateSettings(options, readLabelsListing); // options first: a bad flag is reported before the file is read
  const pred = readPredictions(path, options.columns ?? {});
  const report = evaluateWithSettings(pred, settings);
  const ignored = [...pred.ignored, ...settings.trainIgnored.map((c) => `${c} (--train file)`)];
  if (ignored.length > 0) report.meta.ignoredColumns = ignored;
  return report;
}

/** {@link evaluateFile} on predictions already read (`train` may be a CSV path). */
export function evaluatePredictions(pred: Predictions, options: EvaluateOptions = {}): EvaluateReport {
  return evaluateInMemory(pred, options, readLabelsListing);
}
