import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { FusedAdam } from '../../src/models/training/fused-adam.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function problem(seed: number): { vars: tf.Variable[]; loss: () => tf.Scalar } {
  const vars = [
    tf.variable(tf.randomNormal([5, 8], 0, 1, 'float32', seed)),
    tf.variable(tf.randomNormal([8], 0, 1, 'float32', seed + 1)),
    tf.variable(tf.randomNormal([8, 1], 0, 1, 'float32', seed + 2)),
  ];
  const x = tf.keep(tf.randomNormal([32, 5], 0, 1, 'float32', 99));
  const loss = () =>
    tf.tidy(() =>
      tf.mean<tf.Scalar>(
        tf.square(tf.sub(tf.matMul(tf.relu(tf.add(tf.matMul(x, vars[0] as tf.Variable), vars[1] as tf.Variable)), vars[2] as tf.Variable), 1)),
      ),
    );
  return { vars, loss };
}

describe('FusedAdam', () => {
  it('follows tf.train.adam (PyTorch update, eps 1e-8) step for step', () => {
    const a = problem(1);
    const b = problem(1);
    const oa = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    const ob = new FusedAdam(0.01, 0.9, 0.999, 1e-8);
    for (let step = 0; step < 100; step++) {
      oa.minimize(a.loss, false, a.vars);
      ob.minimize(b.loss, false, b.vars);
    }
    a.vars.forEach((v, k) => {
      const va = v.dataSync();
      const vb = (b.vars[k] as tf.Variable).dataSync();
      for (let i = 0; i < va.length; i++) expect(Math.abs((va[i] as number) - (vb[i] as number))).toBeLessThan(1e-5);
    });
    expect(ob.iterations).toBe(100);
    oa.dispose();
    ob.dispose();
  });

  it('named case: the first step moves every parameter by lr·sign(g) (m̂/√v̂ = g/|g|)', () => {
    const v = tf.variable(tf.tensor1d([1, -2, 3]));
    const opt = new FusedAdam(0.1);
    opt.applyGradients({ [v.name]: tf.tensor1d([0.5, -4, 0]) });
    const got = Array.from(v.dataSync());
    expect(got[0]).toBeCloseTo(0.9, 6);
    expect(got[1]).toBeCloseTo(-1.9, 6);
    expect(got[2]).toBe(3);
    opt.dispose();
  });

  it('keeps no tensors after dispose and restarts its moments for another set of variables', () => {
    const p = problem(7);
    const before = tf.memory().numTensors;
    const opt = new FusedAdam(0.01);
    for (let step = 0; step < 5; step++) opt.minimize(p.loss, false, p.vars);
    opt.minimize(p.loss, false, p.vars.slice(0, 2));
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
