import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { aftSurvival } from '../../src/losses/parametric.js';
import { ParametricAFT, SurvivalModel } from '../../src/models/index.js';
import { synthetic } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-aft-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = synthetic(120, 4, 51);
const labels = { time: Array.from(data.time, (t) => t + 0.01), event: data.event };

describe('ParametricAFT (Weibull, log-normal)', () => {
  for (const distribution of ['weibull', 'lognormal'] as const) {
    it(`${distribution}: fits (tiny), closed-form curves of its parameters, risk at t, saves and loads bit-identically`, async () => {
      const m = new ParametricAFT({ inputDim: 4, hidden: [8], distribution, seed: 2 });
      await m.fit(data.x, labels, { epochs: 3, batchSize: 40, seed: 3, verbose: false });
      expect(m.family).toBe(distribution);
      const before = tf.memory().numTensors;
      const p = await m.predictParams(data.x);
      const curves = await m.predictSurvival(data.x);
      expect(curves.m).toBe(100);
      expect(Array.from(curves.values)).toEqual(Array.from(aftSurvival(distribution, p.values, curves.times)));
      const r = await m.predictRisk(data.x, { at: 1 });
      expect(Array.from(r)).toEqual(Array.from(aftSurvival(distribution, p.values, [1]), (s) => 1 - s));
      expect(tf.memory().numTensors).toBe(before);
      await m.save(join(dir, distribution));
      const loaded = (await SurvivalModel.load(join(dir, distribution))) as ParametricAFT;
      expect(loaded.distribution).toBe(distribution);
      expect(Array.from((await loaded.predictSurvival(data.x)).values)).toEqual(Array.from(curves.values));
      loaded.dispose();
      m.dispose();
    }, 120_000);
  }

  it('refuses times ≤ 0 and an unknown distribution', async () => {
    const m = new ParametricAFT({ inputDim: 4, hidden: [4], seed: 1 });
    const bad = { time: Array.from(data.time, (t, i) => (i === 3 ? 0 : t + 0.01)), event: data.event };
    await expect(m.fit(data.x, bad, { epochs: 1, batchSize: 200, verbose: false })).rejects.toThrow(
      messages.positiveTime('ParametricAFT.fit', 'labels.time', 3, 0),
    );
    expect(() => new ParametricAFT({ inputDim: 4, distribution: 'gamma' as 'weibull' })).toThrow(/ParametricAFT: option 'distribution'/);
    m.dispose();
  });
});

describe('ParametricAFT: the time unit', () => {
  /**
   * Weibull AFT data in days (truth: log λ = log 300 + 0.8 x, shape k = 1.5, x ~ N(0, 1); censoring uniform on
   * [0, 1200]), n = 3000, seeded. A linear model (no hidden layer) must recover the truth within a few standard
   * errors (SE of the slope ≈ 1 / (k √n) ≈ 0.012); without a time unit the loss at the start is e^(log t) ≈ 300 per
   * subject and Adam lands far from it.
   */
  const n = 3000;
  let s = 12345;
  const u = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const x = new Float32Array(n);
  const time: number[] = [];
  const event: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    x[i] = z;
    const t = 300 * Math.exp(0.8 * z) * Math.pow(-Math.log(u()), 1 / 1.5);
    const c = 1200 * u();
    time.push(Math.min(t, c));
    event.push(t <= c ? 1 : 0);
  }
  it('a linear Weibull AFT on times in days recovers log λ = log 300 + 0.8 x and k = 1.5; the unit is saved', async () => {
    const m = new ParametricAFT({ inputDim: 1, hidden: [], batchNorm: false, dropout: 0, distribution: 'weibull', seed: 4 });
    const xs = tf.tensor2d(x, [n, 1]);
    await m.fit(xs, { time, event }, { epochs: 150, batchSize: 500, learningRate: 0.02, seed: 5, verbose: false });
    expect(m.timeScale).toBeCloseTo(time.reduce((a, b) => a + b, 0) / event.reduce((a, b) => a + b, 0), 9);
    const probe = tf.tensor2d([0, 1], [2, 1]);
    const p = (await m.predictParams(probe)).values;
    expect(Math.abs((p[0] as number) - Math.log(300))).toBeLessThan(0.05);
    expect(Math.abs((p[2] as number) - (p[0] as number) - 0.8)).toBeLessThan(0.05);
    expect(Math.abs(Math.exp(p[1] as number) - 1.5)).toBeLessThan(0.1);
    await m.save(join(dir, 'unit'));
    const loaded = (await SurvivalModel.load(join(dir, 'unit'))) as ParametricAFT;
    expect(loaded.timeScale).toBe(m.timeScale);
    expect(Array.from((await loaded.predictParams(probe)).values)).toEqual(Array.from(p));
    loaded.dispose();
    m.dispose();
    xs.dispose();
    probe.dispose();
  }, 300_000);
});
