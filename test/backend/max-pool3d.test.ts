/**
 * survkit's MaxPool3D on wasm: the kernel TF.js runs after initBackend()
 * (checked by function identity), equal to the definition (the maximum of
 * each window's valid elements) and to TF.js's stock cpu kernel, including
 * windows whose elements are all ≤ 0 — where TF.js 4.22's stock wasm kernel
 * returns FLT_MIN (1.18e-38) instead of the maximum.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, stockKernel } from '../../src/backend/index.js';
import { maxPool3dKernelFunc } from '../../src/backend/kernels/max-pool3d.js';
import { Random } from '../../src/core/random.js';
import { randomValues, size } from './reference.js';

type Shape5 = [number, number, number, number, number];
type Triple = number | [number, number, number];
interface Case {
  name: string;
  x: Shape5;
  filter: Triple;
  strides: Triple;
  pad: 'same' | 'valid';
}
const cases: Case[] = [
  { name: '2³ stride 2 valid, 5 channels', x: [2, 4, 6, 6, 5], filter: 2, strides: 2, pad: 'valid' },
  { name: '3³ stride 1 same (overlapping windows), batch 1', x: [1, 3, 5, 5, 2], filter: 3, strides: 1, pad: 'same' },
  { name: '3³ stride 2 same (odd sizes), 3 channels', x: [2, 5, 7, 7, 3], filter: 3, strides: 2, pad: 'same' },
  { name: '1×2×3 stride [1, 2, 1] valid', x: [1, 3, 6, 5, 2], filter: [1, 2, 3], strides: [1, 2, 1], pad: 'valid' },
];

const rng = new Random(23);

/** The definition: the largest valid element of each window (−∞ for none), in float64. */
function definition(x: Float64Array, c: Case): Float64Array {
  const info = tf.backend_util.computePool3DInfo(c.x, c.filter, c.strides, 1, c.pad);
  const [B, D, H, W, C] = c.x;
  const { outDepth: OD, outHeight: OH, outWidth: OW, strideDepth: sd, strideHeight: sh, strideWidth: sw } = info;
  const y = new Float64Array(size(info.outShape));
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let od = 0; od < OD; od++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let ch = 0; ch < C; ch++) {
            let best = -Infinity;
            for (let i = 0; i < info.filterDepth; i++)
              for (let j = 0; j < info.filterHeight; j++)
                for (let k = 0; k < info.filterWidth; k++) {
                  const d = od * sd - info.padInfo.front + i;
                  const r = oh * sh - info.padInfo.top + j;
                  const q = ow * sw - info.padInfo.left + k;
                  if (d < 0 || d >= D || r < 0 || r >= H || q < 0 || q >= W) continue;
                  best = Math.max(best, x[(((b * D + d) * H + r) * W + q) * C + ch] as number);
                }
            y[o++] = best;
          }
  return y;
}

describe('MaxPool3D on wasm', () => {
  it("is survkit's kernel after initBackend(), with the stock one kept for restoring", async () => {
    await initBackend({ backend: 'wasm' });
    expect(tf.getKernel('MaxPool3D', 'wasm')?.kernelFunc).toBe(maxPool3dKernelFunc());
    expect(stockKernel('MaxPool3D', 'wasm')).toBeDefined();
  });

  it('windows of values ≤ 0 give their maximum (the stock wasm kernel gives 1.18e-38)', async () => {
    await initBackend({ backend: 'wasm' });
    const got = tf.tidy(() => [
      tf.maxPool3d(tf.fill<tf.Rank.R5>([1, 2, 2, 2, 1], -1), 2, 2, 'valid').dataSync()[0],
      tf.maxPool3d(tf.zeros<tf.Rank.R5>([1, 2, 2, 2, 3]), 2, 2, 'valid').dataSync()[2],
      tf
        .maxPool3d(tf.relu(tf.fill<tf.Rank.R5>([2, 4, 4, 4, 2], -0.5)), 2, 2, 'valid')
        .max()
        .dataSync()[0],
    ]);
    expect(got).toEqual([-1, 0, 0]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the definition and the stock cpu kernel (half the inputs negative)', async (_n, c) => {
    const x = randomValues(rng, size(c.x)); // uniform on (−1, 1)
    const ref = definition(x, c);
    await initBackend({ backend: 'cpu' });
    const cpu = tf.tidy(() => tf.maxPool3d(tf.tensor5d(Float32Array.from(x), c.x), c.filter, c.strides, c.pad).dataSync() as Float32Array);
    await initBackend({ backend: 'wasm' });
    const wasm = tf.tidy(() => tf.maxPool3d(tf.tensor5d(Float32Array.from(x), c.x), c.filter, c.strides, c.pad).dataSync() as Float32Array);
    expect(Array.from(wasm)).toEqual(Array.from(ref));
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });
});
