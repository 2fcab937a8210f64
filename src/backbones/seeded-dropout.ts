import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** Options of {@link SeededDropout}. */
export interface SeededDropoutArgs {
  /** Fraction of units dropped in training, in [0, 1). */
  rate: number;
  /** Seed of the mask stream; omit for unseeded masks. */
  seed?: number | null;
  name?: string;
}

let uid = 0;

/**
 * Inverted dropout whose masks are reproducible but differ from call to
 * call. `tf.layers.dropout({ seed })` reuses one seed for every call, so the
 * same units are dropped in every batch; this layer draws call k's mask with
 * seed (seed, k). Identity at inference. Serialised (see `registerSurvkitLayers`) as `'survkit>SeededDropout'`.
 *
 * @example
 * const drop = new SeededDropout({ rate: 0.1, seed: 7 });
 * @throws {SurvkitError} for a rate outside [0, 1) or a non-integer seed
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'survkit>SeededDropout';
  readonly rate: number;
  readonly seed: number | undefined;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name ?? `seeded_dropout_${++uid}` });
    this.rate = assertNumberOption('SeededDropout', 'rate', args.rate, { min: 0, max: 1, maxExclusive: true });
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) {
      throw survkitError('optionRange', 'SeededDropout', 'seed', 'an integer', args.seed);
    }
    this.seed = args.seed ?? undefined;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    if (kwargs.training !== true || this.rate === 0) return tf.clone(x);
    const k = this.calls++;
    const seed = this.seed === undefined ? undefined : mix(this.seed, k);
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed ?? null };
  }
}

function mix(seed: number, k: number): number {
  let z = (Math.trunc(seed) ^ Math.imul(k + 0x632be5ab, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return ((z ^ (z >>> 16)) >>> 0) % 2147483647;
}
