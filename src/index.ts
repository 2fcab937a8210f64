/**
 * survkit — deep survival analysis and uncertainty quantification for
 * Node.js and TensorFlow.js. This entry point exports everything; the
 * TensorFlow.js-free parts are also available as `survkit/metrics`,
 * `survkit/estimators` and `survkit/plotting`.
 */
export { SurvkitError } from './core/errors.js';
export { messages } from './core/messages.js';
export { Random } from './core/random.js';
export { take } from './core/take.js';
export { survivalLabels, asLabels, subsetLabels, countEvents, type SurvivalLabels, type LabelsInput, type EventInput } from './data/labels.js';
export { labelsFromTable, covariatesFromTable, columnNames, getColumn, type TableLike, type DataFrameLike, type TableCovariates } from './data/adapters.js';
export { Standardizer, type StandardizerColumn, type StandardizerJSON } from './data/standardize.js';
export { trainTable, trainFile, type TrainOptions, type TrainReport, type TabularModelMeta, type TrainSettings } from './tabular/train.js';
export type { SplitSpec } from './tabular/table-data.js';
export type { TrainTies, ModelSettings } from './tabular/model-settings.js';
export type { MissingPolicy, EventCoding } from './tabular/columns.js';
export type { Encoding, ColumnEncoding } from './tabular/encoding.js';
export type { LeakFinding } from './tabular/leakage.js';
export type { PredictOutput } from './tabular/predict-output.js';
export type { MetricReports, MetricReport, EvaluateMeta, Skipped } from './report/evaluate.js';
export { METRIC_NAMES, type MetricName } from './report/metric-definitions.js';
export { predictFile, type PredictOptions, type PredictResult } from './tabular/predict.js';
export { curvesCsv } from './io/curves-csv.js';
export {
  readPredictions,
  readLabels,
  predictionsFromTable,
  type Predictions,
  type RiskPredictions,
  type CurvePredictions,
  type PredictionColumns,
} from './io/predictions.js';
export { readCsv, parseCsv, type CsvTable, type CsvOptions } from './io/csv.js';
export { syntheticImageSurvival, type SyntheticImageOptions, type SyntheticImages } from './data/synthetic-images.js';
export type { Distractor } from './data/synthetic-shapes.js';
export { rotateImage, translateImage, type ImageTransformOptions } from './data/rotate.js';
export { parseDicom, readDicom, applyWindow, type DicomImage, type DicomWindow, type WindowOptions } from './io/dicom.js';
export {
  readDicomSeries,
  dicomTensor,
  dicomSeriesTensor,
  type DicomSeries,
  type ReadDicomSeriesOptions,
  type DicomScaling,
  type DicomTensorOptions,
} from './io/dicom-series.js';
export { readVideo, videoTensor, ffmpegInfo, type ReadVideoOptions, type Video, type FfmpegInfo } from './io/video.js';
export { readMnist, readMnistArrays, MNIST_SIDE, MNIST_PIXELS, type ReadMnistOptions, type MnistArrays, type MnistTensors } from './io/mnist.js';
export * from './estimators/index.js';
export * from './metrics/index.js';
export * from './uncertainty/index.js';
export * from './explain/index.js';
export * from './backend/index.js';
export * from './ops/index.js';
export * from './losses/index.js';
export * from './heads/index.js';
export * from './backbones/index.js';
export * from './models/index.js';
export * from './plotting/index.js';
