import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { EvidentialClassifier, SoftmaxClassifier } from '../../src/index.js';
import { mcDropoutPredict } from '../../src/index.js';
import { accuracy, blobs } from '../models/blobs.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const train = blobs(240, 1);
let x: tf.Tensor2D;
let model: SoftmaxClassifier;
beforeAll(async () => {
  x = train.tensor();
  model = new SoftmaxClassifier({ inputDim: 2, hidden: [32, 32], dropout: 0.3, classes: 3, seed: 1 });
  await model.fit(x, train.y, { epochs: 10, batchSize: 32, learningRate: 3e-3, verbose: false });
});
afterAll(() => {
  x.dispose();
  model.dispose();
});

describe('mcDropoutPredict', () => {
  it('averages N stochastic passes: reproducible with a seed, different from the deterministic prediction', async () => {
    const a = await mcDropoutPredict(model, x, { samples: 8, seed: 3 });
    const b = await mcDropoutPredict(model, x, { samples: 8, seed: 3 });
    const c = await mcDropoutPredict(model, x, { samples: 8, seed: 4 });
    const det = await model.predict(x);
    expect(Array.from(a.probs)).toEqual(Array.from(b.probs));
    expect(Array.from(a.probs)).not.toEqual(Array.from(c.probs));
    expect(Array.from(a.probs)).not.toEqual(Array.from(det.probs));
    expect(accuracy(a.predictedClass, train.y)).toBeGreaterThan(0.9);
    expect(a.score).toBe('entropy');
    expect(Array.from(a.uncertainty)).toEqual(Array.from(a.entropy));
    for (let i = 0; i < a.n; i++) {
      expect(Math.abs((a.probs[3 * i] as number) + (a.probs[3 * i + 1] as number) + (a.probs[3 * i + 2] as number) - 1)).toBeLessThan(1e-12);
      expect(a.mutualInformation?.[i]).toBeGreaterThanOrEqual(0);
      expect(a.mutualInformation?.[i] as number).toBeLessThanOrEqual((a.entropy[i] as number) + 1e-12);
    }
    const mi = await mcDropoutPredict(model, x, { samples: 8, seed: 3, score: 'mutual-information' });
    expect(Array.from(mi.uncertainty)).toEqual(Array.from(a.mutualInformation as Float64Array));
  });

  it('one pass has no disagreement: mutual information and variance are 0', async () => {
    const p = await mcDropoutPredict(model, x, { samples: 1, seed: 1, score: 'variance' });
    expect(p.variance?.every((v) => v === 0)).toBe(true);
    expect(p.mutualInformation?.every((v) => v < 1e-15)).toBe(true);
  });

  it('leaves the network as it was (weights, batch-norm statistics, deterministic predictions) and no tensors behind', async () => {
    const weights = model.net.getWeights().map((w) => Array.from(w.dataSync()));
    const before = await model.predict(x);
    await mcDropoutPredict(model, x, { samples: 2, seed: 1 });
    const tensors = tf.memory().numTensors;
    for (let r = 0; r < 3; r++) await mcDropoutPredict(model, x, { samples: 3, seed: r, batchSize: 100 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(model.net.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
    expect(Array.from((await model.predict(x)).probs)).toEqual(Array.from(before.probs));
  });

  it('works on an evidential classifier (mean of α/S over passes)', async () => {
    const m = new EvidentialClassifier({ inputDim: 2, hidden: [16], dropout: 0.2, classes: 3, seed: 2 });
    await m.fit(x, train.y, { epochs: 2, verbose: false });
    const p = await mcDropoutPredict(m, x, { samples: 4, seed: 1 });
    expect(p.n).toBe(240);
    expect(p.alpha).toBeNull();
    m.dispose();
  });

  it('rejects a network without dropout and bad options', async () => {
    const m = new SoftmaxClassifier({ inputDim: 2, hidden: [4], dropout: 0, classes: 3, seed: 1 });
    await expect(mcDropoutPredict(m, x)).rejects.toThrow(messages.noDropout('mcDropoutPredict', 'model'));
    await expect(mcDropoutPredict(model, x, { samples: 0 })).rejects.toThrow(messages.optionRange('mcDropoutPredict', 'samples', 'an integer >= 1', 0));
    await expect(mcDropoutPredict(model, x, { score: 'bald' as 'entropy' })).rejects.toThrow(
      messages.optionRange('mcDropoutPredict', 'score', "one of 'entropy', 'mutual-information', 'variance'", 'bald'),
    );
    m.dispose();
  });
});
