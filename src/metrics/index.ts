/** survkit/metrics — evaluation of censored outcomes (no TensorFlow.js). */
export { dCalibration, type DCalibrationOptions, type DCalibrationResult } from './d-calibration.js';
export {
  oneCalibration,
  type OneCalibrationOptions,
  type OneCalibrationResult,
  type OneCalibrationGroup,
  type OneCalibrationMethod,
} from './one-calibration.js';
export { calibrationAt, type CalibrationAtOptions, type CalibrationAtResult, type CalibrationAtGroup } from './calibration-at.js';
export { brierScore, nbll, type BrierOptions, type BrierTimesOptions, type BrierConvention, type BrierIntegration, type TimeScores } from './brier.js';
export { integratedBrierScore, integratedNbll, integrationRule, isEvenGrid, EVEN_GRID_RTOL, type IntegratedScoreResult } from './integrated.js';
export { cumulativeDynamicAuc, type CumulativeDynamicAucOptions, type CumulativeDynamicAucResult } from './cumulative-dynamic-auc.js';
export { concordanceIndex, type ConcordanceOptions, type ConcordanceResult, type ScoreDirection } from './concordance-harrell.js';
export { concordanceIndexIpcw, type IpcwConcordanceOptions, type IpcwConcordanceResult } from './concordance-uno.js';
export { concordanceTd, type ConcordanceTdMethod, type ConcordanceTdOptions, type ConcordanceTdResult } from './concordance-td.js';
export { concordanceConfidenceInterval, type ConcordanceCiMethod, type ConcordanceCiOptions, type ConcordanceCiResult } from './concordance-ci.js';
export {
  compareConcordance,
  type CompareMethod,
  type ComparisonAlternative,
  type CompareConcordanceOptions,
  type CompareConcordanceResult,
} from './compare-concordance.js';
export {
  expectedCalibrationError,
  maxCalibrationError,
  adaptiveCalibrationError,
  type CalibrationErrorOptions,
  type CalibrationNorm,
  type AdaptiveCalibrationErrorOptions,
  type CalibrationErrorResult,
} from './calibration-error.js';
export { type ClassOutcome } from './call-forms.js';
export { reliabilityDiagram, type ReliabilityBin, type ReliabilityDiagramOptions } from './reliability-diagram.js';
export { type Binning } from './confidence-bins.js';
export { topLabel, ROW_SUM_TOLERANCE, type ProbsInput, type ClassLabelsInput, type TopLabelResult } from './top-label.js';
export { multiclassBrier, logLoss, predictiveEntropy, type ProperScoreResult } from './proper-scores.js';
export {
  riskCoverageCurve,
  aurc,
  excessAurc,
  coverageAtRisk,
  riskAtCoverage,
  type AurcResult,
  type SelectiveValue,
  type RiskCoverageCurve,
  type SelectiveOutcome,
} from './selective.js';
export { oodAuroc } from './ood.js';
export { bootstrap, MAX_REPLICATES, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
export {
  selectiveSurvivalTable,
  type SelectiveSurvivalOptions,
  type SelectiveSurvivalPrediction,
  type SelectiveSurvivalRow,
  type SelectiveSurvivalTable,
} from './selective-survival.js';
// competing risks (cause k)
export { concordanceIndexCr, type ConcordanceCrResult } from './concordance-cr.js';
export {
  brierScoreCr,
  integratedBrierScoreCr,
  cumulativeDynamicAucCr,
  type BrierCrResult,
  type IntegratedBrierCrResult,
  type AucCrResult,
} from './cif-scores.js';
export { calibrationAtCr, type CalibrationAtCrOptions, type CalibrationAtCrGroup, type CalibrationAtCrResult } from './calibration-cr.js';
export type { CauseMetricOptions } from './cr-common.js';

// Reference conventions of the calibration and selective metrics (options)
export { type ConfidenceOne } from './confidence-bins.js';
export { type AurcOptions, type KeptCount, type RiskAtCoverageOptions, type SelectiveTies } from './selective.js';
// model zoo: Harrell's C with entry times and strata
export type { ConcordanceIndexOptions } from './concordance-harrell.js';
