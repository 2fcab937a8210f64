/**
 * survkit's DepthwiseConv2dNativeBackpropFilter/Input on wasm (missing there
 * in stock TF.js): against the stock cpu kernels and float64 finite
 * differences of a naive depthwise convolution, strides 1/2, 'same'/'valid',
 * channel multipliers 1/2, and a dilated case at the kernel level.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { depthwiseNaive, dot, finiteDiff, maxScaledDiff, on, randomValues, size, type Shape4, usePatchedKernels } from './reference.js';

interface Case {
  name: string;
  x: Shape4;
  f: Shape4;
  strides: number;
  pad: 'same' | 'valid';
  dilations?: number;
}
const cases: Case[] = [
  { name: '3×3 stride 1 same, multiplier 1', x: [2, 6, 6, 3], f: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { name: '3×3 stride 2 same, multiplier 2', x: [2, 7, 7, 2], f: [3, 3, 2, 2], strides: 2, pad: 'same' },
  { name: '2×3 stride 1 valid, multiplier 2', x: [1, 6, 5, 3], f: [2, 3, 3, 2], strides: 1, pad: 'valid' },
  { name: '3×3 stride 1 same, dilation 2', x: [1, 7, 7, 2], f: [3, 3, 2, 1], strides: 1, pad: 'same', dilations: 2 },
];

const rng = new Random(5);
const t4 = (v: Float64Array, s: number[]) => tf.tensor4d(Float32Array.from(v), s as Shape4);

usePatchedKernels();

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const dil = c.dilations ?? 1;
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, dil, c.pad, undefined, true);
  const x = randomValues(rng, size(c.x));
  const w = randomValues(rng, size(c.f));
  const dy = randomValues(rng, size(info.outShape));
  const attrs = { strides: c.strides, pad: c.pad, dilations: dil } as tf.NamedAttrMap;
  const filterGrad = () =>
    tf.engine().runKernel<tf.Tensor>('DepthwiseConv2dNativeBackpropFilter', { x: t4(x, c.x), dy: t4(dy, info.outShape) }, { ...attrs, filterShape: c.f });
  const inputGrad = () =>
    tf.engine().runKernel<tf.Tensor>('DepthwiseConv2dNativeBackpropInput', { dy: t4(dy, info.outShape), filter: t4(w, c.f) }, { ...attrs, inputShape: c.x });

  it('kernels match float64 finite differences on wasm (and the stock cpu kernels where they apply)', async () => {
    const gw = finiteDiff((v) => dot(depthwiseNaive(x, v, info), dy), w);
    const gx = finiteDiff((v) => dot(depthwiseNaive(v, w, info), dy), x);
    const wasmW = await on('wasm', filterGrad);
    const wasmX = await on('wasm', inputGrad);
    expect(maxScaledDiff(wasmW, gw)).toBeLessThan(1e-5);
    expect(maxScaledDiff(wasmX, gx)).toBeLessThan(1e-5);
    if (dil === 1) {
      expect(maxScaledDiff(wasmW, await on('cpu', filterGrad))).toBeLessThan(1e-5);
      expect(maxScaledDiff(wasmX, await on('cpu', inputGrad))).toBeLessThan(1e-5);
    }
  });

  it.runIf(dil === 1)('tf.grad of depthwiseConv2d works on wasm and equals cpu', async () => {
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), t4(dy, info.outShape)));
    for (const k of [0, 1]) {
      const g = () => tf.grads(loss)([t4(x, c.x), t4(w, c.f)])[k] as tf.Tensor;
      expect(maxScaledDiff(await on('wasm', g), await on('cpu', g))).toBeLessThan(1e-5);
    }
  });
});
