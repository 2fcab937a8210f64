import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { evidentialLoss } from '../../src/losses/evidential.js';
import { oodAuroc, predictiveEntropy } from '../../src/metrics/index.js';
import { Classifier, EvidentialClassifier, klAnnealing, klFixed, SoftmaxClassifier } from '../../src/models/index.js';
import { accuracy, blobs, mean, ring } from './blobs.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-edl-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = blobs(300, 1);
const test = blobs(300, 2);

describe('EvidentialClassifier end to end (3 Gaussian blobs, MLP backbone)', () => {
  it('reaches high accuracy, and points far from all training data (the gap between the classes) get higher u', async () => {
    const x = train.tensor();
    const xt = test.tensor();
    // class centres at radius 4, sd 0.5: the ring of radius 1 is >= 5.5 sd from every training point
    const xo = ring(200, 5, 1);
    const model = new EvidentialClassifier({ inputDim: 2, hidden: [32, 32], dropout: 0, classes: 3, evidence: 'relu', seed: 1 });
    const history = await model.fit(x, train.y, {
      epochs: 30,
      batchSize: 32,
      learningRate: 3e-3,
      seed: 1,
      verbose: false,
      klAnnealing: { steps: 10 },
      kind: 'mse',
    });
    expect(history.epochs).toBe(30);
    const pin = await model.predict(xt);
    const pout = await model.predict(xo);
    expect(accuracy(pin.predictedClass, test.y)).toBeGreaterThanOrEqual(0.97);
    expect(mean(pout.uncertainty)).toBeGreaterThan(mean(pin.uncertainty) + 0.1);
    expect(oodAuroc(pin.uncertainty, pout.uncertainty)).toBeGreaterThanOrEqual(0.95);
    tf.dispose([x, xt, xo]);
    model.dispose();
  });
});

describe('predictions', () => {
  const x = train.tensor();
  const model = new EvidentialClassifier({ inputDim: 2, hidden: [16], classes: 3, evidence: 'softplus', seed: 3 });
  afterAll(() => {
    x.dispose();
    model.dispose();
  });

  it('probs = α/S (rows sum to 1), u = K/S in (0, 1], entropy of probs, argmax class', async () => {
    await model.fit(x, train.y, { epochs: 2, batchSize: 64, seed: 2, verbose: false });
    const p = await model.predict(x);
    const raw = await model.predictOutputs(x);
    expect(p.alpha).not.toBeNull();
    expect(Array.from(p.alpha as Float64Array)).toEqual(Array.from(raw.values));
    expect(p.score).toBe('vacuity');
    const entropy = predictiveEntropy(p.probs, { classes: 3 });
    for (let i = 0; i < p.n; i++) {
      const a = Array.from((p.alpha as Float64Array).subarray(3 * i, 3 * i + 3));
      const s = a[0]! + a[1]! + a[2]!;
      const row = Array.from(p.probs.subarray(3 * i, 3 * i + 3));
      expect(Math.abs(row[0]! + row[1]! + row[2]! - 1)).toBeLessThan(1e-12);
      expect(p.uncertainty[i]).toBeCloseTo(3 / s, 14);
      expect(p.uncertainty[i]).toBeGreaterThan(0);
      expect(p.uncertainty[i]).toBeLessThanOrEqual(1);
      expect(p.predictedClass[i]).toBe(a.indexOf(Math.max(...a)));
      expect(p.confidence[i]).toBe(Math.max(...row));
      expect(p.entropy[i]).toBeCloseTo(entropy[i] as number, 14);
    }
  });

  it('fit minimises evidentialLoss with λ_t of the 0-based epoch (λ_0 = 0); loss() uses the schedule’s final weight', async () => {
    const m = new EvidentialClassifier({ inputDim: 2, hidden: [8], dropout: 0, batchNorm: false, classes: 3, seed: 4 });
    const y = Array.from(train.y);
    const before = tf.tidy(() => evidentialLoss(y, m.net.apply(x, { training: true }) as tf.Tensor, { kind: 'log', klWeight: 0 }).dataSync()[0] as number);
    const h = await m.fit(x, train.y, { epochs: 1, batchSize: 1000, seed: 1, verbose: false, kind: 'log', klAnnealing: klAnnealing({ steps: 4, max: 0.5 }) });
    expect(h.loss[0]).toBeCloseTo(before, 5);
    expect(m.kind).toBe('log');
    expect(m.schedule.toJSON()).toEqual({ kind: 'annealing', steps: 4, max: 0.5 });
    const after = tf.tidy(() => evidentialLoss(y, m.net.predict(x) as tf.Tensor, { kind: 'log', klWeight: 0.5 }).dataSync()[0] as number);
    expect(await m.loss(x, train.y)).toBeCloseTo(after, 5);
    await m.fit(x, train.y, { epochs: 1, verbose: false, klWeight: 0.1 });
    expect(m.schedule.toJSON()).toEqual({ kind: 'fixed', weight: 0.1 });
    expect(m.kind).toBe('log');
    await m.fit(x, train.y, { epochs: 1, verbose: false, klAnnealing: klFixed(0.2), kind: 'digamma' });
    expect(m.schedule.final).toBe(0.2);
    m.dispose();
  });

  it('validation split, early stopping and memory: tf.memory unchanged after fit/predict loops', async () => {
    const m = new EvidentialClassifier({ inputDim: 2, hidden: [8], classes: 3, seed: 5 });
    await m.fit(x, train.y, { epochs: 1, verbose: false });
    await m.predict(x);
    const before = tf.memory().numTensors;
    for (let r = 0; r < 2; r++) {
      const h = await m.fit(x, train.y, { epochs: 3, batchSize: 50, validation: 0.2, earlyStopping: { patience: 1 }, seed: r, verbose: false });
      expect(h.valLoss.length).toBe(h.epochs);
      await m.predict(x, { batchSize: 70 });
      await m.loss(x, train.y);
    }
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('saves and loads with bit-identical predictions and its state', async () => {
    const path = join(dir, 'edl');
    await model.save(path);
    const meta = JSON.parse(readFileSync(join(path, 'survkit.json'), 'utf8')) as { family: string; head: { className: string }; state: object };
    expect(meta.family).toBe('evidential-classifier');
    expect(meta.head.className).toBe('survkit>EvidentialHead');
    expect(meta.state).toEqual({ classes: 3, evidence: 'softplus', kind: 'mse', klSchedule: { kind: 'annealing', steps: 10, max: 1 } });
    const loaded = await EvidentialClassifier.load(path);
    expect([loaded.classes, loaded.evidence, loaded.kind]).toEqual([3, 'softplus', 'mse']);
    expect(loaded.history?.epochs).toBe(2);
    const a = await model.predict(x);
    const b = await loaded.predict(x);
    expect(Array.from(b.alpha as Float64Array)).toEqual(Array.from(a.alpha as Float64Array));
    expect((await Classifier.load(path)) instanceof EvidentialClassifier).toBe(true);
    await expect(SoftmaxClassifier.load(path)).rejects.toThrow(
      messages.modelDir('SoftmaxClassifier.load', path, 'it holds a evidential-classifier, not a softmax-classifier'),
    );
    loaded.dispose();
  });
});

describe('networks', () => {
  it('puts the head on any backbone (attachHead) or takes a finished net', async () => {
    const backbone = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 6, activation: 'tanh' })] });
    const m = new EvidentialClassifier({ backbone, classes: 3, evidence: 'exp', seed: 1 });
    expect(m.net.outputs[0]?.shape).toEqual([null, 3]);
    expect(m.evidence).toBe('exp');
    const x = train.tensor();
    await m.fit(x, train.y, { epochs: 1, verbose: false });
    const again = new EvidentialClassifier({ net: m.net });
    expect([again.classes, again.evidence]).toEqual([3, 'exp']);
    x.dispose();
    m.dispose();
  });
});

describe('on the wasm backend', () => {
  it('trains with every loss kind (lgamma/digamma kernels and their gradients) and leaves no tensors behind', async () => {
    const previous = tf.getBackend();
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const x = train.tensor();
      const m = new EvidentialClassifier({ inputDim: 2, hidden: [8], classes: 3, seed: 6 });
      await m.fit(x, train.y, { epochs: 1, verbose: false });
      const before = tf.memory().numTensors;
      for (const kind of ['mse', 'log', 'digamma'] as const) {
        const h = await m.fit(x, train.y, { epochs: 2, batchSize: 64, kind, klAnnealing: { steps: 1 }, verbose: false });
        expect(h.loss.every(Number.isFinite)).toBe(true);
        await m.predict(x);
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(m.trainingBackend).toBe('wasm');
      m.dispose();
      x.dispose();
    } finally {
      await tf.setBackend(previous);
    }
  });
});

describe('errors', () => {
  it('rejects bad options, labels and networks with catalogue messages', async () => {
    expect(() => new EvidentialClassifier({ inputDim: 2 })).toThrow(messages.optionRange('EvidentialClassifier', 'classes', 'an integer >= 2', undefined));
    expect(() => new EvidentialClassifier({ inputDim: 2, classes: 3, evidence: 'abs' as 'relu' })).toThrow(
      messages.optionRange('EvidentialClassifier', 'evidence', "one of 'relu', 'softplus', 'exp'", 'abs'),
    );
    expect(() => new EvidentialClassifier({ classes: 3 })).toThrow(
      messages.optionRange('EvidentialClassifier', 'net', "exactly one of 'net', 'backbone' or 'inputDim'", '0 of them'),
    );
    const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 4 })] });
    expect(() => new EvidentialClassifier({ net, classes: 3 })).toThrow(
      messages.optionRange('EvidentialClassifier', 'classes', "4 (the width of the network's output)", 3),
    );
    const m = new EvidentialClassifier({ inputDim: 2, hidden: [4], classes: 3, seed: 1 });
    const x = tf.zeros([4, 2]);
    await expect(m.fit(x, [0, 1, 2, 3])).rejects.toThrow(messages.classLabel('EvidentialClassifier.fit', 'y', 3, 3, 3, 'classes of the model'));
    await expect(m.fit(x, [0, 1, 2])).rejects.toThrow(messages.lengthMismatch('EvidentialClassifier.fit', 'y', 3, 'x', 4));
    await expect(m.fit(x, [0, 1, 2, 0], { klWeight: 0.1, klAnnealing: { steps: 3 } })).rejects.toThrow(
      messages.optionRange('EvidentialClassifier.fit', 'klWeight', "left out when 'klAnnealing' is given (choose one KL schedule)", 0.1),
    );
    await expect(m.fit(x, [0, 1, 2, 0], { kind: 'ce' as 'mse' })).rejects.toThrow(
      messages.optionRange('EvidentialClassifier.fit', 'kind', "one of 'mse', 'log', 'digamma', 'iedl', 'redl'", 'ce'),
    );
    await expect(m.fit(x, [0, 1, 2, 0], { validation: 1.5 })).rejects.toThrow(
      messages.optionRange('EvidentialClassifier.fit', 'validation', 'a finite number > 0 and < 1', 1.5),
    );
    await expect(m.predict(tf.zeros([2, 3]))).rejects.toThrow();
    x.dispose();
    m.dispose();
    expect(() => m.net).toThrow(messages.notFitted('EvidentialClassifier.net', 'the network (it was disposed)'));
  });
});
