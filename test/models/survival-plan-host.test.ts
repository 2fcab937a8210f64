/**
 * The host batches of the generic plan (src/models/training/survival-plan.ts): in-memory 2-D float32 training data
 * are gathered on the host, and those rows must be exactly what TF.js's gather gives; the batch's tensors appear only
 * when read and are freed by the step; and the host validation loss equals the TF.js one over the same batches.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { gatherRows, type Batch } from '../../src/models/training/in-memory-data.js';
import { genericPlan } from '../../src/models/training/survival-plan.js';
import type { TrainStep } from '../../src/models/training/fit-loop.js';

beforeAll(async () => {
  await initBackend();
});

const N = 23;
const W = 3;

function data() {
  const values = Float32Array.from({ length: N * W }, (_, i) => Math.fround(Math.sin(i * 1.7) * 10));
  const x = tf.tensor2d(values, [N, W]);
  const time = Float64Array.from({ length: N }, (_, i) => 1 + ((i * 7) % 11));
  const event = Int32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 1));
  return { x, values, labels: { time, event } };
}

/** The loss both ways: mean over rows of (row's first output − time)², in float32 (TF.js) or float64 (host). */
const tfLoss = (b: Batch): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.square(tf.sub(tf.slice(b.x[0] as tf.Tensor2D, [0, 0], [-1, 1]).squeeze([1]), tf.tensor1d(Float32Array.from(b.time), 'float32')))));
const hostLoss = (b: Batch) => (out: Float32Array) => {
  let s = 0;
  for (let r = 0; r < b.time.length; r++) s += ((out[r * W] as number) - (b.time[r] as number)) ** 2;
  return { value: s / b.time.length, gradient: new Float32Array(out.length) };
};

describe('host batches of the generic plan', () => {
  it("gathers exactly TF.js's rows; tensors only when read, freed by the step", () => {
    const d = data();
    const seen: Int32Array[] = [];
    const plan = genericPlan(
      't',
      1,
      { kind: 'memory', data: { x: [d.x], labels: d.labels, n: N } },
      undefined,
      { rng: new Random(4), batchSize: 5, validationBatchSize: 8 },
      tfLoss,
      () => true,
      {
        hostLoss: (b) => {
          seen.push(b.rows as Int32Array);
          return hostLoss(b);
        },
      },
    );
    const before = tf.memory().numTensors;
    let k = 0;
    for (const step of plan.epoch(0) as Iterable<TrainStep>) {
      const rows = seen[k++] as Int32Array;
      const want = tf.tidy(() => gatherRows([d.x], rows)[0]?.dataSync() as Float32Array);
      const arrays = step.host?.arrays?.() as Float32Array[];
      expect(Array.from(arrays[0] as Float32Array)).toEqual(Array.from(want));
      expect(tf.memory().numTensors).toBe(before); // nothing made yet
      if (k % 2 === 0) {
        // read inside a tidy (as a gradient tape would): still alive after it, freed by release
        tf.tidy(() => void step.loss());
        expect(Array.from((step.inputs as tf.Tensor[])[0]?.dataSync() as Float32Array)).toEqual(Array.from(want));
      }
      step.release();
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(k).toBe(Math.ceil(N / 5));
    d.x.dispose();
  });

  it('the host validation loss equals the TF.js one (float32 per batch) over the same unshuffled batches', async () => {
    const d = data();
    const set = { kind: 'memory' as const, data: { x: [d.x], labels: d.labels, n: N } };
    const plan = genericPlan('t', 1, set, set, { rng: new Random(4), batchSize: 5, validationBatchSize: 8 }, tfLoss, () => true, { hostLoss });
    const viaTf = await (plan.validate as () => Promise<number>)();
    // the "network" is the identity: predict returns the inputs
    let viaTensors = 0;
    const identity = Object.assign(
      (xs: tf.Tensor[]): Float32Array => {
        viaTensors++;
        return xs[0]?.dataSync() as Float32Array;
      },
      { arrays: (inputs: Float32Array[], rows: number): Float32Array => (inputs[0] as Float32Array).subarray(0, rows * W) },
    );
    const viaHost = await plan.validateHost?.(identity);
    expect(viaHost).toBeDefined();
    expect(viaTensors).toBe(0); // host tables: the forward on arrays
    expect(Math.abs((viaHost as number) - viaTf)).toBeLessThanOrEqual(1e-6 * Math.abs(viaTf));
    // a batch without a host loss: the TF.js loss of that batch
    const none = genericPlan('t', 1, set, set, { rng: new Random(4), batchSize: 5, validationBatchSize: 8 }, tfLoss, () => true, { hostLoss: () => undefined });
    expect(await none.validateHost?.(identity)).toBe(viaTf);
    d.x.dispose();
  });
});
