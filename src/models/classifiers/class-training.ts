import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import { asInputs, disposeAll, gatherRows } from '../training/in-memory-data.js';
import type { TrainingPlan, TrainStep } from '../training/fit-loop.js';
import type { FitOptions, ModelInput } from '../training/fit-types.js';
import { classLabels, type ClassIndexInput } from '../../data/class-labels.js';

export { classLabels, type ClassIndexInput };

/** Validation data of a classifier: features with labels, or a fraction of the training rows held out at random. */
export type ClassValidationData = { x: ModelInput; y: ClassIndexInput } | number;

/** Options of a classifier's `fit`: those of the survival models' {@link FitOptions}, with class-label validation data. */
export interface ClassifierFitOptions extends Omit<FitOptions, 'validation'> {
  /** Validation data `{ x, y }`, or a fraction in (0, 1) of the training rows held out at random (seeded). */
  validation?: ClassValidationData;
}

/** In-memory features and labels of n cases. */
export interface ClassData {
  x: tf.Tensor[];
  y: Int32Array;
  n: number;
}

/** Context of one fit. */
export interface ClassFitContext {
  rng: Random;
  batchSize: number;
  validationBatchSize: number;
  seed: number;
}

function classData(fn: string, x: ModelInput, y: unknown, count: number, classes: number, arg = 'y'): ClassData {
  const xs = asInputs(fn, 'x', x, count);
  const n = xs[0]?.shape[0] as number;
  return { x: xs, y: classLabels(fn, arg, y, n, classes), n };
}

/**
 * Sorts out `fit(x, y, opts)` for a classifier with `count` data inputs and
 * `classes` classes: validates data and labels, seeds the RNG (shuffling and
 * the held-out split), and holds out a seeded random fraction of rows when
 * `validation` is a number. `owned` tensors must be disposed by the caller.
 */
export function classFitData(
  fn: string,
  count: number,
  classes: number,
  x: ModelInput,
  y: unknown,
  opts: ClassifierFitOptions,
): { ctx: ClassFitContext; train: ClassData; val: ClassData | undefined; owned: tf.Tensor[] } {
  const seed = assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true });
  const batchSize = assertNumberOption(fn, 'batchSize', opts.batchSize ?? 256, { min: 1, integer: true });
  const validationBatchSize = assertNumberOption(fn, 'validationBatchSize', opts.validationBatchSize ?? batchSize, { min: 1, integer: true });
  const ctx: ClassFitContext = { rng: new Random(seed), batchSize, validationBatchSize, seed };
  let train = classData(fn, x, y, count, classes);
  let val: ClassData | undefined;
  const owned: tf.Tensor[] = [];
  const v = opts.validation;
  if (typeof v === 'number') {
    assertNumberOption(fn, 'validation', v, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    const perm = ctx.rng.permutation(train.n);
    const nVal = Math.max(1, Math.min(train.n - 1, Math.round(train.n * v)));
    const part = (rows: Int32Array): ClassData => ({ x: gatherRows(train.x, rows), y: Int32Array.from(rows, (r) => train.y[r] as number), n: rows.length });
    const t = part(perm.slice(nVal).sort());
    val = part(perm.slice(0, nVal).sort());
    owned.push(...t.x, ...val.x);
    train = t;
  } else if (v !== undefined) {
    if (typeof v !== 'object' || v === null || !('x' in v) || !('y' in v))
      throw survkitError('optionRange', fn, 'validation', '{ x, y } or a fraction in (0, 1)', v);
    val = classData(fn, v.x, v.y, count, classes, 'validation.y');
  }
  return { ctx, train, val, owned };
}

/** A classifier's batch loss; `epoch` is the 0-based training epoch, or undefined for the validation loss. */
export type ClassBatchLoss = (x: tf.Tensor[], y: Int32Array, epoch: number | undefined, training: boolean) => tf.Scalar;

/**
 * The training plan of the classifiers: every epoch the rows are reshuffled
 * with the seeded RNG and cut into batches of `batchSize` (the last one
 * smaller); the validation loss is the mean loss over the validation rows
 * (batch losses weighted by batch size), in inference mode.
 */
export function classPlan(train: ClassData, val: ClassData | undefined, ctx: ClassFitContext, loss: ClassBatchLoss): TrainingPlan {
  const plan: TrainingPlan = {
    epoch: function* (epoch: number): Generator<TrainStep> {
      const perm = ctx.rng.permutation(train.n);
      for (let s = 0; s < train.n; s += ctx.batchSize) {
        const rows = perm.subarray(s, Math.min(train.n, s + ctx.batchSize));
        const y = Int32Array.from(rows, (r) => train.y[r] as number);
        const x = gatherRows(train.x, rows);
        // `inputs`: the loss runs the network once on exactly them (worker threads and engine 'onnxruntime' train from them)
        yield { loss: () => loss(x, y, epoch, true), size: rows.length, release: () => disposeAll(x), inputs: x };
      }
    },
    stepsPerEpoch: Math.ceil(train.n / ctx.batchSize),
  };
  if (val) plan.validate = () => Promise.resolve(meanClassLoss(val, ctx.validationBatchSize, loss));
  return plan;
}

/** Mean loss over all rows of `d` in inference mode (validation epoch), batch losses weighted by size. */
export function meanClassLoss(d: ClassData, batchSize: number, loss: ClassBatchLoss): number {
  let sum = 0;
  for (let s = 0; s < d.n; s += batchSize) {
    const size = Math.min(batchSize, d.n - s);
    const v = tf.tidy(() => {
      const x = d.x.map((t) => (s === 0 && size === d.n ? t : tf.slice(t, s, size)));
      return loss(x, d.y.subarray(s, s + size), undefined, false);
    });
    sum += (v.dataSync()[0] as number) * size;
    v.dispose();
  }
  return sum / d.n;
}
