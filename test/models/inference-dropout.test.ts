import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { dropoutLayers, withInferenceDropout } from '../../src/models/classifiers/inference-dropout.js';
import { CoxPH } from '../../src/models/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const predict = (net: tf.LayersModel, x: tf.Tensor): number[] => tf.tidy(() => Array.from((net.predict(x) as tf.Tensor).dataSync()));

describe('withInferenceDropout', () => {
  const model = new CoxPH({ inputDim: 3, hidden: [16, 16], dropout: 0.5, batchNorm: true, seed: 2 });
  const rows = [0.3, -1, 2, 0.3, -1, 2, 1, 1, 1];
  const x = tf.tensor2d(rows, [3, 3]);

  it('finds the SeededDropout layers of the tabular MLP (nested in the attached network)', () => {
    expect(dropoutLayers(model.net).map((l) => l.name)).toEqual(['mlp_dropout_0', 'mlp_dropout_1']);
    expect(dropoutLayers(new CoxPH({ inputDim: 3, dropout: 0, seed: 1 }).net)).toEqual([]);
  });

  it('samples one sub-network per seed: shared mask across rows, same seed same output, restored afterwards', async () => {
    const before = tf.memory().numTensors;
    const plain = predict(model.net, x);
    const a = await withInferenceDropout(model.net, 7, () => Promise.resolve(predict(model.net, x)));
    const a2 = await withInferenceDropout(model.net, 7, () => Promise.resolve(predict(model.net, x)));
    const b = await withInferenceDropout(model.net, 8, () => Promise.resolve(predict(model.net, x)));
    expect(a.layers).toBe(2);
    expect(a2.value).toEqual(a.value);
    expect(b.value).not.toEqual(a.value);
    expect(a.value).not.toEqual(plain);
    expect(a.value[0]).toBe(a.value[1]); // identical rows → identical outputs (one mask for all rows)
    // the same sample when predicting row by row
    const row = (r: number): number => {
      const s = tf.slice(x, r, 1);
      const v = predict(model.net, s)[0] as number;
      s.dispose();
      return v;
    };
    const single = await withInferenceDropout(model.net, 7, () => Promise.resolve([row(0), row(2)]));
    expect(single.value[0]).toBeCloseTo(a.value[0] as number, 5);
    expect(single.value[1]).toBeCloseTo(a.value[2] as number, 5);
    expect(predict(model.net, x)).toEqual(plain);
    for (const l of dropoutLayers(model.net)) expect(Object.prototype.hasOwnProperty.call(l, 'call')).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('puts the layers back when the body throws', async () => {
    await expect(withInferenceDropout(model.net, 1, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    for (const l of dropoutLayers(model.net)) expect(Object.prototype.hasOwnProperty.call(l, 'call')).toBe(false);
  });

  it('switches on stock tf.layers.dropout inside a nested model', async () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [3], kernelInitializer: 'ones' }), tf.layers.dropout({ rate: 0.5 })] });
    const input = tf.input({ shape: [3] });
    const out = tf.layers.dense({ units: 1, kernelInitializer: 'ones' }).apply(inner.apply(input)) as tf.SymbolicTensor;
    const net = tf.model({ inputs: input, outputs: out });
    expect(dropoutLayers(net).length).toBe(1);
    const plain = predict(net, x);
    const r = await withInferenceDropout(net, 3, () => Promise.resolve(predict(net, x)));
    expect(r.value).not.toEqual(plain);
    expect(predict(net, x)).toEqual(plain);
    net.dispose();
  });
});
