import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { iedlLoss, redlLoss } from '../../src/losses/evidential-variants.js';
import { EvidentialClassifier, imageAugmentation, SoftmaxClassifier, testTimeAugmentation } from '../../src/models/index.js';
import type { ClassPrediction } from '../../src/uncertainty/class-prediction.js';
import { accuracy, blobs } from './blobs.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-edl-variants-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = blobs(300, 1);
const test = blobs(300, 2);

describe('EvidentialClassifier with the I-EDL and R-EDL losses', () => {
  it.each(['iedl', 'redl'] as const)('%s: learns the blobs, the training loss is the loss function, save/load keeps the reading', async (kind) => {
    const x = train.tensor();
    const xt = test.tensor();
    const model = new EvidentialClassifier({ inputDim: 2, hidden: [16], dropout: 0, classes: 3, evidence: 'softplus', kind, seed: 1 });
    await model.fit(x, train.y, { epochs: 15, batchSize: 32, learningRate: 3e-3, seed: 1, verbose: false, klWeight: 0.2 });
    const p = await model.predict(xt);
    expect(accuracy(p.predictedClass, test.y)).toBeGreaterThanOrEqual(0.95);
    // The classifier's loss on the outputs equals the plain loss function (validation loss uses the final KL weight).
    const alpha = model.net.predict(xt) as tf.Tensor;
    const direct = tf.tidy(() =>
      (kind === 'iedl' ? iedlLoss(test.y, alpha, { klWeight: 0.2 }) : redlLoss(test.y, alpha, { klWeight: 0.2 })).dataSync(),
    )[0] as number;
    const viaModel = tf.tidy(() =>
      (model as unknown as { outputLoss: (a: tf.Tensor, y: Int32Array, e: undefined) => tf.Scalar }).outputLoss(alpha, test.y, undefined).dataSync(),
    )[0] as number;
    expect(Math.abs(viaModel - direct)).toBeLessThan(1e-6 * Math.max(1, Math.abs(direct)));
    // R-EDL reads alpha' = e + lambda and u = K lambda / S' (Chen et al. 2024); I-EDL the usual alpha / S and K / S.
    const a = Float64Array.from(alpha.dataSync());
    const lambda = kind === 'redl' ? 0.1 : 1;
    for (let i = 0; i < 5; i++) {
      const row = [0, 1, 2].map((j) => (a[3 * i + j] as number) - 1 + lambda);
      const s = row.reduce((u, v) => u + v, 0);
      expect(p.uncertainty[i]).toBeCloseTo((3 * lambda) / s, 5);
      expect(p.probs[3 * i]).toBeCloseTo((row[0] as number) / s, 5);
    }
    await model.save(join(dir, kind));
    const back = await EvidentialClassifier.load(join(dir, kind));
    expect(back.kind).toBe(kind);
    const q = await back.predict(xt);
    expect(Array.from(q.uncertainty.slice(0, 5))).toEqual(Array.from(p.uncertainty.slice(0, 5)));
    tf.dispose([x, xt, alpha]);
    model.dispose();
    back.dispose();
  });

  it('rejects an unknown loss kind and a non-positive R-EDL lambda', () => {
    expect(() => new EvidentialClassifier({ inputDim: 2, hidden: [4], classes: 3, kind: 'fisher' as never })).toThrow(/EvidentialClassifier: .*kind/);
    expect(() => new EvidentialClassifier({ inputDim: 2, hidden: [4], classes: 3, redlLambda: 0 })).toThrow(/redlLambda/);
  });
});

describe('testTimeAugmentation', () => {
  const fixed = (probs: number[][]) => async (): Promise<ClassPrediction> => {
    const { combineSamples } = await import('../../src/uncertainty/sample-stats.js');
    return combineSamples([Float64Array.from(probs.flat())], probs.length, (probs[0] as number[]).length, 'entropy');
  };

  it('averages the passes: the mean of the given probabilities, entropy of the mean as uncertainty', async () => {
    let pass = 0;
    const outs = [
      [
        [0.8, 0.2],
        [0.5, 0.5],
      ],
      [
        [0.6, 0.4],
        [0.1, 0.9],
      ],
      [
        [1, 0],
        [0.3, 0.7],
      ],
    ];
    const model = async (): Promise<ClassPrediction> => await fixed(outs[pass++] as number[][])();
    const x = tf.zeros([2, 1]);
    const p = await testTimeAugmentation(model, x, { augment: (t) => t.clone(), samples: 2, seed: 3 });
    x.dispose();
    [0.8, 0.2, 0.3, 0.7].forEach((v, i) => expect(p.probs[i]).toBeCloseTo(v, 12));
    // Entropy of (0.3, 0.7) in nats.
    expect(p.uncertainty[1]).toBeCloseTo(-(0.3 * Math.log(0.3) + 0.7 * Math.log(0.7)), 12);
  });

  it('is seeded (same seed, same prediction) and works with a trained classifier; augmentations keep the shape', async () => {
    const r = new Random(5);
    const imgs = Float32Array.from({ length: 40 * 8 * 8 }, () => r.next());
    const y = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    const x = tf.tensor4d(imgs, [40, 8, 8, 1]);
    const model = new SoftmaxClassifier({ inputDim: 64, hidden: [8], classes: 2, seed: 1 });
    const flat = tf.reshape(x, [40, 64]);
    await model.fit(flat, y, { epochs: 1, batchSize: 20, seed: 1, verbose: false });
    const predict = (t: tf.Tensor): Promise<ClassPrediction> => {
      const f = tf.reshape(t, [t.shape[0], 64]);
      return model.predict(f).finally(() => f.dispose());
    };
    const augment = imageAugmentation({ maxRotation: 15, maxShift: 1 });
    const a = await testTimeAugmentation(predict, x, { augment, samples: 3, seed: 9 });
    const b = await testTimeAugmentation(predict, x, { augment, samples: 3, seed: 9 });
    expect(Array.from(a.probs)).toEqual(Array.from(b.probs));
    const c = await testTimeAugmentation(predict, x, { augment, samples: 3, seed: 10 });
    expect(Array.from(a.probs)).not.toEqual(Array.from(c.probs));
    const t = augment(x, new Random(1));
    expect(t.shape).toEqual(x.shape);
    // A shift by whole pixels moves values exactly: with rotation off and shift 1, every output pixel is an input pixel or 0.
    const s = imageAugmentation({ maxShift: 1 })(x, new Random(2));
    const inputs = new Set(Array.from(x.dataSync()));
    expect(Array.from(s.dataSync()).every((v) => v === 0 || inputs.has(v))).toBe(true);
    tf.dispose([x, flat, t, s]);
    model.dispose();
  });

  it('rejects missing augment, bad options and passes of another size', async () => {
    const x = tf.zeros([2, 1]);
    await expect(testTimeAugmentation(fixed([[1, 0]]), x, {} as never)).rejects.toThrow(/testTimeAugmentation: .*augment/);
    await expect(testTimeAugmentation(fixed([[1, 0]]), x, { augment: (t) => t, samples: 0 })).rejects.toThrow(/samples/);
    let k = 0;
    const varying = async (): Promise<ClassPrediction> =>
      await fixed(
        k++ === 0
          ? [[1, 0]]
          : [
              [0.5, 0.5],
              [0.2, 0.8],
            ],
      )();
    await expect(testTimeAugmentation(varying, x, { augment: (t) => t, samples: 1 })).rejects.toThrow(/augmented pass 1 must return a prediction with 1 rows/);
    expect(() => imageAugmentation({ maxShift: 0.5 })).toThrow(/imageAugmentation/);
    expect(() => imageAugmentation()(x, new Random(1))).toThrow(/imageAugmentation: 'x'/);
    x.dispose();
  });
});
