/** survkit/metrics — evaluation of censored outcomes (no TensorFlow.js). */
export { dCalibration, type DCalibrationOptions, type DCalibrationResult } from './d-calibration.js';
export { oneCalibration, type OneCalibrationOptions, type OneCalibrationResult, type OneCalibrationGroup, type OneCalibrationMethod } from './one-calibration.js';
export { calibrationAt, type CalibrationAtOptions, type CalibrationAtResult, type CalibrationAtGroup } from './calibration-at.js';
export { brierScore, nbll, type BrierOptions, type BrierConvention, type BrierIntegration, type TimeScores } from './brier.js';
export { integratedBrierScore, integratedNbll } from './integrated.js';
export { cumulativeDynamicAuc, type CumulativeDynamicAucOptions, type CumulativeDynamicAucResult } from './cumulative-dynamic-auc.js';
export {};
