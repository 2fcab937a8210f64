import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { ChannelPadShortcut } from '../../src/backbones/channel-pad-shortcut.js';
import { resnet3d } from '../../src/backbones/resnet3d.js';
import { messages } from '../../src/core/messages.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('resnet3d (MONAI ResNet, spatial_dims=3)', () => {
  it('has MONAI output sizes: stem stride s, max pool /2, stages 2-4 /2; bottleneck output 4 × the last width', () => {
    // ⌊(n + 2·⌊k/2⌋ − k) / s⌋ + 1 per convolution, ⌊(n − 1) / 2⌋ + 1 for the pool and the stride-2 stages
    const net = resnet3d({ inputShape: [16, 20, 24, 1], widths: [4, 8, 12, 16], conv1Stride: 2 });
    expect(net.outputs[0]?.shape).toEqual([null, 1, 1, 1, 16]);
    const b = resnet3d({ inputShape: [8, 16, 16, 2], widths: [4, 8, 12, 16], block: 'bottleneck', shortcut: 'A', noMaxPool: true });
    expect(b.outputs[0]?.shape).toEqual([null, 1, 2, 2, 64]);
    expect(b.layers.filter((l) => l instanceof ChannelPadShortcut).length).toBe(4); // layer1 (4 → 16 channels) and stages 2-4
    expect(b.layers.some((l) => l.name.includes('downsample_0'))).toBe(false);
    net.dispose();
    b.dispose();
  });

  it('shortcut A subsamples every stride-th voxel and appends zero channels (closed form)', () => {
    const x = tf.range(0, 2 * 3 * 3 * 3 * 2).reshape([2, 3, 3, 3, 2]);
    const y = new ChannelPadShortcut({ stride: 2, channels: 3 }).apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 2, 2, 2, 3]);
    const v = y.arraySync() as number[][][][][];
    // x[b, d, h, w, c] = (((b·3 + d)·3 + h)·3 + w)·2 + c; y[b, i, j, k] = x[b, 2i, 2j, 2k] then a zero channel
    expect(v[1]?.[1]?.[0]?.[1]).toEqual([(((1 * 3 + 2) * 3 + 0) * 3 + 2) * 2, (((1 * 3 + 2) * 3 + 0) * 3 + 2) * 2 + 1, 0]);
    tf.dispose([x, y]);
  });

  it('round-trips through TF.js serialization (ChannelPadShortcut registered)', async () => {
    const net = resnet3d({ inputShape: [4, 8, 8, 1], widths: [2, 4, 4, 4], shortcut: 'A', seed: 3 });
    const x = tf.randomUniform([1, 4, 8, 8, 1], 0, 1, 'float32', 1);
    const a = net.predict(x) as tf.Tensor;
    let saved: tf.io.ModelArtifacts | undefined;
    await net.save(
      tf.io.withSaveHandler((art) => {
        saved = art;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
      }),
    );
    if (saved === undefined) throw new Error('not saved');
    const back = await tf.loadLayersModel(tf.io.fromMemory(saved));
    const b = back.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    net.dispose();
    back.dispose();
  });

  it('rejects bad options naming the argument', () => {
    expect(() => resnet3d({ inputShape: [8, 8, 8, 1], widths: [4, 8, 16] })).toThrow(
      messages.optionRange('resnet3d', 'widths', 'four stage widths (MONAI layer1 … layer4)', [4, 8, 16]),
    );
    expect(() => resnet3d({ inputShape: [8, 8, 8, 1], shortcut: 'C' as 'A' })).toThrow(/resnet3d.*shortcut/);
    expect(() => resnet3d({ inputShape: [8, 8, 8, 1], conv1Stride: 0 })).toThrow(/resnet3d.*conv1Stride/);
    expect(() => resnet3d({ inputShape: [8, 8, 8] as unknown as [number, number, number, number] })).toThrow(/resnet3d.*inputShape/);
  });
});
