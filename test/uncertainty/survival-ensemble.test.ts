import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { selectiveSurvivalTable } from '../../src/metrics/selective-survival.js';
import { CoxPH, LogisticHazard, type SurvivalModel } from '../../src/models/index.js';
import { SurvivalEnsemble } from '../../src/models/uncertainty/survival-ensemble.js';
import { survivalBandWidth } from '../../src/uncertainty/survival-score.js';
import { shiftData } from './survival-data.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// Training covers x0 in (−1.5, 1.5); 20 % of the held-out subjects come from x0 in (2.5, 4),
// where the true log-hazard falls while the networks extrapolate its rise.
const train = shiftData(400, 0, 40);
const test = shiftData(250, 0.2, 41);
let xTrain: tf.Tensor2D;
let xTest: tf.Tensor2D;
beforeAll(() => {
  xTrain = tf.tensor2d(train.X, [train.n, train.d]);
  xTest = tf.tensor2d(test.X, [test.n, test.d]);
});
afterAll(() => {
  xTrain.dispose();
  xTest.dispose();
});
const grid = Array.from({ length: 50 }, (_, k) => 0.01 + (2.9 * k) / 49);
const fit = { epochs: 15, batchSize: 64, learningRate: 0.01, verbose: false } as const;

const families: [string, (seed: number) => SurvivalModel][] = [
  ['CoxPH', (seed) => new CoxPH({ inputDim: 3, hidden: [16, 16], seed })],
  ['LogisticHazard', (seed) => new LogisticHazard({ inputDim: 3, hidden: [16, 16], cuts: 10, seed })],
];

describe('SurvivalEnsemble', () => {
  it.each(families)('%s × 5: on held-out data the flagged fifth has worse IBS and C than the kept subjects (coverage 0.8)', async (_name, create) => {
    const ens = await SurvivalEnsemble.train(xTrain, train, { members: 5, create, fit, seed: 4 });
    expect(ens.size).toBe(5);
    const before = tf.memory().numTensors;
    const bands = await ens.predictBands(xTest, { times: grid });
    await ens.predictBands(xTest, { times: grid, quantiles: [0.1, 0.9], at: 1 });
    expect(tf.memory().numTensors).toBe(before);

    const score = survivalBandWidth(bands, { from: 0, to: 3, scale: 'cloglog' });
    const { rows } = selectiveSurvivalTable(score, test, bands.risk.mean, bands.mean, { times: grid, coverages: [1, 0.8] });
    const [all, r80] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(all.kept).toBe(250);
    expect(r80.kept + r80.flagged).toBe(250);
    expect(r80.flagged).toBe(50);
    // measurably worse: clear margins, not noise
    expect(r80.flaggedIbs as number).toBeGreaterThan((r80.keptIbs as number) + 0.1);
    expect(r80.flaggedC as number).toBeLessThan((r80.keptC as number) - 0.1);
    expect(r80.keptIbs as number).toBeLessThan(all.keptIbs as number);
    // at least half of the flags land on the unseen region (random flags: 10 of 50)
    const flagged = Array.from(score.keys())
      .sort((a, b) => (score[b] as number) - (score[a] as number))
      .slice(0, 50);
    expect(flagged.filter((i) => test.ood[i] === 1).length).toBeGreaterThanOrEqual(25);
    ens.dispose();
  });

  it('bands are ordered curves in [0, 1] and members of one seed give zero width', async () => {
    // two untrained models with the same seed have the same weights; the Breslow baseline makes them predictors
    const twins = [new CoxPH({ inputDim: 3, hidden: [8], seed: 9 }), new CoxPH({ inputDim: 3, hidden: [8], seed: 9 })];
    for (const m of twins) await m.computeBaseline(xTrain, train);
    const same = SurvivalEnsemble.fromModels(twins);
    const bands = await same.predictBands(xTest);
    expect(Array.from(survivalBandWidth(bands, { from: 0, to: 3 })).every((w) => w === 0)).toBe(true);
    expect(Array.from(survivalBandWidth(bands, { risk: true })).every((w) => w === 0)).toBe(true);
    same.dispose();

    const lh = await SurvivalEnsemble.train(xTrain, train, {
      members: 3,
      create: (seed) => new LogisticHazard({ inputDim: 3, hidden: [8], cuts: 8, seed }),
      fit: { ...fit, epochs: 3 },
    });
    const b = await lh.predictBands(xTest, { interpolation: 4 });
    expect(b.times.length).toBe(4 * 7 + 1);
    const { lower, median, upper } = b;
    for (let j = 0; j < lower.values.length; j++) {
      expect(lower.values[j]).toBeGreaterThanOrEqual(0);
      expect(lower.values[j]).toBeLessThanOrEqual(median.values[j] as number);
      expect(median.values[j]).toBeLessThanOrEqual(upper.values[j] as number);
      expect(upper.values[j]).toBeLessThanOrEqual(1);
    }
    expect(Array.from(survivalBandWidth(b, { from: 0, to: 3 })).some((w) => w > 0)).toBe(true);
    lh.dispose();
  });

  it('rejects bad members and options with catalogue messages', async () => {
    const one = new CoxPH({ inputDim: 3, seed: 1 });
    expect(() => SurvivalEnsemble.fromModels([one])).toThrow(messages.tooFewValues('SurvivalEnsemble.fromModels', 'models', 2, 1));
    expect(() => SurvivalEnsemble.fromModels([one, {} as SurvivalModel])).toThrow(
      messages.arrayOf('SurvivalEnsemble.fromModels', 'models', 'survival models (CoxPH, DeepHit, …)', [one, {}]),
    );
    await expect(SurvivalEnsemble.train(xTrain, train, { members: 1, create: () => one })).rejects.toThrow(
      messages.optionRange('SurvivalEnsemble.train', 'members', 'an integer >= 2', 1),
    );
    await expect(SurvivalEnsemble.train(xTrain, train, {} as never)).rejects.toThrow(/option 'create' must be a function/);
    const before = tf.memory().numTensors;
    await expect(SurvivalEnsemble.train(xTrain, train, { members: 2, create: () => ({}) as SurvivalModel })).rejects.toThrow(/returning a survival model/);
    expect(tf.memory().numTensors).toBe(before);
    one.dispose();
  });
});
