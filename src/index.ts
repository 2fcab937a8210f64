/**
 * survkit — deep survival analysis and uncertainty quantification for
 * Node.js and TensorFlow.js: the curated public API, named exports only.
 * The TensorFlow.js-free parts are also entry points of their own:
 * `survkit/metrics`, `survkit/estimators`, `survkit/uncertainty`,
 * `survkit/stats`, `survkit/plotting` and `survkit/report`. Importing this module changes
 * nothing in TensorFlow.js; `initBackend()` or the first use of a model does.
 */

// Errors and seeded random numbers
export { SurvkitError } from './core/errors.js';
export { Random } from './core/random.js';

// Labels, tables and data
export { asLabels, countEvents, subsetLabels, survivalLabels, type EventInput, type LabelsInput, type SurvivalLabels } from './data/labels.js';
export { columnNames, covariatesFromTable, getColumn, labelsFromTable, type DataFrameLike, type TableCovariates, type TableLike } from './data/adapters.js';
export { Standardizer, type StandardizerColumn, type StandardizerJSON } from './data/standardize.js';
export { syntheticImageSurvival, type SyntheticImageOptions, type SyntheticImages } from './data/synthetic-images.js';
export { type Distractor } from './data/synthetic-shapes.js';
export { rotateImage, translateImage, type ImageTransformOptions } from './data/rotate.js';
export { DiscreteTimeTransform, discretize, type DiscreteLabels, type DiscreteTimeTransformJSON, type DiscretizeOptions } from './data/discretize.js';
export { type CutScheme } from './data/cuts.js';
export { TimeScaler, type TimeScalerJSON, type TimeScalerOptions } from './data/time-scaler.js';
export { CaseControlSampler, sampleCaseControl, type CaseControlSample } from './data/case-control.js';
export { type ClassIndexInput, type TensorLike } from './data/class-labels.js';

// Estimators and survival curves (float64)
export {
  breslowBaseline,
  breslowSurvival,
  censoringKaplanMeier,
  cifFromLogits,
  coxTimeBaseline,
  coxTimeSurvival,
  kaplanMeier,
  KaplanMeier,
  kaplanMeierOf,
  nelsonAalen,
  NelsonAalen,
  pmfFromLogits,
  riskTable,
  StepFunction,
  SurvivalCurves,
  survivalFromHazardLogits,
  survivalFromPmfLogits,
  type BreslowBaseline,
  type BreslowOptions,
  type CensoringTies,
  type ConfType,
  type Interpolation,
  type KaplanMeierOptions,
  type RiskTable,
  type Side,
  type TimeDependentLogRisk,
} from './estimators/index.js';
export { interpolateCurves, MAX_INTERPOLATION } from './estimators/interpolate-curves.js';
export { riskFromCurves } from './estimators/risk-from-curves.js';

// Metrics of censored outcomes and of classifiers
export {
  adaptiveCalibrationError,
  aurc,
  bootstrap,
  brierScore,
  calibrationAt,
  compareConcordance,
  concordanceConfidenceInterval,
  concordanceIndex,
  concordanceIndexIpcw,
  concordanceTd,
  coverageAtRisk,
  cumulativeDynamicAuc,
  dCalibration,
  EVEN_GRID_RTOL,
  excessAurc,
  expectedCalibrationError,
  integratedBrierScore,
  integratedNbll,
  integrationRule,
  isEvenGrid,
  logLoss,
  MAX_REPLICATES,
  maxCalibrationError,
  multiclassBrier,
  nbll,
  oneCalibration,
  oodAuroc,
  predictiveEntropy,
  reliabilityDiagram,
  riskAtCoverage,
  riskCoverageCurve,
  ROW_SUM_TOLERANCE,
  selectiveSurvivalTable,
  topLabel,
  type AdaptiveCalibrationErrorOptions,
  type AurcResult,
  type Binning,
  type BootstrapOptions,
  type BootstrapResult,
  type BrierConvention,
  type BrierIntegration,
  type BrierOptions,
  type BrierTimesOptions,
  type CalibrationAtGroup,
  type CalibrationAtOptions,
  type CalibrationAtResult,
  type CalibrationErrorOptions,
  type CalibrationErrorResult,
  type CalibrationNorm,
  type ClassLabelsInput,
  type ClassOutcome,
  type CompareConcordanceOptions,
  type CompareConcordanceResult,
  type CompareMethod,
  type ComparisonAlternative,
  type ConcordanceCiMethod,
  type ConcordanceCiOptions,
  type ConcordanceCiResult,
  type ConcordanceOptions,
  type ConcordanceResult,
  type ConcordanceTdMethod,
  type ConcordanceTdOptions,
  type ConcordanceTdResult,
  type CumulativeDynamicAucOptions,
  type CumulativeDynamicAucResult,
  type DCalibrationOptions,
  type DCalibrationResult,
  type IntegratedScoreResult,
  type IpcwConcordanceOptions,
  type IpcwConcordanceResult,
  type OneCalibrationGroup,
  type OneCalibrationMethod,
  type OneCalibrationOptions,
  type OneCalibrationResult,
  type ProbsInput,
  type ProperScoreResult,
  type ReliabilityBin,
  type ReliabilityDiagramOptions,
  type RiskCoverageCurve,
  type ScoreDirection,
  type SelectiveOutcome,
  type SelectiveSurvivalOptions,
  type SelectiveSurvivalPrediction,
  type SelectiveSurvivalRow,
  type SelectiveSurvivalTable,
  type SelectiveValue,
  type TimeScores,
  type TopLabelResult,
} from './metrics/index.js';

// Uncertainty in float64: flagging, bands, temperature, class predictions
export {
  combineSamples,
  dirichletPrediction,
  fitTemperature,
  flagLowConfidence,
  predictionFromProbs,
  SAMPLE_SCORES,
  softmaxRows,
  survivalBands,
  survivalBandWidth,
  temperatureNll,
  temperatureScale,
  type BandScale,
  type BandWidthOptions,
  type ClassPrediction,
  type FitTemperatureOptions,
  type FlagPolicy,
  type FlagResult,
  type LogitsInput,
  type RiskBand,
  type SampleScore,
  type SurvivalBandOptions,
  type SurvivalBands,
  type TemperatureFit,
  type UncertaintyScore,
} from './uncertainty/index.js';

// Classical statistics: Cox regression, log-rank tests, survival quantiles, RMST
export {
  coxph,
  logrank,
  pAdjust,
  pairwiseLogrank,
  rmst,
  statsData,
  survivalQuantiles,
  type ChiSquareTest,
  type Contrast,
  type CovariatesInput,
  type CoxphCoefficient,
  type CoxphOptions,
  type CoxphResult,
  type GroupInput,
  type GroupQuantiles,
  type GroupRmst,
  type LogrankGroup,
  type LogrankOptions,
  type LogrankResult,
  type PAdjustMethod,
  type PairwiseComparison,
  type PairwiseLogrankResult,
  type RmstOptions,
  type RmstResult,
  type StatsColumns,
  type StatsData,
  type StringTable,
  type SurvivalQuantile,
  type SurvivalQuantilesOptions,
} from './stats/index.js';

// Plots (Vega-Lite), rendering and notebook display
export {
  calibrationSpec,
  displayBundle,
  displayMarkdown,
  displayPlot,
  displayTable,
  encodePng,
  formatTable,
  imageGridSpec,
  kaplanMeierSpec,
  pngAvailable,
  pngDataUrl,
  reliabilitySpec,
  renderPng,
  renderSvg,
  riskCoverageSpec,
  rotatedDigitSpec,
  setDisplaySink,
  survivalCurvesSpec,
  VEGA_LITE_SCHEMA,
  type CalibrationSpecOptions,
  type DisplaySink,
  type EncodePngOptions,
  type ImageGridItem,
  type ImageGridSpecOptions,
  type KaplanMeierSpecOptions,
  type LabelledCurve,
  type LabelledRiskCoverage,
  type MimeBundle,
  type PlotOptions,
  type PlotSpec,
  type ReliabilitySpecOptions,
  type RenderPngOptions,
  type RiskCoverageSpecOptions,
  type RotatedDigitSpecOptions,
  type RotationPoint,
  type RotationSeries,
  type SurvivalCurvesSpecOptions,
  type TableOptions,
} from './plotting/index.js';

// Evaluating a predictions table (survkit evaluate)
export {
  evaluateFile,
  evaluatePredictions,
  METRIC_NAMES,
  RMST_RISK,
  type CauseReports,
  CR_METRIC_NAMES,
  type CrMetricName,
  type EvaluateMeta,
  type EvaluateOptions,
  type EvaluateReport,
  type GroupReport,
  type MetricName,
  type MetricReport,
  type MetricReports,
  type Skipped,
} from './report/index.js';

// Reading files: CSV, predictions, DICOM, video, MNIST
export {
  predictionsFromTable,
  readLabels,
  readPredictions,
  type CifPredictions,
  type CurvePredictions,
  type PredictionColumns,
  type Predictions,
  type RiskPredictions,
} from './io/predictions.js';
export { MAX_LINE_LENGTH, MAX_STREAM_BYTES, parseCsv, readCsv, type CsvOptions, type CsvTable, type ParseCsvOptions, type ReadCsvOptions } from './io/csv.js';
export { curvesCsv } from './io/curves-csv.js';
export { applyWindow, parseDicom, readDicom, type DicomImage, type DicomWindow, type WindowOptions } from './io/dicom.js';
export {
  dicomSeriesTensor,
  dicomTensor,
  readDicomSeries,
  type DicomScaling,
  type DicomSeries,
  type DicomTensorOptions,
  type ReadDicomSeriesOptions,
} from './io/dicom-series.js';
export { ffmpegInfo, readVideo, VIDEO_DEMUXERS, videoTensor, type FfmpegInfo, type ReadVideoOptions, type Video } from './io/video.js';
export { MNIST_PIXELS, MNIST_SIDE, readMnist, readMnistArrays, type MnistArrays, type MnistTensors, type ReadMnistOptions } from './io/mnist.js';

// The TensorFlow.js backend and survkit's changes to it
export {
  backendInfo,
  BACKENDS,
  currentBackend,
  ensureBackend,
  formatBackendInfo,
  initBackend,
  installedPatches,
  PATCHES,
  registerSurvkitLayers,
  restoreStockKernels,
  SURVKIT_LAYERS,
  TESTED_TFJS_RANGE,
  tfjsVersionTested,
  type BackendInfo,
  type BackendName,
  type GradientPatch,
  type InitBackendOptions,
  type KernelPatch,
  type Patch,
  type PatchAction,
  type PatchedBackend,
  type PatchGroup,
} from './backend/index.js';

// TF.js ops
export { digamma, lgamma, polygamma, trigamma } from './ops/index.js';
export { ACTIVATIONS, type ActivationName } from './ops/init.js';

// Losses
export {
  coxCcLoss,
  coxPhLoss,
  coxPhLossFloat64,
  deepHitLoss,
  deepHitNll,
  deepHitRankLoss,
  dirichletKlToUniform,
  EVIDENTIAL_LOSS_KINDS,
  evidentialLoss,
  logisticHazardLoss,
  MAX_KL_WEIGHT,
  type CoxCcLossOptions,
  type CoxConvention,
  type CoxPhLossOptions,
  type CoxTies,
  type DeepHitConvention,
  type DeepHitLossOptions,
  type DeepHitRankOptions,
  type EvidentialLossKind,
  type EvidentialLossOptions,
  type EvidentialTargets,
} from './losses/index.js';

// Heads
export {
  alphaFromLogits,
  CoxHead,
  CoxTimeHead,
  DiscreteHead,
  EVIDENCE_FUNCTIONS,
  EvidentialHead,
  evidentialHead,
  LinearHead,
  LogitsHead,
  type CoxHeadArgs,
  type CoxTimeHeadArgs,
  type DiscreteHeadArgs,
  type EvidenceFunction,
  type EvidentialHeadArgs,
  type HeadLayerArgs,
  type LinearHeadArgs,
  type LogitsHeadArgs,
} from './heads/index.js';

// Backbones and adapters
export {
  attachHead,
  freezeLayers,
  GlobalPool,
  inferenceModeForFrozenBatchNorm,
  lenet,
  mc3,
  mlp,
  r2plus1d,
  r3d,
  resnet2d,
  SeededDropout,
  walkLayers,
  ZeroPadding3D,
  type AttachOptions,
  type GlobalPoolArgs,
  type HeadLayer,
  type LeNetOptions,
  type MlpOptions,
  type ResNet2dOptions,
  type ResNetCommonOptions,
  type ResNetNorm,
  type SeededDropoutArgs,
  type VideoNetOptions,
  type ZeroPadding3DArgs,
} from './backbones/index.js';

// Models: survival families, classifiers, ensembles and MC dropout, training options
export {
  Classifier,
  CoxBase,
  CoxCC,
  CoxPH,
  CoxTime,
  DeepEnsemble,
  DeepHit,
  DiscreteBase,
  EvidentialClassifier,
  klAnnealing,
  klFixed,
  LogisticHazard,
  mcDropoutPredict,
  registerClassifier,
  SoftmaxClassifier,
  SurvivalEnsemble,
  survivalMcDropout,
  SurvivalModel,
  TemperatureScaling,
  type BaselineJSON,
  type BatchSource,
  type ClassifierFitOptions,
  type ClassifierLoader,
  type ClassifierOptions,
  type ClassifierPredictOptions,
  type ClassValidationData,
  type CoxCCOptions,
  type CoxCCState,
  type CoxPHOptions,
  type CoxPHState,
  type CoxTimeOptions,
  type CoxTimeState,
  type CumulativeIncidence,
  type DeepEnsembleOptions,
  type DeepHitLossState,
  type DeepHitOptions,
  type DeepHitState,
  type DiscreteOptions,
  type DiscreteState,
  type EarlyStoppingOptions,
  type EnsembleBandOptions,
  type EpochLogs,
  type EvidentialClassifierOptions,
  type EvidentialFitOptions,
  type FamilyState,
  type FitCallbacks,
  type FitOptions,
  type History,
  type JsonValue,
  type KlSchedule,
  type KlScheduleJSON,
  type LogisticHazardOptions,
  type LogisticHazardState,
  type McDropoutOptions,
  type McDropoutPredictOptions,
  type ModelInput,
  type NetOptions,
  type Outputs,
  type PredictRiskOptions,
  type PredictSurvivalOptions,
  type SoftmaxClassifierOptions,
  type SourceBatch,
  type SurvivalEnsembleOptions,
  type SurvivalFamily,
  type SurvkitModelJSON,
  type ValidationData,
} from './models/index.js';

// Explanations
export {
  modelRandomizationTest,
  occlusionSensitivity,
  saliency,
  scoreFunction,
  survivalScore,
  type Explained,
  type ExplanationFunction,
  type OcclusionOptions,
  type OcclusionResult,
  type RandomizationOptions,
  type RandomizationStep,
  type SaliencyMethod,
  type SaliencyOptions,
  type ScoreFunction,
} from './explain/index.js';

// Training and predicting on a table (survkit train / predict)
export {
  predictFile,
  trainFile,
  trainTable,
  type ColumnEncoding,
  type Encoding,
  type EventCoding,
  type LeakFinding,
  type MissingPolicy,
  type ModelSettings,
  type PredictOptions,
  type PredictOutput,
  type PredictResult,
  type SplitSpec,
  type TabularModelMeta,
  type TrainOptions,
  type TrainReport,
  type TrainSettings,
  type TrainTies,
} from './tabular/index.js';

// Classical statistics: exact ties, proportional-hazards test, Cox residuals, log-rank trend test
export {
  coxResiduals,
  coxZph,
  logrankTrend,
  type CoxResidualType,
  type CoxphTies,
  type CoxZphOptions,
  type CoxZphResult,
  type EventResiduals,
  type LogrankTrendOptions,
  type LogrankTrendResult,
  type ZphTest,
  type ZphTransform,
} from './stats/index.js';

// Plots: Kaplan–Meier figure with the numbers at risk, risk groups, hazard-ratio forest plot
export {
  atRiskTable,
  forestSpec,
  kaplanMeierRiskSpec,
  niceTimes,
  riskGroups,
  type AtRiskRow,
  type ForestSpecOptions,
  type KaplanMeierRiskSpecOptions,
} from './plotting/index.js';
// competing risks: Aalen–Johansen, Gray's test, cause-k metrics
export { aalenJohansen, AalenJohansen, CifCurves, type AalenJohansenOptions, type CauseIncidence, type CifConfType } from './estimators/index.js';
export {
  concordanceIndexCr,
  brierScoreCr,
  integratedBrierScoreCr,
  cumulativeDynamicAucCr,
  calibrationAtCr,
  type ConcordanceCrResult,
  type BrierCrResult,
  type IntegratedBrierCrResult,
  type AucCrResult,
  type CalibrationAtCrOptions,
  type CalibrationAtCrGroup,
  type CalibrationAtCrResult,
  type CauseMetricOptions,
} from './metrics/index.js';
export { grayTest, type GrayCauseTest, type GrayTestOptions, type GrayTestResult } from './stats/index.js';
// Pretrained backbones: PyTorch safetensors, ONNX, TF.js models from disk, cached frozen features, imaging train
export {
  guessTorchArch,
  loadOnnxBackbone,
  loadTorchWeights,
  OnnxBackbone,
  readSafetensors,
  torchBackbone,
  TORCH_ARCHS,
  writeSafetensors,
  type OnnxBackboneOptions,
  type SafeTensor,
  type SafeTensorInput,
  type SafetensorsDtype,
  type SafetensorsFile,
  type TorchArch,
  type TorchBackboneOptions,
  type TorchWeightsOptions,
  type TorchWeightsResult,
} from './backbones/index.js';
export { fileIOHandler, loadGraphModelFromDisk, loadLayersModelFromDisk } from './io/tfjs-model-files.js';
export {
  backboneFingerprint,
  extractFeatures,
  type ExtractedFeatures,
  type ExtractFeaturesOptions,
  type FeatureBackbone,
  type FeatureInput,
  type FeatureProgress,
} from './models/index.js';
export { loadBackboneFile, NORMALIZATIONS, trainImagesFile, type ImageFeatureReport, type ImageTrainOptions, type Normalization } from './tabular/index.js';
// Reference conventions of the calibration and selective metrics (options)
export { type AurcOptions, type ConfidenceOne, type KeptCount, type RiskAtCoverageOptions, type SelectiveTies } from './metrics/index.js';

// Data formats: Parquet and Arrow IPC tables (predictions, labels, covariates), chosen by extension
export { evaluateFileAsync } from './report/index.js';
export { type ArrowColumnLike, type ArrowTableLike } from './data/adapters.js';
export {
  readLabelsAsync,
  readLabelsFile,
  readPredictionsAsync,
  readPredictionsFile,
  readTable,
  readTableAsync,
  tableFormat,
  type TableFormat,
} from './io/table-file.js';
export { parquetColumnNames, readParquetColumns } from './io/parquet.js';
export { readArrowColumns } from './io/arrow.js';
export { type ColumnarData, type ColumnarReadOptions, type ColumnSelection } from './io/columnar.js';
// reports: the self-contained HTML report of evaluate / train and its figure data (also in the browser build)
export {
  buildReport,
  reportPlan,
  reportHtml,
  reportFragment,
  reportFigures,
  type BuiltReport,
  type ReportPlan,
  type ReportFigures,
  type ReportFiguresOptions,
  type ReportFigureSpec,
  type ReportSection,
  type ReportBlock,
  type StepCurve,
  type DataSummary,
  type TertileFigure,
  type CalibrationFigure,
  type EvalData,
  type CompetingData,
} from './report/index.js';

// Guarantees for flagging: conformal prediction sets, risk-controlled flagging, recalibration
export {
  bentkusPValue,
  binomialCdf,
  binomialPValue,
  calibrateConformalSets,
  conformalRank,
  fitRecalibration,
  hoeffdingBentkusPValue,
  hoeffdingPValue,
  predictConformalSets,
  recalibrate,
  RECALIBRATION_METHODS,
  riskControlledFlag,
  type ConformalCalibration,
  type ConformalConvention,
  type ConformalMethod,
  type ConformalSetOptions,
  type ConformalSets,
  type PredictConformalSetOptions,
  type RecalibrateOptions,
  type RecalibrateResult,
  type Recalibration,
  type RecalibrationMethod,
  type RecalibrationOptions,
  type RiskCalibration,
  type RiskControlOptions,
  type RiskControlledFlagResult,
  type RiskCorrection,
  type RiskPValue,
} from './uncertainty/index.js';
// medical image files: compressed DICOM codecs, NIfTI volumes, imaging datasets streamed from disk
export { DICOM_COMPRESSED_SYNTAXES, dicomCodecsLoaded, loadDicomCodecs, transferSyntaxName, type DicomCodecMethod } from './io/dicom-codecs.js';
export { type Mat4 } from './io/nifti-affine.js';
export { niftiResample, niftiToCanonical, parseNifti, readNifti, type NiftiResampleOptions, type NiftiVolume } from './io/nifti.js';
export { imageDataset, type ImageDataset, type ImageDatasetOptions } from './io/image-dataset.js';
export { loadImageItem, type ImageItemSpec, type ImageKind, type ImageManifestEntry } from './io/image-item.js';
export { readImageFile, type ImageFile, type ReadImageFileOptions } from './io/image-file.js';
export { cropOrPad, normaliseIntensity, type AugmentOptions, type HostVolume, type IntensityNormalisation } from './io/image-transforms.js';
// model zoo: PMF, (N-)MTLR, PC-Hazard, BCESurv (pycox's families)
export {
  survivalFromMtlrLogits,
  survivalFromPcHazardLogits,
  survivalFromBceLogits,
  bceSurvProbabilities,
  PcHazardTransform,
  type PcHazardLabels,
} from './estimators/index.js';
export {
  pmfLoss,
  mtlrLoss,
  pcHazardLoss,
  bceSurvLoss,
  aftLoss,
  aftLossFloat64,
  aftSurvival,
  logNormalSurvival,
  type AftDistribution,
  type AftLossOptions,
} from './losses/index.js';
export type { ConcordanceIndexOptions } from './metrics/index.js';
export {
  PMF,
  MTLR,
  PCHazard,
  BCESurv,
  ParametricAFT,
  type PMFOptions,
  type MTLROptions,
  type PCHazardOptions,
  type BCESurvOptions,
  type ParametricAFTOptions,
  type AftState,
} from './models/index.js';
// CSV reading into typed columns (streamed)
export { readCsvColumns, type ColumnKind, type CsvColumns } from './io/csv-columns.js';
// conformalized survival distributions (CSD, CSD-iPOT)
export {
  fitConformalSurvival,
  type ConformalSurvival,
  type ConformalSurvivalOptions,
  type ConformalSurvivalPrediction,
  type CsdMethod,
} from './uncertainty/conformal-survival-distributions.js';

// Imaging integration: one manifest reader for every image file kind, bilinear resizing, MNIST survival simulation
export { readImageManifest, type ImageManifestRow, type ReadImageManifestOptions } from './io/image-manifest.js';
export { probeImageItem } from './io/image-item.js';
export { resizeBilinear } from './io/image-transforms.js';
export { mnistSurvivalScale, simulateMnistSurvival, type MnistSurvival, type MnistSurvivalOptions } from './data/mnist-survival.js';

// Conformalized survival analysis (lower predictive bounds) and risk-controlled selective survival prediction
export {
  fitConformalLowerBound,
  subjectBrierLoss,
  riskControlledSurvivalFlag,
  type ConformalLowerBound,
  type ConformalLowerBoundOptions,
  type LowerBoundCalibration,
  type LowerBoundPrediction,
  type LowerBoundPredictionResult,
  type LowerBoundScore,
  type PredictLowerBoundOptions,
  type SubjectBrierOptions,
  type SurvivalRiskCalibration,
  type SurvivalRiskControlOptions,
  type SurvivalRiskControlledFlagResult,
} from './uncertainty/index.js';
// Data-parallel training on worker threads (fit's `workers` option uses it)
export { DataParallelTrainer, type DataParallelOptions } from './models/index.js';
export { OnnxTrainer, type OnnxTrainerOptions } from './models/index.js';
// Cox extras: small-batch (memory-bank / momentum) Cox training
export { coxMemoryBankLoss, type CoxMemoryBankEntries } from './losses/cox-memory-bank.js';
export type { CoxPHFitOptions } from './models/survival/cox-ph.js';
export type { MemoryBankOptions } from './models/training/memory-bank.js';
// Cox extras: linear AFT regression (R survreg)
export { survreg, type SurvregCoefficient, type SurvregDistribution, type SurvregOptions, type SurvregResult } from './stats/index.js';
// Imaging CLI: MONAI / MedicalNet volumetric ResNets
export { resnet3d, type ResNet3dOptions } from './backbones/resnet3d.js';
export { ChannelPadShortcut, type ChannelPadShortcutArgs } from './backbones/channel-pad-shortcut.js';
export { torchInputChannels, torchStateDict, type Resnet3dArch } from './backbones/torch-weights.js';
export { imageFeatureTable, openBackbone, type ImageFeatureSettings, type ImageModelRecord } from './tabular/index.js';
// Evidential variants (I-EDL, R-EDL), deep evidential regression, test-time augmentation
export {
  iedlLoss,
  redlLoss,
  IEDL_FISHER_WEIGHT,
  REDL_LAMBDA,
  type IedlLossOptions,
  type RedlLossOptions,
  evidentialRegressionLoss,
  nigPrediction,
  NIG_REG_COEFF,
  type EvidentialRegressionLossOptions,
  type NigPrediction,
} from './losses/index.js';
export { EvidentialRegressionHead, type EvidentialRegressionHeadArgs } from './heads/index.js';
export {
  EVIDENTIAL_CLASSIFIER_LOSSES,
  type EvidentialClassifierLoss,
  testTimeAugmentation,
  imageAugmentation,
  type Augmentation,
  type ClassPredictor,
  type ImageAugmentationOptions,
  type TestTimeAugmentationOptions,
} from './models/index.js';
// Fine-tuned image models saved for survkit predict --images
export { fineTuneImages, fineTuneImagesFile, type FineTuneReport } from './tabular/index.js';
// Per-stratum, left-truncated Cox baselines (CoxPH strata / entry, survkit train --strata-col / --entry-col)
export { breslowBaselineStrata, strataSurvival, type CountingBaselineOptions, type StrataBaseline } from './estimators/index.js';
export type { CoxPHPredictOptions } from './models/index.js';
