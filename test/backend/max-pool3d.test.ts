/**
 * survkit's MaxPool3D on wasm and cpu: the kernel TF.js runs after initBackend()
 * (checked by function identity), equal to the definition (the maximum of
 * each window's valid elements) and to TF.js's stock cpu kernel, including
 * windows whose elements are all ≤ 0 — where TF.js 4.22's stock wasm kernel
 * returns FLT_MIN (1.18e-38) instead of the maximum.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, stockKernel } from '../../src/backend/index.js';
import { maxPool3dKernelFunc, maxPool3dValues } from '../../src/backend/kernels/max-pool3d.js';
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

describe('MaxPool3D', () => {
  it("is survkit's kernel after initBackend(), with the stock one kept for restoring", async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      expect(tf.getKernel('MaxPool3D', backend)?.kernelFunc).toBe(maxPool3dKernelFunc(backend));
      expect(stockKernel('MaxPool3D', backend)).toBeDefined();
    }
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

  it('a NaN is never the maximum, on cpu and wasm alike (also where it is the first element of a frame window)', async () => {
    const x = [-3, -2, -1, 0, NaN, 1, 3, 4]; // [1, 2, 2, 2, 1]: NaN first in frame 1
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      const got = tf.tidy(() => [
        Array.from(tf.maxPool3d(tf.tensor5d(x, [1, 2, 2, 2, 1]), 2, 2, 'valid').dataSync()),
        Array.from(tf.maxPool3d(tf.tensor5d(x, [1, 2, 2, 2, 1]), [1, 2, 2], [1, 2, 2], 'valid').dataSync()),
      ]);
      // the definition with NaN skipped: max of all 8 is 4; frame 0 max 0, frame 1 max of {1, 3, 4} = 4
      expect(got, backend).toEqual([[4], [0, 4]]);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the definition and the stock cpu kernel on cpu and wasm (half the inputs negative)', async (_n, c) => {
    const x = randomValues(rng, size(c.x)); // uniform on (−1, 1)
    const ref = Array.from(definition(x, c));
    const info = tf.backend_util.computePool3DInfo(c.x, c.filter, c.strides, 1, c.pad);
    expect(Array.from(maxPool3dValues(Float32Array.from(x), info, new Float32Array(ref.length)))).toEqual(ref);
    await initBackend({ backend: 'cpu' });
    const stock = stockKernel('MaxPool3D', 'cpu');
    if (stock === undefined) throw new Error('no stock MaxPool3D kept');
    const stockValues = tf.tidy(() => {
      const out = stock.kernelFunc({
        inputs: { x: tf.tensor5d(Float32Array.from(x), c.x) },
        backend: tf.backend(),
        attrs: { filterSize: c.filter, strides: c.strides, pad: c.pad, dataFormat: 'NDHWC' },
      }) as tf.TensorInfo;
      const t = tf.engine().makeTensorFromTensorInfo(out);
      return Array.from(t.dataSync());
    });
    expect(stockValues).toEqual(ref);
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      expect(tf.getKernel('MaxPool3D', backend)?.kernelFunc).toBe(maxPool3dKernelFunc(backend));
      const got = tf.tidy(() => Array.from(tf.maxPool3d(tf.tensor5d(Float32Array.from(x), c.x), c.filter, c.strides, c.pad).dataSync()));
      expect(got, backend).toEqual(ref);
    }
  });
});
