/**
 * Classical survival statistics (no TensorFlow.js): Cox regression exact
 * against R survival's `coxph`, the log-rank family as R's `survdiff`.
 */
export { coxph, type ChiSquareTest, type CoxphCoefficient, type CoxphOptions, type CoxphResult } from './coxph.js';
export type { CovariatesInput, GroupInput } from './cox-data.js';
