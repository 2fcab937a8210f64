import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { attachHead, resnet2d } from '../../src/backbones/index.js';
import { messages } from '../../src/core/messages.js';
import { CoxHead } from '../../src/heads/index.js';
import { conv2dNaive, randomValues } from '../backend/reference.js';
import { Random } from '../../src/core/random.js';
import { expectTrains, roundTrip, torchvision, trainableCount, weightValues } from './backbone-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** PyTorch's output size of a k×k convolution with stride s and padding p. */
const torchOut = (n: number, k: number, s: number, p: number): number => Math.floor((n + 2 * p - k) / s) + 1;

describe('resnet2d', () => {
  it('gives the feature map of the last stage: stride 2 in every stage after the first', () => {
    const m = resnet2d({ inputShape: [32, 32, 1], widths: [8, 16, 32], seed: 1 });
    expect(m.inputs[0]?.shape).toEqual([null, 32, 32, 1]);
    expect(m.outputs[0]?.shape).toEqual([null, 8, 8, 32]);
    expect(m.inputs[0]?.name).toContain('image');
    const conv7 = resnet2d({ inputShape: [64, 48, 3], widths: [4, 8], stem: 'conv7', seed: 1 });
    expect(conv7.outputs[0]?.shape).toEqual([null, 8, 6, 8]);
    m.dispose();
    conv7.dispose();
  });

  it("is torchvision's resnet18 (without its classifier) for widths 64…512, 2 blocks, the conv7 stem", () => {
    const m = resnet2d({ inputShape: [64, 64, 3], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7', seed: 0 });
    expect(trainableCount(m) + torchvision.fcParams.resnet18).toBe(torchvision.numParams.resnet18);
    const names = m.layers.map((l) => l.name);
    for (const n of [
      'resnet2d_conv1',
      'resnet2d_bn1',
      'resnet2d_maxpool',
      'resnet2d_layer1_1_conv2',
      'resnet2d_layer2_0_downsample_0',
      'resnet2d_layer4_1_out',
    ]) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain('resnet2d_layer1_0_downsample_0');
    m.dispose();
  });

  it('pads stride-2 convolutions as PyTorch does (7×7, stride 2, padding 3): equal to a float64 reference', () => {
    const m = resnet2d({ inputShape: [9, 10, 2], widths: [3], stem: 'conv7', norm: 'none', seed: 4 });
    const conv = m.getLayer('resnet2d_conv1');
    const sub = tf.model({ inputs: m.inputs, outputs: conv.output });
    const rng = new Random(5);
    const xv = randomValues(rng, 2 * 9 * 10 * 2);
    const x = tf.tensor4d(Float32Array.from(xv), [2, 9, 10, 2]);
    const [w, b] = conv.getWeights() as [tf.Tensor4D, tf.Tensor1D];
    const info = tf.backend_util.computeConv2DInfo([2, 9, 10, 2], w.shape, 2, 1, 3); // symmetric padding 3
    const ref = conv2dNaive(xv, Float64Array.from(w.dataSync()), info);
    const bias = b.dataSync();
    const got = (sub.predict(x) as tf.Tensor).dataSync();
    expect(got.length).toBe(ref.length);
    ref.forEach((r, i) => expect(got[i]).toBeCloseTo(r + (bias[i % 3] as number), 4));
    tf.dispose(x);
    m.dispose();
  });

  it("property: output size matches PyTorch's arithmetic for any input size and number of stages", () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 40 }), fc.integer({ min: 8, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (h, w, stages, conv7) => {
        const widths = [2, 3, 4].slice(0, stages);
        const m = resnet2d({ inputShape: [h, w, 1], widths, stem: conv7 ? 'conv7' : 'conv3', norm: 'none' });
        let [eh, ew] = [h, w];
        if (conv7) {
          [eh, ew] = [torchOut(torchOut(eh, 7, 2, 3), 3, 2, 1), torchOut(torchOut(ew, 7, 2, 3), 3, 2, 1)];
        }
        for (let s = 1; s < stages; s++) [eh, ew] = [torchOut(eh, 3, 2, 1), torchOut(ew, 3, 2, 1)];
        const shape = m.outputs[0]?.shape;
        m.dispose();
        expect(shape).toEqual([null, eh, ew, widths.at(-1)]);
      }),
      { numRuns: 15 },
    );
  });

  it("norm 'none' has no batch norm and gives the convolutions a bias", () => {
    const m = resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], norm: 'none', seed: 1 });
    const classes = m.layers.map((l) => l.getClassName());
    expect(classes).not.toContain('BatchNormalization');
    expect(m.getLayer('resnet2d_conv1').getWeights().length).toBe(2);
    const bn = resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], seed: 1 });
    expect(bn.getLayer('resnet2d_conv1').getWeights().length).toBe(1);
    expect(bn.getLayer('resnet2d_bn1').getConfig()).toMatchObject({ momentum: 0.9, epsilon: 1e-5 });
    m.dispose();
    bn.dispose();
  });

  it('same seed, same weights; another seed, other weights; convolutions start at N(0, 2/fanOut)', () => {
    const a = resnet2d({ inputShape: [16, 16, 1], widths: [16, 32], seed: 3 });
    const b = resnet2d({ inputShape: [16, 16, 1], widths: [16, 32], seed: 3 });
    const c = resnet2d({ inputShape: [16, 16, 1], widths: [16, 32], seed: 4 });
    expect(weightValues(a)).toEqual(weightValues(b));
    expect(weightValues(a)).not.toEqual(weightValues(c));
    const k = a.getLayer('resnet2d_layer2_0_conv2').getWeights()[0]?.dataSync() as Float32Array;
    const sd = Math.sqrt(k.reduce((s, v) => s + v * v, 0) / k.length);
    expect(sd).toBeGreaterThan(0.9 * Math.sqrt(2 / (9 * 32)));
    expect(sd).toBeLessThan(1.1 * Math.sqrt(2 / (9 * 32)));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('saves and loads with standard TF.js layers: same predictions', async () => {
    const m = resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], blocksPerStage: [1, 2], stem: 'conv7', seed: 2 });
    const { loaded, artifacts } = await roundTrip(m);
    const classes = new Set(m.layers.map((l) => l.getClassName()));
    expect([...classes].every((c) => !c.includes('>'))).toBe(true); // no custom layer
    expect(JSON.stringify(artifacts.modelTopology)).toContain('resnet2d_layer2_1_out');
    const x = tf.randomNormal([3, 16, 16, 1], 0, 1, 'float32', 9);
    const a = (m.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    tf.dispose(x);
    m.dispose();
    loaded.dispose();
  });

  it('takes a survival head (global average pool) and can be cut at a block output', () => {
    const m = resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], seed: 2 });
    const net = attachHead(m, new CoxHead({ seed: 1 }), { pool: 'avg' });
    expect(net.outputs[0]?.shape).toEqual([null, 1]);
    const cut = attachHead(m, new CoxHead({ seed: 1 }), { cutAt: 'resnet2d_layer1_0_out', name: 'cut' });
    expect(cut.layers.at(-1)?.getWeights()[0]?.shape).toEqual([4, 1]);
    m.dispose();
  });

  it.each(['cpu', 'wasm'] as const)('trains on %s: finite decreasing loss, weights change, no leaked tensors', async (backend) => {
    await initBackend({ backend });
    const m = resnet2d({ inputShape: [16, 16, 1], widths: [4, 8], stem: 'conv7', seed: 2 });
    const net = attachHead(m, new CoxHead({ seed: 1 }), { pool: 'avg', name: `net_${backend}` });
    expectTrains(net, tf.randomNormal([8, 16, 16, 1], 0, 1, 'float32', 1), 4);
    await initBackend({ backend: 'cpu' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['inputShape', { inputShape: [32, 32] }, messages.optionRange('resnet2d', 'inputShape', '[height, width, channels] (3 positive integers)', [32, 32])],
    ['widths', { inputShape: [8, 8, 1], widths: [] }, messages.optionRange('resnet2d', 'widths', 'a non-empty array of channel counts', [])],
    ['widths', { inputShape: [8, 8, 1], widths: [4, 2.5] }, messages.optionRange('resnet2d', 'widths', 'an integer >= 1', 2.5)],
    [
      'blocksPerStage',
      { inputShape: [8, 8, 1], widths: [4, 8], blocksPerStage: [1] },
      messages.optionRange('resnet2d', 'blocksPerStage', 'one count per stage (2)', [1]),
    ],
    ['stem', { inputShape: [8, 8, 1], stem: 'conv5' }, messages.optionRange('resnet2d', 'stem', "one of 'conv3', 'conv7'", 'conv5')],
    ['norm', { inputShape: [8, 8, 1], norm: 'layer' }, messages.optionRange('resnet2d', 'norm', "one of 'batch', 'none'", 'layer')],
  ])('rejects a bad %s', (_arg, opts, message) => {
    expect(() => resnet2d(opts as unknown as Parameters<typeof resnet2d>[0])).toThrow(message);
  });
});
