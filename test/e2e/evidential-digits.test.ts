/**
 * End to end, CI-sized: the pipeline of bench/evidential-mnist.ts on seeded
 * synthetic glyphs (16×16; vertical bar, horizontal bar, "X", ring; the MNIST
 * files are not in the repository). survkit's LeNet (small widths) with an
 * evidential head (softplus evidence, MSE loss, KL annealing) and the softmax
 * baseline on the same backbone are trained on 800 glyphs on the wasm
 * backend and checked on 400 held-out glyphs: accuracy, u higher on
 * uniform-noise images than on glyphs (OOD AUROC), selective prediction,
 * rotation (a vertical bar turned 90° is a horizontal bar), and the
 * rotated-glyph figure renders. Seeded: the same numbers on every run.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { lenet } from '../../src/backbones/index.js';
import { Random } from '../../src/core/random.js';
import { rotateImage } from '../../src/data/rotate.js';
import { aurc, oodAuroc, riskAtCoverage } from '../../src/metrics/index.js';
import { EvidentialClassifier, SoftmaxClassifier, type ClassPrediction } from '../../src/index.js';
import { renderSvg, rotatedDigitSpec } from '../../src/plotting/index.js';
import { markCounts } from '../plotting/svg-marks.js';
import { GLYPH_CLASSES, glyphs, type Glyphs } from './glyphs.js';

const S = 16;
let train: Glyphs;
let test: Glyphs;
let xTrain: tf.Tensor4D;
let xTest: tf.Tensor4D;
let xNoise: tf.Tensor4D;
let edl: EvidentialClassifier;
let softmax: SoftmaxClassifier;
let tensorsAtStart = 0;

const backbone = (seed: number) => lenet({ inputShape: [S, S, 1], filters: [6, 12], kernelSize: 3, units: 32, seed });
const accuracy = (p: ClassPrediction, y: Int32Array): number => p.predictedClass.reduce((a, c, i) => a + (c === y[i] ? 1 : 0), 0) / p.n;
const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  tensorsAtStart = tf.memory().numTensors;
  train = glyphs(800, S, 1);
  test = glyphs(400, S, 2);
  xTrain = tf.tensor4d(train.images, [train.n, S, S, 1]);
  xTest = tf.tensor4d(test.images, [test.n, S, S, 1]);
  const rng = new Random(3);
  xNoise = tf.tensor4d(
    Float32Array.from({ length: test.n * S * S }, () => rng.next()),
    [test.n, S, S, 1],
  );
  edl = new EvidentialClassifier({ backbone: backbone(1), classes: GLYPH_CLASSES, evidence: 'softplus', kind: 'mse', seed: 1 });
  await edl.fit(xTrain, train.labels, { epochs: 15, batchSize: 32, learningRate: 2e-3, seed: 1, verbose: false, klAnnealing: { steps: 5 } });
  softmax = new SoftmaxClassifier({ backbone: backbone(1), classes: GLYPH_CLASSES, seed: 1 });
  await softmax.fit(xTrain, train.labels, { epochs: 15, batchSize: 32, learningRate: 2e-3, seed: 1, verbose: false });
});

afterAll(() => {
  edl.dispose();
  softmax.dispose();
  tf.dispose([xTrain, xTest, xNoise]);
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

describe('evidential glyph classification end to end (wasm)', () => {
  it('classifies held-out glyphs (evidential and softmax ≥ 95 %) with low u on them', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    const p = await edl.predict(xTest);
    const q = await softmax.predict(xTest);
    expect(tf.memory().numTensors).toBe(before);
    expect(accuracy(p, test.labels)).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(q, test.labels)).toBeGreaterThanOrEqual(0.95);
    expect(p.score).toBe('vacuity');
    expect(mean(p.uncertainty)).toBeLessThan(0.4);
  });

  it('gives higher u to uniform-noise images than to glyphs (OOD AUROC ≥ 0.85)', async () => {
    const pIn = await edl.predict(xTest);
    const pOut = await edl.predict(xNoise);
    expect(mean(pOut.uncertainty)).toBeGreaterThan(mean(pIn.uncertainty));
    expect(oodAuroc(pIn.uncertainty, pOut.uncertainty)).toBeGreaterThanOrEqual(0.85);
  });

  it('dropping the 10 % most uncertain never raises the error; AURC is below the error rate', async () => {
    const p = await edl.predict(xTest);
    const correct = Array.from(p.predictedClass, (c, i) => (c === test.labels[i] ? 1 : 0));
    const error = 1 - accuracy(p, test.labels);
    expect(riskAtCoverage(p.uncertainty, { correct }, 0.9)).toBeLessThanOrEqual(error);
    expect(aurc(p.uncertainty, { correct })).toBeLessThanOrEqual(error + 1e-12);
  });

  it('rotation agrees with the classes: vertical bars turned 90° are read as horizontal bars; the figure renders', async () => {
    const bars = Array.from(test.labels.keys())
      .filter((i) => test.labels[i] === 0)
      .slice(0, 20);
    const turned = new Float32Array(bars.length * S * S);
    bars.forEach((i, k) => turned.set(rotateImage(test.images.subarray(i * S * S, (i + 1) * S * S), S, S, 90), k * S * S));
    const x = tf.tensor4d(turned, [bars.length, S, S, 1]);
    const p = await edl.predict(x);
    x.dispose();
    expect(p.predictedClass.filter((c) => c === 1).length).toBeGreaterThanOrEqual(18);

    const angles = [0, 15, 30, 45, 60, 75, 90];
    const first = test.images.subarray((bars[0] as number) * S * S, ((bars[0] as number) + 1) * S * S);
    const images = angles.map((a) => rotateImage(first, S, S, a));
    const xr = tf.tensor4d(Float32Array.from(images.flatMap((im) => Array.from(im))), [angles.length, S, S, 1]);
    const pe = await edl.predict(xr);
    const ps = await softmax.predict(xr);
    xr.dispose();
    const series = (label: string, pr: ClassPrediction, withU: boolean) => ({
      label,
      points: angles.map((angle, j) => ({ angle, probs: pr.probs.subarray(4 * j, 4 * j + 4), ...(withU ? { uncertainty: pr.uncertainty[j] } : {}) })),
    });
    const spec = rotatedDigitSpec([series('evidential', pe, true), series('softmax', ps, false)], {
      threshold: 0,
      images: { height: S, width: S, pixels: images },
    });
    const marks = markCounts(await renderSvg(spec));
    // threshold 0: every class drawn in both panels (4 + 4 lines) plus u in the evidential panel.
    expect(marks.line?.groups).toBe(9);
    expect(marks.symbol?.items).toBe(9 * angles.length);
    expect(marks.image?.items).toBe(angles.length); // the rotated inputs, one embedded PNG each
  });
});
