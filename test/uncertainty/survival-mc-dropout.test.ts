import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { breslowBaseline, breslowSurvival } from '../../src/estimators/breslow.js';
import { CoxPH, LogisticHazard } from '../../src/models/index.js';
import { withInferenceDropout } from '../../src/models/classifiers/inference-dropout.js';
import { survivalMcDropout } from '../../src/models/uncertainty/survival-mc-dropout.js';
import { survivalBandWidth } from '../../src/uncertainty/survival-score.js';
import { shiftData } from './survival-data.js';

const train = shiftData(200, 0, 50);
const test = shiftData(60, 0.2, 51);
let xTrain: tf.Tensor2D;
let xTest: tf.Tensor2D;
let cox: CoxPH;
let lh: LogisticHazard;
const fit = { epochs: 5, batchSize: 50, learningRate: 0.01, verbose: false } as const;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  xTrain = tf.tensor2d(train.X, [train.n, train.d]);
  xTest = tf.tensor2d(test.X, [test.n, test.d]);
  cox = new CoxPH({ inputDim: 3, hidden: [16], dropout: 0.3, seed: 1 });
  await cox.fit(xTrain, train, { ...fit, seed: 1 });
  lh = new LogisticHazard({ inputDim: 3, hidden: [16], dropout: 0.3, cuts: 8, seed: 2 });
  await lh.fit(xTrain, train, { ...fit, seed: 2 });
});
afterAll(() => {
  for (const t of [xTrain, xTest]) t.dispose();
  cox.dispose();
  lh.dispose();
});

describe('survivalMcDropout', () => {
  it('Cox: each pass recomputes the Breslow baseline through its own sampled network; the trained baseline is put back', async () => {
    const trained = cox.baseline;
    const bands = await survivalMcDropout(cox, xTest, { passes: 2, seed: 5, quantiles: [0, 1], baseline: { x: xTrain, labels: train } });
    expect(cox.baseline).toBe(trained);
    // by hand: pass p uses masks from seed 5 + p; g of training and test rows through that sub-network
    const passes = [];
    for (const p of [0, 1]) {
      const { value } = await withInferenceDropout(cox.net, 5 + p, async () => {
        const gTrain = await cox.predictRisk(xTrain);
        const gTest = await cox.predictRisk(xTest);
        return breslowSurvival(breslowBaseline(gTrain, train), gTest);
      });
      passes.push(value);
    }
    const [a, b] = passes as [(typeof passes)[0], (typeof passes)[0]];
    expect(Array.from(bands.times)).toEqual(Array.from(a.times));
    for (let j = 0; j < a.values.length; j++) {
      expect(bands.lower.values[j]).toBeCloseTo(Math.min(a.values[j] as number, b.values[j] as number), 12);
      expect(bands.upper.values[j]).toBeCloseTo(Math.max(a.values[j] as number, b.values[j] as number), 12);
    }
    // 'fixed' keeps the trained baseline: another (wider-offset) band
    const fixed = await survivalMcDropout(cox, xTest, { passes: 2, seed: 5, quantiles: [0, 1], baseline: 'fixed' });
    expect(Array.from(fixed.upper.values)).not.toEqual(Array.from(bands.upper.values));
  });

  it('gives ordered bands in [0, 1], reproducible by seed, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const grid = [0.1, 0.5, 1, 1.5, 2];
    const a = await survivalMcDropout(lh, xTest, { passes: 10, seed: 3, times: grid, at: 1 });
    const again = await survivalMcDropout(lh, xTest, { passes: 10, seed: 3, times: grid, at: 1 });
    const other = await survivalMcDropout(lh, xTest, { passes: 10, seed: 4, times: grid, at: 1 });
    await survivalMcDropout(cox, xTest, { passes: 3, times: grid, baseline: { x: xTrain, labels: train } });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.members).toBe(10);
    expect(Array.from(again.upper.values)).toEqual(Array.from(a.upper.values));
    expect(Array.from(other.upper.values)).not.toEqual(Array.from(a.upper.values));
    for (let j = 0; j < a.lower.values.length; j++) {
      expect(a.lower.values[j]).toBeGreaterThanOrEqual(0);
      expect(a.lower.values[j]).toBeLessThanOrEqual(a.median.values[j] as number);
      expect(a.median.values[j]).toBeLessThanOrEqual(a.upper.values[j] as number);
      expect(a.upper.values[j]).toBeLessThanOrEqual(1);
    }
    expect(Array.from(survivalBandWidth(a, { at: 1 })).some((w) => w > 0)).toBe(true);
    // the model predicts deterministically again afterwards
    const p1 = await lh.predictSurvival(xTest);
    const p2 = await lh.predictSurvival(xTest);
    expect(Array.from(p1.values)).toEqual(Array.from(p2.values));
  });

  it('rejects models without dropout, Cox models without baseline data, and bad options', async () => {
    const fn = 'survivalMcDropout';
    const plain = new LogisticHazard({ inputDim: 3, hidden: [4], dropout: 0, cuts: [0.5, 1, 2], seed: 1 });
    await expect(survivalMcDropout(plain, xTest)).rejects.toThrow(messages.noDropout(fn, 'model'));
    plain.dispose();
    await expect(survivalMcDropout(cox, xTest)).rejects.toThrow(
      messages.optionRange(fn, 'baseline', "the training data { x, labels } to recompute the Breslow baseline in every pass (or 'fixed')", undefined),
    );
    await expect(survivalMcDropout(lh, xTest, { passes: 1 })).rejects.toThrow(messages.optionRange(fn, 'passes', 'an integer >= 2', 1));
    await expect(survivalMcDropout(lh, xTest, { quantiles: [0.5, 0.4] })).rejects.toThrow(
      messages.optionRange(fn, 'quantiles', 'a finite number >= 0.5 and <= 1', 0.4),
    );
    await expect(survivalMcDropout({} as never, xTest)).rejects.toThrow(
      messages.notInstance('survivalMcDropout', 'model', 'trained survival model (CoxPH, DeepHit, …)', {}),
    );
  });
});
