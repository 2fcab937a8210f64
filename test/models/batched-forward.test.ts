/**
 * forwardMemory runs the network once per chunk of rows (tf.layers' predict
 * would cut a chunk into batches of 32 rows: 32× more kernel calls for the
 * Cox-Time baseline and every prediction), with the same values.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { forwardMemory } from '../../src/models/training/batched-forward.js';

describe('forwardMemory', () => {
  it('one network call per chunk: one matrix product for 100 rows, two for 100 rows in chunks of 64', async () => {
    await initBackend({ backend: 'cpu' });
    const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    const x = tf.randomNormal([100, 3], 0, 1, 'float32', 5);
    const matMuls = (p: { kernels: { name: string }[] }) => p.kernels.filter((k) => /MatMul/.test(k.name)).length;
    const perCall = matMuls(await tf.profile(() => tf.tidy(() => void net.predict(x, { batchSize: 100 }))));
    expect(perCall).toBeGreaterThan(0);
    for (const [batchSize, calls] of [
      [4096, 1],
      [64, 2],
    ] as const) {
      let out: Float64Array = new Float64Array();
      const profile = await tf.profile(() => {
        out = forwardMemory(net, [x], batchSize).values;
      });
      expect(matMuls(profile), `batch ${batchSize}`).toBe(calls * perCall);
      const want = tf.tidy(() => (net.apply(x) as tf.Tensor).dataSync());
      expect(Array.from(out)).toEqual(Array.from(want));
    }
    x.dispose();
    net.dispose();
  });
});
