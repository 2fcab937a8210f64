import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { TimeScaler } from '../../src/data/time-scaler.js';
import { coxTimeBaseline } from '../../src/estimators/cox-time-breslow.js';
import { CoxTime } from '../../src/models/index.js';
import { FoldedTimeNet } from '../../src/models/training/folded-time-net.js';

/** test/fixtures/models/pycox_coxtime_baseline.json (generators/pycox_coxtime_baseline.py). */
interface Fixture {
  x: number[][];
  time: number[];
  event: number[];
  hidden: number[];
  epsilon: number;
  layers: { kernel: number[][]; bias: number[]; gamma: number[]; beta: number[]; moving_mean: number[]; moving_variance: number[] }[];
  output_kernel: number[][];
  times: number[];
  hazard: number[];
}
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'models', 'pycox_coxtime_baseline.json'), 'utf8')) as Fixture;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A survkit Cox-Time model carrying pycox's trained weights, its time scaler fitted on the same durations. */
function pycoxModel(): CoxTime {
  const m = new CoxTime({ inputDim: fx.x[0]?.length, hidden: fx.hidden, seed: 1, head: { epsilon: fx.epsilon } });
  const values = m.net.weights.map((w) => {
    const name = w.originalName;
    if (name.endsWith('output/kernel')) return tf.tensor2d(fx.output_kernel);
    const hit = /(dense|batch_norm)_(\d+)\/(\w+)$/.exec(name);
    if (!hit) throw new Error(`unexpected weight ${name}`);
    const layer = fx.layers[Number(hit[2])] as Fixture['layers'][number];
    const key = hit[3] as keyof Fixture['layers'][number];
    return key === 'kernel' ? tf.tensor2d(layer.kernel) : tf.tensor1d(layer[key]);
  });
  m.net.setWeights(values);
  tf.dispose(values);
  m.scaler = new TimeScaler().fit(fx.time);
  return m;
}

describe('Cox-Time baseline hazards against pycox 0.3.0 compute_baseline_hazards', () => {
  // pycox evaluates g in float32 and sums exp(g) over each risk set in float32 (numpy); survkit's host walk is
  // float64 and its TF.js route float32 with a float64 sum: each differs from pycox by float32 rounding,
  // of order (few layers + log2 n) · 6e-8 relative (measured: 2.2e-7 host walk, 2.1e-7 TF.js route, 5e-8 between
  // them; a batch-norm epsilon of 1e-3 instead of 1e-5 moves them to 1.6e-3)
  const rel = 2e-6;
  const labels = { time: fx.time, event: fx.event };

  it('the host walk (FoldedTimeNet) gives pycox hazards, on pycox times, with no tensor left', async () => {
    const m = pycoxModel();
    expect(FoldedTimeNet.of(m.net)).toBeDefined();
    const x = tf.tensor2d(fx.x);
    const before = tf.memory().numTensors;
    await m.computeBaseline(x, labels);
    expect(tf.memory().numTensors).toBe(before);
    const base = m.baseline!;
    expect(base.times.length).toBe(fx.times.length);
    base.times.forEach((t, k) => expect(Math.abs(t - (fx.times[k] as number))).toBeLessThanOrEqual(1e-12 * t));
    expect(fx.hazard.filter((h) => h > 0).length).toBeGreaterThan(50);
    base.hazard.forEach((h, k) => {
      const want = fx.hazard[k] as number;
      if (want === 0) expect(h).toBe(0);
      else expect(Math.abs(h - want) / want, `k ${k}`).toBeLessThanOrEqual(rel);
    });
    x.dispose();
    m.dispose();
  });

  it('the TF.js route (net.predict per event time) gives the same pycox hazards', () => {
    const m = pycoxModel();
    const x = tf.tensor2d(fx.x);
    const base = coxTimeBaseline(labels, (t) => {
      const z = m.scaler.transform([t])[0] as number;
      const out = tf.tidy(() => m.net.predict([x, tf.fill([fx.x.length, 1], z)]) as tf.Tensor);
      const v = Float64Array.from(out.dataSync());
      out.dispose();
      return v;
    });
    base.hazard.forEach((h, k) => {
      const want = fx.hazard[k] as number;
      if (want === 0) expect(h).toBe(0);
      else expect(Math.abs(h - want) / want, `k ${k}`).toBeLessThanOrEqual(rel);
    });
    x.dispose();
    m.dispose();
  });
});
