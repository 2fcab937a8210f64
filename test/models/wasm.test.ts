/**
 * The five families and an image backbone train on the WASM backend (with
 * survkit's kernel patches): every loss here is differentiable there.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachHead } from '../../src/backbones/attach.js';
import { initBackend } from '../../src/backend/index.js';
import { CoxHead } from '../../src/heads/cox-head.js';
import { CoxCC, CoxPH, CoxTime, DeepHit, LogisticHazard, type SurvivalModel } from '../../src/models/index.js';
import { synthetic } from './synthetic.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('training on wasm', () => {
  const small = { inputDim: 4, hidden: [8], seed: 1 } as const;
  it.each<[string, () => SurvivalModel]>([
    ['coxph', () => new CoxPH(small)],
    ['coxcc', () => new CoxCC(small)],
    ['coxtime', () => new CoxTime(small)],
    ['deephit', () => new DeepHit({ ...small, cuts: 5 })],
    ['logistichazard', () => new LogisticHazard({ ...small, cuts: 5 })],
  ])('%s fits, predicts and keeps the tensor count', async (_name, make) => {
    expect(tf.getBackend()).toBe('wasm');
    const data = synthetic(80, 4, 3);
    const m = make();
    await m.fit(data.x, data, { epochs: 1, batchSize: 40, verbose: false }); // builds lazy nets
    const before = tf.memory().numTensors;
    const h = await m.fit(data.x, data, { epochs: 2, batchSize: 40, validation: 0.25, earlyStopping: true, learningRate: 0.01, verbose: false });
    const curves = await m.predictSurvival(data.x);
    expect(tf.memory().numTensors).toBe(before);
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(curves.n).toBe(80);
    expect(m.trainingBackend).toBe('wasm');
  });

  it('trains a small conv backbone with a Cox head (conv gradients patched)', async () => {
    const image = tf.input({ shape: [8, 8, 1] });
    const conv = tf.layers
      .conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
      .apply(image) as tf.SymbolicTensor;
    const model = new CoxPH({ net: attachHead(tf.model({ inputs: image, outputs: conv }), new CoxHead({ seed: 2 })) });
    const data = synthetic(40, 4, 5);
    const images = tf.randomNormal([40, 8, 8, 1], 0, 1, 'float32', 1);
    const w0 = model.net.getWeights()[0]?.dataSync().slice();
    const h = await model.fit(images, data, { epochs: 2, batchSize: 20, learningRate: 0.01, verbose: false });
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(Array.from(model.net.getWeights()[0]?.dataSync() ?? [])).not.toEqual(Array.from(w0 ?? []));
  });
});
