import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { mlp } from '../../src/backbones/mlp.js';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { CaseControlSampler } from '../../src/data/case-control.js';
import { TimeScaler } from '../../src/data/time-scaler.js';
import { coxTimeBaseline, coxTimeSurvival } from '../../src/estimators/cox-time-breslow.js';
import { coxCcLoss } from '../../src/losses/cox-cc.js';
import { CoxCC, CoxTime, SurvivalModel, type BatchSource } from '../../src/models/index.js';
import { synthetic } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-cc-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = synthetic(120, 4, 21, { round: 2 });
const labels = { time: data.time, event: data.event };

/** pycox's first batch of an epoch: all cases in the fit's seeded order, controls from the risk sets. */
function firstBatch(seed: number, k: number): { rows: Int32Array; caseTime: Float64Array; b: number } {
  const rng = new Random(seed);
  const sampler = new CaseControlSampler(labels, { nControls: k });
  const perm = rng.permutation(sampler.cases.length);
  const cases = Array.from(perm, (p) => sampler.cases[p] as number);
  const draw = sampler.sample(rng, cases);
  const b = cases.length;
  const rows = new Int32Array(b * (1 + k));
  cases.forEach((c, i) => {
    rows[i] = c;
    for (let j = 0; j < k; j++) rows[(1 + j) * b + i] = draw.controls[i * k + j] as number;
  });
  return { rows, caseTime: Float64Array.from(cases, (c) => data.time[c] as number), b };
}

function ccLossOf(g: tf.Tensor, b: number, k: number): number {
  return tf.tidy(() => {
    const gCase = tf.slice(g, [0, 0], [b, 1]);
    const gControls = tf.transpose(tf.reshape(tf.slice(g, [b, 0], [b * k, 1]), [k, b]));
    return coxCcLoss(gCase, gControls).dataSync()[0] as number;
  });
}

describe('CoxCC', () => {
  it.each([1, 2])('is a thin wrapper over coxCcLoss with pycox case-control sampling (%i control(s))', async (k) => {
    const m = new CoxCC({ inputDim: 4, hidden: [8], dropout: 0, seed: 1, nControls: k });
    const { rows, b } = firstBatch(9, k);
    const expected = tf.tidy(() => ccLossOf(m.net.apply(tf.gather(data.x, Array.from(rows)), { training: true }) as tf.Tensor, b, k));
    const h = await m.fit(data.x, labels, { epochs: 1, batchSize: 1000, seed: 9, verbose: false });
    expect(h.loss[0]).toBeCloseTo(expected, 5);
  });

  it('loss() is the case-control loss of one fixed draw (seed 0) in inference mode', async () => {
    const m = new CoxCC({ inputDim: 4, hidden: [8], seed: 8, nControls: 2 });
    const draw = new CaseControlSampler(labels, { nControls: 2 }).sample(new Random(0));
    const b = draw.cases.length;
    const rows = new Int32Array(3 * b);
    draw.cases.forEach((c, i) => {
      rows[i] = c;
      rows[b + i] = draw.controls[2 * i] as number;
      rows[2 * b + i] = draw.controls[2 * i + 1] as number;
    });
    const expected = tf.tidy(() => ccLossOf(m.net.predict(tf.gather(data.x, Array.from(rows))) as tf.Tensor, b, 2));
    expect(await m.loss(data.x, labels)).toBeCloseTo(expected, 6);
  });

  it('trains, validates with repeated fresh controls, saves and loads bit-identically without leaking tensors', async () => {
    const m = new CoxCC({ inputDim: 4, hidden: [8], seed: 2, validationRepeats: 3 });
    const before = tf.memory().numTensors;
    const h = await m.fit(data.x, labels, { epochs: 3, batchSize: 32, validation: 0.3, earlyStopping: true, seed: 1, verbose: false });
    await m.predictSurvival(data.x);
    expect(tf.memory().numTensors).toBe(before);
    expect(h.valLoss.every(Number.isFinite)).toBe(true);
    await m.save(join(dir, 'coxcc'));
    const loaded = (await SurvivalModel.load(join(dir, 'coxcc'))) as CoxCC;
    expect([loaded.family, loaded.nControls, loaded.validationRepeats]).toEqual(['coxcc', 1, 3]);
    expect(Array.from((await loaded.predictSurvival(data.x)).values)).toEqual(Array.from((await m.predictSurvival(data.x)).values));
    loaded.dispose();
  });
});

describe('CoxTime', () => {
  it('is a thin wrapper: the loss evaluates g at the case time for cases and controls', async () => {
    const m = new CoxTime({ inputDim: 4, hidden: [8], dropout: 0, seed: 3 });
    expect(m.net.inputs.map((i) => i.shape)).toEqual([
      [null, 4],
      [null, 1],
    ]);
    const { rows, caseTime, b } = firstBatch(5, 1);
    const z = new TimeScaler().fit(data.time).transform(caseTime);
    const col = Float32Array.from({ length: 2 * b }, (_, r) => z[r % b] as number);
    const expected = tf.tidy(() =>
      ccLossOf(m.net.apply([tf.gather(data.x, Array.from(rows)), tf.tensor2d(col, [2 * b, 1])], { training: true }) as tf.Tensor, b, 1),
    );
    const h = await m.fit(data.x, labels, { epochs: 1, batchSize: 1000, seed: 5, verbose: false });
    expect(h.loss[0]).toBeCloseTo(expected, 5);
  });

  it('uses the time-dependent Breslow baseline on the training data, curves on the original time scale', async () => {
    const m = new CoxTime({ inputDim: 4, hidden: [8], seed: 4, log1p: true });
    await m.fit(data.x, labels, { epochs: 2, batchSize: 32, seed: 1, verbose: false });
    const scaler = new TimeScaler({ log1p: true }).fit(data.time);
    const g = (xs: tf.Tensor, t: number): Float64Array => {
      const out = tf.tidy(() => m.net.predict([xs, tf.fill([xs.shape[0], 1], scaler.transform([t])[0] as number)]) as tf.Tensor);
      const v = Float64Array.from(out.dataSync());
      out.dispose();
      return v;
    };
    const base = coxTimeBaseline(labels, (t) => g(data.x, t));
    const got = m.baseline;
    expect(Array.from(got?.times ?? [])).toEqual(Array.from(base.times));
    // the fit evaluates its dense ReLU network in float64 on the host (FoldedTimeNet), net.predict in float32:
    // ĥ0 = d / Σ exp g differs by at most max |Δg|, float32 rounding of a few layers (≤ 1e-6 relative; about 4e-9 here)
    got?.hazard.forEach((h, k) => expect(Math.abs(h - (base.hazard[k] as number))).toBeLessThanOrEqual(1e-6 * (base.hazard[k] as number)));
    const xTest = data.x.slice([0, 0], [10, 4]);
    const curves = await m.predictSurvival(xTest);
    const ref = coxTimeSurvival(got as NonNullable<typeof got>, (t) => g(xTest, t), 10);
    // the curves come from the same host walk (float64): H = Σ ĥ0·exp g differs by at most max |Δg| (≤ 1e-6) relative, so
    // |ΔS| ≤ 1e-6 · S·H (about 2e-10 here)
    curves.values.forEach((v, i) => {
      const w = ref.values[i] as number;
      expect(Math.abs(v - w)).toBeLessThanOrEqual(1e-6 * w * -Math.log(w) + 1e-15);
    });
    const risk = await m.predictRisk(xTest);
    expect(risk[0]).toBeLessThan(0); // −RMST
  });

  it('computes the same baseline from a batch source, saves and loads bit-identically', async () => {
    const m = new CoxTime({ inputDim: 4, hidden: [8], seed: 6 });
    await m.fit(data.x, labels, { epochs: 2, batchSize: 32, seed: 2, verbose: false });
    const fromMemory = m.baseline;
    const source: BatchSource = {
      // eslint-disable-next-line @typescript-eslint/require-await
      async *batches() {
        for (let s = 0; s < data.n; s += 50) {
          const size = Math.min(50, data.n - s);
          yield { x: data.x.slice([s, 0], [size, 4]), time: data.time.subarray(s, s + size), event: data.event.subarray(s, s + size) };
        }
      },
    };
    const before = tf.memory().numTensors;
    await m.computeBaseline(source);
    expect(tf.memory().numTensors).toBe(before);
    // batch sources go through net.predict (float32), in-memory data through the float64 host walk: float32 rounding apart
    m.baseline?.hazard.forEach((h, k) => expect(Math.abs(h - (fromMemory?.hazard[k] as number))).toBeLessThanOrEqual(1e-6 * h));
    await m.save(join(dir, 'coxtime'));
    const loaded = (await SurvivalModel.load(join(dir, 'coxtime'))) as CoxTime;
    expect(loaded.scaler.toJSON()).toEqual(m.scaler.toJSON());
    expect(Array.from((await loaded.predictSurvival(data.x)).values)).toEqual(Array.from((await m.predictSurvival(data.x)).values));
    const viaSource = await m.predictSurvival(source);
    expect(viaSource.n).toBe(data.n);
    loaded.dispose();
  });

  it('trains from a batch source (controls drawn within each batch)', async () => {
    const m = new CoxTime({ inputDim: 4, hidden: [8], seed: 7 });
    const source: BatchSource = {
      // eslint-disable-next-line @typescript-eslint/require-await
      async *batches() {
        yield { x: data.x.slice([0, 0], [60, 4]), time: data.time.subarray(0, 60), event: data.event.subarray(0, 60) };
        yield { x: data.x.slice([60, 0], [60, 4]), time: data.time.subarray(60), event: data.event.subarray(60) };
      },
    };
    const h = await m.fit(source, { epochs: 2, verbose: false, validation: source });
    expect(h.loss.every(Number.isFinite) && h.valLoss.every(Number.isFinite)).toBe(true);
    expect(m.baseline?.times.length).toBe(new Set(data.time).size);
  });

  it('puts a Cox-Time head on any backbone (time appended as the last input)', async () => {
    const m = new CoxTime({ backbone: mlp({ inputDim: 4, hidden: [6], seed: 1, dropout: 0 }), head: { hidden: [4], dropout: 0 }, seed: 1 });
    expect(m.net.inputs.map((i) => i.shape)).toEqual([
      [null, 4],
      [null, 1],
    ]);
    expect(m.inputCount).toBe(1);
    const h = await m.fit(data.x, labels, { epochs: 1, batchSize: 64, verbose: false });
    expect(Number.isFinite(h.loss[0])).toBe(true);
  });

  it('rejects a net without a time input', async () => {
    const x = tf.input({ shape: [3] });
    const net = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor });
    expect(() => new CoxTime({ net })).toThrow(messages.coxTimeNetInputs('CoxTime', 'net', 1));
    await expect(new CoxTime({ inputDim: 4 }).predictSurvival(data.x)).rejects.toThrow(messages.notFitted('CoxTime.predictSurvival', 'the baseline hazard'));
  });
});
