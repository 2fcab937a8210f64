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
