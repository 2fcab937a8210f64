/**
 * survkit report — evaluating a table of censored predictions into a set of
 * metrics (the pipeline behind `survkit evaluate`), usable from code with
 * the same results as the command. No TensorFlow.js.
 */
export {
  evaluateFile,
  evaluatePredictions,
  RMST_RISK,
  type EvaluateOptions,
  type EvaluateReport,
  type EvaluateMeta,
  type CauseReports,
  type GroupReport,
  type MetricReports,
  type MetricReport,
  type Skipped,
} from './evaluate.js';
export { METRIC_NAMES, type EvalData, type MetricName } from './metric-definitions.js';
export { CR_METRIC_NAMES, type CompetingData, type CrMetricName } from './cr-metric-definitions.js';

// Data formats: evaluating Parquet and Arrow IPC files
export { evaluateFileAsync } from './evaluate.js';
// reports: the HTML report of evaluate / train (Node-free builders, also in dist/browser/report.js)
export * from './report-exports.js';
