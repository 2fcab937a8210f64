import { describe, expect, it } from 'vitest';
import { dirichletPrediction, predictionFromProbs, softmaxRows } from '../../src/index.js';

describe('class predictions (float64)', () => {
  it('dirichletPrediction: S, u = K/S, α/S by hand', () => {
    const p = dirichletPrediction(new Float64Array([8, 1, 1, 1, 1, 1]), 2, 3);
    expect(Array.from(p.uncertainty)).toEqual([0.3, 1]);
    expect(Array.from(p.probs)).toEqual([0.8, 0.1, 0.1, 1 / 3, 1 / 3, 1 / 3]);
    expect(Array.from(p.predictedClass)).toEqual([0, 0]); // ties: lowest index
    expect(p.entropy[1]).toBeCloseTo(Math.log(3), 15);
    expect(p.confidence[0]).toBe(0.8);
  });

  it('softmaxRows is stable for huge logits and honours the temperature', () => {
    const big = softmaxRows([1000, 1000 + Math.log(3)], 1, 2);
    expect(big[0]).toBeCloseTo(0.25, 12);
    expect(big[1]).toBeCloseTo(0.75, 12);
    expect(Array.from(softmaxRows([-1e6, 0], 1, 2))).toEqual([0, 1]);
    const t = softmaxRows([2, 0], 1, 2, 2);
    expect(t[0]).toBeCloseTo(Math.E / (1 + Math.E), 15);
  });

  it('predictionFromProbs: uncertainty 1 − max p, zero-probability classes add no entropy', () => {
    const p = predictionFromProbs(new Float64Array([1, 0, 0.2, 0.8]), 2, 2);
    expect(Array.from(p.uncertainty)).toEqual([0, 1 - 0.8]);
    expect(p.entropy[0]).toBe(0);
    expect(Array.from(p.predictedClass)).toEqual([0, 1]);
    expect(p.score).toBe('max-prob');
  });
});
