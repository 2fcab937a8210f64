import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { inferenceModeForFrozenBatchNorm } from './batch-norm-modes.js';

/**
 * Freezes or unfreezes the layers of `model` (see `AttachOptions.freeze`):
 * `true` freezes all, `false` unfreezes all, a list freezes exactly the named
 * layers and makes the others trainable. Frozen batch-norm layers are put in
 * inference mode (see {@link inferenceModeForFrozenBatchNorm}).
 *
 * @example
 * freezeLayers('myFn', backbone, ['conv1', 'conv2']);
 * @throws {SurvkitError} when a listed name is not a layer of `model`
 */
export function freezeLayers(fn: string, model: tf.LayersModel, freeze: boolean | readonly string[]): void {
  if (typeof freeze === 'boolean') {
    for (const l of model.layers) l.trainable = !freeze;
  } else {
    const names = model.layers.map((l) => l.name);
    for (const f of freeze) if (!names.includes(f)) throw survkitError('unknownLayer', fn, 'freeze', f, names);
    const frozen = new Set(freeze);
    for (const l of model.layers) l.trainable = !frozen.has(l.name);
  }
  inferenceModeForFrozenBatchNorm(model);
}

export { inferenceModeForFrozenBatchNorm };
