import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { roundTrip, values } from '../helpers/layers.js';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { CoxHead, CoxTimeHead, DiscreteHead } from '../../src/heads/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('CoxHead', () => {
  it('is linear without bias: g(0) = 0 and g(a·x) = a·g(x)', () => {
    const head = new CoxHead({ seed: 3 });
    const x = tf.tensor2d([
      [0.5, -1, 2],
      [0, 0, 0],
    ]);
    const g = values(head.apply(x) as tf.Tensor);
    const g2 = values(head.apply(tf.mul(x, 3)) as tf.Tensor);
    expect(g[1]).toBe(0);
    expect(g2[0]).toBeCloseTo(3 * (g[0] as number), 5);
    expect(head.getWeights().map((w) => w.shape)).toEqual([[3, 1]]);
  });

  it('gives the same weights for the same seed and PyTorch-default bounds', () => {
    const a = new CoxHead({ seed: 11 });
    const b = new CoxHead({ seed: 11 });
    a.build([null, 16]);
    b.build([null, 16]);
    const wa = a.getWeights()[0]?.dataSync() as Float32Array;
    expect(Array.from(wa)).toEqual(Array.from(b.getWeights()[0]?.dataSync() as Float32Array));
    for (const w of wa) expect(Math.abs(w)).toBeLessThanOrEqual(1 / 4);
  });

  it('round-trips through save/load with identical outputs', async () => {
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: new CoxHead({ seed: 1, name: 'risk' }).apply(input) as tf.SymbolicTensor });
    const loaded = await roundTrip(model);
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 2);
    expect(Array.from(values(loaded.predict(x)))).toEqual(Array.from(values(model.predict(x))));
    expect(loaded.getLayer('risk').getClassName()).toBe('survkit>CoxHead');
    expect(loaded.getLayer('risk').getConfig().seed).toBe(1);
  });

  it('rejects an image feature map with a message that says to pool', () => {
    const head = new CoxHead();
    expect(() => head.apply(tf.ones([2, 3, 3, 4]))).toThrow(
      messages.shapeMismatch('CoxHead', 'inputs', '[batch, features] with a known feature width (pool or flatten image features first)', '[2, 3, 3, 4]'),
    );
    expect(() => new CoxHead({ seed: 1.5 })).toThrow(messages.optionRange('CoxHead', 'seed', 'an integer', 1.5));
  });
});

describe('DiscreteHead', () => {
  it('outputs causes × cuts logits with a bias', () => {
    const head = new DiscreteHead({ cuts: 5, causes: 2, seed: 0 });
    const out = head.apply(tf.zeros([3, 4])) as tf.Tensor;
    expect(out.shape).toEqual([3, 10]);
    const v = values(out);
    // zero input: every row equals the bias
    expect(Array.from(v.slice(0, 10))).toEqual(Array.from(head.getWeights()[1]?.dataSync() as Float32Array));
    expect(head.units).toBe(10);
  });

  it('round-trips its config', async () => {
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: new DiscreteHead({ cuts: 7, causes: 3, useBias: false, name: 'phi' }).apply(input) as tf.SymbolicTensor });
    const loaded = await roundTrip(model);
    const cfg = loaded.getLayer('phi').getConfig();
    expect([cfg.cuts, cfg.causes, cfg.useBias]).toEqual([7, 3, false]);
    const x = tf.randomNormal([2, 4], 0, 1, 'float32', 3);
    expect(Array.from(values(loaded.predict(x)))).toEqual(Array.from(values(model.predict(x))));
  });

  it('rejects bad sizes', () => {
    expect(() => new DiscreteHead({ cuts: 0 })).toThrow(messages.optionRange('DiscreteHead', 'cuts', 'an integer >= 1', 0));
    expect(() => new DiscreteHead({ cuts: 3, causes: 1.5 })).toThrow(messages.optionRange('DiscreteHead', 'causes', 'an integer >= 1', 1.5));
  });
});

describe('CoxTimeHead', () => {
  it('maps [features, time] to one output without an output bias and depends on time', () => {
    const head = new CoxTimeHead({ hidden: [8, 4], seed: 5, dropout: 0 });
    const x = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
    const g0 = values(head.apply([x, tf.zeros([6, 1])]) as tf.Tensor);
    const g1 = values(head.apply([x, tf.ones([6, 1])]) as tf.Tensor);
    expect(g0.length).toBe(6);
    expect(Array.from(g0)).not.toEqual(Array.from(g1));
    const names = head.weights.map((w) => w.name.split('/').slice(1).join('/'));
    expect(names).toContain('output/kernel');
    expect(names.filter((n) => n.startsWith('output/'))).toEqual(['output/kernel']);
    // 2 dense (kernel, bias) + 2 batch norms (4 each) + output kernel
    expect(head.weights.length).toBe(2 * 2 + 2 * 4 + 1);
    expect(head.trainableWeights.length).toBe(2 * 2 + 2 * 2 + 1);
  });

  it('updates batch-norm moving statistics only in training, with reproducible seeded dropout', () => {
    const make = () => new CoxTimeHead({ hidden: [4], seed: 9, dropout: 0.5 });
    const a = make();
    const b = make();
    const x = tf.randomNormal([8, 2], 0, 1, 'float32', 4);
    const t = tf.randomNormal([8, 1], 0, 1, 'float32', 5);
    const inf = values(a.apply([x, t]) as tf.Tensor);
    const movingMean = () =>
      Array.from(
        a.weights
          .find((w) => w.name.endsWith('moving_mean'))
          ?.read()
          .dataSync() as Float32Array,
      );
    const before = movingMean();
    const train1 = values(a.apply([x, t], { training: true }) as tf.Tensor);
    expect(movingMean()).not.toEqual(before);
    values(b.apply([x, t]) as tf.Tensor);
    expect(Array.from(values(b.apply([x, t], { training: true }) as tf.Tensor))).toEqual(Array.from(train1));
    expect(Array.from(inf)).not.toEqual(Array.from(train1));
    // the second training call draws a new dropout mask
    expect(Array.from(values(a.apply([x, t], { training: true }) as tf.Tensor))).not.toEqual(Array.from(train1));
  });

  it('round-trips through save/load with identical outputs', async () => {
    const f = tf.input({ shape: [3] });
    const t = tf.input({ shape: [1] });
    const out = new CoxTimeHead({ hidden: [5], activation: 'tanh', seed: 2, name: 'ct' }).apply([f, t]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [f, t], outputs: out });
    const loaded = await roundTrip(model);
    const xs = [tf.randomNormal([4, 3], 0, 1, 'float32', 6), tf.randomNormal([4, 1], 0, 1, 'float32', 7)];
    expect(Array.from(values(loaded.predict(xs)))).toEqual(Array.from(values(model.predict(xs))));
    const cfg = loaded.getLayer('ct').getConfig();
    expect([cfg.hidden, cfg.activation, cfg.batchNorm, cfg.dropout]).toEqual([[5], 'tanh', true, 0.1]);
  });

  it('rejects a single input and bad options', () => {
    expect(() => new CoxTimeHead().apply(tf.ones([2, 3]))).toThrow(messages.coxTimeInputs('CoxTimeHead', 'inputs', 'a single tensor'));
    expect(() => new CoxTimeHead({ dropout: 1 })).toThrow(messages.optionRange('CoxTimeHead', 'dropout', 'a finite number >= 0 and < 1', 1));
    expect(() => new CoxTimeHead({ hidden: [4] }).apply([tf.ones([2, 3]), tf.ones([2, 2])])).toThrow(
      messages.shapeMismatch('CoxTimeHead', 'time', '[batch, 1]', '[2, 2]'),
    );
  });

  it('leaves no tensors behind in inference and training loops', () => {
    const head = new CoxTimeHead({ hidden: [4], seed: 1 });
    const x = tf.ones([4, 3]);
    const t = tf.zeros([4, 1]);
    (head.apply([x, t]) as tf.Tensor).dispose();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) {
      (head.apply([x, t], { training: true }) as tf.Tensor).dispose();
      (head.apply([x, t]) as tf.Tensor).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('heads: input-count errors from the catalogue', () => {
  it('a single-input head rejects a list of inputs; CoxTimeHead rejects anything but two', () => {
    const a = tf.input({ shape: [3] });
    const b = tf.input({ shape: [1] });
    const c = tf.input({ shape: [1] });
    expect(() => new CoxHead().apply([a, b])).toThrow(messages.singleInput('CoxHead', 'inputs', 2));
    expect(() => new CoxTimeHead().apply([a, b, c])).toThrow(messages.coxTimeInputs('CoxTimeHead', 'inputs', '3 tensors'));
    expect(() => new CoxTimeHead().call(tf.ones([2, 3]), {})).toThrow(messages.coxTimeInputs('CoxTimeHead', 'inputs', 'a single tensor'));
  });
});
