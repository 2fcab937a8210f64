import * as tf from '@tensorflow/tfjs';
import type { Random } from '../../core/random.js';
import { disposeAll, forEachSourceBatch, gatherRows, labelRows, sourceBatches, type Batch, type InMemoryData } from './in-memory-data.js';
import type { HostLoss, TrainingPlan, TrainStep } from './fit-loop.js';
import type { BatchSource } from './fit-types.js';

/** Training or validation data: in memory, or a batch source. */
export type TrainSet = { kind: 'memory'; data: InMemoryData } | { kind: 'source'; source: BatchSource };

/** What a plan needs from the fit. */
export interface PlanContext {
  rng: Random;
  batchSize: number;
  validationBatchSize: number;
}

/** A batch loss (training or inference mode). */
export type BatchLoss = (b: Batch, training: boolean) => tf.Scalar;

/** Optional hooks of {@link genericPlan}. */
export interface PlanHooks {
  /** Runs before each training step (outside the gradient tape), with the step's batch. */
  beforeStep?: (b: Batch) => void;
  /** Which training batches are used (default: `usable`, which also filters validation batches). */
  usableInTraining?: (b: Batch) => boolean;
  /** The batch's loss on host arrays, where the family has one (the dense engine then runs the step without TF.js). */
  hostLoss?: (b: Batch) => HostLoss['loss'] | undefined;
}

/**
 * The plan of the families whose loss is a function of one batch of subjects
 * (CoxPH, DeepHit, logistic hazard): in-memory data are reshuffled every
 * epoch with the seeded RNG and cut into batches of `batchSize` rows (the last
 * one smaller, as PyTorch's DataLoader); a source is used as it comes.
 * Batches that `usable` rejects (e.g. no event for a Cox loss) are skipped.
 * The validation loss is the mean batch loss over unshuffled validation
 * batches (torchtuples' `score_in_batches`). `hostLoss`, where a family has
 * one, gives each step the same loss on host arrays (used by the dense engine).
 */
export function genericPlan(
  fn: string,
  count: number,
  train: TrainSet,
  val: TrainSet | undefined,
  ctx: PlanContext,
  loss: BatchLoss,
  usable: (b: Batch) => boolean,
  hooks: PlanHooks = {},
): TrainingPlan {
  const steps = (b: Batch): TrainStep => {
    hooks.beforeStep?.(b);
    const step: TrainStep = { loss: () => loss(b, true), size: b.time.length, release: () => disposeAll(b.x), inputs: b.x };
    const host = hooks.hostLoss?.(b);
    if (host) step.host = { inputs: b.x, loss: host };
    return step;
  };
  const usableInTraining = hooks.usableInTraining ?? usable;
  const plan: TrainingPlan = {
    epoch:
      train.kind === 'memory'
        ? (_e) => memoryEpoch(train.data, ctx, usableInTraining, steps)
        : (_e) => sourceEpoch(fn, train.source, count, usableInTraining, steps),
    ...(train.kind === 'memory' ? { stepsPerEpoch: Math.ceil(train.data.n / ctx.batchSize) } : {}),
    // a step hook (the momentum bank's target pass) reads the network's own weights, which the host engine does not update
    ...(hooks.beforeStep !== undefined ? { tfjsOnly: true } : {}),
  };
  if (val) plan.validate = () => meanLoss(fn, count, val, ctx.validationBatchSize, loss, usable);
  const hostLoss = hooks.hostLoss;
  if (val && hostLoss) {
    plan.validateHost = (forward) =>
      meanValue(fn, count, val, ctx.validationBatchSize, usable, (b) => {
        const lossOf = hostLoss(b);
        return lossOf === undefined ? tfValue(loss, b) : lossOf(forward(b.x)).value;
      });
  }
  return plan;
}

function* memoryEpoch(d: InMemoryData, ctx: PlanContext, usable: (b: Batch) => boolean, step: (b: Batch) => TrainStep): Generator<TrainStep> {
  const perm = ctx.rng.permutation(d.n);
  for (let s = 0; s < d.n; s += ctx.batchSize) {
    const rows = perm.subarray(s, Math.min(d.n, s + ctx.batchSize));
    const y = labelRows(d.labels, rows);
    const b: Batch = { x: [], ...y, rows };
    if (!usable(b)) continue;
    b.x = gatherRows(d.x, rows);
    yield step(b);
  }
}

async function* sourceEpoch(
  fn: string,
  source: BatchSource,
  count: number,
  usable: (b: Batch) => boolean,
  step: (b: Batch) => TrainStep,
): AsyncGenerator<TrainStep> {
  for await (const b of sourceBatches(fn, source, count, true)) if (usable(b)) yield step(b);
}

/** Mean batch loss in inference mode over validation data. */
export async function meanLoss(fn: string, count: number, val: TrainSet, batchSize: number, loss: BatchLoss, usable: (b: Batch) => boolean): Promise<number> {
  return meanValue(fn, count, val, batchSize, usable, (b) => tfValue(loss, b));
}

/** A batch's loss in inference mode, read back. */
async function tfValue(loss: BatchLoss, b: Batch): Promise<number> {
  const v = tf.tidy(() => loss(b, false));
  try {
    return (await v.data())[0] as number;
  } finally {
    v.dispose();
  }
}

/** Mean of a batch value over the usable validation batches (see {@link meanLoss}). */
async function meanValue(
  fn: string,
  count: number,
  val: TrainSet,
  batchSize: number,
  usable: (b: Batch) => boolean,
  value: (b: Batch) => number | Promise<number>,
): Promise<number> {
  let sum = 0;
  let k = 0;
  const add = async (b: Batch): Promise<void> => {
    if (!usable(b)) return;
    sum += await value(b);
    k++;
  };
  if (val.kind === 'memory') {
    const d = val.data;
    for (let s = 0; s < d.n; s += batchSize) {
      const size = Math.min(batchSize, d.n - s);
      const x = d.x.map((t) => (s === 0 && size === d.n ? t.clone() : tf.slice(t, s, size)));
      try {
        await add({ x, time: d.labels.time.subarray(s, s + size), event: d.labels.event.subarray(s, s + size) });
      } finally {
        disposeAll(x);
      }
    }
  } else {
    await forEachSourceBatch(fn, val.source, count, true, add);
  }
  return k > 0 ? sum / k : NaN;
}
