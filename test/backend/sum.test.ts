/**
 * survkit's cpu Sum kernel against the stock cpu kernel: any rank, any set
 * of axes, keepDims, float32 / int32 / bool.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKernelPatches, stockKernel } from '../../src/backend/index.js';
import { sumValues } from '../../src/backend/kernels/sum.js';
import { maxScaledDiff } from './reference.js';

let previous = 'cpu';
beforeAll(async () => {
  previous = tf.getBackend() ?? 'cpu';
  registerKernelPatches();
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend(previous);
});

function stockSum(x: tf.Tensor, axis: number[], keepDims: boolean): { shape: number[]; dtype: string; values: number[] } {
  const config = stockKernel('Sum', 'cpu');
  if (config === undefined) throw new Error('no stock Sum');
  const backend = tf.backend();
  const out = config.kernelFunc({ inputs: { x }, backend, attrs: { axis, keepDims } }) as tf.TensorInfo;
  const values = Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return { shape: out.shape, dtype: out.dtype, values };
}

describe('cpu Sum', () => {
  it('matches the stock kernel for random shapes, axes, keepDims and dtypes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        fc.boolean(),
        fc.constantFrom('float32', 'int32', 'bool'),
        fc.integer(),
        (shape, pick, keepDims, dtype, seed) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed + 7 * i) * 10));
          const axis = shape.map((_, d) => d).filter((d) => pick[d]);
          tf.tidy(() => {
            const base = tf.tensor(values, shape);
            const x = dtype === 'float32' ? base : dtype === 'int32' ? tf.cast(tf.round(base), 'int32') : tf.greater(base, 0);
            const want = stockSum(x, axis, keepDims);
            const got = tf.sum(x, axis, keepDims);
            expect(got.shape).toEqual(want.shape);
            expect(got.dtype).toBe(want.dtype);
            expect(maxScaledDiff(got.dataSync(), want.values)).toBeLessThan(1e-6);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sums the bias gradient of a conv layer (all but the channel axis)', () => {
    expect(Array.from(sumValues([1, 2, 3, 4, 5, 6], [3, 2], [0]))).toEqual([9, 12]);
    expect(Array.from(sumValues([1, 2, 3, 4, 5, 6], [3, 2], [1]))).toEqual([3, 7, 11]);
    expect(Array.from(sumValues([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], [0, 2]))).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
    expect(Array.from(sumValues([5], [], []))).toEqual([5]);
    // Every axis but the last (the row-order path), with zero-sized and duplicate-free odd shapes.
    expect(Array.from(sumValues([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3], [0, 1]))).toEqual([1 + 4 + 7 + 10, 2 + 5 + 8 + 11, 3 + 6 + 9 + 12]);
    expect(Array.from(sumValues([1, 2, 3, 4, 5, 6], [3, 1, 1, 2], [0, 1, 2]))).toEqual([9, 12]);
    expect(Array.from(sumValues([], [2, 0], [0]))).toEqual([]);
    expect(Array.from(sumValues([], [0, 3], [0]))).toEqual([0, 0, 0]);
    // Rows across several cache blocks (32768 floats each): the column sums of the definition, in float64.
    const [rows, cols] = [10007, 7];
    const big = Float32Array.from({ length: rows * cols }, (_, i) => Math.fround(Math.sin(i) * 3));
    const want = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) want[j] = (want[j] as number) + (big[r * cols + j] as number);
    const got = sumValues(big, [rows, 1, cols], [0, 1]);
    for (let j = 0; j < cols; j++) expect(got[j]).toBeCloseTo(want[j] as number, 9);
  });
});
