import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { attachHead, lenet, SeededDropout } from '../../src/backbones/index.js';
import { messages } from '../../src/core/messages.js';
import { EvidentialHead } from '../../src/heads/index.js';
import { evidentialLoss } from '../../src/losses/index.js';
import { dropoutLayers } from '../../src/models/classifiers/inference-dropout.js';
import { roundTrip, trainableCount, weightValues } from './backbone-helpers.js';

afterAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('lenet', () => {
  it('has the reference layers: 28×28×1 → 24×24×20 → 12×12×20 → 8×8×50 → 4×4×50 → 800 → 500', async () => {
    await initBackend({ backend: 'cpu' });
    const m = lenet({ seed: 1 });
    expect(m.inputs[0]?.shape).toEqual([null, 28, 28, 1]);
    expect(m.outputs[0]?.shape).toEqual([null, 500]);
    const shape = (name: string): unknown => (m.getLayer(name).output as tf.SymbolicTensor).shape;
    expect(shape('lenet_conv1')).toEqual([null, 24, 24, 20]);
    expect(shape('lenet_pool1')).toEqual([null, 12, 12, 20]);
    expect(shape('lenet_conv2')).toEqual([null, 8, 8, 50]);
    expect(shape('lenet_pool2')).toEqual([null, 4, 4, 50]);
    expect(shape('lenet_flatten')).toEqual([null, 800]);
    // PyTorch LeNet without fc2: conv1 20·25+20, conv2 50·20·25+50, fc1 800·500+500.
    expect(trainableCount(m)).toBe(520 + 25050 + 400500);
    expect(m.getLayer('lenet_dropout')).toBeInstanceOf(SeededDropout);
    expect(dropoutLayers(m)).toHaveLength(1);
    const x = tf.zeros([3, 28, 28, 1]);
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 500]);
    tf.dispose([x, y]);
    m.dispose();
  });

  it("starts at PyTorch's default init, U(±1/√fanIn), seeded", async () => {
    await initBackend({ backend: 'cpu' });
    const a = lenet({ seed: 3 });
    const b = lenet({ seed: 3 });
    const c = lenet({ seed: 4 });
    expect(weightValues(a)).toEqual(weightValues(b));
    expect(weightValues(a)[0]).not.toEqual(weightValues(c)[0]);
    const bounds: Record<string, number> = { lenet_conv1: 1 / 5, lenet_conv2: 1 / Math.sqrt(500), lenet_fc1: 1 / Math.sqrt(800) };
    for (const [name, bound] of Object.entries(bounds)) {
      for (const w of a.getLayer(name).getWeights()) {
        const v = w.dataSync();
        const max = Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expect(max).toBeLessThanOrEqual(bound);
        expect(max).toBeGreaterThan(0.8 * bound);
      }
    }
    [a, b, c].forEach((m) => m.dispose());
  });

  it('property: output shapes for other image sizes, paddings and widths', async () => {
    await initBackend({ backend: 'cpu' });
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 40 }),
        fc.integer({ min: 16, max: 40 }),
        fc.constantFrom<'valid' | 'same'>('valid', 'same'),
        fc.integer({ min: 1, max: 40 }),
        (h, w, padding, units) => {
          const m = lenet({ inputShape: [h, w, 3], padding, units, filters: [2, 3], dropout: 0 });
          const after = (n: number): number => Math.floor((padding === 'valid' ? n - 4 : n) / 2);
          const flat = (m.getLayer('lenet_flatten').output as tf.SymbolicTensor).shape;
          const out = m.outputs[0]?.shape;
          const hasDropout = m.layers.some((l) => l instanceof SeededDropout);
          m.dispose();
          expect(flat).toEqual([null, after(after(h)) * after(after(w)) * 3]);
          expect(out).toEqual([null, units]);
          expect(hasDropout).toBe(false);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('saves and loads with identical outputs (inference mode)', async () => {
    await initBackend({ backend: 'cpu' });
    const m = lenet({ seed: 2 });
    const { loaded } = await roundTrip(m);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 9);
    const a = m.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(loaded.getLayer('lenet_dropout')).toBeInstanceOf(SeededDropout);
    tf.dispose([x, a, b]);
    m.dispose();
    loaded.dispose();
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`takes gradient steps with an evidential head on ${backend} (the loss falls, every weight moves, no tensor leaks)`, async () => {
      await initBackend({ backend });
      expect(tf.getBackend()).toBe(backend);
      const net = attachHead(lenet({ seed: 5, units: 64 }), new EvidentialHead({ classes: 3, seed: 5 }), { name: 'edl' });
      const x = tf.tidy(() => tf.concat([tf.zeros([4, 28, 28, 1]), tf.ones([4, 28, 28, 1]).mul(0.5), tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1)]));
      const y = tf.oneHot(tf.tensor1d([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], 'int32'), 3);
      const before = weightValues(net);
      const tensors = tf.memory().numTensors;
      const optimizer = tf.train.adam(1e-3);
      const losses: number[] = [];
      for (let s = 0; s < 8; s++) {
        const loss = optimizer.minimize(
          () => evidentialLoss(y, net.apply(x, { training: true }) as tf.Tensor, { kind: 'mse', klWeight: 0 }) as tf.Scalar,
          true,
        ) as tf.Scalar;
        losses.push(loss.dataSync()[0] as number);
        loss.dispose();
      }
      optimizer.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      losses.forEach((l) => expect(Number.isFinite(l)).toBe(true));
      expect(losses.at(-1)).toBeLessThan(losses[0] as number);
      const after = weightValues(net);
      after.forEach((w, k) => expect(w).not.toEqual(before[k]));
      tf.dispose([x, y]);
      net.dispose();
    });
  }

  it('rejects bad options', () => {
    expect(() => lenet({ inputShape: [8, 8, 1] })).toThrow(
      messages.optionRange('lenet', 'inputShape', "an image large enough for two 5×5 'valid' convolutions each followed by 2×2 pooling", '[8, 8, 1]'),
    );
    expect(() => lenet({ inputShape: [28, 28] as unknown as [number, number, number] })).toThrow(/lenet: .*'inputShape'/);
    expect(() => lenet({ dropout: 1 })).toThrow(/lenet: .*'dropout'/);
    expect(() => lenet({ filters: [20] as unknown as [number, number] })).toThrow(/lenet: .*'filters'/);
    expect(() => lenet({ padding: 'full' as 'same' })).toThrow(messages.optionRange('lenet', 'padding', "one of 'valid', 'same'", 'full'));
  });
});
