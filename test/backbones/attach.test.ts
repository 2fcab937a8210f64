import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../helpers/layers.js';
import { initBackend } from '../../src/backend/index.js';
import { attachHead, mlp } from '../../src/backbones/index.js';
import { messages } from '../../src/core/messages.js';
import { CoxHead, CoxTimeHead, DiscreteHead } from '../../src/heads/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function cnn2d(): tf.LayersModel {
  const image = tf.input({ shape: [8, 8, 1], name: 'image' });
  let h = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
    .apply(image) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'bn1' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', name: 'conv2', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 3, name: 'logits' }).apply(tf.layers.flatten({ name: 'flat' }).apply(h)) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: h, name: 'classifier' });
}

describe('attachHead', () => {
  it('cuts a classifier at a named layer, average-pools the 4-D map and adds a Cox head', () => {
    const net = attachHead(cnn2d(), new CoxHead({ seed: 1 }), { cutAt: 'conv2' });
    expect(net.inputs.map((i) => i.shape)).toEqual([[null, 8, 8, 1]]);
    expect(net.outputs[0]?.shape).toEqual([null, 1]);
    expect(net.layers.map((l) => l.name)).not.toContain('logits');
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3);
    const direct = tf.tidy(() => {
      const feat = tf.model({ inputs: net.inputs, outputs: net.getLayer('conv2').output }).predict(x) as tf.Tensor;
      return tf.matMul(tf.mean(feat, [1, 2]), net.layers[net.layers.length - 1]?.getWeights()[0] as tf.Tensor2D);
    });
    const got = net.predict(x) as tf.Tensor;
    const d = direct.dataSync();
    got.dataSync().forEach((v, i) => expect(v).toBeCloseTo(d[i] as number, 5));
  });

  it('pools a 5-D video feature map (avg or max) and flattens with pool: none', () => {
    const clip = tf.input({ shape: [4, 6, 6, 1] });
    const feat = tf.layers.conv3d({ filters: 5, kernelSize: 3, padding: 'same', name: 'c3d' }).apply(clip) as tf.SymbolicTensor;
    const backbone = tf.model({ inputs: clip, outputs: feat });
    for (const pool of ['avg', 'max'] as const) {
      const net = attachHead(backbone, new DiscreteHead({ cuts: 4, seed: 0 }), { pool, name: `video_${pool}` });
      expect(net.outputs[0]?.shape).toEqual([null, 4]);
      expect(net.layers[net.layers.length - 1]?.getWeights()[0]?.shape).toEqual([5, 4]);
    }
    const flat = attachHead(backbone, new CoxHead(), { pool: 'none', name: 'video_flat' });
    expect(flat.layers[flat.layers.length - 1]?.getWeights()[0]?.shape).toEqual([4 * 6 * 6 * 5, 1]);
  });

  it('concatenates a tabular input and adds the time input for a Cox-Time head, in that order', () => {
    const net = attachHead(cnn2d(), new CoxTimeHead({ hidden: [4], seed: 0 }), { cutAt: 'conv2', tabularInputDim: 3 });
    expect(net.inputLayers.map((l, k) => [l.name, net.inputs[k]?.shape])).toEqual([
      ['image', [null, 8, 8, 1]],
      ['tabular', [null, 3]],
      ['time', [null, 1]],
    ]);
    const out = net.predict([tf.ones([2, 8, 8, 1]), tf.ones([2, 3]), tf.zeros([2, 1])]) as tf.Tensor;
    expect(out.shape).toEqual([2, 1]);
  });

  it('freezes all, some or no backbone layers', () => {
    const backbone = cnn2d();
    const all = attachHead(backbone, new CoxHead(), { cutAt: 'conv2', freeze: true, name: 'a' });
    expect(all.trainableWeights.map((w) => w.name.split('/')[0])).toEqual([all.layers[all.layers.length - 1]?.name]);
    const some = attachHead(backbone, new CoxHead(), { cutAt: 'conv2', freeze: ['conv1', 'bn1'], name: 'b' });
    expect(new Set(some.trainableWeights.map((w) => w.name.split('/')[0]))).toContain('conv2');
    expect(some.trainableWeights.map((w) => w.name.split('/')[0])).not.toContain('conv1');
    const none = attachHead(backbone, new CoxHead(), { cutAt: 'conv2', freeze: false, name: 'c' });
    expect(none.trainableWeights.length).toBe(2 + 2 + 2 + 1); // conv1, bn1 gamma/beta, conv2, head
  });

  it('keeps a frozen batch norm in inference mode while training', () => {
    const backbone = cnn2d();
    const net = attachHead(backbone, new CoxHead(), { cutAt: 'conv2', freeze: ['bn1'] });
    const bn = backbone.getLayer('bn1');
    const before = bn.getWeights().map((w) => Array.from(w.dataSync()));
    tf.tidy(() => {
      net.apply(tf.randomNormal([4, 8, 8, 1], 3, 2, 'float32', 5), { training: true });
    });
    expect(bn.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    bn.trainable = true;
    tf.tidy(() => {
      net.apply(tf.randomNormal([4, 8, 8, 1], 3, 2, 'float32', 5), { training: true });
    });
    expect(bn.getWeights().map((w) => Array.from(w.dataSync()))).not.toEqual(before);
  });

  it('works with a built tf.sequential and round-trips through save/load', async () => {
    const seq = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, name: 'sconv' })] });
    const net = attachHead(seq, new CoxHead({ seed: 4 }), { pool: 'max', tabularInputDim: 2 });
    const loaded = await roundTrip(net);
    const xs = [tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 8), tf.randomNormal([3, 2], 0, 1, 'float32', 9)];
    expect(Array.from((loaded.predict(xs) as tf.Tensor).dataSync())).toEqual(Array.from((net.predict(xs) as tf.Tensor).dataSync()));
  });

  it('works on the mlp backbone like pycox MLPVanilla with out_features = 1', () => {
    const net = attachHead(mlp({ inputDim: 3, hidden: [4], seed: 0 }), new CoxHead({ seed: 0 }));
    expect(net.outputs[0]?.shape).toEqual([null, 1]);
    expect(net.countParams()).toBe(3 * 4 + 4 + 4 * 4 + 4);
  });

  it('names the problem for unknown layers and multi-output models', () => {
    const backbone = cnn2d();
    expect(() => attachHead(backbone, new CoxHead(), { cutAt: 'nope' })).toThrow(
      messages.unknownLayer(
        'attachHead',
        'cutAt',
        'nope',
        backbone.layers.map((l) => l.name),
      ),
    );
    expect(() => attachHead(backbone, new CoxHead(), { freeze: ['conv9'] })).toThrow(/attachHead: 'freeze' names no layer of the model: "conv9"/);
    const x = tf.input({ shape: [2] });
    const two = tf.model({
      inputs: x,
      outputs: [tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor, tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor],
    });
    expect(() => attachHead(two, new CoxHead())).toThrow(messages.oneOutput('attachHead', 'backbone', 'model', 2, 'pass cutAt'));
  });

  it('names a backbone or head of the wrong kind and a backbone without inputs', () => {
    expect(() => attachHead({} as never, new CoxHead())).toThrow(messages.notInstance('attachHead', 'backbone', 'tf.LayersModel', {}));
    expect(() => attachHead(cnn2d(), {} as never)).toThrow(messages.notInstance('attachHead', 'head', 'tf.layers.Layer', {}));
    expect(() => attachHead(tf.sequential(), new CoxHead())).toThrow(messages.unbuiltModel('attachHead', 'backbone'));
    const seq = tf.input({ shape: [3, 2] });
    const [last] = tf.layers.lstm({ units: 2, returnState: true, name: 'lstm' }).apply(seq) as tf.SymbolicTensor[];
    const rnn = tf.model({ inputs: seq, outputs: last as tf.SymbolicTensor });
    expect(() => attachHead(rnn, new CoxHead(), { cutAt: 'lstm' })).toThrow(messages.oneOutput('attachHead', 'cutAt', 'layer', 3));
  });
});
