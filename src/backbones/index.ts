/** survkit backbones — a tabular MLP and adapters that put a survival head on any tf.LayersModel. */
export { mlp, type MlpOptions } from './mlp.js';
export { attachHead, type AttachOptions, type HeadLayer } from './attach.js';
export { freezeLayers, inferenceModeForFrozenBatchNorm } from './freeze.js';
export { GlobalPool, type GlobalPoolArgs } from './global-pool.js';
export { SeededDropout, type SeededDropoutArgs } from './seeded-dropout.js';
