/** survkit losses — survival losses as plain functions of TensorFlow.js tensors (float32), differentiable on cpu, wasm and tfjs-node. */
export { coxPhLoss, coxPhLossFloat64, type CoxPhLossOptions } from './cox-ph.js';
export type { CoxTies, CoxConvention } from './cox-partial-likelihood.js';
export { coxCcLoss, type CoxCcLossOptions } from './cox-cc.js';
export { deepHitLoss, type DeepHitLossOptions } from './deephit.js';
export { deepHitNll, type DeepHitConvention } from './deephit-nll.js';
export { deepHitRankLoss, type DeepHitRankOptions } from './deephit-rank.js';
export { pairRankMatrix } from './discrete-targets.js';
export { logisticHazardLoss } from './logistic-hazard.js';
export {
  evidentialLoss,
  dirichletKlToUniform,
  EVIDENTIAL_LOSS_KINDS,
  MAX_KL_WEIGHT,
  type EvidentialLossKind,
  type EvidentialLossOptions,
  type EvidentialTargets,
} from './evidential.js';
// model zoo: PMF, MTLR, PC-Hazard, BCESurv, Weibull / log-normal AFT
export { pmfLoss, mtlrLoss } from './pmf.js';
export { pcHazardLoss } from './pc-hazard.js';
export { bceSurvLoss } from './bce-surv.js';
export { aftLoss, aftLossFloat64, aftSurvival, logNormalSurvival, type AftDistribution, type AftLossOptions } from './parametric.js';
// small-batch Cox training (memory bank / momentum)
export { coxMemoryBankLoss, type CoxMemoryBankEntries } from './cox-memory-bank.js';
// evidential variants (I-EDL, R-EDL) and deep evidential regression
export { iedlLoss, redlLoss, IEDL_FISHER_WEIGHT, REDL_LAMBDA, type IedlLossOptions, type RedlLossOptions } from './evidential-variants.js';
export { evidentialRegressionLoss, nigPrediction, NIG_REG_COEFF, type EvidentialRegressionLossOptions, type NigPrediction } from './evidential-regression.js';
