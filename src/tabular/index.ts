/**
 * survkit tabular — training and predicting on a table of covariates (the
 * pipelines behind `survkit train` and `survkit predict`), usable from code
 * with the same results as the commands.
 */
export { trainTable, trainFile, type TrainOptions, type TrainReport, type TabularModelMeta, type TrainSettings } from './train.js';
export { predictFile, type PredictOptions, type PredictResult } from './predict.js';
export type { SplitSpec } from './table-data.js';
export type { TrainTies, ModelSettings } from './model-settings.js';
export type { MissingPolicy, EventCoding } from './columns.js';
export type { Encoding, ColumnEncoding } from './encoding.js';
export type { LeakFinding } from './leakage.js';
export type { PredictOutput } from './predict-output.js';
// pretrained backbones: survkit train --images
export { trainImagesFile, loadBackboneFile, type ImageTrainOptions, type ImageFeatureReport } from './image-train.js';
export { NORMALIZATIONS, type Normalization } from './image-items.js';
// imaging CLI: image models for survkit predict --images
export { imageFeatureTable, openBackbone, type ImageFeatureSettings, type ImageModelRecord } from './image-train.js';
// fine-tuned image models saved for survkit predict --images
export { fineTuneImages, fineTuneImagesFile, type FineTuneReport } from './image-finetune.js';
