/** survkit — deep survival analysis and uncertainty quantification for Node.js and TensorFlow.js. */
export { SurvkitError } from './core/errors.js';
export { messages } from './core/messages.js';
export { survivalLabels, asLabels, type SurvivalLabels, type LabelsInput, type EventInput } from './data/labels.js';
export { labelsFromTable, getColumn, type TableLike, type DataFrameLike } from './data/adapters.js';
export * from './estimators/index.js';
export * from './metrics/index.js';
