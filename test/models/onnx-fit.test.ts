/**
 * `fit({ engine: 'onnxruntime' })`: the training steps of a survival model run by OnnxTrainer (onnxruntime's native
 * kernels) give what TF.js's own steps give on the same batches, for the families that run the network once per batch;
 * early stopping restores the best epoch's weights; the options are checked.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { importOnnxRuntime } from '../../src/backbones/onnx-backbone.js';
import { CoxCC, CoxPH, LogisticHazard, SoftmaxClassifier, type SurvivalModel } from '../../src/models/index.js';
import type { FitOptions, History } from '../../src/models/training/fit-types.js';
import { synthetic, weightsOf } from './synthetic.js';

const ort = await importOnnxRuntime('test', 'onnxruntime-node').then(
  () => true,
  () => false,
);
if (!ort) console.warn("onnxruntime-node is not installed: the fit({ engine: 'onnxruntime' }) tests are skipped");

const N = 40;
const data = synthetic(N, 1, 11, { round: 2 });
const labels = { time: data.time, event: data.event };

/** A small CNN backbone (12×12×1 → conv, max-pool, conv → 6 channels) with seeded initialisers; no dropout, no batch norm. */
function cnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  return m;
}

type Family = 'coxph' | 'logistichazard';
const make = (family: Family): SurvivalModel =>
  family === 'coxph'
    ? new CoxPH({ backbone: cnn(), attach: { pool: 'avg' }, seed: 3 })
    : new LogisticHazard({ backbone: cnn(), attach: { pool: 'avg' }, cuts: 4, seed: 3 });

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  a.forEach((w, i) => {
    const v = b[i] as number[];
    expect(w.length).toBe(v.length);
    for (let j = 0; j < w.length; j++) d = Math.max(d, Math.abs((w[j] as number) - (v[j] as number)));
  });
  return d;
}

let x: tf.Tensor4D;
let xVal: tf.Tensor4D;
const val = synthetic(16, 1, 12, { round: 2 });
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  // images whose brightness carries the log-hazard of the synthetic labels, plus noise
  x = tf.tidy(() => tf.randomNormal([N, 12, 12, 1], 0, 0.5, 'float32', 5).add(data.x.reshape([N, 1, 1, 1])));
  xVal = tf.tidy(() => tf.randomNormal([16, 12, 12, 1], 0, 0.5, 'float32', 6).add(val.x.reshape([16, 1, 1, 1])));
});

async function fitWith(family: Family, opts: FitOptions): Promise<{ h: History; w: number[][]; initial: number[][] }> {
  const m = make(family);
  let initial: number[][] = [];
  const start = { onTrainBegin: () => void (initial = weightsOf(m.net)) }; // (the discrete families build the network in fit)
  try {
    const h = await m.fit(x, labels, { epochs: 3, batchSize: 16, seed: 7, learningRate: 0.01, verbose: false, callbacks: start, ...opts });
    return { h, w: weightsOf(m.net), initial };
  } finally {
    m.dispose();
  }
}

describe.skipIf(!ort)("fit({ engine: 'onnxruntime' }) on a small CNN with a survkit head", () => {
  for (const family of ['coxph', 'logistichazard'] as const) {
    it(`${family}: 3 epochs end within 1e-4 of engine 'tfjs' (every weight, and the loss history), and the history says which engine`, async () => {
      const ref = await fitWith(family, { engine: 'tfjs' });
      const nat = await fitWith(family, { engine: 'onnxruntime', threads: 2 });
      expect(ref.h.engine).toBe('tfjs');
      expect(nat.h.engine).toBe('onnxruntime');
      expect(nat.h.loss).toHaveLength(3);
      nat.h.loss.forEach((l, i) => expect(Math.abs(l - (ref.h.loss[i] as number))).toBeLessThan(1e-4));
      console.info(
        `${family}: max |Δweight| ${maxAbsDiff(nat.w, ref.w).toExponential(2)}, ` +
          `max |Δloss| ${Math.max(...nat.h.loss.map((l, i) => Math.abs(l - (ref.h.loss[i] as number)))).toExponential(2)}`,
      );
      expect(maxAbsDiff(nat.w, ref.w)).toBeLessThan(1e-4);
      expect(maxAbsDiff(nat.w, nat.initial)).toBeGreaterThan(1e-3); // it did train
    }, 180_000);
  }

  it("workers: 2 with engine 'onnxruntime' (replicas on onnxruntime) ends within 1e-4 of one thread on TF.js", async () => {
    const ref = await fitWith('coxph', { engine: 'tfjs' });
    const two = await fitWith('coxph', { engine: 'onnxruntime', workers: 2 });
    expect(two.h.engine).toBe('onnxruntime');
    two.h.loss.forEach((l, i) => expect(Math.abs(l - (ref.h.loss[i] as number))).toBeLessThan(1e-4));
    expect(maxAbsDiff(two.w, ref.w)).toBeLessThan(1e-4);
  }, 180_000);

  it('early stopping restores the best epoch: the same weights and best epoch as engine tfjs', async () => {
    const stop: FitOptions = {
      epochs: 6,
      learningRate: 0.05,
      validation: { x: xVal, labels: { time: val.time, event: val.event } },
      earlyStopping: { patience: 2 },
    };
    const ref = await fitWith('coxph', { ...stop, engine: 'tfjs' });
    const nat = await fitWith('coxph', { ...stop, engine: 'onnxruntime', threads: 1 });
    expect(nat.h.valLoss).toHaveLength(ref.h.valLoss.length);
    nat.h.valLoss.forEach((l, i) => expect(Math.abs(l - (ref.h.valLoss[i] as number))).toBeLessThan(1e-4));
    expect(nat.h.stoppedEarly).toBe(true);
    expect(nat.h.bestEpoch).toBeLessThan(nat.h.epochs - 1); // the weights were restored from a snapshot
    expect(nat.h.bestEpoch).toBe(ref.h.bestEpoch);
    expect(maxAbsDiff(nat.w, ref.w)).toBeLessThan(1e-4);
  }, 180_000);

  it("ends with exactly the best epoch's weights (a callback's copy at that epoch)", async () => {
    const m = make('coxph');
    const seen: number[][][] = [];
    try {
      const h = await m.fit(x, labels, {
        epochs: 5,
        batchSize: 16,
        seed: 7,
        learningRate: 0.05,
        verbose: false,
        engine: 'onnxruntime',
        validation: { x: xVal, labels: { time: val.time, event: val.event } },
        earlyStopping: { patience: 5 },
        callbacks: { onEpochEnd: () => void seen.push(weightsOf(m.net)) },
      });
      expect(h.epochs).toBe(5);
      const best = h.valLoss.reduce((bi, v, i, a) => (v < (a[bi] as number) ? i : bi), 0);
      expect(best).toBeLessThan(4); // a snapshot is restored, not the last epoch kept
      expect(h.bestEpoch).toBe(best);
      expect(maxAbsDiff(weightsOf(m.net), seen[best] as number[][])).toBe(0);
    } finally {
      m.dispose();
    }
  }, 180_000);

  it("a dense stack the host dense engine would take ('auto') trains on onnxruntime when asked", async () => {
    const d = synthetic(30, 3, 4);
    const fit = async (engine: FitOptions['engine']): Promise<{ h: History; w: number[][] }> => {
      const m = new CoxPH({ inputDim: 3, hidden: [5], dropout: 0, batchNorm: false, seed: 2 });
      try {
        const h = await m.fit(d.x, d, { epochs: 2, batchSize: 10, seed: 1, learningRate: 0.01, verbose: false, engine });
        return { h, w: weightsOf(m.net) };
      } finally {
        m.dispose();
      }
    };
    const auto = await fit('auto');
    const nat = await fit('onnxruntime');
    expect(auto.h.engine).toBe('dense');
    expect(nat.h.engine).toBe('onnxruntime');
    expect(maxAbsDiff(nat.w, auto.w)).toBeLessThan(1e-4);
  }, 60_000);

  it('a classifier (SoftmaxClassifier) trains on onnxruntime to within 1e-4 of engine tfjs', async () => {
    const d = synthetic(30, 3, 6);
    const y = Int32Array.from(d.event);
    const fit = async (engine: FitOptions['engine']): Promise<{ h: History; w: number[][] }> => {
      const m = new SoftmaxClassifier({ inputDim: 3, hidden: [5], dropout: 0, batchNorm: false, classes: 2, seed: 2 });
      try {
        const h = await m.fit(d.x, y, { epochs: 2, batchSize: 10, seed: 1, learningRate: 0.01, verbose: false, engine });
        return { h, w: weightsOf(m.net) };
      } finally {
        m.dispose();
      }
    };
    const ref = await fit('tfjs');
    const nat = await fit('onnxruntime');
    expect(nat.h.engine).toBe('onnxruntime');
    nat.h.loss.forEach((l, i) => expect(Math.abs(l - (ref.h.loss[i] as number))).toBeLessThan(1e-4));
    expect(maxAbsDiff(nat.w, ref.w)).toBeLessThan(1e-4);
  }, 60_000);

  it('names a layer it cannot compile, before the first step', async () => {
    const backbone = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4 }), tf.layers.layerNormalization({ name: 'norm_here' })] });
    const m = new CoxPH({ backbone, seed: 1 });
    const d = synthetic(20, 3, 2);
    const batches: number[] = [];
    try {
      await expect(
        m.fit(d.x, d, { epochs: 1, batchSize: 10, verbose: false, engine: 'onnxruntime', callbacks: { onBatchEnd: (b) => void batches.push(b) } }),
      ).rejects.toThrow(
        /^OnnxTrainer: layer 'norm_here' \(LayerNormalization\) cannot be compiled to an onnxruntime training step: .*train this network with engine 'tfjs'$/,
      );
      expect(batches).toEqual([]);
    } finally {
      m.dispose();
    }
  }, 60_000);

  it("refuses a family that runs the network more than once per batch (Cox-CC), naming option 'engine'", async () => {
    const d = synthetic(30, 4, 3);
    const m = new CoxCC({ inputDim: 4, hidden: [4], dropout: 0, seed: 1 });
    try {
      await expect(m.fit(d.x, d, { epochs: 1, batchSize: 15, verbose: false, engine: 'onnxruntime' })).rejects.toThrow(
        /^fit: option 'engine' must be 'auto' or 'tfjs' for this model family \(it runs the network more than once per batch\); got "onnxruntime"$/,
      );
    } finally {
      m.dispose();
    }
  }, 60_000);
});

describe("fit's 'threads' option", () => {
  const d = synthetic(20, 2, 1);
  const run = (opts: FitOptions): Promise<History> => {
    const m = new CoxPH({ inputDim: 2, hidden: [3], seed: 1 });
    return m.fit(d.x, d, { epochs: 1, verbose: false, ...opts }).finally(() => m.dispose());
  };
  it("is refused without engine 'onnxruntime'", async () => {
    await expect(run({ threads: 2 })).rejects.toThrow(
      "CoxPH.fit: option 'threads' must be used with engine 'onnxruntime' (it sets onnxruntime's kernel threads); got 2",
    );
    await expect(run({ threads: 2, engine: 'tfjs' })).rejects.toThrow("option 'threads' must be used with engine 'onnxruntime'");
  });
  it('is refused below 1 or not an integer', async () => {
    await expect(run({ threads: 0, engine: 'onnxruntime' })).rejects.toThrow(/^CoxPH\.fit: option 'threads' must be .*got 0$/);
    await expect(run({ threads: 1.5, engine: 'onnxruntime' })).rejects.toThrow(/^CoxPH\.fit: option 'threads' must be .*got 1\.5$/);
  });
  it("is refused with 'workers' > 1 (it applies to the calling thread)", async () => {
    await expect(run({ threads: 2, workers: 2, engine: 'onnxruntime' })).rejects.toThrow("CoxPH.fit: option 'threads' must be left out when 'workers' > 1");
  });
  it("an unknown engine is refused, listing 'onnxruntime'", async () => {
    await expect(run({ engine: 'native' as never })).rejects.toThrow(/engine.*'onnxruntime'/);
  });
});
