import type * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import type { LabelsInput } from '../../data/labels.js';
import { gatherRows, inMemory, isBatchSource, labelRows, type InMemoryData } from './in-memory-data.js';
import type { TrainSet } from './survival-plan.js';
import type { BatchSource, FitOptions, ModelInput } from './fit-types.js';

/** Resolved fit context handed to the families. */
export interface FitContext {
  rng: Random;
  batchSize: number;
  validationBatchSize: number;
  seed: number;
}

/** Training and validation data of one `fit` call; `owned` are tensors the fit made and must dispose. */
export interface FitData {
  opts: FitOptions;
  ctx: FitContext;
  train: TrainSet;
  val: TrainSet | undefined;
  owned: tf.Tensor[];
}

/**
 * Sorts out `fit(x, labels, opts)` / `fit(source, opts)`: validates the data
 * against the network's `count` data inputs, seeds the RNG, and holds out a
 * seeded random fraction of the rows when `validation` is a number.
 */
export function fitData(
  fn: string,
  count: number,
  x: ModelInput | BatchSource,
  labelsOrOpts: LabelsInput | FitOptions | undefined,
  maybeOpts: FitOptions | undefined,
): FitData {
  const source = isBatchSource(x);
  const opts: FitOptions = (source ? (labelsOrOpts as FitOptions | undefined) : maybeOpts) ?? {};
  const seed = assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true });
  const batchSize = assertNumberOption(fn, 'batchSize', opts.batchSize ?? 256, { min: 1, integer: true });
  const validationBatchSize = assertNumberOption(fn, 'validationBatchSize', opts.validationBatchSize ?? batchSize, { min: 1, integer: true });
  const ctx: FitContext = { rng: new Random(seed), batchSize, validationBatchSize, seed };
  let train: TrainSet = source ? { kind: 'source', source: x } : { kind: 'memory', data: inMemory(fn, x, labelsOrOpts as LabelsInput, count) };
  let val: TrainSet | undefined;
  const owned: tf.Tensor[] = [];
  const v = opts.validation;
  if (typeof v === 'number') {
    if (train.kind !== 'memory') throw survkitError('optionRange', fn, 'validation', 'validation data (a fraction needs in-memory training data)', v);
    assertNumberOption(fn, 'validation', v, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    const split = splitRows(train.data, v, ctx.rng);
    owned.push(...split.train.x, ...split.val.x);
    train = { kind: 'memory', data: split.train };
    val = { kind: 'memory', data: split.val };
  } else if (v !== undefined) {
    val = isBatchSource(v) ? { kind: 'source', source: v } : { kind: 'memory', data: inMemory(fn, v.x, v.labels, count) };
  }
  return { opts, ctx, train, val, owned };
}

/** Held-out split of in-memory data: a seeded random `fraction` of rows (at least 1, at most n − 1) becomes validation data. */
function splitRows(d: InMemoryData, fraction: number, rng: Random): { train: InMemoryData; val: InMemoryData } {
  const perm = rng.permutation(d.n);
  const nVal = Math.max(1, Math.min(d.n - 1, Math.round(d.n * fraction)));
  const part = (rows: Int32Array): InMemoryData => ({ x: gatherRows(d.x, rows), labels: Object.freeze(labelRows(d.labels, rows)), n: rows.length });
  return { train: part(perm.slice(nVal).sort()), val: part(perm.slice(0, nVal).sort()) };
}
