import * as tf from '@tensorflow/tfjs';
import { Random } from '../../core/random.js';
import { CaseControlSampler } from '../../data/case-control.js';
import { disposeAll, gatherRows, sourceBatches, type Batch } from './in-memory-data.js';
import type { HostLoss, TrainingPlan, TrainStep } from './fit-loop.js';
import { readLoss, type PlanContext, type TrainSet } from './survival-plan.js';

/**
 * The loss of one case-control batch: `x` holds b cases then k blocks of b
 * controls (block j = the j-th control of each case), `caseTime` the b cases'
 * observed times.
 */
export type CaseControlLoss = (x: tf.Tensor[], caseTime: Float64Array, b: number, k: number, training: boolean) => tf.Scalar;

/** Options of {@link caseControlPlan}. */
export interface CaseControlPlanOptions {
  nControls: number;
  /** Passes over the validation cases, each with fresh controls (pycox's examples repeat the validation set 10 times). */
  validationRepeats: number;
  loss: CaseControlLoss;
  /**
   * The same training loss on host arrays, where the family has one (the dense engine then runs the step without
   * TF.js): the network inputs of the step (`x`, plus any tensors of its own, freed with the step) and the loss of
   * the network output on them.
   */
  host?: (x: tf.Tensor[], caseTime: Float64Array, b: number, k: number) => HostLoss;
}

/**
 * The plan of pycox's CoxCC and Cox-Time (`CoxCCDataset` / `CoxTimeDataset`):
 * an epoch iterates over the cases (subjects with an event) in a seeded random
 * order, in batches of `batchSize` cases; each case gets `nControls` controls
 * drawn uniformly from its risk set {j: T_j ≥ T_i} of the whole training set
 * (a batch source: of its batch), fresh every epoch. The network sees cases
 * and controls in one call (as pycox concatenates them), so batch
 * normalisation uses their joint statistics. The validation loss is the mean
 * over unshuffled batches of the validation cases, repeated
 * `validationRepeats` times with fresh controls from a second seeded stream.
 */
export function caseControlPlan(
  train: TrainSet,
  val: TrainSet | undefined,
  ctx: PlanContext & { seed: number },
  count: number,
  fn: string,
  o: CaseControlPlanOptions,
): TrainingPlan {
  const cache: SamplerCache = new Map();
  const plan: TrainingPlan = { epoch: () => trainEpoch(fn, count, train, ctx, o, cache) };
  if (train.kind === 'memory') {
    let cases = 0;
    for (const e of train.data.labels.event) if (e !== 0) cases++;
    plan.stepsPerEpoch = Math.ceil(cases / ctx.batchSize);
  }
  if (val) {
    const rng = new Random(ctx.seed + 0x5bd1e995);
    plan.validate = () => validationLoss(fn, count, val, ctx.validationBatchSize, rng, o, cache, tfValue(o));
    const host = o.host;
    if (host) {
      // the same draws from the same stream: only one of validate / validateHost runs in a fit
      plan.validateHost = (forward) =>
        validationLoss(fn, count, val, ctx.validationBatchSize, rng, o, cache, (x, caseTime) => {
          const h = host(x, caseTime, caseTime.length, o.nControls);
          try {
            return Promise.resolve(Math.fround(h.loss(forward(h.inputs)).value)); // float32, as the TF.js scalar
          } finally {
            disposeAll(h.inputs.filter((t) => !x.includes(t)));
          }
        });
    }
  }
  return plan;
}

/**
 * One case-control draw within a batch with a fixed seed (0), for
 * `model.loss(x, labels)`: the rows [cases; control blocks] and the cases' times.
 */
export function fixedDraw(b: Batch, k: number): { rows: Int32Array; caseTime: Float64Array; cases: number } {
  const draw = new CaseControlSampler(b, { nControls: k }).sample(new Random(0));
  return { rows: rowsOf(draw.cases, draw.controls, k), caseTime: timesOf(b, draw.cases), cases: draw.cases.length };
}

/** Rows [cases; controls block 0; …; block k−1] for a batch of cases. */
function rowsOf(cases: ArrayLike<number>, controls: Int32Array, k: number): Int32Array {
  const b = cases.length;
  const rows = new Int32Array(b * (1 + k));
  for (let c = 0; c < b; c++) {
    rows[c] = cases[c] as number;
    for (let j = 0; j < k; j++) rows[(1 + j) * b + c] = controls[c * k + j] as number;
  }
  return rows;
}

function timesOf(y: { time: ArrayLike<number> }, cases: ArrayLike<number>): Float64Array {
  const t = new Float64Array(cases.length);
  for (let c = 0; c < cases.length; c++) t[c] = y.time[cases[c] as number] as number;
  return t;
}

function stepOf(x: tf.Tensor[], caseTime: Float64Array, k: number, o: CaseControlPlanOptions): TrainStep {
  const b = caseTime.length;
  const host = o.host?.(x, caseTime, b, k);
  const extra = host === undefined ? [] : host.inputs.filter((t) => !x.includes(t));
  return {
    loss: () => o.loss(x, caseTime, b, k, true),
    size: b,
    release: () => {
      disposeAll(x);
      disposeAll(extra);
    },
    ...(host === undefined ? {} : { host }),
  };
}

async function* trainEpoch(
  fn: string,
  count: number,
  train: TrainSet,
  ctx: PlanContext,
  o: CaseControlPlanOptions,
  cache: SamplerCache,
): AsyncGenerator<TrainStep> {
  const k = o.nControls;
  if (train.kind === 'memory') {
    const d = train.data;
    const sampler = memorySampler(cache, d.labels, k);
    if (sampler === undefined) return;
    const perm = ctx.rng.permutation(sampler.cases.length);
    for (let s = 0; s < perm.length; s += ctx.batchSize) {
      const cases = Array.from(perm.subarray(s, Math.min(perm.length, s + ctx.batchSize)), (p) => sampler.cases[p] as number);
      const draw = sampler.sample(ctx.rng, cases);
      yield stepOf(gatherRows(d.x, rowsOf(cases, draw.controls, k)), timesOf(d.labels, cases), k, o);
    }
    return;
  }
  for await (const b of sourceBatches(fn, train.source, count, true)) {
    const step = batchStep(b, ctx.rng, k, o);
    if (step) yield step;
  }
}

/** The samplers of one plan's in-memory labels (training, validation), built in its first epoch: a sampler does not change after construction. */
type SamplerCache = Map<object, CaseControlSampler | undefined>;

function memorySampler(cache: SamplerCache, y: { time: ArrayLike<number>; event: ArrayLike<number> }, k: number): CaseControlSampler | undefined {
  if (!cache.has(y)) cache.set(y, samplerOf(y, k));
  return cache.get(y);
}

function samplerOf(y: { time: ArrayLike<number>; event: ArrayLike<number> }, k: number): CaseControlSampler | undefined {
  for (let i = 0; i < y.event.length; i++) if (y.event[i] !== 0) return new CaseControlSampler(y, { nControls: k });
  return undefined;
}

/** Cases and controls within one source batch. */
function batchStep(b: Batch, rng: Random, k: number, o: CaseControlPlanOptions): TrainStep | undefined {
  const sampler = samplerOf(b, k);
  if (sampler === undefined) return undefined;
  const draw = sampler.sample(rng);
  return stepOf(gatherRows(b.x, rowsOf(draw.cases, draw.controls, k)), timesOf(b, draw.cases), k, o);
}

/** The loss of one validation case-control batch (rows [cases; control blocks]). */
type CaseControlValue = (x: tf.Tensor[], caseTime: Float64Array) => Promise<number>;

/** The TF.js loss in inference mode, read back. */
function tfValue(o: CaseControlPlanOptions): CaseControlValue {
  return (x, caseTime) => readLoss(() => o.loss(x, caseTime, caseTime.length, o.nControls, false));
}

async function validationLoss(
  fn: string,
  count: number,
  val: TrainSet,
  batchSize: number,
  rng: Random,
  o: CaseControlPlanOptions,
  cache: SamplerCache,
  value: CaseControlValue,
): Promise<number> {
  const k = o.nControls;
  let sum = 0;
  let n = 0;
  const evaluate = async (x: tf.Tensor[], caseTime: Float64Array): Promise<void> => {
    try {
      sum += await value(x, caseTime);
      n++;
    } finally {
      disposeAll(x);
    }
  };
  if (val.kind === 'memory') {
    const d = val.data;
    const sampler = memorySampler(cache, d.labels, k);
    if (sampler === undefined) return NaN;
    const all = new Int32Array(sampler.cases.length * o.validationRepeats);
    for (let r = 0; r < o.validationRepeats; r++) all.set(sampler.cases, r * sampler.cases.length);
    for (let s = 0; s < all.length; s += batchSize) {
      const cases = all.subarray(s, Math.min(all.length, s + batchSize));
      const draw = sampler.sample(rng, cases);
      await evaluate(gatherRows(d.x, rowsOf(cases, draw.controls, k)), timesOf(d.labels, cases));
    }
  } else {
    for await (const b of sourceBatches(fn, val.source, count, true)) {
      const sampler = samplerOf(b, k);
      if (sampler === undefined) continue;
      for (let r = 0; r < o.validationRepeats; r++) {
        const draw = sampler.sample(rng);
        await evaluate(gatherRows(b.x, rowsOf(draw.cases, draw.controls, k)), timesOf(b, draw.cases));
      }
    }
  }
  return n > 0 ? sum / n : NaN;
}
