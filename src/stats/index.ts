/**
 * Classical survival statistics (no TensorFlow.js, the `survkit/stats` entry
 * point): Cox regression exact against R survival's `coxph`, the log-rank
 * family as R's `survdiff`, median survival as `quantile.survfit`, and the
 * restricted mean survival time (survRM2's `rmst2` quantities).
 */
export { coxph, type ChiSquareTest, type CoxphCoefficient, type CoxphOptions, type CoxphResult } from './coxph.js';
export type { CovariatesInput, GroupInput } from './cox-data.js';
export { logrank, type LogrankGroup, type LogrankOptions, type LogrankResult } from './logrank.js';
export { pAdjust, pairwiseLogrank, type PAdjustMethod, type PairwiseComparison, type PairwiseLogrankResult } from './pairwise-logrank.js';
export { statsData, type StatsColumns, type StatsData, type StringTable } from './table.js';
export { survivalQuantiles, type GroupQuantiles, type SurvivalQuantile, type SurvivalQuantilesOptions } from './survival-quantiles.js';
export { rmst, type Contrast, type GroupRmst, type RmstOptions, type RmstResult } from './rmst.js';
// exact ties, proportional-hazards test, residuals
export { type CoxphTies } from './coxph.js';
export { coxZph, type CoxZphOptions, type CoxZphResult, type ZphTest, type ZphTransform } from './cox-zph.js';
export { coxResiduals, type CoxResidualType, type EventResiduals } from './cox-residual-types.js';
export { logrankTrend, type LogrankTrendOptions, type LogrankTrendResult } from './logrank-trend.js';
// competing risks
export { grayTest, type GrayCauseTest, type GrayTestOptions, type GrayTestResult } from './gray-test.js';
// linear AFT regression (survreg)
export { survreg, type SurvregCoefficient, type SurvregDistribution, type SurvregOptions, type SurvregResult } from './survreg.js';
