/** The host forms of the losses (used by the dense engine) against tf.valueAndGrad of the TF.js losses. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { logisticHazardLoss, logisticHazardLossHost } from '../../src/losses/logistic-hazard.js';

describe('logisticHazardLossHost', () => {
  it('gives the value and gradient of logisticHazardLoss (float32 agreement)', () => {
    const n = 5;
    const m = 4;
    const phi = Float32Array.from({ length: n * m }, (_, i) => Math.sin(i * 1.7) * 3 - (i === 6 ? 3 : 0));
    const idx = Int32Array.from([0, 3, 2, 1, 3]);
    const event = Int32Array.from([1, 0, 1, 0, 1]);
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => logisticHazardLoss(x, idx, event))(tf.tensor2d(phi, [n, m]));
    const host = logisticHazardLossHost(n, m, idx, event)(phi);
    expect(Math.abs(host.value - (value.dataSync()[0] as number)) / Math.abs(host.value)).toBeLessThan(1e-6);
    const g = grad.dataSync();
    host.gradient.forEach((v, i) => expect(Math.abs(v - (g[i] as number))).toBeLessThan(1e-7));
    tf.dispose([value, grad]);
  });

  it('at φ = 0 gives the derivative σ(0) − y (TF.js autodiff takes the subgradient 0 of relu and |x| there)', () => {
    const host = logisticHazardLossHost(1, 2, Int32Array.from([1]), Int32Array.from([1]))(Float32Array.from([0, 0]));
    expect(Array.from(host.gradient)).toEqual([0.5, -0.5]);
    expect(host.value).toBeCloseTo(2 * Math.log(2), 15);
  });

  it('rejects non-finite logits with the TF.js loss message', () => {
    const phi = Float32Array.from([0.1, NaN, 0.2, 0.3]);
    expect(() => logisticHazardLossHost(2, 2, Int32Array.from([1, 1]), Int32Array.from([1, 0]))(phi)).toThrow(/logisticHazardLoss.*finite/);
  });
});
