/** survkit models — survival networks (DeepSurv, Cox-CC, Cox-Time, DeepHit, logistic hazard): training, prediction, save/load. */
export { SurvivalModel, type SurvivalFamily, type PredictRiskOptions, type PredictSurvivalOptions } from './survival/survival-model.js';
export { CoxPH, type CoxPHOptions } from './survival/cox-ph.js';
export { CoxCC, type CoxCCOptions } from './survival/cox-cc.js';
export { CoxTime, type CoxTimeOptions } from './survival/cox-time.js';
export { DeepHit, type DeepHitOptions, type CumulativeIncidence } from './survival/deephit.js';
export { LogisticHazard, type LogisticHazardOptions } from './survival/logistic-hazard.js';
export { CoxBase, type BaselineJSON } from './survival/cox-base.js';
export { DiscreteBase, type DiscreteOptions } from './survival/discrete-base.js';
export { type NetOptions } from './training/network-options.js';
export { EarlyStopping } from './training/early-stopping.js';
export { FusedAdam } from './training/fused-adam.js';
export { Progress, type ProgressStream } from './training/progress.js';
export { runFitLoop, type TrainingPlan, type TrainStep, type LoopOptions } from './training/fit-loop.js';
export type { ClassBatchLoss } from './classifiers/class-training.js';
export type { Outputs } from './training/batched-forward.js';
export type { Batch, InMemoryData } from './training/in-memory-data.js';
export type { TrainSet } from './training/survival-plan.js';
export type { FitContext } from './training/fit-context.js';
export { interpolateCurves, subgrid, MAX_INTERPOLATION } from '../estimators/interpolate-curves.js';
export { riskFromCurves } from '../estimators/risk-from-curves.js';
export { Classifier, registerClassifier, type ClassifierOptions, type ClassifierPredictOptions, type ClassifierLoader } from './classifiers/classifier.js';
export { EvidentialClassifier, type EvidentialClassifierOptions, type EvidentialFitOptions } from './classifiers/evidential-classifier.js';
export { SoftmaxClassifier, type SoftmaxClassifierOptions } from './classifiers/softmax-classifier.js';
export { klAnnealing, klFixed, type KlSchedule, type KlScheduleJSON } from './classifiers/kl-annealing.js';
export { type ClassifierFitOptions, type ClassIndexInput, type ClassValidationData } from './classifiers/class-training.js';
export { withInferenceDropout, dropoutLayers, MC_DROPOUT_CLASSES } from './classifiers/inference-dropout.js';
export { type SurvkitModelJSON } from './save-load.js';
export type {
  ModelInput,
  BatchSource,
  SourceBatch,
  FitOptions,
  FitCallbacks,
  EpochLogs,
  EarlyStoppingOptions,
  ValidationData,
  History,
  JsonValue,
} from './training/fit-types.js';
export { SurvivalEnsemble, type SurvivalEnsembleOptions, type EnsembleBandOptions } from './uncertainty/survival-ensemble.js';
export { survivalMcDropout, type McDropoutOptions } from './uncertainty/survival-mc-dropout.js';
export { mcDropoutPredict, type McDropoutPredictOptions } from './uncertainty/mc-dropout.js';
export { DeepEnsemble, type DeepEnsembleOptions } from './uncertainty/deep-ensemble.js';
export { TemperatureScaling } from './uncertainty/temperature-scaling.js';
export {
  StateReader,
  type FamilyState,
  type CoxPHState,
  type CoxCCState,
  type CoxTimeState,
  type DiscreteState,
  type DeepHitState,
  type DeepHitLossState,
  type LogisticHazardState,
} from './survival/family-state.js';
// pretrained backbones: cached frozen features
export {
  backboneFingerprint,
  extractFeatures,
  type ExtractedFeatures,
  type ExtractFeaturesOptions,
  type FeatureBackbone,
  type FeatureInput,
  type FeatureProgress,
} from './features/extract-features.js';
// model zoo: PMF, MTLR, PC-Hazard, BCESurv
export { PMF, type PMFOptions } from './survival/pmf.js';
export { MTLR, type MTLROptions } from './survival/mtlr.js';
export { PCHazard, type PCHazardOptions } from './survival/pc-hazard.js';
export { BCESurv, type BCESurvOptions } from './survival/bce-surv.js';
export { ParametricAFT, type ParametricAFTOptions } from './survival/aft.js';
export type { AftState } from './survival/family-state.js';
// data-parallel training on worker threads
export { DataParallelTrainer, outputLoss, type DataParallelOptions } from './training/data-parallel.js';
export { OnnxTrainer, type OnnxTrainerOptions } from './training/onnx-trainer.js';
// small-batch Cox training (memory bank / momentum)
export type { CoxPHFitOptions } from './survival/cox-ph.js';
export type { MemoryBankOptions } from './training/memory-bank.js';
// evidential variants (I-EDL, R-EDL) and test-time augmentation
export { EVIDENTIAL_CLASSIFIER_LOSSES, type EvidentialClassifierLoss } from './classifiers/evidential-classifier.js';
export {
  testTimeAugmentation,
  imageAugmentation,
  type Augmentation,
  type ClassPredictor,
  type ImageAugmentationOptions,
  type TestTimeAugmentationOptions,
} from './uncertainty/test-time-augmentation.js';
// per-stratum, left-truncated Cox baselines
export type { CoxPHPredictOptions } from './survival/cox-ph.js';
