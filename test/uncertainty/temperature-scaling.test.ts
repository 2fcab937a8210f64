import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { logLoss } from '../../src/metrics/index.js';
import { SoftmaxClassifier, softmaxRows } from '../../src/index.js';
import { fitTemperature, TemperatureScaling, temperatureNll, temperatureScale } from '../../src/index.js';
import { blobs } from '../models/blobs.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** n×k logits z ~ N(0, sd²) and labels drawn from softmax(z) (so T = 1 is the truth for z). */
function calibrated(n: number, k: number, sd: number, seed: number): { z: Float64Array; y: Int32Array } {
  const r = new Random(seed);
  const z = Float64Array.from({ length: n * k }, () => sd * r.normal());
  const p = softmaxRows(z, n, k);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = r.next();
    let c = 0;
    while (c < k - 1 && u >= (p[i * k + c] as number)) u -= p[i * k + c++] as number;
    y[i] = c;
  }
  return { z, y };
}

describe('fitTemperature', () => {
  it('recovers the scale of over-confident logits: labels from softmax(z), logits 3z → T ≈ 3', () => {
    const { z, y } = calibrated(4000, 4, 1.5, 1);
    const r = fitTemperature(
      z.map((v) => 3 * v),
      y,
      { classes: 4 },
    );
    expect(r.temperature).toBeGreaterThan(2.7);
    expect(r.temperature).toBeLessThan(3.3);
    expect(r.nllAfter).toBeLessThan(r.nllBefore);
  });

  it('reaches the optimum: dNLL/d(1/T) = mean_i (Σ_j p_ij z_ij − z_i,y_i) = 0, and no grid point is better', () => {
    const { z, y } = calibrated(500, 3, 2, 2);
    const zz = z.map((v) => 0.4 * v);
    const n = 500;
    const r = fitTemperature(zz, y, { classes: 3 });
    const p = softmaxRows(zz, n, 3, r.temperature);
    let d = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) d += (p[i * 3 + j] as number) * (zz[i * 3 + j] as number);
      d -= zz[i * 3 + (y[i] as number)] as number;
    }
    expect(Math.abs(d / n)).toBeLessThan(1e-7);
    expect(r.nllAfter).toBe(temperatureNll(zz, y, n, 3, r.temperature));
    for (let s = -4; s <= 4; s += 0.01) expect(r.nllAfter).toBeLessThanOrEqual(temperatureNll(zz, y, n, 3, Math.exp(s)) + 1e-12);
  });

  it('property: never increases the validation NLL (T = 1 is a candidate), T within the bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.array(fc.tuple(fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: k, maxLength: k }), fc.integer({ min: 0, max: k - 1 })), {
              minLength: 1,
              maxLength: 30,
            }),
          ),
        ),
        ([k, rows]) => {
          const logits = rows.map((r) => r[0]);
          const labels = rows.map((r) => r[1]);
          const r = fitTemperature(logits, labels);
          const z = Float64Array.from(logits.flat());
          const y = Int32Array.from(labels);
          expect(r.nllAfter).toBeLessThanOrEqual(r.nllBefore);
          expect(r.nllBefore).toBe(temperatureNll(z, y, rows.length, k, 1));
          expect(r.temperature).toBeGreaterThanOrEqual(0.01);
          expect(r.temperature).toBeLessThanOrEqual(100);
        },
      ),
    );
  });

  it('goes to the ends of the interval for separable and for anti-informative logits', () => {
    expect(
      fitTemperature(
        [
          [3, 0],
          [0, 3],
        ],
        [0, 1],
      ).temperature,
    ).toBeLessThan(0.0101);
    expect(
      fitTemperature(
        [
          [3, 0],
          [0, 3],
        ],
        [1, 0],
        { bounds: [0.5, 10] },
      ).temperature,
    ).toBeGreaterThan(9.99);
  });

  it('temperatureScale divides the logits by T (rows or flat)', () => {
    const a = temperatureScale([[2, 0]], 2);
    expect(a.probs[0]).toBeCloseTo(Math.E / (Math.E + 1), 15);
    expect(a.uncertainty[0]).toBeCloseTo(1 / (Math.E + 1), 15);
    expect(Array.from(temperatureScale(new Float64Array([2, 0, 1, 1]), 0.5, { classes: 2 }).probs)).toEqual(Array.from(softmaxRows([4, 0, 2, 2], 2, 2)));
  });

  it('rejects bad input with catalogue messages', () => {
    expect(() => fitTemperature([1, 2, 3], [0])).toThrow(
      messages.optionRange('fitTemperature', 'classes', 'the number of classes K (required for flat logits)', undefined),
    );
    expect(() => fitTemperature([1, 2, 3], [0], { classes: 2 })).toThrow(messages.rowMajorWidth('fitTemperature', 'logits', 2, 3, 'class'));
    expect(() => fitTemperature([[1, 2], [3]], [0, 1])).toThrow(messages.raggedRows('fitTemperature', 'logits', 1, 1, 2));
    expect(() => fitTemperature([[1, 2]], [2])).toThrow(messages.classLabel('fitTemperature', 'labels', 0, 2, 2, 'columns of logits'));
    expect(() => fitTemperature([[1, 2]], [0, 1])).toThrow(messages.lengthMismatch('fitTemperature', 'labels', 2, 'logits', 1));
    expect(() => fitTemperature([[1, Number.NaN]], [0])).toThrow(messages.notFinite('fitTemperature', 'logits[0]', 1, Number.NaN));
    expect(() => fitTemperature([[1, 2]], [0], { bounds: [2, 1] })).toThrow(messages.optionRange('fitTemperature', 'bounds[1]', 'a finite number > 2', 1));
    expect(() => temperatureScale([[1, 2]], 0)).toThrow(messages.optionRange('temperatureScale', 'temperature', 'a finite number > 0', 0));
  });
});

describe('TemperatureScaling on a SoftmaxClassifier', () => {
  it('fits T on validation data: lower validation NLL, unchanged predicted classes, same output shape', async () => {
    // overlapping blobs (sd 2) and a long fit: an over-confident network
    const train = blobs(150, 1, 3, 2);
    const val = blobs(300, 2, 3, 2);
    const [x, xv] = [train.tensor(), val.tensor()];
    const m = new SoftmaxClassifier({ inputDim: 2, hidden: [64, 64], dropout: 0, batchNorm: false, classes: 3, seed: 1 });
    await m.fit(x, train.y, { epochs: 60, batchSize: 16, learningRate: 1e-2, seed: 1, verbose: false });
    const ts = new TemperatureScaling(m);
    const raw = await m.predict(xv);
    const r = await ts.fit(xv, val.y);
    const scaled = await ts.predict(xv);
    expect(ts.temperature).toBe(r.temperature);
    expect(r.temperature).toBeGreaterThan(1);
    expect(logLoss(scaled.probs, val.y)).toBeLessThan(logLoss(raw.probs, val.y));
    expect(logLoss(scaled.probs, val.y)).toBeCloseTo(r.nllAfter, 10);
    expect(Array.from(scaled.predictedClass)).toEqual(Array.from(raw.predictedClass));
    expect(Object.keys(scaled).sort()).toEqual(Object.keys(raw).sort());
    tf.dispose([x, xv]);
    m.dispose();
  });
});
