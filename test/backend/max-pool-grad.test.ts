/**
 * survkit's MaxPoolGrad (cpu and wasm) against the stock cpu kernel (same
 * tie rule: the first maximum in row-major window order takes the gradient)
 * and against float64 central finite differences (inputs without ties).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { stockKernel } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { dot, finiteDiff, maxPoolNaive, maxScaledDiff, on, randomValues, size, type Shape4, usePatchedKernels } from './reference.js';

interface Case {
  name: string;
  x: Shape4;
  filter: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}
const cases: Case[] = [
  { name: '2×2 stride 2 valid', x: [2, 6, 6, 3], filter: 2, strides: 2, pad: 'valid' },
  { name: '3×3 stride 1 same (overlapping windows)', x: [1, 5, 5, 2], filter: 3, strides: 1, pad: 'same' },
  { name: '3×3 stride 2 same (odd size)', x: [2, 7, 7, 2], filter: 3, strides: 2, pad: 'same' },
  { name: '3×2 stride [2, 1] valid', x: [1, 7, 6, 3], filter: [3, 2], strides: [2, 1], pad: 'valid' },
];

const rng = new Random(11);
const t4 = (v: Float64Array, s: number[]) => tf.tensor4d(Float32Array.from(v), s as Shape4);

usePatchedKernels();

function stockCpuMaxPoolGrad(x: tf.Tensor4D, dy: tf.Tensor4D, y: tf.Tensor4D, c: Case): Float32Array {
  const config = stockKernel('MaxPoolGrad', 'cpu');
  if (config === undefined) throw new Error('no stock MaxPoolGrad');
  const backend = tf.backend();
  const out = config.kernelFunc({
    inputs: { dy, input: x, output: y },
    backend,
    attrs: { filterSize: c.filter, strides: c.strides, pad: c.pad },
  }) as tf.TensorInfo;
  const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return values;
}

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const info = tf.backend_util.computePool2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  it('matches the stock cpu kernel, ties included, on cpu and wasm', async () => {
    // Integer inputs in a small range: many ties inside windows.
    const x = Float64Array.from({ length: size(c.x) }, () => rng.int(4));
    const dy = randomValues(rng, size(info.outShape));
    await tf.setBackend('cpu');
    const want = tf.tidy(() => {
      const xt = t4(x, c.x);
      return stockCpuMaxPoolGrad(xt, t4(dy, info.outShape), tf.maxPool(xt, c.filter, c.strides, c.pad), c);
    });
    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await on(backend, () =>
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.filter, c.strides, c.pad), t4(dy, info.outShape))))(t4(x, c.x)),
      );
      // Same positions; sums of overlapping windows may round differently in float32.
      expect(maxScaledDiff(got, want)).toBeLessThan(1e-6);
    }
  });

  it('agrees with float64 finite differences on distinct inputs', async () => {
    const x = randomValues(rng, size(c.x));
    const dy = randomValues(rng, size(info.outShape));
    const g = finiteDiff((v) => dot(maxPoolNaive(v, info), dy), x, 1e-7);
    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await on(backend, () =>
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.filter, c.strides, c.pad), t4(dy, info.outShape))))(t4(x, c.x)),
      );
      expect(maxScaledDiff(got, g)).toBeLessThan(1e-5);
    }
  });
});
