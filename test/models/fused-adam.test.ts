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

  it('is one SurvkitAdamStep kernel call per step on cpu and wasm, bit-identical to the same update in tensor ops', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      const a = problem(3);
      const b = problem(3);
      const opt = new FusedAdam(0.01, 0.9, 0.999, 1e-8);
      // The tensor-op form of the update (float32 op by op): the reference the kernel must equal bit for bit.
      let m: tf.Tensor | undefined;
      let v: tf.Tensor | undefined;
      for (let t = 1; t <= 30; t++) {
        const { grads } = tf.variableGrads(a.loss, a.vars);
        const names = a.vars.map((w) => w.name);
        const stepSize = 0.01 / (1 - 0.9 ** t);
        const c2 = 1 / (1 - 0.999 ** t);
        const next = tf.tidy(() => {
          const g = tf.concat(names.map((n) => tf.reshape(grads[n] as tf.Tensor, [-1])));
          const m1 = tf.add(tf.mul(m ?? tf.zerosLike(g), 0.9), tf.mul(g, 1 - 0.9));
          const v1 = tf.add(tf.mul(v ?? tf.zerosLike(g), 0.999), tf.mul(tf.square(g), 1 - 0.999));
          const update = tf.div(tf.mul(m1, stepSize), tf.add(tf.sqrt(tf.mul(v1, c2)), 1e-8));
          let offset = 0;
          const ws = a.vars.map((w) => {
            const part = tf.reshape(tf.slice(update, offset, w.size), w.shape);
            offset += w.size;
            return tf.sub(w, part);
          });
          return { m1, v1, ws };
        });
        tf.dispose([m, v, ...Object.values(grads)]);
        m = next.m1;
        v = next.v1;
        a.vars.forEach((w, k) => w.assign(next.ws[k] as tf.Tensor));
        tf.dispose(next.ws);
        const calls: string[] = [];
        const { grads: gb } = tf.variableGrads(b.loss, b.vars);
        const profile = await tf.profile(() => opt.applyGradients(gb));
        calls.push(...profile.kernels.map((k) => k.name));
        tf.dispose(Object.values(gb));
        expect(calls, backend).toEqual(['SurvkitAdamStep']);
      }
      a.vars.forEach((w, k) => expect(Array.from(w.dataSync()), `${backend} variable ${k}`).toEqual(Array.from((b.vars[k] as tf.Variable).dataSync())));
      tf.dispose([m, v, ...a.vars, ...b.vars]);
      opt.dispose();
    }
    await initBackend({ backend: 'cpu' });
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
