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
export { Progress, type ProgressStream } from './progress.js';
export { runFitLoop, type TrainingPlan, type TrainStep } from './fit-loop.js';
export { interpolateCurves, subgrid } from './interpolate.js';
export { riskFromCurves } from './risk.js';
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
