/**
 * survkit's wasm Identity and same-dtype Cast share the input's heap block
 * (reference counted) instead of copying it: a clone has the same dataId,
 * outlives its source, and casts that change the dtype still convert.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';

let previous = 'cpu';
beforeAll(async () => {
  previous = tf.getBackend() ?? 'cpu';
  await initBackend({ backend: 'wasm' });
});
afterAll(async () => {
  await tf.setBackend(previous);
});

describe('wasm Identity and Cast', () => {
  it('a clone shares the data block and keeps its values after the source is disposed', () => {
    const x = tf.tensor2d([1.5, -2, 3, 4.25, 0, -1], [2, 3]);
    const y = x.clone();
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3, 4.25, 0, -1]);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
  });

  it('a same-dtype cast shares the data; a cast to int32 still converts (truncation)', () => {
    const x = tf.tensor1d([1.75, -2.5, 0, 3]);
    const same = tf.cast(x, 'float32');
    expect(same.dataId).toBe(x.dataId);
    const asInt = tf.cast(x, 'int32');
    expect(asInt.dataId).not.toBe(x.dataId);
    expect(asInt.dtype).toBe('int32');
    expect(Array.from(asInt.dataSync())).toEqual([1, -2, 0, 3]);
    tf.dispose([x, same, asInt]);
  });

  it('no tensor leaks through a gradient that saves its inputs, and the gradient is the definition', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([-1, 2, -3, 4]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), tf.relu(a))))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 4, 0, 8]); // d/dx relu(x)² = 2·relu(x)
    tf.dispose([x, g]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('string tensors still go to the stock kernel', () => {
    const s = tf.tensor1d(['a', 'bc']);
    const c = s.clone();
    expect(c.arraySync()).toEqual(['a', 'bc']);
    tf.dispose([s, c]);
  });
});
