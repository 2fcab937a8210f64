import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { inferenceModeForFrozenBatchNorm } from './batch-norm-modes.js';

/**
 * Freezes or unfreezes the layers of `model` (see `AttachOptions.freeze`):
 * `true` freezes all, `false` unfreezes all, a list freezes exactly the named
 * layers and makes the others trainable. Frozen batch-norm layers are put in
 * inference mode (see {@link inferenceModeForFrozenBatchNorm}). Errors name `freezeLayers`.
 *
 * @example
 * freezeLayers(backbone, ['conv1', 'conv2']);
 * @throws {SurvkitError} when a listed name is not a layer of `model`
 */
export function freezeLayers(model: tf.LayersModel, freeze: boolean | readonly string[]): void;
/** @deprecated since 0.2: call `freezeLayers(model, freeze)`; the caller's name `fn` will be removed from the signature. */
export function freezeLayers(fn: string, model: tf.LayersModel, freeze: boolean | readonly string[]): void;
export function freezeLayers(...args: unknown[]): void {
  if (typeof args[0] === 'string') freezeLayersAs(args[0], args[1] as tf.LayersModel, args[2] as boolean | readonly string[]);
  else freezeLayersAs('freezeLayers', args[0] as tf.LayersModel, args[1] as boolean | readonly string[]);
}

/** {@link freezeLayers} in the name of `fn` (survkit's own callers). */
export function freezeLayersAs(fn: string, model: tf.LayersModel, freeze: boolean | readonly string[]): void {
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
