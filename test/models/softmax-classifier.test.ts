import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { Classifier, EvidentialClassifier, SoftmaxClassifier, softmaxRows } from '../../src/index.js';
import { accuracy, blobs } from './blobs.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-softmax-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = blobs(300, 1);
const test = blobs(300, 2);

describe('SoftmaxClassifier', () => {
  it('learns the blobs; predict = softmax(logits) with uncertainty 1 − max p', async () => {
    const x = train.tensor();
    const xt = test.tensor();
    const m = new SoftmaxClassifier({ inputDim: 2, hidden: [32, 32], dropout: 0, classes: 3, seed: 1 });
    await m.fit(x, train.y, { epochs: 20, batchSize: 32, learningRate: 3e-3, seed: 1, verbose: false });
    const p = await m.predict(xt);
    expect(accuracy(p.predictedClass, test.y)).toBeGreaterThanOrEqual(0.97);
    const logits = await m.predictLogits(xt);
    expect(Array.from(p.probs)).toEqual(Array.from(softmaxRows(logits.values, logits.n, 3)));
    expect(p.alpha).toBeNull();
    expect(p.score).toBe('max-prob');
    for (let i = 0; i < p.n; i++) {
      const row = Array.from(p.probs.subarray(3 * i, 3 * i + 3));
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(p.uncertainty[i]).toBe(1 - Math.max(...row));
      expect(p.entropy[i]).toBeCloseTo(-row.reduce((a, q) => a + (q > 0 ? q * Math.log(q) : 0), 0), 14);
    }
    tf.dispose([x, xt]);
    m.dispose();
  });

  it('minimises the mean softmax cross-entropy', async () => {
    const x = train.tensor();
    const m = new SoftmaxClassifier({ inputDim: 2, hidden: [8], dropout: 0, batchNorm: false, classes: 3, seed: 2 });
    const ce = (out: tf.Tensor): number =>
      tf.tidy(() => {
        const lp = tf.logSoftmax(out).arraySync() as number[][];
        return -lp.reduce((a, r, i) => a + (r[train.y[i] as number] as number), 0) / lp.length;
      });
    const before = ce(m.net.apply(x, { training: true }) as tf.Tensor);
    const h = await m.fit(x, train.y, { epochs: 1, batchSize: 1000, verbose: false });
    expect(h.loss[0]).toBeCloseTo(before, 5);
    expect(await m.loss(x, train.y)).toBeCloseTo(ce(m.net.predict(x) as tf.Tensor), 5);
    x.dispose();
    m.dispose();
  });

  it('saves/loads bit-identically; tf.memory unchanged after fit/predict loops', async () => {
    const x = train.tensor();
    const m = new SoftmaxClassifier({ inputDim: 2, hidden: [8], classes: 3, seed: 3 });
    await m.fit(x, train.y, { epochs: 1, verbose: false });
    await m.predict(x);
    const before = tf.memory().numTensors;
    for (let r = 0; r < 2; r++) {
      await m.fit(x, train.y, { epochs: 2, batchSize: 64, validation: { x, y: train.y }, earlyStopping: true, verbose: false });
      await m.predict(x);
    }
    expect(tf.memory().numTensors).toBe(before);
    const path = join(dir, 'softmax');
    await m.save(path);
    const loaded = await Classifier.load(path);
    expect(loaded).toBeInstanceOf(SoftmaxClassifier);
    expect(Array.from((await loaded.predict(x)).probs)).toEqual(Array.from((await m.predict(x)).probs));
    await expect(EvidentialClassifier.load(path)).rejects.toThrow(
      messages.modelDir('EvidentialClassifier.load', path, 'it holds a softmax-classifier, not an evidential-classifier'),
    );
    await expect(Classifier.load(join(dir, 'nothing'))).rejects.toThrow(
      messages.modelDir('Classifier.load', join(dir, 'nothing'), 'survkit.json is missing or unreadable'),
    );
    loaded.dispose();
    x.dispose();
    m.dispose();
  });

  it('rejects a network whose output is not [batch, K]', () => {
    const input = tf.input({ shape: [2] });
    const out = tf.layers.reshape({ targetShape: [2, 2] }).apply(tf.layers.dense({ units: 4 }).apply(input)) as tf.SymbolicTensor;
    const net = tf.model({ inputs: input, outputs: out });
    expect(() => new SoftmaxClassifier({ net })).toThrow(messages.classifierOutput('SoftmaxClassifier', 'net', 1, [null, 2, 2]));
    net.dispose();
  });

  it('rejects bad labels', async () => {
    const m = new SoftmaxClassifier({ inputDim: 2, hidden: [4], classes: 2, seed: 1 });
    const x = tf.zeros([3, 2]);
    await expect(m.fit(x, [0, 1, -1])).rejects.toThrow(messages.classLabel('SoftmaxClassifier.fit', 'y', 2, -1, 2, 'classes of the model'));
    await expect(m.fit(x, tf.zeros([3, 1]))).rejects.toThrow(messages.shapeMismatch('SoftmaxClassifier.fit', 'y', '[3] (class indices)', '[3, 1]'));
    await expect(m.loss(x, [0, 1])).rejects.toThrow(messages.lengthMismatch('SoftmaxClassifier.loss', 'y', 2, 'x', 3));
    x.dispose();
    m.dispose();
  });
});
