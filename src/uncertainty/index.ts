/**
 * survkit/uncertainty — the float64 half of uncertainty quantification (no
 * TensorFlow.js): flagging, bands and band width on survival curves,
 * temperature fitting on logits, class predictions from probabilities and
 * the summaries of repeated predictions. The wrappers that run networks
 * (deep ensembles, MC dropout, temperature-scaled classifiers) are in
 * `models/uncertainty/` and exported from `survkit`.
 */
export { flagLowConfidence, type FlagPolicy, type FlagResult } from './flag.js';
export { survivalBands, type SurvivalBands, type SurvivalBandOptions, type RiskBand } from './survival-bands.js';
export { survivalBandWidth, type BandWidthOptions, type BandScale } from './survival-score.js';
export { fitTemperature, temperatureScale, temperatureNll, type TemperatureFit, type FitTemperatureOptions, type LogitsInput } from './temperature-scaling.js';
export { combineSamples, SAMPLE_SCORES, type SampleScore } from './sample-stats.js';
export { dirichletPrediction, predictionFromProbs, softmaxRows, type ClassPrediction, type UncertaintyScore } from './class-prediction.js';
export { classLabels, isTensorLike, type ClassIndexInput, type TensorLike } from '../data/class-labels.js';

// Guarantees for flagging: conformal prediction sets, risk-controlled flagging, recalibration
export {
  calibrateConformalSets,
  conformalRank,
  predictConformalSets,
  type ConformalCalibration,
  type ConformalConvention,
  type ConformalMethod,
  type ConformalSetOptions,
  type ConformalSets,
  type PredictConformalSetOptions,
} from './conformal-sets.js';
export {
  riskControlledFlag,
  type RiskCalibration,
  type RiskControlOptions,
  type RiskControlledFlagResult,
  type RiskCorrection,
  type RiskPValue,
} from './risk-control.js';
export { bentkusPValue, binomialCdf, binomialPValue, hoeffdingBentkusPValue, hoeffdingPValue } from './p-values.js';
export {
  fitRecalibration,
  recalibrate,
  RECALIBRATION_METHODS,
  type RecalibrateOptions,
  type RecalibrateResult,
  type Recalibration,
  type RecalibrationMethod,
  type RecalibrationOptions,
} from './recalibration.js';
// conformalized survival distributions (CSD, CSD-iPOT)
export {
  fitConformalSurvival,
  type ConformalSurvival,
  type ConformalSurvivalOptions,
  type ConformalSurvivalPrediction,
  type CsdMethod,
} from './conformal-survival-distributions.js';
// conformalized survival analysis (lower predictive bounds) and risk-controlled selective survival prediction
export {
  fitConformalLowerBound,
  type ConformalLowerBound,
  type ConformalLowerBoundOptions,
  type LowerBoundCalibration,
  type LowerBoundPrediction,
  type LowerBoundPredictionResult,
  type LowerBoundScore,
  type PredictLowerBoundOptions,
} from './conformal-lower-bound.js';
export {
  subjectBrierLoss,
  riskControlledSurvivalFlag,
  type SubjectBrierOptions,
  type SurvivalRiskCalibration,
  type SurvivalRiskControlOptions,
  type SurvivalRiskControlledFlagResult,
} from './survival-risk-control.js';
