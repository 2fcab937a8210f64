import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { EvidentialHead, LogitsHead } from '../../src/heads/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('LogitsHead', () => {
  it('is the evidential head before its evidence function: same seed, same weights, logits xW + b', () => {
    const logits = new LogitsHead({ classes: 3, seed: 4 });
    const edl = new EvidentialHead({ classes: 3, seed: 4, evidence: 'relu' });
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 8);
    const z = logits.apply(x) as tf.Tensor;
    const a = edl.apply(x) as tf.Tensor;
    expect(Array.from(tf.tidy(() => tf.add(tf.relu(z), 1)).dataSync())).toEqual(Array.from(a.dataSync()));
    expect(logits.getConfig()).toMatchObject({ classes: 3, useBias: true, seed: 4 });
    expect(LogitsHead.className).toBe('survkit>LogitsHead');
    tf.dispose([x, z, a]);
  });

  it('rejects fewer than two classes', () => {
    expect(() => new LogitsHead({ classes: 0 })).toThrow(messages.optionRange('LogitsHead', 'classes', 'an integer >= 2', 0));
  });
});
