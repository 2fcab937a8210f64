/**
 * CoxPH.fit with `memoryBank` against torchsurv's Momentum, step by step (test/fixtures/cox/torchsurv_momentum.json,
 * generator cox_momentum_torchsurv.py): a linear network (no hidden layer, no bias) trained by plain SGD on fixed
 * batches gives torchsurv's loss at every step, its online weights and its EMA target weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { CoxPH, type BatchSource } from '../../src/models/index.js';
import { readJson } from '../losses/reference.js';
import { synthetic } from './synthetic.js';

interface Step {
  loss: number;
  target: number[];
  online: number[];
}
interface Training {
  d: number;
  batch: number;
  queue_size: number;
  rate: number;
  lr: number;
  w0: number[];
  x: number[][];
  time: number[][];
  event: number[][];
  steps: Step[];
}
const { training } = readJson<{ training: Training[] }>('cox/torchsurv_momentum.json');
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

async function run(c: Training, keep: 'online' | 'target', steps = c.steps.length) {
  const model = new CoxPH({ inputDim: c.d, hidden: [], seed: 1 });
  const w0 = tf.tensor2d(c.w0, [c.d, 1]);
  model.net.setWeights([w0]);
  w0.dispose();
  const source: BatchSource = {
    // eslint-disable-next-line @typescript-eslint/require-await
    async *batches() {
      for (let s = 0; s < steps; s++) yield { x: tf.tensor2d(c.x[s] as number[], [c.batch, c.d]), time: c.time[s], event: c.event[s] };
    },
  };
  const losses: number[] = [];
  await model.fit(source, {
    epochs: 1,
    optimizer: 'sgd',
    learningRate: c.lr,
    verbose: false,
    memoryBank: { size: c.queue_size, momentum: c.rate, keep },
    callbacks: { onBatchEnd: (_b, logs) => void losses.push(logs.loss) },
  });
  const w = Array.from(model.net.getWeights()[0]?.dataSync() ?? []);
  return { losses, w };
}

describe('CoxPH.fit({ memoryBank }) = torchsurv Momentum (golden)', () => {
  training.forEach((c, k) => {
    it(`case ${k}: batch ${c.batch}, queue ${c.queue_size}, rate ${c.rate}: loss per step and online weights (float32, 1e-5)`, async () => {
      const { losses, w } = await run(c, 'online');
      expect(losses.length).toBe(c.steps.length);
      losses.forEach((v, i) => expect(close(v, c.steps[i]?.loss as number), `step ${i}: ${v} vs ${c.steps[i]?.loss}`).toBe(true));
      w.forEach((v, i) => expect(close(v, c.steps.at(-1)?.online[i] as number)).toBe(true));
    });

    it(`case ${k}: EMA target weights after each step (keep: 'target')`, async () => {
      for (const s of [1, c.steps.length]) {
        const { w } = await run(c, 'target', s);
        w.forEach((v, i) => expect(close(v, c.steps[s - 1]?.target[i] as number), `after ${s} steps`).toBe(true));
      }
    });
  });

  it('rejects a bad memoryBank and one with the pycox convention', async () => {
    const d = synthetic(20, 2, 1);
    const m = new CoxPH({ inputDim: 2, hidden: [], seed: 1 });
    await expect(m.fit(d.x, d, { epochs: 1, memoryBank: { size: 0 } })).rejects.toThrow(
      messages.optionRange('CoxPH.fit', 'memoryBank.size', 'an integer >= 1', 0),
    );
    const p = new CoxPH({ inputDim: 2, hidden: [], seed: 1, convention: 'pycox' });
    await expect(p.fit(d.x, d, { epochs: 1, memoryBank: { size: 8 } })).rejects.toThrow("option 'memoryBank' must be used with convention 'exact'");
  });

  it('trains at batch size 2 without leaking tensors', async () => {
    const d = synthetic(40, 3, 2);
    const m = new CoxPH({ inputDim: 3, hidden: [4], batchNorm: true, dropout: 0.1, seed: 1 });
    const opts = { epochs: 2, batchSize: 2, verbose: false, memoryBank: { size: 16, momentum: 0.9 } } as const;
    await m.fit(d.x, d, { ...opts, epochs: 1 }); // the first optimiser step keeps its kernel's constants
    const before = tf.memory().numTensors;
    const h = await m.fit(d.x, d, opts);
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('CoxPH memoryBank: which training engine runs', () => {
  it('a momentum bank and data-parallel workers train on TF.js (the target pass and the replicas read the network itself)', async () => {
    const d = synthetic(64, 4, 3);
    const m = new CoxPH({ inputDim: 4, hidden: [8], seed: 1 });
    const plain = await m.fit(d.x, { time: d.time, event: d.event }, { epochs: 1, batchSize: 8, seed: 2, verbose: false });
    expect(plain.engine).toBe('dense');
    const bank = await m.fit(
      d.x,
      { time: d.time, event: d.event },
      { epochs: 1, batchSize: 8, seed: 2, verbose: false, memoryBank: { size: 32, momentum: 0.9 } },
    );
    expect(bank.engine).toBe('tfjs');
    const workers = await m.fit(d.x, { time: d.time, event: d.event }, { epochs: 1, batchSize: 8, seed: 2, verbose: false, workers: 2 });
    expect(workers.engine).toBe('tfjs');
    m.dispose();
  }, 300_000);
});
