/** survkit models — survival networks (DeepSurv, Cox-CC, Cox-Time, DeepHit, logistic hazard): training, prediction, save/load. */
export { SurvivalModel, type SurvivalFamily, type PredictRiskOptions, type PredictSurvivalOptions } from './survival-model.js';
export { CoxPH, type CoxPHOptions } from './cox-ph.js';
export { CoxCC, type CoxCCOptions } from './cox-cc.js';
export { CoxTime, type CoxTimeOptions } from './cox-time.js';
export { DeepHit, type DeepHitOptions, type CumulativeIncidence } from './deephit.js';
export { LogisticHazard, type LogisticHazardOptions } from './logistic-hazard.js';
export { CoxBase, type BaselineJSON } from './cox-base.js';
export { DiscreteBase, type DiscreteOptions } from './discrete-base.js';
export { type NetOptions } from './net-options.js';
export { EarlyStopping } from './early-stopping.js';
export { FusedAdam } from './fused-adam.js';
export { Progress, type ProgressStream } from './progress.js';
export { runFitLoop, type TrainingPlan, type TrainStep, type LoopOptions } from './fit-loop.js';
export type { ClassBatchLoss } from './class-data.js';
export type { Outputs } from './forward.js';
export type { Batch, InMemoryData } from './data.js';
export type { TrainSet } from './train-plan.js';
export type { FitContext } from './fit-data.js';
export { interpolateCurves, subgrid } from './interpolate.js';
export { riskFromCurves } from './risk.js';
export { Classifier, registerClassifier, type ClassifierOptions, type ClassifierPredictOptions, type ClassifierLoader } from './classifier.js';
export { EvidentialClassifier, type EvidentialClassifierOptions, type EvidentialFitOptions } from './evidential-classifier.js';
export { SoftmaxClassifier, type SoftmaxClassifierOptions } from './softmax-classifier.js';
export { klAnnealing, klFixed, type KlSchedule, type KlScheduleJSON } from './kl-annealing.js';
export { dirichletPrediction, predictionFromProbs, softmaxRows, type ClassPrediction, type UncertaintyScore } from './class-prediction.js';
export { type ClassifierFitOptions, type ClassIndexInput, type ClassValidationData } from './class-data.js';
export { withInferenceDropout, dropoutLayers, MC_DROPOUT_CLASSES } from './inference-dropout.js';
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
} from './types.js';
