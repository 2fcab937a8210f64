/**
 * survkit's two batch-norm behaviours for the networks its models adopt,
 * in one documented wrapper. tf.layers' `BatchNormalization` is kept (a saved
 * network still names it, and loads without survkit); the first time either
 * behaviour is asked for, the layer's `call` is wrapped once, by this module
 * only, and the wrapper reads the layer's modes:
 *
 * - `frozen` ({@link inferenceModeForFrozenBatchNorm}): a non-trainable layer
 *   runs in inference mode even when the model is called with `training: true`,
 *   so a frozen backbone keeps its moving statistics (Keras' behaviour);
 * - `fast` ({@link fastBatchNormTraining}): a trainable layer that normalises
 *   its last axis with a scale and an offset runs training mode through
 *   {@link batchNormTraining} (closed-form gradient; the same arithmetic as
 *   tf.layers), unless survkit's install path found an untested TF.js
 *   version (see {@link setBatchNormSpeedUp}).
 *
 * Every other call goes to tf.layers' own `call` unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from '../ops/batch-norm.js';
import { walkLayers } from './walk-layers.js';

/** The fields of tf.layers' BatchNormalization that the fast path reads. */
interface BatchNormLayer extends tf.layers.Layer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

interface Modes {
  frozen: boolean;
  fast: boolean;
}

const modes = new WeakMap<tf.layers.Layer, Modes>();
let speedUp = true;

/**
 * Turns the fast training path of {@link fastBatchNormTraining} on or off
 * for every wrapped layer (survkit's install path turns it off outside the
 * tested TF.js range: it reads tf.layers' internal fields).
 */
export function setBatchNormSpeedUp(on: boolean): void {
  speedUp = on;
}

function fastTraining(bn: BatchNormLayer, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    batchNormTraining(x, bn.gamma.read() as tf.Tensor1D, bn.beta.read() as tf.Tensor1D, bn.epsilon, (mean, variance) => {
      const decay = 1 - bn.momentum;
      for (const [v, value] of [
        [bn.movingMean, mean],
        [bn.movingVariance, variance],
      ] as const) {
        const orig = v.read();
        v.write(tf.sub(orig, tf.mul(tf.sub(orig, value), decay)));
      }
    }),
  );
}

/** The wrapper: one per layer, installed the first time a mode is set. */
function wrap(layer: tf.layers.Layer, m: Modes): void {
  const bn = layer as BatchNormLayer;
  const call = layer.call.bind(layer);
  layer.call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => {
    if (!layer.trainable) return call(inputs, m.frozen ? { ...kwargs, training: false } : kwargs);
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = x !== undefined && (bn.axis === -1 || bn.axis === x.rank - 1);
    const single = !Array.isArray(inputs) || inputs.length === 1;
    if (m.fast && speedUp && kwargs.training === true && lastAxis && bn.center && bn.scale && single) return fastTraining(bn, x);
    return call(inputs, kwargs);
  };
}

/** Sets `mode` on every BatchNormalization layer of `model` (nested models included), wrapping each once. */
export function setBatchNormMode(model: tf.LayersModel, mode: keyof Modes): void {
  for (const layer of walkLayers(model)) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    let m = modes.get(layer);
    if (m === undefined) {
      m = { frozen: false, fast: false };
      modes.set(layer, m);
      wrap(layer, m);
    }
    m[mode] = true;
  }
}

/**
 * Makes every non-trainable `BatchNormalization` layer of `model` (nested
 * models included) run in inference mode even when the model is called with
 * `training: true`, so a frozen backbone keeps its moving mean and variance
 * (Keras' behaviour; tf.layers' own batch norm would keep updating them).
 * Idempotent; survkit's models call it on every network they adopt.
 *
 * @example
 * inferenceModeForFrozenBatchNorm(net);
 */
export function inferenceModeForFrozenBatchNorm(model: tf.LayersModel): void {
  setBatchNormMode(model, 'frozen');
}

/**
 * Makes every trainable `BatchNormalization` layer of `model` (nested models
 * included) that normalises its last axis with a scale and an offset use
 * {@link batchNormTraining} in training mode: the same arithmetic as
 * tf.layers (batch mean and biased variance, moving averages
 * m ← m − (m − batch)(1 − momentum)), but with a closed-form gradient, which
 * makes a training step of pycox's MLP about 2–3× faster on wasm. Inference
 * and frozen layers keep tf.layers' own code. Idempotent; survkit's survival
 * models call it on every network they adopt (built or loaded).
 *
 * @example
 * fastBatchNormTraining(net);
 */
export function fastBatchNormTraining(model: tf.LayersModel): void {
  setBatchNormMode(model, 'fast');
}

/**
 * The behaviours set on `model`'s BatchNormalization layers (nested models
 * included): what a replica of `model` rebuilt from its topology must set
 * again (data-parallel training).
 */
export function batchNormModesOf(model: tf.LayersModel): Modes {
  const out: Modes = { frozen: false, fast: false };
  for (const layer of walkLayers(model)) {
    const m = modes.get(layer);
    if (m === undefined) continue;
    out.frozen ||= m.frozen;
    out.fast ||= m.fast;
  }
  return out;
}
