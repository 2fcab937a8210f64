/** survkit/metrics — evaluation of censored outcomes (no TensorFlow.js). */
export { brierScore, nbll, type BrierOptions, type BrierConvention, type BrierIntegration, type TimeScores } from './brier.js';
export { integratedBrierScore, integratedNbll } from './integrated.js';
export { cumulativeDynamicAuc, type CumulativeDynamicAucOptions, type CumulativeDynamicAucResult } from './cumulative-dynamic-auc.js';
export {};
