import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { freezeLayersAs } from './freeze.js';
import { GlobalPool } from './global-pool.js';

/** A survival head: any layer; a head whose class name is `'survkit>CoxTimeHead'` also receives the time input. */
export type HeadLayer = tf.layers.Layer;

/** Options of {@link attachHead}. */
export interface AttachOptions {
  /** Take the features from this layer's output instead of the backbone's output. */
  cutAt?: string;
  /**
   * `true`: freeze every backbone layer; `false`: make every backbone layer
   * trainable; a list of layer names: freeze exactly those, the others
   * trainable. Omitted: leave the layers as they are. Frozen batch-norm layers
   * also stop updating their moving statistics (inference mode in training).
   */
  freeze?: boolean | readonly string[];
  /**
   * How a feature map of rank > 2 (`[b, h, w, c]` image, `[b, t, h, w, c]`
   * video, `[b, s, c]` sequence; channels last) becomes a vector: global
   * average ('avg', default), global max ('max'), or flatten ('none').
   */
  pool?: 'avg' | 'max' | 'none';
  /** Adds a second input `[batch, tabularInputDim]` (e.g. clinical covariates) concatenated to the pooled features. */
  tabularInputDim?: number;
  /** Name of the new model (default 'survival_net'). */
  name?: string;
}

/**
 * Puts a survival head on any `tf.LayersModel` and returns a new
 * `tf.LayersModel` sharing the backbone's layers (and weights):
 *
 * `backbone inputs → [cut at layer] → [global pool | flatten] → [concat tabular] → head`.
 *
 * Inputs of the result, in order: the backbone's inputs, then `tabular`
 * (`[batch, tabularInputDim]`) when asked for, then `time` (`[batch, 1]`,
 * standardised time) when the head is a {@link CoxTimeHead}. Output: the
 * head's output. Works with functional models and built `tf.sequential`
 * models, pretrained or not (e.g. a MobileNet loaded with `tf.loadLayersModel`).
 *
 * Memory: the result holds the backbone's layers up to the cut without
 * adding TF.js references to them, so disposing the result (or the survival
 * model that adopts it) frees those layers, and the backbone must not be
 * disposed after it ("Layer … is already disposed"). Layers of the backbone
 * after `cutAt` are not part of the result: dispose them yourself when the
 * backbone is no longer used, e.g.
 * `for (const l of backbone.layers) if (!net.layers.includes(l)) l.dispose();`.
 *
 * @example
 * const cnn = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 8, kernelSize: 3 })] });
 * const net = attachHead(cnn, new CoxHead({ seed: 0 }), { pool: 'avg', tabularInputDim: 3 });
 * // net.inputs: [image [null, 64, 64, 1], tabular [null, 3]]; net.outputs: [[null, 1]]
 * @throws {SurvkitError} for an unknown `cutAt` or `freeze` layer, a backbone with several outputs and no `cutAt`,
 *   an unbuilt backbone, or bad options
 */
export function attachHead(backbone: tf.LayersModel, head: HeadLayer, opts: AttachOptions = {}): tf.LayersModel {
  const fn = 'attachHead';
  if (!(backbone instanceof tf.LayersModel)) throw survkitError('notInstance', fn, 'backbone', 'tf.LayersModel', backbone);
  if (!(head instanceof tf.layers.Layer)) throw survkitError('notInstance', fn, 'head', 'tf.layers.Layer', head);
  const inputs = backbone.inputs;
  if (inputs === undefined || inputs.length === 0) throw survkitError('unbuiltModel', fn, 'backbone');
  const pool = assertChoice(fn, 'pool', opts.pool ?? 'avg', ['avg', 'max', 'none'] as const);
  const prefix = opts.name ?? 'survival_net';

  let features: tf.SymbolicTensor;
  if (opts.cutAt !== undefined) {
    const names = backbone.layers.map((l) => l.name);
    if (!names.includes(opts.cutAt)) throw survkitError('unknownLayer', fn, 'cutAt', opts.cutAt, names);
    const out = backbone.getLayer(opts.cutAt).output;
    if (Array.isArray(out)) throw survkitError('oneOutput', fn, 'cutAt', 'layer', out.length);
    features = out;
  } else {
    if (backbone.outputs.length !== 1) throw survkitError('oneOutput', fn, 'backbone', 'model', backbone.outputs.length, 'pass cutAt');
    features = backbone.outputs[0] as tf.SymbolicTensor;
  }
  if (opts.freeze !== undefined) freezeLayersAs(fn, backbone, opts.freeze);

  if (features.shape.length > 2) {
    features =
      pool === 'none'
        ? (tf.layers.flatten({ name: `${prefix}_flatten` }).apply(features) as tf.SymbolicTensor)
        : (new GlobalPool({ mode: pool, name: `${prefix}_pool` }).apply(features) as tf.SymbolicTensor);
  }
  const extra: tf.SymbolicTensor[] = [];
  if (opts.tabularInputDim !== undefined) {
    const d = assertNumberOption(fn, 'tabularInputDim', opts.tabularInputDim, { min: 1, integer: true });
    const tab = tf.input({ shape: [d], name: 'tabular' });
    extra.push(tab);
    features = tf.layers.concatenate({ name: `${prefix}_concat` }).apply([features, tab]) as tf.SymbolicTensor;
  }
  let out: tf.SymbolicTensor;
  if (head.getClassName() === 'survkit>CoxTimeHead') {
    const time = tf.input({ shape: [1], name: 'time' });
    extra.push(time);
    out = head.apply([features, time]) as tf.SymbolicTensor;
  } else {
    out = head.apply(features) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: [...inputs, ...extra], outputs: out, name: prefix });
}
