/** survkit heads — serialisable TF.js layers that turn features into log-risks or logits. */
export { CoxHead, type CoxHeadArgs } from './cox-head.js';
export { CoxTimeHead, type CoxTimeHeadArgs } from './cox-time-head.js';
export { DiscreteHead, type DiscreteHeadArgs } from './discrete-head.js';
export {
  EvidentialHead,
  evidentialHead,
  alphaFromLogits,
  EVIDENCE_FUNCTIONS,
  EXP_EVIDENCE_CLAMP,
  type EvidentialHeadArgs,
  type EvidenceFunction,
} from './evidential-head.js';
export { LogitsHead, type LogitsHeadArgs } from './logits-head.js';
export { type HeadLayerArgs } from './common.js';
export { LinearHead, type LinearHeadArgs } from './linear-head.js';
export { torchLinearInit, kaimingNormalInit, deriveSeed, ACTIVATIONS, type ActivationName } from '../ops/init.js';
// deep evidential regression
export { EvidentialRegressionHead, type EvidentialRegressionHeadArgs } from './evidential-regression-head.js';
