/** Classifiers train data-parallel (`workers: 2`): their steps carry the batch's inputs, and the weights are those of one thread. */
import { describe, expect, it } from 'vitest';
import { SoftmaxClassifier } from '../../src/models/index.js';
import { synthetic, weightsOf } from './synthetic.js';

describe('SoftmaxClassifier.fit({ workers: 2 })', () => {
  it('gives the single-thread losses and weights (no batch norm, no dropout)', async () => {
    const d = synthetic(30, 3, 6);
    const y = Int32Array.from(d.event);
    const fit = async (workers: number) => {
      const m = new SoftmaxClassifier({ inputDim: 3, hidden: [5], dropout: 0, batchNorm: false, classes: 2, seed: 2 });
      try {
        const h = await m.fit(d.x, y, { epochs: 2, batchSize: 10, seed: 1, learningRate: 0.01, verbose: false, engine: 'tfjs', workers });
        return { h, w: weightsOf(m.net) };
      } finally {
        m.dispose();
      }
    };
    const one = await fit(1);
    const two = await fit(2);
    two.h.loss.forEach((l, i) => expect(l).toBeCloseTo(one.h.loss[i] as number, 5));
    let diff = 0;
    two.w.forEach((w, i) => w.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - (one.w[i]?.[j] as number))))));
    expect(diff).toBeLessThan(1e-5);
  }, 120_000);
});
