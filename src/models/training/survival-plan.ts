import * as tf from '@tensorflow/tfjs';
import type { Random } from '../../core/random.js';
import { disposeAll, forEachSourceBatch, gatherRows, hostCopy, labelRows, sourceBatches, type Batch, type InMemoryData } from './in-memory-data.js';
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
    const step: TrainStep = {
      loss: () => loss(b, true),
      size: b.time.length,
      release: () => (b.xHost ? b.release?.() : disposeAll(b.x)),
      get inputs() {
        return b.x;
      },
    };
    const host = hooks.hostLoss?.(b);
    if (host) {
      const arrays = b.xHost;
      // host rows: the batch's tensors are made only if something reads them
      step.host = arrays
        ? {
            get inputs() {
              return b.x;
            },
            arrays: () => arrays,
            loss: host,
          }
        : { inputs: b.x, loss: host };
    }
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
    plan.validateHost = async (forward) => {
      // in-memory tables: the engine's forward on host arrays; otherwise (or without host tables) batch tensors
      const viaArrays = val.kind === 'memory' ? hostMeanLoss(val.data, ctx.validationBatchSize, usable, hostLoss, forward.arrays) : undefined;
      if (viaArrays !== undefined) return viaArrays;
      return meanValue(fn, count, val, ctx.validationBatchSize, usable, (b) => {
        const lossOf = hostLoss(b);
        return lossOf === undefined ? tfValue(loss, b) : Math.fround(lossOf(forward(b.x)).value); // float32, as the TF.js scalar
      });
    };
  }
  return plan;
}

function* memoryEpoch(d: InMemoryData, ctx: PlanContext, usable: (b: Batch) => boolean, step: (b: Batch) => TrainStep): Generator<TrainStep> {
  const perm = ctx.rng.permutation(d.n);
  const host = hostColumns(d);
  for (let s = 0; s < d.n; s += ctx.batchSize) {
    const rows = perm.subarray(s, Math.min(d.n, s + ctx.batchSize));
    const y = labelRows(d.labels, rows);
    const b: Batch = { x: [], ...y, rows };
    if (!usable(b)) continue;
    if (host) hostBatch(b, d, host, rows);
    else b.x = gatherRows(d.x, rows);
    yield step(b);
  }
}

/** The training data's rows as host arrays ({@link hostCopy}), when every input is a 2-D float32 table (else undefined). */
function hostColumns(d: InMemoryData): Float32Array[] | undefined {
  if (!d.x.every((t) => t.rank === 2 && t.dtype === 'float32')) return undefined;
  const host = d.x.map(hostCopy);
  return host.every((a): a is Float32Array => a instanceof Float32Array) ? host : undefined;
}

/** Gathers the batch's rows on the host into `b.xHost`; `b.x` becomes tensors of them on first read (disposed by `b.release`). */
function hostBatch(b: Batch, d: InMemoryData, host: Float32Array[], rows: Int32Array): void {
  const xHost = host.map((src, k) => {
    const w = (d.x[k] as tf.Tensor).shape[1] as number;
    const out = new Float32Array(rows.length * w);
    for (let r = 0; r < rows.length; r++) {
      const o = (rows[r] as number) * w;
      out.set(src.subarray(o, o + w), r * w);
    }
    return out;
  });
  let made: tf.Tensor[] | undefined;
  Object.defineProperty(b, 'x', {
    // kept: a first read inside a gradient tape or tidy must not dispose them (the step's release does)
    get: () => (made ??= xHost.map((a, k) => tf.keep(tf.tensor2d(a, [rows.length, (d.x[k] as tf.Tensor).shape[1] as number], 'float32')))),
    set: (v: tf.Tensor[]) => (made = v),
    configurable: true,
    enumerable: true,
  });
  b.xHost = xHost;
  b.release = () => {
    if (made) disposeAll(made);
  };
}

/**
 * {@link meanLoss} on the host: the same unshuffled validation batches, the network output from `predict` (inference mode)
 * and the family's host loss (the batch loss on host arrays, the same function as its TF.js loss), each batch's value
 * rounded to float32 as the TF.js scalar is. Undefined where the data are not host tables or a batch has no host loss.
 */
function hostMeanLoss(
  d: InMemoryData,
  batchSize: number,
  usable: (b: Batch) => boolean,
  hostLoss: NonNullable<PlanHooks['hostLoss']>,
  predict: (inputs: Float32Array[], rows: number) => Float32Array,
): number | undefined {
  const host = hostColumns(d);
  if (!host) return undefined;
  const widths = d.x.map((t) => t.shape[1] as number);
  let sum = 0;
  let k = 0;
  for (let s = 0; s < d.n; s += batchSize) {
    const size = Math.min(batchSize, d.n - s);
    const arrays = host.map((a, i) => a.subarray(s * (widths[i] as number), (s + size) * (widths[i] as number)));
    const b: Batch = { x: [], time: d.labels.time.subarray(s, s + size), event: d.labels.event.subarray(s, s + size) };
    let made: tf.Tensor[] | undefined;
    Object.defineProperty(b, 'x', {
      get: () => (made ??= arrays.map((a, i) => tf.keep(tf.tensor2d(a, [size, widths[i] as number], 'float32')))),
      configurable: true,
    });
    try {
      if (!usable(b)) continue;
      const lossOf = hostLoss(b);
      if (!lossOf) return undefined;
      sum += Math.fround(lossOf(predict(arrays, size)).value);
      k++;
    } finally {
      if (made) disposeAll(made);
    }
  }
  return k > 0 ? sum / k : NaN;
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
function tfValue(loss: BatchLoss, b: Batch): Promise<number> {
  return readLoss(() => loss(b, false));
}

/** A loss computed in a tidy scope, read back and freed (the TF.js validation value of every plan). */
export async function readLoss(loss: () => tf.Tensor): Promise<number> {
  const v = tf.tidy(loss);
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
