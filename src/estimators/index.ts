/** survkit/estimators — non-parametric estimators and curve containers (no TensorFlow.js). */
export { StepFunction, type Side } from './step-function.js';
export { kaplanMeier, kaplanMeierOf, KaplanMeier, type KaplanMeierOptions, type ConfType } from './kaplan-meier.js';
export { nelsonAalen, NelsonAalen } from './nelson-aalen.js';
export { censoringKaplanMeier, type CensoringTies } from './censoring.js';
export { SurvivalCurves, type Interpolation } from './survival-curves.js';
export { riskTable, type RiskTable } from './risk-table.js';
