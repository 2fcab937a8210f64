import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { resnet2d } from '../../src/backbones/resnet2d.js';
import { CoxCC, CoxPH } from '../../src/models/index.js';
import { lastBlockLayers } from '../../src/tabular/image-finetune.js';
import { DataParallelTrainer } from '../../src/models/training/data-parallel.js';
import { synthetic, weightsOf } from './synthetic.js';

/** A small 2D CNN (8×8×1 → 1) with seeded initialisers. */
function cnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 1, kernelInitializer: init(3) }));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let d = 0;
  a.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) d = Math.max(d, Math.abs((w[j] as number) - ((b[i] as ArrayLike<number>)[j] as number)));
  });
  return d;
}

const weights = (m: tf.LayersModel): Float32Array[] => m.getWeights().map((w) => w.dataSync() as Float32Array);

/** Three batches of sizes 10, 7 and 1 (uneven shards, and one worker idle). */
const batches = [10, 7, 1].map((n, k) => ({
  x: tf.randomNormal([n, 8, 8, 1], 0, 1, 'float32', 10 + k),
  y: tf.randomNormal([n, 1], 0, 1, 'float32', 20 + k),
}));
const mse = (y: tf.Tensor) => (out: tf.Tensor) => tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, out);

describe('DataParallelTrainer', () => {
  it('gives the weights of single-thread training on the same batches (1 and 2 workers)', async () => {
    const ref = cnn();
    const opt = tf.train.sgd(0.1);
    for (const b of batches) tf.dispose(opt.minimize(() => mse(b.y)(ref.predict(b.x) as tf.Tensor), true) as tf.Scalar);
    for (const workers of [1, 2]) {
      const net = cnn();
      const o = tf.train.sgd(0.1);
      const t = await DataParallelTrainer.create(net, { workers });
      try {
        for (const b of batches) await t.step(b.x, mse(b.y), o);
      } finally {
        await t.close();
      }
      expect(maxAbsDiff(weights(net), weights(ref))).toBeLessThan(1e-5);
      expect(maxAbsDiff(weights(net), weights(cnn()))).toBeGreaterThan(1e-3); // it did train
      net.dispose();
      o.dispose();
    }
    ref.dispose();
    opt.dispose();
  }, 120_000);

  it("averages batch-norm moving means by rows: after one step they equal the whole batch's", async () => {
    const make = (): tf.LayersModel => {
      const m = tf.sequential();
      m.add(tf.layers.batchNormalization({ inputShape: [3], momentum: 0.5 }));
      m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      return m;
    };
    const x = tf.randomNormal([9, 3], 2, 1, 'float32', 3);
    const y = tf.randomNormal([9, 1], 0, 1, 'float32', 4);
    const ref = make();
    // the definition: moving mean = momentum · 0 + (1 − momentum) · column mean of the batch
    const expected = Array.from(tf.mean(x, 0).dataSync(), (v) => 0.5 * v);
    const net = make();
    const t = await DataParallelTrainer.create(net, { workers: 2 });
    try {
      await t.step(x, mse(y), tf.train.sgd(0.01));
    } finally {
      await t.close();
    }
    const bn = net.layers[0] as tf.layers.Layer;
    const mean = Array.from(bn.getWeights()[2]?.dataSync() ?? []);
    expect(mean).toHaveLength(3);
    mean.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
    tf.dispose([x, y]);
    ref.dispose();
    net.dispose();
  }, 120_000);

  it('surfaces a worker error as a SurvkitError naming the step, and stops the workers', async () => {
    const net = cnn();
    const o = tf.train.sgd(0.1);
    const t = await DataParallelTrainer.create(net, { workers: 2 });
    await t.step(batches[0]?.x as tf.Tensor, mse(batches[0]?.y as tf.Tensor), o);
    const bad = tf.zeros([4, 8, 8, 2]); // two channels: the replica's first convolution expects one
    const err = await t.step(bad, mse(tf.zeros([4, 1])), o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SurvkitError);
    expect((err as SurvkitError).code).toBe('dataParallelWorker');
    expect((err as Error).message).toMatch(/^DataParallelTrainer: step 2: a training worker failed: /);
    const again = await t.step(batches[0]?.x as tf.Tensor, mse(batches[0]?.y as tf.Tensor), o).catch((e: unknown) => e);
    expect((again as Error).message).toMatch(/the trainer was closed/);
    tf.dispose(bad);
    net.dispose();
  }, 120_000);

  it('stops the workers when the loss throws on the main thread (the error names the step)', async () => {
    const net = cnn();
    const t = await DataParallelTrainer.create(net, { workers: 2 });
    const boom = (): tf.Scalar => {
      throw new Error('boom');
    };
    await expect(t.step(batches[0]?.x as tf.Tensor, boom, tf.train.sgd(0.1))).rejects.toThrow(
      /^DataParallelTrainer: step 1 failed on the main thread: boom; the workers were stopped/,
    );
    await expect(t.step(batches[0]?.x as tf.Tensor, boom, tf.train.sgd(0.1))).rejects.toThrow(/the trainer was closed/);
    net.dispose();
  }, 120_000);

  it('times out instead of hanging, and rejects networks it cannot split', async () => {
    const net = cnn();
    const err = await DataParallelTrainer.create(net, { workers: 1, timeoutMs: 1 }).catch((e: unknown) => e);
    expect((err as SurvkitError).code).toBe('dataParallelTimeout');
    expect((err as Error).message).toMatch(/^DataParallelTrainer: start: no answer from a training worker within 1 ms/);
    const input = tf.input({ shape: [2] });
    const two = tf.model({
      inputs: input,
      outputs: [tf.layers.dense({ units: 1 }).apply(input), tf.layers.dense({ units: 1 }).apply(input)] as tf.SymbolicTensor[],
    });
    await expect(DataParallelTrainer.create(two, { workers: 2 })).rejects.toThrow(/'net' cannot be trained on worker threads: it has 2 outputs/);
    net.dispose();
    two.dispose();
  }, 60_000);
});

describe("fit({ workers }) with a loss that couples the batch's rows (Cox partial likelihood)", () => {
  it('gives the single-thread weights and losses, and leaves no more tensors behind', async () => {
    const data = synthetic(90, 4, 7, { round: 1 });
    const labels = { time: data.time, event: data.event };
    const run = async (workers: number) => {
      const before = tf.memory().numTensors;
      const m = new CoxPH({ inputDim: 4, hidden: [8], dropout: 0, batchNorm: false, seed: 3 });
      const h = await m.fit(data.x, labels, { epochs: 2, batchSize: 30, seed: 1, learningRate: 0.01, verbose: false, workers });
      const w = weightsOf(m.net);
      m.dispose();
      return { h, w, leaked: tf.memory().numTensors - before };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.h.loss).toHaveLength(2);
    two.h.loss.forEach((l, i) => expect(l).toBeCloseTo(one.h.loss[i] as number, 5));
    expect(maxAbsDiff(two.w, one.w)).toBeLessThan(1e-5);
    expect(two.leaked).toBe(0); // (the first fit of a process may cache a tensor; this one runs second)
  }, 120_000);

  it('refuses families that run the network more than once per batch (Cox-CC), and stops its workers', async () => {
    const data = synthetic(40, 4, 3);
    const m = new CoxCC({ inputDim: 4, hidden: [4], seed: 1 });
    await expect(m.fit(data.x, data, { epochs: 1, batchSize: 20, verbose: false, workers: 2 })).rejects.toThrow(
      /^fit: option 'workers' must be 1 for this model family \(it runs the network more than once per batch\); got 2/,
    );
    m.dispose();
  }, 60_000);
});

describe('fit({ workers }) on a survkit backbone with a head, its early layers frozen (the fine-tune path)', () => {
  const data = synthetic(24, 1, 5, { round: 1 });
  const x = tf.randomNormal([24, 12, 12, 1], 0, 1, 'float32', 9);
  const labels = { time: data.time, event: data.event };
  const fit = async (norm: 'batch' | 'none', workers: number) => {
    const backbone = resnet2d({ inputShape: [12, 12, 1], widths: [4, 6], norm, seed: 2 });
    const frozen = backbone.layers.map((l) => l.name).filter((n) => !lastBlockLayers(backbone).includes(n));
    const m = new CoxPH({ backbone, attach: { pool: 'avg', freeze: frozen }, seed: 3 });
    const before = new Map(m.net.weights.map((w) => [w.name, Array.from(w.read().dataSync())]));
    const h = await m.fit(x, labels, { epochs: 1, batchSize: 12, seed: 1, learningRate: 0.01, verbose: false, workers });
    const after = new Map(m.net.weights.map((w) => [w.name, { v: Array.from(w.read().dataSync()), trainable: w.trainable }]));
    m.dispose();
    return { h, before, after };
  };

  it('without batch norm: the replicas rebuilt from the topology give the single-thread weights', async () => {
    const one = await fit('none', 1);
    const two = await fit('none', 2);
    expect(two.h.loss[0]).toBeCloseTo(one.h.loss[0] as number, 5);
    expect(
      maxAbsDiff(
        [...two.after.values()].map((a) => a.v),
        [...one.after.values()].map((a) => a.v),
      ),
    ).toBeLessThan(1e-5);
  }, 120_000);

  it('with batch norm: frozen layers (moving statistics included) stay as they were, the last block trains', async () => {
    const two = await fit('batch', 2);
    expect(Number.isFinite(two.h.loss[0])).toBe(true);
    let changed = 0;
    for (const [name, a] of two.after) {
      const b = two.before.get(name) as number[];
      const d = maxAbsDiff([a.v], [b]);
      if (a.trainable) changed += d > 0 ? 1 : 0;
      else if (!name.includes('layer2_0_')) expect(d, name).toBe(0); // frozen (the last block's moving statistics may move)
    }
    expect(changed).toBeGreaterThan(0);
  }, 120_000);
});
