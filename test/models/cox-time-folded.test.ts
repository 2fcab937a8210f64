import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { TimeScaler } from '../../src/data/time-scaler.js';
import { coxTimeBaseline, coxTimeBaselineFromLogSums } from '../../src/estimators/cox-time-breslow.js';
import { CoxTime } from '../../src/models/index.js';
import { FoldedTimeNet } from '../../src/models/training/folded-time-net.js';
import { synthetic } from './synthetic.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const data = synthetic(150, 5, 31, { round: 2 });
const labels = { time: data.time, event: data.event };

/** g from `net.predict` (float32 through TF.js) at scaled time z for all rows of x. */
function predictG(m: CoxTime, x: tf.Tensor2D, z: number): Float64Array {
  const out = tf.tidy(() => m.net.predict([x, tf.fill([x.shape[0], 1], z)]) as tf.Tensor);
  const v = Float64Array.from(out.dataSync());
  out.dispose();
  return v;
}

/** log Σ exp over `v` (float64, max-shifted). */
function lse(v: ArrayLike<number>): number {
  let top = -Infinity;
  for (let i = 0; i < v.length; i++) top = Math.max(top, v[i] as number);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp((v[i] as number) - top);
  return top + Math.log(s);
}

/**
 * Scales every dense weight and bias of `net` by a seeded random factor in [0.5, 3) plus noise (batch-norm
 * statistics untouched), so that units change sign often across the time range.
 */
function shake(net: tf.LayersModel, seed: number): void {
  const r = new Random(seed);
  const ws = net.getWeights();
  const names = net.weights.map((w) => w.originalName);
  const scaled = ws.map((w, i) => {
    const dense = /kernel|bias/.test(names[i] as string);
    const v = Float32Array.from(w.dataSync(), (a) => (dense ? a * (0.5 + 2.5 * r.next()) + 0.3 * r.normal() : a));
    return tf.tensor(v, w.shape);
  });
  net.setWeights(scaled);
  tf.dispose(scaled);
}

async function trained(opts: ConstructorParameters<typeof CoxTime>[0]): Promise<CoxTime> {
  const m = new CoxTime(opts);
  await m.fit(data.x, labels, { epochs: 3, batchSize: 32, seed: 2, verbose: false });
  return m;
}

describe('Cox-Time baseline through the folded network', () => {
  it('the folded network is the inference network: g equals net.predict up to float32 rounding', async () => {
    const m = await trained({ inputDim: 5, hidden: [16, 16, 8], seed: 3, dropout: 0.2 });
    const net = FoldedTimeNet.of(m.net);
    expect(net).toBeDefined();
    for (const z of [-2, -0.3, 0, 0.7, 2.5]) {
      const want = predictG(m, data.x, Math.fround(z));
      const got = net?.logRisk(data.X, data.n, Math.fround(z)) as Float64Array;
      // net.predict rounds each of the 4 layers' outputs to float32 (unit roundoff 2^-24 ≈ 6e-8) and sums
      // at most 17 terms per unit: |Δg| ≤ 1e-5 (1 + |g|) holds with a wide margin for these weights
      want.forEach((w, i) => expect(Math.abs((got[i] as number) - w)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(w))));
    }
    m.dispose();
  });

  it('walking each subject through its event times equals a direct float64 evaluation of every (time, subject) pair', async () => {
    for (const [hidden, seed] of [
      [[16, 16, 8], 5],
      [[32, 32], 6],
      [[12], 7],
    ] as const) {
      const m = await trained({ inputDim: 5, hidden: [...hidden], seed });
      shake(m.net, seed);
      const net = FoldedTimeNet.of(m.net) as FoldedTimeNet;
      const scaler = new TimeScaler().fit(data.time);
      // z over a wide range (scaled times ×3), so that many units change sign between event times
      const base = coxTimeBaselineFromLogSums(labels, (times, starts, order) => {
        const z = Float64Array.from(scaler.transform(times), (v) => Math.fround(3 * v));
        const got = net.riskSetLogSums(data.X, order, z, starts);
        z.forEach((zk, k) => {
          const atRisk = order.subarray(starts[k]);
          const g = net.logRisk(data.X, data.n, zk);
          const want = lse(Array.from(atRisk, (j) => g[j] as number));
          expect(Math.abs((got[k] as number) - want), `hidden ${hidden.join(',')} k ${k}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        });
        return got;
      });
      expect(base.hazard.some((h) => h > 0)).toBe(true);
      m.dispose();
    }
  });

  it("a fitted ReLU model's baseline equals the one from net.predict to float32 rounding, leaving no tensor behind", async () => {
    const m = await trained({ inputDim: 5, hidden: [16, 16], seed: 8 });
    shake(m.net, 8);
    const before = tf.memory().numTensors;
    await m.computeBaseline(data.x, labels);
    expect(tf.memory().numTensors).toBe(before);
    const scaler = new TimeScaler().fit(data.time);
    const ref = coxTimeBaseline(labels, (t) => predictG(m, data.x, scaler.transform([t])[0] as number));
    expect(Array.from(m.baseline?.times ?? [])).toEqual(Array.from(ref.times));
    // ĥ0 = d / Σ exp g: a relative error of Σ exp g is at most max |Δg| (≤ 1e-5 (1 + |g|), see above; |g| < 50 here)
    m.baseline?.hazard.forEach((h, k) => {
      const w = ref.hazard[k] as number;
      expect(Math.abs(h - w)).toBeLessThanOrEqual(5e-4 * w);
    });
    m.dispose();
  });

  it('networks it cannot fold (another activation) keep the TF.js route, bit-equal to net.predict', async () => {
    const m = await trained({ inputDim: 5, hidden: [8], seed: 9, activation: 'elu' });
    expect(FoldedTimeNet.of(m.net)).toBeUndefined();
    const scaler = new TimeScaler().fit(data.time);
    const ref = coxTimeBaseline(labels, (t) => predictG(m, data.x, scaler.transform([t])[0] as number));
    m.baseline?.hazard.forEach((h, k) => expect(h).toBeCloseTo(ref.hazard[k] as number, 10));
    m.dispose();
  });
});
