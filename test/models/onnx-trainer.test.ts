import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { importOnnxRuntime } from '../../src/backbones/onnx-backbone.js';
import { GlobalPool } from '../../src/backbones/global-pool.js';
import { ZeroPadding3D } from '../../src/backbones/zero-padding3d.js';
import { inferenceModeForFrozenBatchNorm } from '../../src/backbones/batch-norm-modes.js';
import { CoxHead } from '../../src/heads/cox-head.js';
import { DiscreteHead } from '../../src/heads/discrete-head.js';
import { SurvkitError } from '../../src/core/errors.js';
import { OnnxTrainer } from '../../src/models/training/onnx-trainer.js';
import { compileStepGraphs, kernelToOnnx } from '../../src/models/training/onnx-step-graph.js';
import { DataParallelTrainer } from '../../src/models/training/data-parallel.js';
import { FusedAdam } from '../../src/models/training/fused-adam.js';
import { resnet2d } from '../../src/backbones/resnet2d.js';
import { r2plus1d, r3d } from '../../src/backbones/video.js';
import { attachHead } from '../../src/backbones/attach.js';
import { lastBlockLayers } from '../../src/tabular/image-finetune.js';
import { coxPhLoss } from '../../src/losses/cox-ph.js';

const ort = await importOnnxRuntime('test', 'onnxruntime-node').then(
  () => true,
  () => false,
);
if (!ort) console.warn('onnxruntime-node is not installed: the OnnxTrainer tests are skipped');

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** Captures the gradients an optimizer is given (keyed by variable name) instead of applying them. */
class Capture extends tf.Optimizer {
  grads: Record<string, Float32Array> = {};
  applyGradients(g: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const named: tf.NamedTensorMap = Array.isArray(g) ? Object.fromEntries(g.map((t) => [t.name, t.tensor])) : g;
    for (const [k, t] of Object.entries(named)) this.grads[k] = t.dataSync() as Float32Array;
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
  static className = 'Capture';
}

/** TF.js's own gradients of `loss(net(x, training))` with respect to the trainable weights, by variable name. */
function tfjsGrads(net: tf.LayersModel, x: tf.Tensor[], loss: (out: tf.Tensor) => tf.Scalar): Record<string, Float32Array> {
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads, value } = tf.variableGrads(() => loss(net.apply(x.length === 1 ? x[0]! : x, { training: true }) as tf.Tensor), vars);
  const out = Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, t.dataSync() as Float32Array]));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

function expectClose(got: Record<string, Float32Array>, want: Record<string, Float32Array>, rel = 2e-5): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, w] of Object.entries(want)) {
    const g = got[k] as Float32Array;
    expect(g.length, k).toBe(w.length);
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < w.length; i++) {
      scale = Math.max(scale, Math.abs(w[i] as number));
      diff = Math.max(diff, Math.abs((g[i] as number) - (w[i] as number)));
    }
    expect(diff, `${k}: max |diff| ${diff} vs max |grad| ${scale}`).toBeLessThanOrEqual(rel * Math.max(scale, 1e-6) + 1e-7);
  }
}

const mse = (y: tf.Tensor) => (out: tf.Tensor) => tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, out);

async function compare(
  net: tf.LayersModel,
  x: tf.Tensor[],
  loss: (out: tf.Tensor) => tf.Scalar,
  opts: { filterGrad?: 'im2col' | 'conv'; rel?: number } = {},
): Promise<void> {
  const before = net.getWeights().map((w) => w.clone());
  const trainer = await OnnxTrainer.create(net, { threads: 1, ...(opts.filterGrad ? { filterGrad: opts.filterGrad } : {}) });
  const cap = new Capture();
  try {
    const value = await trainer.step(x.length === 1 ? x[0]! : x, loss, cap);
    const after = net.getWeights().map((w) => w.clone());
    net.setWeights(before);
    const want = tf.tidy(() => loss(net.apply(x.length === 1 ? x[0]! : x, { training: true }) as tf.Tensor).dataSync()[0] as number);
    net.setWeights(before);
    expect(Math.abs(value - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
    expectClose(cap.grads, tfjsGrads(net, x, loss), opts.rel);
    // Moving statistics written by the trainer equal TF.js's after its training-mode call (made by tfjsGrads).
    const stats = net.weights.map((w, i) => [w, i] as const).filter(([w]) => w.originalName.includes('moving'));
    for (const [w, i] of stats) {
      const mine = after[i]!.dataSync();
      const theirs = w.read().dataSync();
      for (let j = 0; j < mine.length; j++) expect(Math.abs(mine[j]! - theirs[j]!), w.name).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(theirs[j]!)));
    }
    tf.dispose(after);
  } finally {
    tf.dispose(before);
    await trainer.close();
  }
}

describe.skipIf(!ort)('OnnxTrainer', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => undefined);

  it('2-D stride-2 convolutions (same padding, odd and even sizes) + global average pool + dense: gradients equal TF.js', async () => {
    for (const size of [16, 15]) {
      const net = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [size, size, 2],
            filters: 4,
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: init(1),
          }),
          tf.layers.conv2d({
            filters: 6,
            kernelSize: [3, 2],
            strides: [2, 1],
            padding: 'valid',
            activation: 'tanh',
            kernelInitializer: init(2),
            biasInitializer: 'ones',
          }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 2, activation: 'sigmoid', kernelInitializer: init(3) }),
        ],
      });
      const x = tf.randomNormal([5, size, size, 2], 0, 1, 'float32', 4);
      const y = tf.randomNormal([5, 2], 0, 1, 'float32', 5);
      await compare(net, [x], mse(y));
      await compare(net, [x], mse(y), { filterGrad: 'im2col' });
      await compare(net, [x], mse(y), { filterGrad: 'conv' });
      tf.dispose([x, y]);
      net.dispose();
    }
  }, 120_000);

  it('3-D convolutions, disjoint and overlapping max pooling, zero padding, survkit pooling and discrete head: gradients equal TF.js', async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.conv3d({ inputShape: [4, 8, 8, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(6) }),
        tf.layers.maxPooling3d({ poolSize: 2 }),
        new ZeroPadding3D({
          padding: [
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        }),
        tf.layers.conv3d({ filters: 4, kernelSize: [2, 3, 3], strides: [1, 2, 2], activation: 'relu', kernelInitializer: init(7) }),
        new GlobalPool({ mode: 'avg' }),
        new DiscreteHead({ cuts: 3, seed: 8 }),
      ],
    });
    const x = tf.randomNormal([3, 4, 8, 8, 1], 0, 1, 'float32', 9);
    const y = tf.randomNormal([3, 3], 0, 1, 'float32', 10);
    await compare(net, [x], mse(y));
    const over = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [9, 9, 1], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: init(11) }),
        tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tf.layers.flatten({}),
        tf.layers.dense({ units: 1, kernelInitializer: init(12) }),
      ],
    });
    const x2 = tf.randomNormal([4, 9, 9, 1], 0, 1, 'float32', 13);
    const y2 = tf.randomNormal([4, 1], 0, 1, 'float32', 14);
    await compare(over, [x2], mse(y2));
    tf.dispose([x, y, x2, y2]);
    net.dispose();
    over.dispose();
  }, 120_000);

  it('batch norm in training mode, a residual Add, a frozen prefix with frozen batch norm, a tabular input and a Cox head', async () => {
    const img = tf.input({ shape: [8, 8, 2] });
    const tab = tf.input({ shape: [3] });
    const frozenConv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(15), trainable: false });
    const frozenBn = tf.layers.batchNormalization({
      trainable: false,
      movingMeanInitializer: tf.initializers.constant({ value: 0.1 }),
      movingVarianceInitializer: tf.initializers.constant({ value: 2 }),
    });
    let h = tf.layers.activation({ activation: 'relu' }).apply(frozenBn.apply(frozenConv.apply(img))) as tf.SymbolicTensor;
    const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(16) }).apply(h) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ momentum: 0.9, gammaInitializer: tf.initializers.constant({ value: 1.5 }) }).apply(c) as tf.SymbolicTensor;
    h = tf.layers.reLU({}).apply(tf.layers.add({}).apply([bn, h])) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
    const both = tf.layers.concatenate({}).apply([pooled, tab]) as tf.SymbolicTensor;
    const hidden = tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: init(17) }).apply(both) as tf.SymbolicTensor;
    const dense = tf.layers.batchNormalization({}).apply(hidden) as tf.SymbolicTensor;
    const out = new CoxHead({ seed: 18 }).apply(dense) as tf.SymbolicTensor;
    const net = tf.model({ inputs: [img, tab], outputs: out });
    inferenceModeForFrozenBatchNorm(net);
    const x = [tf.randomNormal([6, 8, 8, 2], 0, 1, 'float32', 19), tf.randomNormal([6, 3], 0, 1, 'float32', 20)];
    const y = tf.randomNormal([6, 1], 0, 1, 'float32', 21);
    await compare(net, x, mse(y), { rel: 5e-5 });
    tf.dispose([...x, y]);
    net.dispose();
  }, 120_000);

  it('names the layer it cannot compile, and refuses without onnxruntime-node', async () => {
    const net = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, dilationRate: 2, name: 'dilated' })] });
    expect(() => compileStepGraphs(net)).toThrow(/layer 'dilated' \(Conv2D\) cannot be compiled .*dilation rate \[2, 2\]/);
    const lstm = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [4, 2], units: 2, name: 'rnn' })] });
    expect(() => compileStepGraphs(lstm)).toThrow(SurvkitError);
    expect(() => compileStepGraphs(lstm)).toThrow(/layer 'rnn' \(LSTM\).*no training rule/);
    const ok = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1 })] });
    await expect(
      OnnxTrainer.create(ok, {
        importer: () => {
          throw new Error('not installed');
        },
      }),
    ).rejects.toThrow(/engine 'onnxruntime' needs the optional package onnxruntime-node/);
    const t = await OnnxTrainer.create(ok, { threads: 1 });
    await t.close();
    await expect(t.step(tf.ones([2, 3]), (o) => tf.sum<tf.Scalar>(o), tf.train.sgd(0.1))).rejects.toThrow(/OnnxTrainer: step 1 failed: the trainer was closed/);
    net.dispose();
    lstm.dispose();
    ok.dispose();
  }, 60_000);

  it("DataParallelTrainer with engine 'onnxruntime': the weights of single-thread TF.js training on the same batches (1 and 2 workers; uneven shards)", async () => {
    const cnn = (): tf.LayersModel =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(31) }),
          tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(32) }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 1, kernelInitializer: init(33) }),
        ],
      });
    const batches = [10, 7, 1].map((n, k) => ({
      x: tf.randomNormal([n, 8, 8, 1], 0, 1, 'float32', 40 + k),
      y: tf.randomNormal([n, 1], 0, 1, 'float32', 50 + k),
    }));
    const ref = cnn();
    const opt = tf.train.sgd(0.1);
    for (const b of batches) tf.dispose(opt.minimize(() => mse(b.y)(ref.predict(b.x) as tf.Tensor), true) as tf.Scalar);
    const want = ref.getWeights().map((w) => w.dataSync());
    const init0 = cnn()
      .getWeights()
      .map((w) => w.dataSync());
    for (const workers of [1, 2]) {
      const net = cnn();
      const o = tf.train.sgd(0.1);
      const t = await DataParallelTrainer.create(net, { workers, engine: 'onnxruntime' });
      try {
        for (const b of batches) await t.step(b.x, mse(b.y), o);
      } finally {
        await t.close();
      }
      const got = net.getWeights().map((w) => w.dataSync());
      let diff = 0;
      let moved = 0;
      got.forEach((w, i) => {
        for (let j = 0; j < w.length; j++) {
          diff = Math.max(diff, Math.abs(w[j]! - want[i]![j]!));
          moved = Math.max(moved, Math.abs(w[j]! - init0[i]![j]!));
        }
      });
      expect(diff).toBeLessThan(2e-5);
      expect(moved).toBeGreaterThan(1e-3);
      net.dispose();
      o.dispose();
    }
    for (const b of batches) tf.dispose([b.x, b.y]);
    ref.dispose();
    opt.dispose();
  }, 120_000);

  it("DataParallelTrainer with engine 'onnxruntime' averages batch-norm moving means by rows, and names a layer it cannot compile before starting workers", async () => {
    const make = (): tf.LayersModel =>
      tf.sequential({
        layers: [tf.layers.batchNormalization({ inputShape: [3], momentum: 0.5 }), tf.layers.dense({ units: 1, kernelInitializer: init(60) })],
      });
    const x = tf.randomNormal([9, 3], 2, 1, 'float32', 61);
    const y = tf.randomNormal([9, 1], 0, 1, 'float32', 62);
    // the definition: moving mean = momentum · 0 + (1 − momentum) · column mean of the batch
    const expected = Array.from(tf.mean(x, 0).dataSync(), (v) => 0.5 * v);
    const net = make();
    const t = await DataParallelTrainer.create(net, { workers: 2, engine: 'onnxruntime' });
    try {
      await t.step(x, mse(y), tf.train.sgd(0.01));
    } finally {
      await t.close();
    }
    const mean = Array.from(net.layers[0]!.getWeights()[2]!.dataSync());
    expect(mean).toHaveLength(3);
    mean.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5));
    const lstm = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [4, 2], units: 2, name: 'rnn2' })] });
    await expect(DataParallelTrainer.create(lstm, { workers: 2, engine: 'onnxruntime' })).rejects.toThrow(/layer 'rnn2' \(LSTM\)/);
    tf.dispose([x, y]);
    net.dispose();
    lstm.dispose();
  }, 120_000);

  it("survkit's ResNet and video backbones with only the last block trainable (frozen batch norm below), a Cox head and the Cox partial likelihood: gradients equal TF.js", async () => {
    const time = [5, 3, 9, 3, 7, 1];
    const event = [1, 0, 1, 1, 0, 1];
    const cox = (out: tf.Tensor): tf.Scalar => coxPhLoss(out, time, event);
    const nets = [
      { backbone: resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], seed: 70 }), x: [6, 16, 16, 1] },
      { backbone: r3d({ inputShape: [4, 8, 8, 1], widths: [4, 6], seed: 71 }), x: [6, 4, 8, 8, 1] },
      { backbone: r2plus1d({ inputShape: [4, 8, 8, 1], widths: [4, 6], seed: 72 }), x: [6, 4, 8, 8, 1] },
      { backbone: resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], seed: 74 }), x: [6, 16, 16, 1], all: true },
    ];
    for (const [i, { backbone, x, all }] of nets.entries()) {
      const keep = new Set(lastBlockLayers(backbone));
      expect(keep.size).toBeGreaterThan(0);
      // The last network trains every layer: batch norm in training mode throughout.
      for (const l of backbone.layers) l.trainable = all === true || keep.has(l.name);
      const net = attachHead(backbone, new CoxHead({ seed: 73 + i }), { pool: 'avg' });
      inferenceModeForFrozenBatchNorm(net);
      const input = tf.randomNormal(x, 0, 1, 'float32', 80 + i);
      await compare(net, [input], cox, { rel: 5e-5 });
      input.dispose();
      net.dispose();
    }
  }, 180_000);

  it('compiles frozen weights in as constants, and compiles again when one changes (DataParallelTrainer refuses instead)', async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: init(90), trainable: false, name: 'frozen' }),
        tf.layers.batchNormalization({ trainable: false, name: 'frozen_bn' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 1, kernelInitializer: init(91) }),
      ],
    });
    inferenceModeForFrozenBatchNorm(net);
    const g = compileStepGraphs(net);
    const frozen = net.getLayer('frozen').weights.concat(net.getLayer('frozen_bn').weights);
    expect(g.baked.map((b) => b.variable)).toEqual(frozen);
    const inputs = new Set(g.forward.inputs.map((i) => i.name));
    for (const w of g.weights) expect(inputs.has(w.input)).toBe(w.constant !== true);
    const all = compileStepGraphs(net, { constants: false });
    expect(all.baked).toHaveLength(0);
    const x = tf.randomNormal([4, 6, 6, 1], 0, 1, 'float32', 92);
    const y = tf.randomNormal([4, 1], 0, 1, 'float32', 93);
    const trainer = await OnnxTrainer.create(net, { threads: 1 });
    const dp = await DataParallelTrainer.create(net, { workers: 1, engine: 'onnxruntime' });
    try {
      // Unchanged frozen weights: the data-parallel step runs (and OnnxTrainer keeps its sessions).
      await dp.step(x, mse(y), tf.train.sgd(0));
      await trainer.step(x, mse(y), new Capture()); // the sessions open with the kernel as it is now
      const kernel = net.getLayer('frozen').weights[0]!;
      kernel.write(tf.mul(kernel.read(), 2));
      trainer.weightsChanged();
      const cap = new Capture();
      await trainer.step(x, mse(y), cap);
      expectClose(cap.grads, tfjsGrads(net, [x], mse(y)));
      dp.weightsChanged();
      await expect(dp.step(x, mse(y), tf.train.sgd(0.1))).rejects.toThrow(/frozen\/kernel.*changed after the trainer started/);
    } finally {
      await trainer.close();
      await dp.close();
    }
    tf.dispose([x, y]);
    net.dispose();
  }, 120_000);

  it('kernelToOnnx equals the transpose [k…, ci, co] → [co, ci, k…]', () => {
    for (const shape of [
      [3, 3, 2, 5],
      [1, 1, 4, 3],
      [2, 3, 3, 2, 4],
    ]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 99);
      const d = shape.length - 2;
      const want = tf.transpose(x, [d + 1, d, ...Array.from({ length: d }, (_, i) => i)]).dataSync();
      expect(Array.from(kernelToOnnx(x.dataSync() as Float32Array, shape))).toEqual(Array.from(want));
      x.dispose();
    }
  });

  it.each([
    ['a TF.js optimiser (tf.train.adam, its applyGradients after every step)', false],
    ["survkit's Adam (FusedAdam, applied by the trainer; the network's variables written by sync() and close())", true],
  ] as const)(
    'trains with %s: five steps end where the same optimiser on TF.js ends',
    async (_, fused) => {
      const build = (): tf.LayersModel =>
        tf.sequential({
          layers: [
            tf.layers.conv2d({
              inputShape: [12, 12, 2],
              filters: 4,
              kernelSize: 3,
              strides: 2,
              padding: 'same',
              activation: 'relu',
              kernelInitializer: init(101),
            }),
            tf.layers.batchNormalization({ momentum: 0.8 }),
            tf.layers.maxPooling2d({ poolSize: 2 }),
            tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: init(102) }),
            tf.layers.flatten({}),
            tf.layers.dense({ units: 2, kernelInitializer: init(103) }),
          ],
        });
      const a = build();
      const b = build();
      const x = tf.randomNormal([6, 12, 12, 2], 0, 1, 'float32', 104);
      const y = tf.randomNormal([6, 2], 0, 1, 'float32', 105);
      const optimiser = (): tf.Optimizer => (fused ? new FusedAdam(1e-2) : tf.train.adam(1e-2));
      const oa = optimiser();
      const ob = optimiser();
      const start = a.getWeights().map((w) => w.dataSync().slice());
      const trainer = await OnnxTrainer.create(a, { threads: 1 });
      try {
        for (let i = 0; i < 5; i++) {
          await trainer.step(x, mse(y), oa);
          ob.minimize(
            () => mse(y)(b.apply(x, { training: true }) as tf.Tensor),
            false,
            b.trainableWeights.map((w) => w.read() as tf.Variable),
          );
        }
        const kernel0 = Array.from(a.getWeights()[0]!.dataSync());
        if (fused) {
          // The trainer keeps the trained weights until sync(); the moving statistics are written every step.
          expect(kernel0).toEqual(Array.from(start[0]!));
          trainer.sync();
        }
        expect(Array.from(a.getWeights()[0]!.dataSync())).not.toEqual(Array.from(start[0]!));
      } finally {
        await trainer.close();
      }
      const wa = a.getWeights();
      const wb = b.getWeights();
      expect(wa).toHaveLength(10);
      wa.forEach((t, i) => {
        const p = t.dataSync();
        const q = wb[i]!.dataSync();
        for (let j = 0; j < p.length; j++) expect(Math.abs(p[j]! - q[j]!), a.weights[i]!.name).toBeLessThanOrEqual(1e-5);
      });
      tf.dispose([x, y]);
      oa.dispose();
      ob.dispose();
      a.dispose();
      b.dispose();
    },
    120_000,
  );
});
