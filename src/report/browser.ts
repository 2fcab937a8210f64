/**
 * survkit/report for browsers: evaluating predictions already in memory and
 * building the report page, with no Node built-in in the import graph (the
 * file-reading `evaluateFile` is left out). Bundled by `npm run build:web`
 * into dist/browser/report.js.
 */
export {
  evaluatePredictions,
  RMST_RISK,
  type EvaluateOptions,
  type EvaluateReport,
  type EvaluateMeta,
  type GroupReport,
  type MetricReports,
  type MetricReport,
  type Skipped,
} from './evaluate-core.js';
export { METRIC_NAMES, type MetricName } from './metric-definitions.js';
export * from './report-exports.js';
