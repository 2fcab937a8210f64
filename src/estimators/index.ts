/** survkit/estimators — non-parametric estimators and curve containers (no TensorFlow.js). */
export { StepFunction, type Side } from './step-function.js';
export { kaplanMeier, kaplanMeierOf, KaplanMeier, type KaplanMeierOptions, type ConfType } from './kaplan-meier.js';
export { nelsonAalen, NelsonAalen } from './nelson-aalen.js';
export { censoringKaplanMeier, type CensoringTies } from './censoring.js';
export { SurvivalCurves, type Interpolation } from './survival-curves.js';
export { riskTable, type RiskTable } from './risk-table.js';
export { breslowBaseline, breslowSurvival, type BreslowBaseline, type BreslowOptions } from './breslow.js';
export { coxTimeBaseline, coxTimeSurvival, type TimeDependentLogRisk } from './cox-time-breslow.js';
export { pmfFromLogits, survivalFromPmfLogits, survivalFromHazardLogits, cifFromLogits } from './discrete-time.js';
export {
  discretize,
  DiscreteTimeTransform,
  type DiscretizeOptions,
  type DiscreteLabels,
  type DiscreteTimeTransformJSON,
  type CutScheme,
} from '../data/discretize.js';
export { TimeScaler, type TimeScalerOptions, type TimeScalerJSON } from '../data/time-scaler.js';
export { CaseControlSampler, sampleCaseControl, type CaseControlSample } from '../data/case-control.js';
// competing risks
export { aalenJohansen, AalenJohansen, type AalenJohansenOptions, type CauseIncidence, type CifConfType } from './aalen-johansen.js';
export { CifCurves } from './cif-curves.js';
// model zoo: MTLR, PC-Hazard and BCESurv curves, PC-Hazard labels
export { survivalFromMtlrLogits, survivalFromPcHazardLogits, survivalFromBceLogits, bceSurvProbabilities } from './discrete-families.js';
export { PcHazardTransform, type PcHazardLabels } from '../data/pc-hazard-transform.js';
// per-stratum, left-truncated Cox baselines
export { breslowBaselineStrata, strataSurvival, type CountingBaselineOptions, type StrataBaseline } from './breslow-strata.js';
