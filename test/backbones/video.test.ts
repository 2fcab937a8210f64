import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { attachHead, mc3, r2plus1d, r3d, ZeroPadding3D, type VideoNetOptions } from '../../src/backbones/index.js';
import { messages } from '../../src/core/messages.js';
import { CoxHead, DiscreteHead } from '../../src/heads/index.js';
import { expectTrains, roundTrip, torchvision, trainableCount } from './backbone-helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const families = { r3d, mc3, r2plus1d } as const;
type Family = keyof typeof families;
const tiny: VideoNetOptions = { inputShape: [4, 8, 8, 1], widths: [2, 4], seed: 1 };

describe('video backbones', () => {
  it.each<[Family, number[]]>([
    ['r3d', [null as unknown as number, 4, 16, 16, 32]],
    ['mc3', [null as unknown as number, 8, 16, 16, 32]],
    ['r2plus1d', [null as unknown as number, 4, 16, 16, 32]],
  ])('%s: output shape (r3d and r2plus1d halve frames, mc3 only height and width)', (name, shape) => {
    const m = families[name]({ inputShape: [8, 32, 32, 1], widths: [8, 32], seed: 1 });
    expect(m.outputs[0]?.shape).toEqual(shape);
    expect(m.inputs[0]?.name).toContain('clip');
    m.dispose();
  });

  it.each<[Family, 'r3d_18' | 'mc3_18' | 'r2plus1d_18']>([
    ['r3d', 'r3d_18'],
    ['mc3', 'mc3_18'],
    ['r2plus1d', 'r2plus1d_18'],
  ])("%s with widths 64…512, 2 blocks, the conv7 stem has torchvision's %s parameter count", (name, tv) => {
    const m = families[name]({ inputShape: [4, 16, 16, 3], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7', seed: 0 });
    expect(trainableCount(m) + torchvision.fcParams.video).toBe(torchvision.numParams[tv]);
    expect(m.outputs[0]?.shape.slice(2)).toEqual([1, 1, 512]);
    m.dispose();
  });

  it("names layers after torchvision's state-dict keys", () => {
    const names = r2plus1d({ ...tiny, stem: 'conv7' }).layers.map((l) => l.name);
    for (const n of [
      'r2plus1d_stem_0',
      'r2plus1d_stem_1',
      'r2plus1d_stem_3',
      'r2plus1d_layer1_0_conv1_0_0',
      'r2plus1d_layer1_0_conv1_0_3',
      'r2plus1d_layer2_0_downsample_0',
      'r2plus1d_layer2_0_out',
    ]) {
      expect(names).toContain(n);
    }
    const mc = mc3(tiny);
    const k = (n: string) => mc.getLayer(n).getWeights()[0]?.shape;
    expect(k('mc3_layer1_0_conv1_0')).toEqual([3, 3, 3, 2, 2]);
    expect(k('mc3_layer2_0_conv1_0')).toEqual([1, 3, 3, 2, 4]);
    expect(k('mc3_layer2_0_downsample_0')).toEqual([1, 1, 1, 2, 4]);
    mc.dispose();
  });

  it.each(Object.keys(families) as Family[])('%s: saves and loads (with survkit imported): same predictions', async (name) => {
    const m = families[name]({ ...tiny, stem: 'conv7', inputShape: [4, 9, 8, 1] });
    const { loaded } = await roundTrip(m);
    const x = tf.randomNormal([2, 4, 9, 8, 1], 0, 1, 'float32', 3);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
    tf.dispose(x);
    m.dispose();
    loaded.dispose();
  });

  it('takes a head pooled over time and space', () => {
    const m = r3d(tiny);
    const net = attachHead(m, new DiscreteHead({ cuts: 5, seed: 0 }), { pool: 'avg' });
    expect(net.outputs[0]?.shape).toEqual([null, 5]);
    const x = tf.randomNormal([2, 4, 8, 8, 1], 0, 1, 'float32', 3);
    const feat = tf.tidy(() => tf.mean(m.predict(x) as tf.Tensor, [1, 2, 3]));
    const head = net.layers.at(-1)?.getWeights() as tf.Tensor[];
    const want = tf.tidy(() => tf.add(tf.matMul(feat as tf.Tensor2D, head[0] as tf.Tensor2D), head[1] as tf.Tensor));
    const got = (net.predict(x) as tf.Tensor).dataSync();
    want.dataSync().forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    tf.dispose([x, feat, want]);
    m.dispose();
  });

  it.each<[Family, 'cpu' | 'wasm']>([
    ['r3d', 'cpu'],
    ['mc3', 'cpu'],
    ['r2plus1d', 'cpu'],
    ['r3d', 'wasm'],
    ['mc3', 'wasm'],
    ['r2plus1d', 'wasm'],
  ])('%s trains on %s: finite decreasing loss, weights change, no leaked tensors', async (name, backend) => {
    await initBackend({ backend });
    const net = attachHead(families[name]({ ...tiny, stem: 'conv7' }), new CoxHead({ seed: 1 }), { pool: 'avg', name: `n_${name}_${backend}` });
    expectTrains(net, tf.randomNormal([3, 4, 8, 8, 1], 0, 1, 'float32', 1), 3);
    await initBackend({ backend: 'cpu' });
  });

  it('ZeroPadding3D pads frames, rows and columns and passes the gradient back', () => {
    const pad = new ZeroPadding3D({
      padding: [
        [1, 0],
        [0, 2],
        [1, 1],
      ],
    });
    const x = tf.ones([1, 2, 2, 2, 1]);
    const y = pad.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 3, 4, 4, 1]);
    expect(y.sum().dataSync()[0]).toBe(8);
    expect(Array.from(tf.slice(y, [0, 1, 0, 1, 0], [1, 2, 2, 2, 1]).dataSync())).toEqual(Array(8).fill(1));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pad.apply(t) as tf.Tensor, tf.range(0, 48).reshape([1, 3, 4, 4, 1]))))(x);
    // d/dx[f, r, c] = index of (f + 1, r, c + 1) in the padded [3, 4, 4] grid
    expect(Array.from(g.dataSync())).toEqual([17, 18, 21, 22, 33, 34, 37, 38]);
    expect(
      () =>
        new ZeroPadding3D({
          padding: [
            [1, 1],
            [1, 1],
          ] as unknown as [[number, number], [number, number], [number, number]],
        }),
    ).toThrow(
      messages.optionRange('ZeroPadding3D', 'padding', 'three [before, after] pairs of non-negative integers', [
        [1, 1],
        [1, 1],
      ]),
    );
    tf.dispose([x, y, g]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['inputShape', { inputShape: [8, 8, 1] }, messages.optionRange('r3d', 'inputShape', '[frames, height, width, channels] (4 positive integers)', [8, 8, 1])],
    ['stem', { inputShape: [4, 8, 8, 1], stem: 'conv1' }, messages.optionRange('r3d', 'stem', "one of 'conv3', 'conv7'", 'conv1')],
    ['blocksPerStage', { inputShape: [4, 8, 8, 1], blocksPerStage: 0 }, messages.optionRange('r3d', 'blocksPerStage', 'an integer >= 1', 0)],
  ])('rejects a bad %s', (_arg, opts, message) => {
    expect(() => r3d(opts as unknown as VideoNetOptions)).toThrow(message);
  });
});
