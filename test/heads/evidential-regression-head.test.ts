import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { registerSurvkitLayers } from '../../src/backend/layers.js';
import { Random } from '../../src/core/random.js';
import { EvidentialRegressionHead } from '../../src/heads/evidential-regression-head.js';
import { evidentialRegressionLoss, nigPrediction } from '../../src/losses/evidential-regression.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('EvidentialRegressionHead', () => {
  it('maps features to (γ, softplus, softplus + 1, softplus), as DenseNormalGamma', () => {
    const head = new EvidentialRegressionHead({ seed: 1 });
    const x = tf.tensor2d([
      [0.5, -1, 2],
      [3, 0, -4],
    ]);
    const out = head.apply(x) as tf.Tensor;
    expect(out.shape).toEqual([2, 4]);
    const [w, b] = head.getWeights().map((t) => t.arraySync()) as [number[][], number[]];
    const z = x.arraySync().map((row) => [0, 1, 2, 3].map((j) => row.reduce((s, v, i) => s + v * (w[i] as number[])[j]!, 0) + (b[j] as number)));
    const sp = (v: number): number => Math.log1p(Math.exp(v));
    const got = out.arraySync() as number[][];
    z.forEach((r, i) => {
      const want = [r[0] as number, sp(r[1] as number), sp(r[2] as number) + 1, sp(r[3] as number)];
      want.forEach((v, j) => expect((got[i] as number[])[j]).toBeCloseTo(v, 5));
    });
    tf.dispose([x, out]);
  });

  it('serialises under its survkit name', () => {
    expect(registerSurvkitLayers()).toContain('survkit>EvidentialRegressionHead');
  });

  it('on the cubic toy of Amini et al. the fit follows the cubic and the aleatoric part recovers the noise variance', () => {
    // y = x³ + ε, ε ~ N(0, 3²), x ∈ [−4, 4] (the paper's toy), scaled by 1/100 for the optimiser.
    const r = new Random(3);
    const n = 256;
    const xs = Float32Array.from({ length: n }, () => -4 + 8 * r.next());
    const ys = Float32Array.from(xs, (v) => (v ** 3 + 3 * r.normal()) / 100);
    const input = tf.input({ shape: [1] });
    const h1 = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
    const h2 = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h1);
    const out = new EvidentialRegressionHead({ seed: 4 }).apply(h2) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const opt = tf.train.adam(5e-3);
    const x = tf.tensor2d(xs, [n, 1]);
    const y = tf.tensor1d(ys);
    for (let step = 0; step < 400; step++) {
      tf.tidy(() => {
        opt.minimize(() => evidentialRegressionLoss(y, model.apply(x) as tf.Tensor, { coeff: 0.01 }) as tf.Scalar);
      });
    }
    const inside = tf.tensor2d([-2, -1, 0, 1, 2], [5, 1]);
    const outside = tf.tensor2d([-6, -5.5, 5.5, 6], [4, 1]);
    const pin = nigPrediction((model.predict(inside) as tf.Tensor).dataSync(), 5);
    const pout = nigPrediction((model.predict(outside) as tf.Tensor).dataSync(), 4);
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    // Inside the range the aleatoric part E[σ²] = β/(α − 1) recovers the noise variance (3/100)² = 9e-4 of the simulation.
    expect(mean(pin.aleatoric)).toBeGreaterThan(0.5 * 9e-4);
    expect(mean(pin.aleatoric)).toBeLessThan(1.5 * 9e-4);
    // Epistemic uncertainty is finite and positive everywhere. It is NOT asserted to grow outside the range: in this
    // run (ReLU network, 400 Adam steps) it fell there, the extrapolation failure docs/uncertainty.md describes.
    [...pin.epistemic, ...pout.epistemic].forEach((v) => expect(v > 0 && Number.isFinite(v)).toBe(true));
    // the fit follows the cubic inside the range
    pin.mean.forEach((m, i) => expect(Math.abs(m - ([-2, -1, 0, 1, 2][i] as number) ** 3 / 100)).toBeLessThan(0.15));
    tf.dispose([x, y, inside, outside]);
    model.dispose();
    opt.dispose();
  }, 180_000);
});
