import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { freezeLayers } from '../../src/backbones/index.js';
import { messages } from '../../src/core/messages.js';
import { scoreFunction } from '../../src/explain/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function net(): tf.LayersModel {
  const x = tf.input({ shape: [3] });
  const h = tf.layers.dense({ units: 4, name: 'd1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(x) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 2, name: 'd2', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

describe('freezeLayers and scoreFunction take no caller name', () => {
  it('freezeLayers(model, names) freezes exactly the named layers; errors name freezeLayers', () => {
    const m = net();
    freezeLayers(m, ['d1']);
    expect(m.layers.map((l) => [l.name, l.trainable])).toEqual(m.layers.map((l) => [l.name, l.name !== 'd1']));
    freezeLayers(m, false);
    expect(m.layers.every((l) => l.trainable)).toBe(true);
    const names = m.layers.map((l) => l.name);
    expect(() => freezeLayers(m, ['nope'])).toThrow(messages.unknownLayer('freezeLayers', 'freeze', 'nope', names));
    // the deprecated form still names the caller's function
    expect(() => freezeLayers('myFn', m, ['nope'])).toThrow(messages.unknownLayer('myFn', 'freeze', 'nope', names));
    m.dispose();
  });

  it('scoreFunction(model, column) reads that output column; errors name scoreFunction', () => {
    const m = net();
    const x = tf.tensor2d([
      [1, 2, 3],
      [0, -1, 0.5],
    ]);
    const full = m.predict(x) as tf.Tensor;
    const expected = Array.from(full.arraySync() as number[][], (r) => r[1] as number);
    const s = scoreFunction(m, 1)(x);
    expect(Array.from(s.dataSync())).toEqual(expected);
    const old = scoreFunction('myFn', m, 1)(x);
    expect(Array.from(old.dataSync())).toEqual(expected);
    expect(() => scoreFunction(m)).toThrow(messages.outputColumn('scoreFunction', 'column', 2, undefined));
    tf.dispose([x, full, s, old]);
    m.dispose();
  });
});
