import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { TimeScaler } from '../../src/data/time-scaler.js';
import { makeBaseline } from '../../src/estimators/breslow.js';
import { coxTimeSurvival } from '../../src/estimators/cox-time-breslow.js';
import { riskFromCurves } from '../../src/estimators/risk-from-curves.js';
import { CoxTime, type BatchSource } from '../../src/models/index.js';
import { FoldedTimeNet } from '../../src/models/training/folded-time-net.js';
import { synthetic } from './synthetic.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** test/fixtures/models/pycox_coxtime_predict.json (generators/pycox_coxtime_predict.py). */
interface Fixture {
  x: number[][];
  time: number[];
  event: number[];
  x_test: number[][];
  hidden: number[];
  epsilon: number;
  layers: { kernel: number[][]; bias: number[]; gamma: number[]; beta: number[]; moving_mean: number[]; moving_variance: number[] }[];
  output_kernel: number[][];
  times: number[];
  hazard: number[];
  surv_times: number[];
  surv: number[][];
}
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'models', 'pycox_coxtime_predict.json'), 'utf8')) as Fixture;

/** Training data with tied times (2 decimals) and a test set with repeated rows. */
const data = synthetic(160, 5, 41, { round: 2 });
const labels = { time: data.time, event: data.event };
const test = synthetic(30, 5, 42);
const xTest = (): tf.Tensor2D => tf.tidy(() => tf.concat([test.x, test.x.slice([0, 0], [4, 5])]));

/** Scales every dense weight and bias by a seeded factor in [0.5, 3) plus noise, so that units change sign across the time range. */
function shake(net: tf.LayersModel, seed: number): void {
  const r = new Random(seed);
  const names = net.weights.map((w) => w.originalName);
  const scaled = net.getWeights().map((w, i) => {
    const dense = /kernel|bias/.test(names[i] as string);
    return tf.tensor(
      Float32Array.from(w.dataSync(), (a) => (dense ? a * (0.5 + 2.5 * r.next()) + 0.3 * r.normal() : a)),
      w.shape,
    );
  });
  net.setWeights(scaled);
  tf.dispose(scaled);
}

async function trained(opts: ConstructorParameters<typeof CoxTime>[0]): Promise<CoxTime> {
  const m = new CoxTime(opts);
  await m.fit(data.x, labels, { epochs: 3, batchSize: 32, seed: 2, verbose: false });
  return m;
}

/** The TF.js route: `coxTimeSurvival` with g from `logRiskAt` (one `net.predict` per baseline time). */
function tfjsCurves(m: CoxTime, x: tf.Tensor): Float64Array {
  return coxTimeSurvival(m.baseline!, (t) => m.logRiskAt([x], t), x.shape[0]).values;
}

/** The baseline times with ĥ0 > 0 (the ones the curves need) and their network time input (scaled, float32). */
function eventGrid(m: CoxTime): { times: number[]; z: Float64Array } {
  const base = m.baseline!;
  const times = Array.from(base.times).filter((_, k) => (base.hazard[k] as number) > 0);
  return { times, z: Float64Array.from(m.scaler.transform(times), Math.fround) };
}

/** A survkit Cox-Time model carrying pycox's trained weights and baseline, its time scaler fitted on the same durations. */
function pycoxModel(): CoxTime {
  const m = new CoxTime({ inputDim: fx.x[0]?.length, hidden: fx.hidden, seed: 1, dropout: 0.1, head: { epsilon: fx.epsilon } });
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
  m.baseline = makeBaseline(fx.times, Float64Array.from(fx.hazard));
  return m;
}

describe('CoxTime.predictSurvival through the folded network (host walk)', () => {
  it('gives net.predict’s log-risk grid up to float32 rounding and its curves to 1e-6, with no tensor left', async () => {
    for (const [hidden, seed, dropout, shaken] of [
      [[16, 16, 8], 5, 0.2, false],
      [[16, 16, 8], 5, 0.2, true],
      [[32, 32], 6, 0.1, false],
      [[32, 32], 6, 0.1, true],
      [[12, 12], 7, 0, true],
    ] as const) {
      const m = await trained({ inputDim: 5, hidden: [...hidden], seed, dropout });
      if (shaken) {
        shake(m.net, seed);
        await m.computeBaseline(data.x, labels);
      }
      const folded = FoldedTimeNet.of(m.net) as FoldedTimeNet;
      expect(folded).toBeDefined();
      const x = xTest();
      const n = x.shape[0];
      const X = x.dataSync() as Float32Array;
      const { times, z } = eventGrid(m);
      expect(times.length).toBeGreaterThan(40);
      const grid = folded.logRiskGrid(X, n, z);
      expect(grid.length).toBe(n * times.length);
      // net.predict rounds each layer's output to float32 (unit roundoff 6e-8), summing at most 33 terms per unit:
      // measured max |Δg| / (1 + |g|) 1.3e-7 on the trained networks, 1.8e-6 on the shaken ones (larger weights,
      // sums with more cancellation, as in cox-time-folded.test.ts)
      const tol = shaken ? 1e-5 : 1e-6;
      times.forEach((t, k) => {
        const want = m.logRiskAt([x], t);
        const direct = folded.logRisk(X, n, z[k] as number);
        for (let i = 0; i < n; i++) {
          const g = grid[i * times.length + k] as number;
          // the walk is the plain float64 forward at every (time, subject)
          expect(Math.abs(g - (direct[i] as number))).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(g)));
          expect(Math.abs(g - (want[i] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i] as number)));
        }
      });
      const before = tf.memory().numTensors;
      const got = await m.predictSurvival(x);
      const risk = await m.predictRisk(x);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(got.times)).toEqual(Array.from(m.baseline!.times));
      // the TF.js route's curves (measured max difference 4.8e-7)
      const ref = tfjsCurves(m, x);
      expect(got.values.length).toBe(ref.length);
      got.values.forEach((s, i) => expect(Math.abs(s - (ref[i] as number))).toBeLessThanOrEqual(1e-6));
      // and it is the host route: coxTimeSurvival of the float64 g at the float32 scaled times
      const host = coxTimeSurvival(m.baseline!, (t) => folded.logRisk(X, n, Math.fround(m.scaler.transform([t])[0] as number)), n).values;
      got.values.forEach((s, i) => expect(Math.abs(s - (host[i] as number))).toBeLessThanOrEqual(1e-14));
      expect(Array.from(risk)).toEqual(Array.from(riskFromCurves(got)));
      x.dispose();
      m.dispose();
    }
  }, 120_000);

  it('gives the same curves from a batch source', async () => {
    const m = await trained({ inputDim: 5, hidden: [16, 16], seed: 8, dropout: 0.1 });
    const x = xTest();
    const n = x.shape[0];
    const source: BatchSource = {
      // eslint-disable-next-line @typescript-eslint/require-await
      async *batches() {
        for (let s = 0; s < n; s += 12) yield { x: x.slice([s, 0], [Math.min(12, n - s), 5]) };
      },
    };
    const before = tf.memory().numTensors;
    const viaSource = await m.predictSurvival(source);
    const inMemory = await m.predictSurvival(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(viaSource.values)).toEqual(Array.from(inMemory.values));
    const ref = tfjsCurves(m, x);
    viaSource.values.forEach((s, i) => expect(Math.abs(s - (ref[i] as number))).toBeLessThanOrEqual(1e-6));
    x.dispose();
    m.dispose();
  }, 60_000);

  it('networks that do not fold (tanh, elu) keep the TF.js route, bit-equal to it', async () => {
    for (const activation of ['tanh', 'elu'] as const) {
      const m = await trained({ inputDim: 5, hidden: [16, 8], seed: 9, activation });
      expect(FoldedTimeNet.of(m.net)).toBeUndefined();
      const x = xTest();
      const before = tf.memory().numTensors;
      const got = await m.predictSurvival(x);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(got.values)).toEqual(Array.from(tfjsCurves(m, x)));
      x.dispose();
      m.dispose();
    }
  }, 60_000);
});

describe('CoxTime.predictSurvival against pycox 0.3.0 predict_surv_df', () => {
  // pycox evaluates g and exp g in float32 (as net.predict), then H = Σ ĥ0·exp g in float64; the host walk is float64:
  // H differs by float32 rounding of g, |ΔH| ≤ max |Δg| · H with |Δg| of order 1e-7 (H up to 15 here), so
  // |ΔH| ≤ 2e-6 H, and |ΔS| = S·|ΔH| ≤ 2e-6 · max H e^−H < 1e-6
  // (measured: |ΔH|/H 2.9e-7, |ΔS| 8.5e-8 host walk; 2.8e-7, 7.6e-8 TF.js route)
  const check = (values: Float64Array, n: number): void => {
    const m = fx.times.length;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) {
        const want = fx.surv[i]?.[k] as number;
        const got = values[i * m + k] as number;
        const dH = want === 1 ? Math.abs(got - want) : Math.abs(Math.log(got) - Math.log(want)) / -Math.log(want);
        expect(dH, `subject ${i} time ${k}`).toBeLessThanOrEqual(2e-6);
        expect(Math.abs(got - want), `subject ${i} time ${k}`).toBeLessThanOrEqual(1e-6);
      }
    }
  };

  it('the host walk gives pycox curves on pycox times (MLPVanillaCoxTime [16, 16, 8], batch norm, dropout, ties)', async () => {
    const m = pycoxModel();
    expect(FoldedTimeNet.of(m.net)).toBeDefined();
    expect(fx.hazard.filter((h) => h > 0).length).toBeGreaterThan(50);
    const x = tf.tensor2d(fx.x_test);
    const before = tf.memory().numTensors;
    const got = await m.predictSurvival(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(got.n).toBe(fx.x_test.length);
    got.times.forEach((t, k) => expect(Math.abs(t - (fx.surv_times[k] as number))).toBeLessThanOrEqual(1e-12 * t));
    check(got.values, got.n);
    // repeated test rows get the same curves
    const m0 = fx.times.length;
    expect(Array.from(got.values.subarray(35 * m0, 40 * m0))).toEqual(Array.from(got.values.subarray(0, 5 * m0)));
    x.dispose();
    m.dispose();
  });

  it('the TF.js route gives the same pycox curves', () => {
    const m = pycoxModel();
    const x = tf.tensor2d(fx.x_test);
    check(tfjsCurves(m, x), fx.x_test.length);
    x.dispose();
    m.dispose();
  });
});
