import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { saliency, survivalScore } from '../../src/explain/index.js';
import { CoxCC, CoxPH, CoxTime, DeepHit, LogisticHazard, type SurvivalModel } from '../../src/models/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const n = 60;
const rng = new Random(5);
const xv = Float32Array.from({ length: n * 4 }, () => rng.normal());
const time = Array.from({ length: n }, (_, i) => 0.5 + ((i * 7) % 23) / 2);
const event = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : i % 7 === 0 ? 2 : 1));
const single = event.map((e) => (e === 0 ? 0 : 1));

const families: [string, () => SurvivalModel, number[]][] = [
  ['CoxPH', () => new CoxPH({ inputDim: 4, hidden: [8], seed: 1 }), single],
  ['CoxCC', () => new CoxCC({ inputDim: 4, hidden: [8], seed: 2 }), single],
  ['LogisticHazard', () => new LogisticHazard({ inputDim: 4, hidden: [8], cuts: 6, seed: 3 }), single],
  ['DeepHit (pycox pad)', () => new DeepHit({ inputDim: 4, hidden: [8], cuts: 6, seed: 4 }), single],
  ['DeepHit (paper, no pad)', () => new DeepHit({ inputDim: 4, hidden: [8], cuts: 6, seed: 5, convention: 'paper' }), single],
  ['DeepHit, 2 causes', () => new DeepHit({ inputDim: 4, hidden: [8], cuts: 6, causes: 2, seed: 6 }), event],
];

describe('survivalScore equals predictSurvival read at t', () => {
  it.each(families)('%s', async (_name, make, ev) => {
    const model = make();
    const x = tf.tensor2d(xv, [n, 4]);
    await model.fit(x, { time, event: ev }, { epochs: 2, batchSize: 32, verbose: false, seed: 1 });
    const curves = await model.predictSurvival(x);
    const grid = Array.from(curves.times);
    // before the first grid time, on grid times, between them, after the last
    const ts = [
      (grid[0] as number) - 0.25,
      grid[0] as number,
      grid[2] as number,
      ((grid[2] as number) + (grid[3] as number)) / 2,
      (grid[grid.length - 1] as number) + 5,
    ];
    for (const t of ts) {
      const s = survivalScore(model, t)(x);
      const got = s.dataSync();
      s.dispose();
      for (let i = 0; i < n; i++) expect(Math.abs((got[i] as number) - curves.stepAt(i, t))).toBeLessThan(2e-6);
    }
    // differentiable: saliency of S(t) is finite and not all zero at a time inside the grid
    const g = saliency(survivalScore(model, grid[2] as number), x);
    const gv = g.dataSync();
    expect(gv.every(Number.isFinite)).toBe(true);
    expect(gv.some((v) => v !== 0)).toBe(true);
    tf.dispose([x, g]);
    model.dispose();
  });

  it('rejects Cox-Time and an unfitted Cox model', () => {
    const ct = new CoxTime({ inputDim: 4, hidden: [8], seed: 1 });
    expect(() => survivalScore(ct, 1)).toThrow(/survivalScore: 'model' must be a CoxPH, CoxCC, DeepHit or LogisticHazard model/);
    const cox = new CoxPH({ inputDim: 4, hidden: [8], seed: 1 });
    expect(() => survivalScore(cox, 1)).toThrow(/survivalScore: .*baseline hazard/);
    expect(() => survivalScore(cox, Number.NaN)).toThrow(/survivalScore: .*'t'/);
    ct.dispose();
    cox.dispose();
  });
});
