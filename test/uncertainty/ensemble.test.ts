import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { EvidentialClassifier, SoftmaxClassifier } from '../../src/index.js';
import { DeepEnsemble } from '../../src/index.js';
import { accuracy, blobs } from '../models/blobs.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-ensemble-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = blobs(240, 1);

describe('DeepEnsemble', () => {
  it('trains M members from different seeds and averages their probabilities', async () => {
    const x = train.tensor();
    const ens = new DeepEnsemble({ members: 3, seed: 10, build: (seed) => new SoftmaxClassifier({ inputDim: 2, hidden: [16], dropout: 0, classes: 3, seed }) });
    expect(ens.seeds).toEqual([10, 11, 12]);
    const w0 = ens.members.map((m) => Array.from(m.net.getWeights()[0]?.dataSync() as Float32Array));
    expect(w0[0]).not.toEqual(w0[1]);
    const histories = await ens.fit(x, train.y, { epochs: 8, batchSize: 32, learningRate: 3e-3, verbose: false });
    expect(histories).toHaveLength(3);
    const p = await ens.predict(x);
    const members = await Promise.all(ens.members.map((m) => m.predict(x)));
    for (let j = 0; j < p.probs.length; j++) {
      expect(p.probs[j]).toBeCloseTo(((members[0]?.probs[j] as number) + (members[1]?.probs[j] as number) + (members[2]?.probs[j] as number)) / 3, 14);
    }
    expect(accuracy(p.predictedClass, train.y)).toBeGreaterThan(0.95);
    expect(p.score).toBe('entropy');
    expect(Array.from(p.uncertainty)).toEqual(Array.from(p.entropy));
    for (let i = 0; i < p.n; i++) expect(p.mutualInformation?.[i] as number).toBeLessThanOrEqual((p.entropy[i] as number) + 1e-12);

    const path = join(dir, 'ens');
    await ens.save(path);
    const loaded = await DeepEnsemble.load(path);
    expect(loaded.seeds).toEqual([10, 11, 12]);
    expect(Array.from((await loaded.predict(x)).probs)).toEqual(Array.from(p.probs));
    loaded.dispose();

    const before = tf.memory().numTensors;
    await ens.fit(x, train.y, { epochs: 1, verbose: false });
    await ens.predict(x);
    expect(tf.memory().numTensors).toBe(before);
    ens.dispose();
    x.dispose();
  });

  it('takes evidential members and the variance score; DeepEnsemble.of wraps trained models', async () => {
    const x = train.tensor();
    const ens = new DeepEnsemble({ members: 2, score: 'variance', build: (seed) => new EvidentialClassifier({ inputDim: 2, hidden: [8], classes: 3, seed }) });
    await ens.fit(x, train.y, { epochs: 2, verbose: false, klWeight: 0.1 });
    expect(ens.members[0]?.schedule.toJSON()).toEqual({ kind: 'fixed', weight: 0.1 });
    const p = await ens.predict(x);
    expect(Array.from(p.uncertainty)).toEqual(Array.from(p.variance as Float64Array));
    const again = DeepEnsemble.of(ens.members, { score: 'mutual-information' });
    expect(Array.from((await again.predict(x)).probs)).toEqual(Array.from(p.probs));
    ens.dispose();
    x.dispose();
  });

  it('rejects bad options', () => {
    const build = (seed: number) => new SoftmaxClassifier({ inputDim: 2, hidden: [4], classes: 2 + (seed % 2), seed });
    expect(() => new DeepEnsemble({ members: 0, build })).toThrow(messages.optionRange('DeepEnsemble', 'members', 'an integer >= 1', 0));
    expect(() => new DeepEnsemble({ members: 2, build })).toThrow(messages.ensembleClasses('DeepEnsemble', 'members[1]', 2, 3));
    expect(() => DeepEnsemble.of([])).toThrow(messages.empty('DeepEnsemble.of', 'models'));
  });
});
