/**
 * survkit's custom layer classes, in one explicit list, and their
 * registration with TF.js's serialization map (which `tf.loadLayersModel` and
 * `tf.models.modelFromJSON` read). Nothing registers at import.
 */
import * as tf from '@tensorflow/tfjs';
import { GlobalPool } from '../backbones/global-pool.js';
import { SeededDropout } from '../backbones/seeded-dropout.js';
import { ZeroPadding3D } from '../backbones/zero-padding3d.js';
import { ChannelPadShortcut } from '../backbones/channel-pad-shortcut.js';
import { CoxHead } from '../heads/cox-head.js';
import { CoxTimeHead } from '../heads/cox-time-head.js';
import { DiscreteHead } from '../heads/discrete-head.js';
import { EvidentialHead } from '../heads/evidential-head.js';
import { EvidentialRegressionHead } from '../heads/evidential-regression-head.js';
import { LogitsHead } from '../heads/logits-head.js';

/** Every layer class a survkit network may contain (a saved model names them as `survkit>Name`). */
export const SURVKIT_LAYERS = [
  CoxHead,
  CoxTimeHead,
  DiscreteHead,
  EvidentialHead,
  EvidentialRegressionHead,
  LogitsHead,
  GlobalPool,
  SeededDropout,
  ZeroPadding3D,
  ChannelPadShortcut,
] as const;

/**
 * Registers survkit's layer classes with TF.js's serialization map
 * (idempotent), so that `tf.loadLayersModel` / `tf.models.modelFromJSON`
 * can rebuild a survkit network. `initBackend()`, survkit's model loaders
 * and a model's first `fit` / `predict` call it; call it yourself before
 * loading a survkit model with TF.js directly. Returns the class names.
 *
 * @example
 * registerSurvkitLayers();
 * const net = await tf.loadLayersModel(tf.io.fromMemory(modelJson, weightSpecs, weights));
 */
export function registerSurvkitLayers(): string[] {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const cls of SURVKIT_LAYERS) {
    if (known[cls.className] === undefined) tf.serialization.registerClass(cls);
  }
  return SURVKIT_LAYERS.map((cls) => cls.className);
}
