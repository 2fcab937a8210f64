import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import type { BatchSource } from '../../src/models/training/fit-types.js';
import { asInputs, gatherRows, sourceBatches } from '../../src/models/training/in-memory-data.js';

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

describe('gatherRows', () => {
  it('gives the rows tf.gather gives (float32 and int32, rank 2 and 3, repeated rows) without a gather kernel per call', async () => {
    const a = tf.tensor2d(
      Float32Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i) * 10),
      [7, 3],
    );
    const b = tf.tensor3d(
      Int32Array.from({ length: 7 * 2 * 2 }, (_, i) => i * 3 - 20),
      [7, 2, 2],
      'int32',
    );
    const rows = Int32Array.of(6, 0, 3, 3, 1);
    const want = [a, b].map((t) => tf.gather(t, Array.from(rows)));
    const before = tf.memory().numTensors;
    const prof = await tf.profile(() => {
      const got = gatherRows([a, b], rows);
      got.forEach((g, k) => {
        expect(g.shape).toEqual(want[k]!.shape);
        expect(g.dtype).toBe(want[k]!.dtype);
        expect(Array.from(g.dataSync())).toEqual(Array.from(want[k]!.dataSync()));
      });
      return got;
    });
    expect(prof.kernelNames).not.toContain('GatherV2');
    expect(tf.memory().numTensors).toBe(before + 2);
    (prof.result as tf.Tensor[]).forEach((t) => t.dispose());
    tf.dispose([a, b, ...want]);
  });
});
