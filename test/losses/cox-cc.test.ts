import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { coxCcLoss } from '../../src/losses/index.js';
import { Random } from '../../src/core/random.js';
import { messages } from '../../src/core/messages.js';
import { coxCcNaive, expectClose, finiteDiff, readCsv, readJson } from './reference.js';

const scalar = (x: tf.Scalar) => x.dataSync()[0] as number;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('coxCcLoss', () => {
  const { rows } = readCsv('golden/inputs/loss_coxcc.csv');
  const gCase = rows.map((r) => r[0] as number);
  const gCtrl = rows.flatMap((r) => [r[1] as number, r[2] as number]);
  const golden = readJson<{ float64: { cox_cc_loss: number }; float32: { cox_cc_loss: number } }>('golden/expected/losses_coxcc.json');

  it('equals pycox cox_cc_loss with two controls (golden, float32 precision)', () => {
    const got = scalar(coxCcLoss(tf.tensor1d(gCase), tf.tensor2d(gCtrl, [gCase.length, 2])));
    expect(Math.abs(got - golden.float64.cox_cc_loss) / golden.float64.cox_cc_loss).toBeLessThan(1e-6);
    expect(Math.abs(coxCcNaive(gCase, gCtrl, 2) - golden.float64.cox_cc_loss)).toBeLessThan(1e-14);
  });

  it('one control is the softplus form; shrink adds shrink·(mean|g_case| + Σ mean|g_c|)/k', () => {
    const ctrl1 = rows.map((r) => r[1] as number);
    for (const shrink of [0, 0.3]) {
      const one = scalar(coxCcLoss(tf.tensor2d(gCase, [gCase.length, 1]), tf.tensor2d(ctrl1, [gCase.length, 1]), { shrink }));
      const softplus = gCase.reduce((a, g, i) => a + Math.log1p(Math.exp((ctrl1[i] as number) - g)), 0) / gCase.length;
      const pen = (gCase.reduce((a, g) => a + Math.abs(g), 0) + ctrl1.reduce((a, g) => a + Math.abs(g), 0)) / gCase.length;
      expect(one).toBeCloseTo(softplus + shrink * pen, 6);
      const two = scalar(coxCcLoss(tf.tensor1d(gCase), tf.tensor2d(gCtrl, [gCase.length, 2]), { shrink }));
      expect(two).toBeCloseTo(coxCcNaive(gCase, gCtrl, 2, shrink), 6);
    }
  });

  it('clamps differences above 80 (value log(1 + e^80 + …), zero gradient there), as pycox', () => {
    const v = scalar(coxCcLoss(tf.tensor1d([0]), tf.tensor2d([[200, 0]])));
    expect(v).toBeCloseTo(Math.log(1 + Math.exp(80) + 1), 4);
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => coxCcLoss(tf.tensor1d([0]), x))(tf.tensor2d([[200, 0]]))
        .dataSync(),
    );
    expect(g[0]).toBe(0);
  });

  it('gradients (cases and controls, k = 1 and 3, with shrink) match float64 finite differences', () => {
    const rng = new Random(4);
    for (const k of [1, 3]) {
      const n = 12;
      const gc = Array.from({ length: n }, () => rng.normal());
      const ctl = Array.from({ length: n * k }, () => rng.normal());
      const shrink = 0.1;
      const [dCase, dCtrl] = tf.tidy(() =>
        tf
          .grads((a: tf.Tensor, b: tf.Tensor) => coxCcLoss(a, b, { shrink }))([tf.tensor1d(gc), tf.tensor2d(ctl, [n, k])])
          .map((t) => t.dataSync()),
      ) as [Float32Array, Float32Array];
      expectClose(
        dCase,
        finiteDiff((x) => coxCcNaive(x, ctl, k, shrink), gc),
        1e-3,
        1e-5,
      );
      expectClose(
        dCtrl,
        finiteDiff((x) => coxCcNaive(gc, x, k, shrink), ctl),
        1e-3,
        1e-5,
      );
    }
  });

  it('property: equals the float64 formula for random outputs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (n, k, seed) => {
        const rng = new Random(seed);
        const gc = Array.from({ length: n }, () => 3 * rng.normal());
        const ctl = Array.from({ length: n * k }, () => 3 * rng.normal());
        const got = scalar(coxCcLoss(tf.tensor1d(gc), tf.tensor2d(ctl, [n, k]), { shrink: 0.05 }));
        const want = coxCcNaive(gc, ctl, k, 0.05);
        expect(Math.abs(got - want)).toBeLessThan(1e-5 * (1 + Math.abs(want)));
      }),
      { numRuns: 40 },
    );
  });

  it('leaves no tensors behind', () => {
    const a = tf.tensor1d(gCase);
    const b = tf.tensor2d(gCtrl, [gCase.length, 2]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        coxCcLoss(a, b);
        tf.grads((x: tf.Tensor, y: tf.Tensor) => coxCcLoss(x, y, { shrink: 0.1 }))([a, b]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched shapes and a negative shrink', () => {
    expect(() => coxCcLoss(tf.tensor1d([1, 2]), tf.tensor2d([[1]]))).toThrow(messages.lengthMismatch('coxCcLoss', 'gControls', 1, 'gCase', 2));
    expect(() => coxCcLoss(tf.tensor1d([1]), tf.tensor1d([1]))).toThrow(messages.shapeMismatch('coxCcLoss', 'gControls', '[n, k] with n, k >= 1', '[1]'));
    expect(() => coxCcLoss(tf.tensor1d([1]), tf.tensor2d([[1]]), { shrink: -1 })).toThrow(
      messages.optionRange('coxCcLoss', 'shrink', 'a finite number >= 0', -1),
    );
  });
});
