import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { mixSeed } from '../core/seed.js';

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
  return mixSeed(seed, k + 0x632be5ab);
}
