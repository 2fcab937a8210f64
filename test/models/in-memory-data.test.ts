import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import type { BatchSource } from '../../src/models/training/fit-types.js';
import { asInputs, sourceBatches } from '../../src/models/training/in-memory-data.js';

beforeAll(async () => {
  await initBackend();
});

describe('model inputs are checked with specific messages', () => {
  it('rejects what is not a tensor, a tensor list or a batch source', () => {
    expect(() => asInputs('f', 'x', [1, 2], 1)).toThrow(messages.modelInput('f', 'x', [1, 2]));
  });

  it('names how many input tensors the model has and how many came', () => {
    const a = tf.zeros([2, 1]);
    expect(() => asInputs('f', 'x', [a, a], 1)).toThrow(messages.inputCount('f', 'x', 1, 2));
    expect(() => asInputs('f', 'x', a, 2)).toThrow(messages.inputCount('f', 'x', 2, 1));
    a.dispose();
  });

  it('rejects a training batch without labels and disposes its tensors', async () => {
    const before = tf.memory().numTensors;
    const source: BatchSource = {
      // eslint-disable-next-line @typescript-eslint/require-await
      async *batches() {
        yield { x: tf.zeros([2, 1]) };
      },
    };
    const run = async (): Promise<void> => {
      for await (const b of sourceBatches('fit', source, 1, true)) void b;
    };
    await expect(run()).rejects.toThrow(messages.unlabelledBatch('fit', 'batch 0'));
    expect(tf.memory().numTensors).toBe(before);
  });
});
