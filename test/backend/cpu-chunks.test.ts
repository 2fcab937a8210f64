/**
 * The cpu convolution kernels process the batch in chunks (to bound the
 * patch matrix); any chunk size gives the same result as one chunk.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convGeometry } from '../../src/backend/kernels/conv-geometry.js';
import { conv2dCpu } from '../../src/backend/kernels/conv2d-forward.js';
import { filterGradCpu } from '../../src/backend/kernels/conv2d-backprop-filter.js';
import { inputGradCpu } from '../../src/backend/kernels/conv2d-backprop-input.js';
import { Random } from '../../src/core/random.js';
import { maxScaledDiff, size } from './reference.js';

describe('cpu kernels in batch chunks', () => {
  it('agree with a single chunk for every chunk size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 4000 }),
        fc.integer(),
        (batch, stride, chunk, seed) => {
          const rng = new Random(seed);
          const info = tf.backend_util.computeConv2DInfo([batch, 7, 6, 2], [3, 3, 2, 3], stride, 1, 'same');
          const g = convGeometry(info);
          const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
          const x = rand(size(info.inShape));
          const w = rand(size(info.filterShape));
          const dy = rand(size(info.outShape));
          expect(maxScaledDiff(filterGradCpu(x, dy, g, chunk), filterGradCpu(x, dy, g))).toBeLessThan(1e-6);
          expect(maxScaledDiff(inputGradCpu(dy, w, g, chunk), inputGradCpu(dy, w, g))).toBeLessThan(1e-6);
          expect(maxScaledDiff(conv2dCpu(x, w, g, chunk), conv2dCpu(x, w, g))).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 60 },
    );
  });
});
