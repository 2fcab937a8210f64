/**
 * batchNormTraining (closed-form gradient) against tf.layers' batch norm
 * (autodiff of tf.moments + tf.batchNorm) on both backends, against central
 * finite differences in float64, and fastBatchNormTraining's layer patch
 * (same outputs, gradients and moving statistics as the stock layer).
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initBackend, type BackendName } from '../../src/backend/index.js';
import { fastBatchNormTraining } from '../../src/backbones/fast-batch-norm.js';
import { batchNormTraining } from '../../src/ops/batch-norm.js';

function stockBn(shape: number[]): tf.LayersModel {
  const inp = tf.input({ shape: shape.slice(1) });
  const layer = tf.layers.batchNormalization({
    momentum: 0.9,
    epsilon: 1e-5,
    gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 3 }),
    betaInitializer: tf.initializers.randomNormal({ seed: 4 }),
  });
  return tf.model({ inputs: inp, outputs: layer.apply(inp) as tf.SymbolicTensor });
}

/** Loss value, gradients wrt the trainable weights and the input, and all weights after the call. */
function run(m: tf.LayersModel, x: tf.Tensor, w: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const vars = m.trainableWeights.map((v) => v.read() as tf.Variable);
    const f = (xx: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(tf.square(m.apply(xx, { training: true }) as tf.Tensor), w));
    const r = tf.variableGrads(() => f(x), vars);
    const gx = tf.grad(f)(x);
    return [r.value, ...Object.values(r.grads), gx, ...m.getWeights()].map((t) => t.dataSync() as Float32Array);
  });
}

function maxRel(a: Float32Array, b: Float32Array): number {
  let mx = 0;
  let sc = 1e-30;
  for (let k = 0; k < a.length; k++) {
    mx = Math.max(mx, Math.abs((a[k] as number) - (b[k] as number)));
    sc = Math.max(sc, Math.abs(a[k] as number));
  }
  return mx / sc;
}

describe.each(['cpu', 'wasm'] as BackendName[])('batch norm in training mode on %s', (backend) => {
  it("the patched layer gives the stock layer's output, gradients and moving statistics (2D and 4D inputs)", async () => {
    await initBackend({ backend });
    for (const shape of [
      [64, 12],
      [4, 5, 5, 3],
    ]) {
      const a = stockBn(shape);
      const b = stockBn(shape);
      b.setWeights(a.getWeights());
      fastBatchNormTraining(b);
      fastBatchNormTraining(b); // idempotent
      const x = tf.randomNormal(shape, 1, 3, 'float32', 5);
      const w = tf.randomNormal(shape, 0, 1, 'float32', 6);
      const before = tf.memory().numTensors;
      const ra = run(a, x, w);
      const rb = run(b, x, w);
      expect(tf.memory().numTensors).toBe(before);
      ra.forEach((v, k) => expect(maxRel(v, rb[k] as Float32Array)).toBeLessThan(1e-5)); // float32 rounding
      // inference mode is untouched
      const ia = (a.predict(x) as tf.Tensor).dataSync() as Float32Array;
      const ib = (b.predict(x) as tf.Tensor).dataSync() as Float32Array;
      expect(maxRel(ia, ib)).toBe(0);
      tf.dispose([x, w]);
      a.dispose();
      b.dispose();
    }
  });

  it('a frozen (non-trainable) layer keeps the stock code path (bit-identical outputs)', async () => {
    await initBackend({ backend });
    const a = stockBn([8, 3]);
    const b = stockBn([8, 3]);
    b.setWeights(a.getWeights());
    fastBatchNormTraining(b);
    a.layers[1]!.trainable = false;
    b.layers[1]!.trainable = false;
    const x = tf.randomNormal([8, 3], 0, 1, 'float32', 1);
    const ya = tf.tidy(() => (a.apply(x, { training: true }) as tf.Tensor).dataSync());
    const yb = tf.tidy(() => (b.apply(x, { training: true }) as tf.Tensor).dataSync());
    expect(Array.from(yb)).toEqual(Array.from(ya));
    x.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('batchNormTraining gradient', () => {
  it('property: agrees with central finite differences of the float64 formula', async () => {
    await initBackend({ backend: 'cpu' });
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        (xs, ws, g0) => {
          const n = 4;
          const c = 3;
          const gamma = [g0, 1, 0.7];
          const beta = [0.1, -0.2, 0.3];
          const loss64 = (v: number[]): number => {
            let total = 0;
            for (let j = 0; j < c; j++) {
              let m = 0;
              for (let i = 0; i < n; i++) m += v[i * c + j] as number;
              m /= n;
              let s = 0;
              for (let i = 0; i < n; i++) s += ((v[i * c + j] as number) - m) ** 2;
              s /= n;
              for (let i = 0; i < n; i++) {
                const y = ((gamma[j] as number) * ((v[i * c + j] as number) - m)) / Math.sqrt(s + 1e-5) + (beta[j] as number);
                total += y * y * (ws[i * c + j] as number);
              }
            }
            return total;
          };
          const grad = tf.tidy(() =>
            tf
              .grad((x: tf.Tensor) =>
                tf.sum<tf.Scalar>(tf.mul(tf.square(batchNormTraining(x, tf.tensor1d(gamma), tf.tensor1d(beta), 1e-5)), tf.tensor2d(ws, [n, c]))),
              )(tf.tensor2d(xs, [n, c]))
              .dataSync(),
          );
          const h = 1e-6;
          return xs.every((_, k) => {
            const up = [...xs];
            const dn = [...xs];
            up[k] = (up[k] as number) + h;
            dn[k] = (dn[k] as number) - h;
            const fd = (loss64(up) - loss64(dn)) / (2 * h);
            return Math.abs((grad[k] as number) - fd) <= 2e-3 * Math.max(1, Math.abs(fd));
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});
