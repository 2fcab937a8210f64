import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { roundTrip, values } from '../helpers/layers.js';
import { initBackend } from '../../src/backend/index.js';
import { attachHead, mlp } from '../../src/backbones/index.js';
import { messages } from '../../src/core/messages.js';
import { alphaFromLogits, EvidentialHead, evidentialHead, type EvidenceFunction } from '../../src/heads/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('EvidentialHead', () => {
  it.each(['relu', 'softplus', 'exp'] as EvidenceFunction[])('outputs α = %s(xW + b) + 1 >= 1', (evidence) => {
    const head = evidentialHead({ classes: 4, evidence, seed: 5 });
    const x = tf.randomNormal([6, 3], 0, 3, 'float32', 1);
    const alpha = values(head.apply(x) as tf.Tensor);
    const [w, b] = head.getWeights();
    const expected = values(tf.tidy(() => alphaFromLogits(tf.add(tf.matMul(x, w as tf.Tensor), b as tf.Tensor), evidence)));
    expect(Array.from(alpha)).toEqual(Array.from(expected));
    for (const a of alpha) expect(a).toBeGreaterThanOrEqual(1);
    expect(head.computeOutputShape([null, 3])).toEqual([null, 4]);
    x.dispose();
  });

  it('is seeded with PyTorch-default bounds U(−1/√d, 1/√d), defaults to relu evidence', () => {
    const a = new EvidentialHead({ classes: 3, seed: 9 });
    const b = new EvidentialHead({ classes: 3, seed: 9 });
    a.build([null, 16]);
    b.build([null, 16]);
    expect(a.evidence).toBe('relu');
    const [wa, ba] = a.getWeights().map((t) => Array.from(t.dataSync()));
    expect(wa).toEqual(Array.from(b.getWeights()[0]?.dataSync() as Float32Array));
    for (const v of [...(wa as number[]), ...(ba as number[])]) expect(Math.abs(v)).toBeLessThanOrEqual(0.25);
    expect(wa).not.toEqual(ba?.slice(0, 3));
  });

  it('round-trips through save/load inside attachHead with identical outputs and config', async () => {
    const net = attachHead(
      mlp({ inputDim: 2, hidden: [8], dropout: 0, seed: 1 }),
      new EvidentialHead({ classes: 3, evidence: 'softplus', seed: 2, name: 'edl' }),
    );
    const loaded = await roundTrip(net);
    const x = tf.randomNormal([5, 2], 0, 1, 'float32', 3);
    expect(Array.from(values(loaded.predict(x)))).toEqual(Array.from(values(net.predict(x))));
    const layer = loaded.getLayer('edl');
    expect(layer.getClassName()).toBe('survkit>EvidentialHead');
    expect(layer.getConfig()).toMatchObject({ classes: 3, evidence: 'softplus', useBias: true, seed: 2 });
    x.dispose();
  });

  it('rejects bad options and inputs', () => {
    expect(() => new EvidentialHead({ classes: 1 })).toThrow(messages.optionRange('EvidentialHead', 'classes', 'an integer >= 2', 1));
    expect(() => new EvidentialHead({ classes: 3, evidence: 'sigmoid' as EvidenceFunction })).toThrow(
      messages.optionRange('EvidentialHead', 'evidence', "one of 'relu', 'softplus', 'exp'", 'sigmoid'),
    );
    expect(() => new EvidentialHead({ classes: 3, seed: 1.5 })).toThrow(messages.optionRange('EvidentialHead', 'seed', 'an integer', 1.5));
    expect(() => new EvidentialHead({ classes: 3 }).apply(tf.input({ shape: [4, 4, 2] }))).toThrow(
      messages.shapeMismatch(
        'EvidentialHead',
        'inputs',
        '[batch, features] with a known feature width (pool or flatten image features first)',
        '[null, 4, 4, 2]',
      ),
    );
  });
});
