import type * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';

/** Arguments every survkit head accepts besides its own (a subset of `tf.layers` LayerArgs). */
export interface HeadLayerArgs {
  /** Layer name (default `<kind>_<k>`, unique in this process). */
  name?: string;
  /** Whether the head's weights are trained (default true). */
  trainable?: boolean;
  /** Seed of the weight initialisation; the same seed gives the same weights on the same backend. Omit for a random start. */
  seed?: number | null;
}

const counters = new Map<string, number>();

/** A process-unique default layer name such as `cox_head_3`. */
export function uniqueLayerName(prefix: string): string {
  const k = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, k);
  return `${prefix}_${k}`;
}

/** The feature width of a rank-2 input shape `[batch, d]`; throws for other ranks or an unknown width. */
export function featureWidth(fn: string, arg: string, shape: tf.Shape): number {
  const d = shape[shape.length - 1];
  if (shape.length !== 2 || typeof d !== 'number') {
    throw survkitError(
      'shapeMismatch',
      fn,
      arg,
      '[batch, features] with a known feature width (pool or flatten image features first)',
      `[${shape.map(String).join(', ')}]`,
    );
  }
  return d;
}

/** Reads a single-input shape, rejecting a list. */
export function singleShape(fn: string, shape: tf.Shape | tf.Shape[]): tf.Shape {
  if (Array.isArray(shape[0])) throw survkitError('singleInput', fn, 'inputs', shape.length);
  return shape as tf.Shape;
}

/** Validated seed: an integer or undefined. */
export function seedOf(fn: string, seed: number | null | undefined): number | undefined {
  if (seed === null || seed === undefined) return undefined;
  if (!Number.isInteger(seed)) throw survkitError('optionRange', fn, 'seed', 'an integer', seed);
  return seed;
}
