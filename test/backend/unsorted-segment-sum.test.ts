/**
 * survkit's UnsortedSegmentSum on wasm (missing there in stock TF.js, so the
 * gradient of tf.gather failed): against the stock cpu kernel, out-of-range
 * ids dropped, and tf.gather's gradient on wasm against cpu and finite
 * differences.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finiteDiff, maxScaledDiff, on, usePatchedKernels } from './reference.js';

usePatchedKernels();

describe('UnsortedSegmentSum on wasm', () => {
  it('matches the stock cpu kernel for random ids, including ids outside [0, numSegments)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (n, inner, numSegments, seed) => {
          const values = Array.from({ length: n * inner }, (_, i) => Math.fround(Math.sin(seed + i)));
          const ids = Array.from({ length: n }, (_, i) => ((seed >> (i % 16)) % (numSegments + 2)) - 1); // −1 … numSegments
          const run = () => tf.unsortedSegmentSum(tf.tensor2d(values, [n, inner]), tf.tensor1d(ids, 'int32'), numSegments);
          const cpu = await on('cpu', run);
          const wasm = await on('wasm', run);
          expect(maxScaledDiff(wasm, cpu)).toBeLessThan(1e-6); // float32 sums in another order
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sums rows of a 3-D tensor by segment', async () => {
    const got = await on('wasm', () => tf.unsortedSegmentSum(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [4, 1, 2]), tf.tensor1d([1, 0, 1, 5], 'int32'), 2));
    expect(Array.from(got)).toEqual([3, 4, 6, 8]);
  });
});

describe('gradient of tf.gather on wasm', () => {
  it('matches cpu and float64 finite differences (repeated indices)', async () => {
    const x = Float64Array.from([0.5, -1.25, 2, 0.75, -0.5, 1.5]);
    const idx = [2, 0, 2, 5, 1, 2];
    const w = [1, -2, 0.5, 3, -1, 2];
    const loss = (v: ArrayLike<number>) => idx.reduce((s, j, i) => s + (w[i] as number) * (v[j] as number) ** 2, 0);
    const fd = finiteDiff(loss, x);
    const grad = () =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.gather(a, tf.tensor1d(idx, 'int32'))), tf.tensor1d(w))))(tf.tensor1d(Float32Array.from(x)));
    const wasm = await on('wasm', grad);
    const cpu = await on('cpu', grad);
    expect(maxScaledDiff(wasm, fd)).toBeLessThan(1e-6);
    expect(maxScaledDiff(wasm, cpu)).toBeLessThan(1e-6);
  });
});
