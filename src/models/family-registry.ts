/**
 * The one registry of saved-model families: each family module (CoxPH, …,
 * EvidentialClassifier, SoftmaxClassifier) registers, when imported, how to
 * rebuild a model from its network and the state in `survkit.json`;
 * `SurvivalModel.load` and `Classifier.load` look the family up here.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Classifier } from './classifiers/classifier.js';
import type { SurvivalModel } from './survival/survival-model.js';
import type { JsonValue } from './training/fit-types.js';

/** What each kind of saved model rebuilds into. */
interface SavedModels {
  survival: SurvivalModel;
  classifier: Classifier;
}

/** The kinds of saved models: survival models and classifiers. */
export type SavedModelKind = keyof SavedModels;

/** Rebuilds a model of one family from its network and saved state. */
export type SavedModelLoader<K extends SavedModelKind> = (net: tf.LayersModel, state: { [key: string]: JsonValue }) => SavedModels[K];

const families = new Map<string, { kind: SavedModelKind; loader: SavedModelLoader<SavedModelKind> }>();

/** Registers the loader of a family of the given kind (a later registration of the same name replaces it). */
export function registerModelFamily<K extends SavedModelKind>(kind: K, family: string, loader: SavedModelLoader<K>): void {
  families.set(family, { kind, loader });
}

/** The loader of a family of the given kind, if one is registered. */
export function modelFamilyLoader<K extends SavedModelKind>(kind: K, family: string): SavedModelLoader<K> | undefined {
  const entry = families.get(family);
  return entry?.kind === kind ? (entry.loader as SavedModelLoader<K>) : undefined;
}

/** The registered family names of one kind, in registration order. */
export function modelFamilies(kind: SavedModelKind): string[] {
  return [...families].filter(([, e]) => e.kind === kind).map(([name]) => name);
}
