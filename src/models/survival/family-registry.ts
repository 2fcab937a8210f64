import type * as tf from '@tensorflow/tfjs';
import type { SurvivalModel } from './survival-model.js';
import type { JsonValue } from '../training/fit-types.js';

/** Rebuilds a model of one family from its network and saved state. */
export type FamilyLoader = (net: tf.LayersModel, state: { [key: string]: JsonValue }) => SurvivalModel;

const loaders = new Map<string, FamilyLoader>();

/** Registers a family's loader (each family module does it when imported). */
export function registerFamily(family: string, loader: FamilyLoader): void {
  loaders.set(family, loader);
}

/** The loader of a family, if registered. */
export function familyLoader(family: string): FamilyLoader | undefined {
  return loaders.get(family);
}

/** Registered family names. */
export function registeredFamilies(): string[] {
  return [...loaders.keys()];
}
