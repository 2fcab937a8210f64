import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { DiscreteTimeTransform } from '../../src/data/discretize.js';
import { survivalFromHazardLogits, survivalFromPmfLogits } from '../../src/estimators/discrete-time.js';
import { deepHitLoss } from '../../src/losses/deephit.js';
import { logisticHazardLoss } from '../../src/losses/logistic-hazard.js';
import { DeepHit, LogisticHazard, SurvivalModel, interpolateCurves, subgrid } from '../../src/models/index.js';
import { interpolateRows } from '../../src/estimators/interpolate-curves.js';
import { synthetic } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-discrete-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = synthetic(120, 4, 31);
const labels = { time: data.time, event: data.event };

interface PycoxCurves {
  times: number[];
  surv: number[][];
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'models', 'pycox_interpolation_metabric.json'), 'utf8')) as {
  sub: number;
  deephit: PycoxCurves;
  logistichazard: PycoxCurves;
};

describe('pycox interpolation (interpolate(10), constant density)', () => {
  it.each(['deephit', 'logistichazard'] as const)('reproduces pycox 0.3.0 METABRIC %s curves from their values at the cuts', (model) => {
    const g = golden[model];
    const sub = golden.sub;
    const cuts = Float64Array.from(g.times.filter((_, k) => k % sub === 0));
    expect(cuts.length).toBe(10);
    const grid = subgrid(cuts, sub);
    expect(grid.length).toBe(g.times.length);
    grid.forEach((t, k) => expect(Math.abs(t - (g.times[k] as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, t)));
    const n = g.surv.length;
    const atCuts = Float64Array.from(g.surv.flatMap((row) => row.filter((_, k) => k % sub === 0)));
    const out = interpolateRows(atCuts, n, cuts.length, sub);
    let maxErr = 0;
    g.surv.forEach((row, i) => row.forEach((v, k) => (maxErr = Math.max(maxErr, Math.abs((out[i * grid.length + k] as number) - v)))));
    expect(maxErr).toBeLessThanOrEqual(1e-6); // the fixture has 7 significant digits
  });

  it('property: interpolated curves pass through the cut values and stay non-increasing in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 8 }), fc.integer({ min: 1, max: 6 }), (drops, sub) => {
        const m = drops.length;
        const values = new Float64Array(m);
        let s = 1;
        drops.forEach((d, k) => (values[k] = s *= 1 - d / 2));
        const cuts = Float64Array.from({ length: m }, (_, k) => k * 1.5);
        const out = interpolateRows(values, 1, m, sub);
        for (let k = 0; k < m; k++) expect(out[k * sub]).toBe(values[k]);
        for (let j = 1; j < out.length; j++) expect((out[j] as number) - (out[j - 1] as number)).toBeLessThanOrEqual(1e-15);
        expect(subgrid(cuts, sub).length).toBe((m - 1) * sub + 1);
      }),
    );
  });
});

describe('DeepHit', () => {
  it('is a thin wrapper over deepHitLoss and predicts 1 − cumsum(pmf) on the cuts', async () => {
    const cuts = new DiscreteTimeTransform({ n: 6 }).fit(labels);
    const m = new DeepHit({ inputDim: 4, hidden: [8], dropout: 0, seed: 1, cuts, causes: 1, alpha: 0.3, sigma: 0.2 });
    const d = cuts.transform(labels);
    const expected = tf.tidy(
      () => deepHitLoss(m.net.apply(data.x, { training: true }) as tf.Tensor, d.idx, d.event, { alpha: 0.3, sigma: 0.2 }).dataSync()[0] as number,
    );
    const h = await m.fit(data.x, labels, { epochs: 1, batchSize: 1000, seed: 1, verbose: false });
    expect(h.loss[0]).toBeCloseTo(expected, 5);
    const logits = await m.predictLogits(data.x);
    const curves = await m.predictSurvival(data.x);
    expect(Array.from(curves.values)).toEqual(Array.from(survivalFromPmfLogits(logits.values, cuts.cuts).values));
    const fine = await m.predictSurvival(data.x, { interpolation: 10 });
    expect(Array.from(fine.values)).toEqual(Array.from(interpolateCurves(curves, 10).values));
    expect(fine.m).toBe(5 * 10 + 1);
  });

  it("uses the plain softmax (no pad column) with the paper's convention", async () => {
    const cuts = [0, 0.5, 1, 1.5, 2];
    const m = new DeepHit({ inputDim: 4, hidden: [8], seed: 7, cuts, causes: 1, convention: 'paper', alpha: 1, beta: 0.5 });
    await m.fit(data.x, labels, { epochs: 1, batchSize: 60, verbose: false });
    const logits = await m.predictLogits(data.x);
    const curves = await m.predictSurvival(data.x);
    expect(Array.from(curves.values)).toEqual(Array.from(survivalFromPmfLogits(logits.values, cuts, { pad: false }).values));
    expect(curves.get(0, cuts.length - 1)).toBeCloseTo(0, 12);
  });

  it('builds its network in fit when the cuts are fitted from data (quantiles), and saves/loads bit-identically', async () => {
    const m = new DeepHit({ inputDim: 4, hidden: [8], cuts: 8, scheme: 'quantiles', seed: 2 });
    expect(() => m.net).toThrow(messages.notFitted('DeepHit.net', 'the network (its output size depends on the cuts)'));
    await m.fit(data.x, labels, { epochs: 2, batchSize: 40, validation: 0.25, earlyStopping: true, seed: 3, verbose: false });
    expect(m.net.outputs[0]?.shape).toEqual([null, m.transform.outFeatures]);
    await m.save(join(dir, 'deephit'));
    const loaded = (await SurvivalModel.load(join(dir, 'deephit'))) as DeepHit;
    expect(Array.from(loaded.transform.cuts)).toEqual(Array.from(m.transform.cuts));
    const a = await m.predictSurvival(data.x, { interpolation: 5 });
    const b = await loaded.predictSurvival(data.x, { interpolation: 5 });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    loaded.dispose();
  });

  it('handles competing risks: K × cuts logits, CIFs summing with survival to 1', async () => {
    const cr = synthetic(120, 4, 32, { causes: 2 });
    const m = new DeepHit({ inputDim: 4, hidden: [8], cuts: 5, seed: 4 });
    await m.fit(cr.x, cr, { epochs: 2, batchSize: 60, seed: 1, verbose: false });
    expect(m.causes).toBe(2);
    expect(m.net.outputs[0]?.shape).toEqual([null, 10]);
    const r = await m.predictCif(cr.x);
    expect([r.causes, r.n, r.m]).toEqual([2, 120, 5]);
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < r.m; k++) {
        const total = (r.cif[0]?.[i * r.m + k] as number) + (r.cif[1]?.[i * r.m + k] as number) + r.survival.get(i, k);
        expect(total).toBeCloseTo(1, 10);
      }
    }
    const fine = await m.predictCif(cr.x, { interpolation: 3 });
    expect(fine.m).toBe(13);
  });
});

describe('LogisticHazard', () => {
  it('is a thin wrapper over logisticHazardLoss and predicts Π(1 − h) on the cuts', async () => {
    const cuts = [0, 0.4, 0.8, 1.2, 1.6, 2];
    const m = new LogisticHazard({ inputDim: 4, hidden: [8], dropout: 0, seed: 5, cuts });
    const d = new DiscreteTimeTransform({ cuts }).transform(labels);
    const expected = tf.tidy(() => logisticHazardLoss(m.net.apply(data.x, { training: true }) as tf.Tensor, d.idx, d.event).dataSync()[0] as number);
    const h = await m.fit(data.x, labels, { epochs: 1, batchSize: 1000, seed: 1, verbose: false });
    expect(h.loss[0]).toBeCloseTo(expected, 5);
    const logits = await m.predictLogits(data.x);
    expect(Array.from((await m.predictSurvival(data.x)).values)).toEqual(Array.from(survivalFromHazardLogits(logits.values, cuts).values));
    expect(await m.loss(data.x, labels)).toBeCloseTo(
      tf.tidy(() => logisticHazardLoss(m.net.predict(data.x) as tf.Tensor, d.idx, d.event).dataSync()[0] as number),
      6,
    );
  });

  it('leaves no tensors behind after fit and predict, and rejects competing risks', async () => {
    const m = new LogisticHazard({ inputDim: 4, hidden: [8], cuts: [0, 1, 2], seed: 6 });
    const before = tf.memory().numTensors;
    await m.fit(data.x, labels, { epochs: 2, batchSize: 50, validation: 0.3, earlyStopping: true, seed: 1, verbose: false });
    await m.predictSurvival(data.x, { interpolation: 4 });
    await m.predictRisk(data.x, { at: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const cr = synthetic(40, 4, 33, { causes: 2 });
    const i = cr.event.findIndex((e) => e > 1);
    await expect(m.fit(cr.x, cr, { epochs: 1, verbose: false })).rejects.toThrow(messages.notBinaryEvent('LogisticHazard.fit', 'labels.event', i, 2));
  });
});
