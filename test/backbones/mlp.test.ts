import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { mlp } from '../../src/backbones/index.js';
import { messages } from '../../src/core/messages.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('mlp', () => {
  it('stacks dense → activation → batch norm → dropout per hidden layer (pycox MLPVanilla order)', () => {
    const m = mlp({ inputDim: 5, hidden: [8, 4], batchNorm: true, dropout: 0.1, activation: 'relu', seed: 1 });
    expect(m.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Dense',
      'Activation',
      'BatchNormalization',
      'survkit>SeededDropout',
      'Dense',
      'Activation',
      'BatchNormalization',
      'survkit>SeededDropout',
    ]);
    expect(m.outputs[0]?.shape).toEqual([null, 4]);
    expect(m.layers[3]?.getConfig().momentum).toBe(0.9);
    expect(m.layers[3]?.getConfig().epsilon).toBe(1e-5);
  });

  it('omits batch norm and dropout when asked and gives an identity extractor for hidden = []', () => {
    const m = mlp({ inputDim: 3, hidden: [6], batchNorm: false, dropout: 0, activation: 'tanh' });
    expect(m.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense', 'Activation']);
    const id = mlp({ inputDim: 3, hidden: [] });
    const x = tf.tensor2d([[1, 2, 3]]);
    expect(Array.from((id.predict(x) as tf.Tensor).dataSync())).toEqual([1, 2, 3]);
  });

  it('same seed, same initial weights; another seed, other weights', () => {
    const a = mlp({ inputDim: 4, hidden: [8, 8], seed: 42 });
    const b = mlp({ inputDim: 4, hidden: [8, 8], seed: 42 });
    const c = mlp({ inputDim: 4, hidden: [8, 8], seed: 43 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)).not.toEqual(weightsOf(c));
    // the two hidden layers do not share a draw
    expect(weightsOf(a)[0]?.slice(0, 8)).not.toEqual(weightsOf(a)[2]?.slice(0, 8));
  });

  it('property: kernels start near N(0, 2/fanIn) and biases within ±1/√fanIn', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 1000 }), (inputDim, seed) => {
        const m = mlp({ inputDim, hidden: [64], seed, batchNorm: false, dropout: 0 });
        const [kernel, bias] = m.getWeights().map((w) => w.dataSync());
        const k = kernel as Float32Array;
        let ss = 0;
        for (const v of k) ss += v * v;
        const sd = Math.sqrt(ss / k.length);
        const expected = Math.sqrt(2 / inputDim);
        expect(Math.abs(sd / expected - 1)).toBeLessThan(0.35);
        for (const b of bias as Float32Array) expect(Math.abs(b)).toBeLessThanOrEqual(1 / Math.sqrt(inputDim) + 1e-7);
        m.dispose();
      }),
      { numRuns: 15 },
    );
  });

  it('rejects bad options with catalogue messages', () => {
    expect(() => mlp({ inputDim: 0 })).toThrow(messages.optionRange('mlp', 'inputDim', 'an integer >= 1', 0));
    expect(() => mlp({ inputDim: 2, hidden: [4, 0] })).toThrow(messages.optionRange('mlp', 'hidden', 'an integer >= 1', 0));
    expect(() => mlp({ inputDim: 2, dropout: 1 })).toThrow(messages.optionRange('mlp', 'dropout', 'a finite number >= 0 and < 1', 1));
    expect(() => mlp({ inputDim: 2, activation: 'gelu' as 'relu' })).toThrow(/mlp: option 'activation' must be one of 'relu'/);
  });
});
