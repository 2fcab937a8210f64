/** survkit explain — occlusion sensitivity, gradient attributions and the model-randomisation sanity check. */
export { occlusionSensitivity, type OcclusionOptions, type OcclusionResult } from './occlusion.js';
export { saliency, type SaliencyMethod, type SaliencyOptions } from './saliency.js';
export { modelRandomizationTest, type ExplanationFunction, type RandomizationOptions, type RandomizationStep } from './sanity.js';
export { scoreFunction, type ScoreFunction, type Explained } from './score.js';
export { survivalScore } from './survival-score.js';
