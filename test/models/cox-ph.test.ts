import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { attachHead } from '../../src/backbones/attach.js';
import { messages } from '../../src/core/messages.js';
import { breslowBaseline, breslowSurvival } from '../../src/estimators/breslow.js';
import { CoxHead } from '../../src/heads/cox-head.js';
import { coxPhLoss } from '../../src/losses/cox-ph.js';
import { CoxPH, SurvivalModel, type BatchSource } from '../../src/models/index.js';
import { synthetic, weightsOf } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-coxph-'));
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = synthetic(160, 4, 7, { round: 1 }); // rounded times: many ties
const labels = { time: data.time, event: data.event };
const small = { hidden: [8], dropout: 0, seed: 3 } as const;

describe('CoxPH', () => {
  it('is a thin wrapper: the first epoch loss (one batch) equals coxPhLoss on the same forward pass', async () => {
    const model = new CoxPH({ inputDim: 4, ...small, ties: 'breslow' });
    const expected = tf.tidy(
      () => coxPhLoss(model.net.apply(data.x, { training: true }) as tf.Tensor, data.time, data.event, { ties: 'breslow' }).dataSync()[0],
    );
    const inference = tf.tidy(() => coxPhLoss(model.net.predict(data.x) as tf.Tensor, data.time, data.event, { ties: 'breslow' }).dataSync()[0]);
    expect(await model.loss(data.x, labels)).toBeCloseTo(inference as number, 6);
    const h = await model.fit(data.x, labels, { epochs: 1, batchSize: data.n, seed: 1, verbose: false });
    expect(h.loss[0]).toBeCloseTo(expected as number, 5);
  });

  it('gives the same model and history for the same seeds, and another for another fit seed', async () => {
    const run = async (seed: number) => {
      const m = new CoxPH({ inputDim: 4, hidden: [8], dropout: 0.2, seed: 5 });
      const h = await m.fit(data.x, labels, { epochs: 3, batchSize: 40, seed, learningRate: 0.01, verbose: false });
      return { h, w: weightsOf(m.net) };
    };
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    expect(b.h.loss).toEqual(a.h.loss);
    expect(b.w).toEqual(a.w);
    expect(c.h.loss).not.toEqual(a.h.loss);
  });

  it('stops early and restores the weights of the best validation epoch', async () => {
    const train = synthetic(120, 4, 11);
    const val = synthetic(60, 4, 12);
    const m = new CoxPH({ inputDim: 4, hidden: [16], dropout: 0, seed: 1 });
    const h = await m.fit(train.x, train, {
      epochs: 40,
      batchSize: 30,
      learningRate: 0.05,
      validation: { x: val.x, labels: val },
      validationBatchSize: 1000,
      earlyStopping: { patience: 2 },
      seed: 4,
      verbose: false,
    });
    expect(h.valLoss.length).toBe(h.epochs);
    expect(h.bestEpoch).toBe(h.valLoss.indexOf(Math.min(...h.valLoss)));
    if (h.stoppedEarly) expect(h.epochs).toBe(h.bestEpoch + 3);
    expect(await m.loss(val.x, val)).toBeCloseTo(h.valLoss[h.bestEpoch] as number, 5);
    expect(h.msPerEpoch).toBeGreaterThan(0);
  });

  it('computes the Breslow baseline on the training data (pycox semantics) and float64 curves', async () => {
    const m = new CoxPH({ inputDim: 4, ...small });
    await m.fit(data.x, labels, { epochs: 2, batchSize: 64, seed: 1, verbose: false });
    const g = await m.predictRisk(data.x);
    expect(g).toBeInstanceOf(Float64Array);
    const base = breslowBaseline(g, labels);
    expect(Array.from(m.baseline?.hazard ?? [])).toEqual(Array.from(base.hazard));
    const curves = await m.predictSurvival(data.x);
    expect(Array.from(curves.values)).toEqual(Array.from(breslowSurvival(base, g).values));
    expect(Array.from(curves.times)).toEqual(Array.from(new Set(data.time)).sort((a, b) => a - b));
    const at = await m.predictRisk(data.x, { at: 0.5 });
    for (let i = 0; i < 5; i++) expect(at[i]).toBeCloseTo(1 - curves.stepAt(i, 0.5), 12);
  });

  it('leaves tf.memory().numTensors unchanged after fit and predict loops', async () => {
    const m = new CoxPH({ inputDim: 4, hidden: [8], dropout: 0.1, seed: 2 });
    const before = tf.memory().numTensors;
    for (let k = 0; k < 2; k++) {
      await m.fit(data.x, labels, { epochs: 3, batchSize: 50, validation: 0.25, earlyStopping: true, seed: k, verbose: false });
      await m.predictRisk(data.x);
      await m.predictSurvival(data.x);
      await m.loss(data.x, labels);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saves and loads with bit-identical predictions and the side file', async () => {
    const m = new CoxPH({ inputDim: 4, ...small, ties: 'breslow', covariates: { mean: [0, 1], std: [1, 2] } });
    await m.fit(data.x, labels, { epochs: 2, batchSize: 64, seed: 1, verbose: false });
    const path = join(dir, 'coxph');
    await m.save(path);
    const side = JSON.parse(readFileSync(join(path, 'survkit.json'), 'utf8')) as Record<string, unknown>;
    expect(side.family).toBe('coxph');
    expect((side.head as { className: string }).className).toBe('survkit>CoxHead');
    expect((side.training as { backend: string }).backend).toBe('cpu');
    const loaded = await SurvivalModel.load(path);
    expect(loaded).toBeInstanceOf(CoxPH);
    expect((loaded as CoxPH).ties).toBe('breslow');
    expect(loaded.covariates).toEqual({ mean: [0, 1], std: [1, 2] });
    expect(Array.from(await loaded.predictRisk(data.x))).toEqual(Array.from(await m.predictRisk(data.x)));
    expect(Array.from((await loaded.predictSurvival(data.x)).values)).toEqual(Array.from((await m.predictSurvival(data.x)).values));
    loaded.dispose();
    await expect(SurvivalModel.load(join(dir, 'nothing'))).rejects.toThrow(
      messages.modelDir('SurvivalModel.load', join(dir, 'nothing'), 'survkit.json is missing or unreadable'),
    );
  });

  it('trains from a batch source like from tensors (same batches, same history; SGD)', async () => {
    const fresh = () => new CoxPH({ inputDim: 4, ...small });
    const a = fresh();
    const ha = await a.fit(data.x, labels, { epochs: 3, batchSize: data.n, optimizer: 'sgd', learningRate: 0.05, verbose: false });
    const source: BatchSource = {
      // eslint-disable-next-line @typescript-eslint/require-await
      async *batches() {
        yield { x: data.x.clone(), time: data.time, event: data.event };
      },
    };
    const b = fresh();
    const before = tf.memory().numTensors;
    const hb = await b.fit(source, { epochs: 3, optimizer: 'sgd', learningRate: 0.05, verbose: false });
    expect(tf.memory().numTensors).toBe(before);
    hb.loss.forEach((v, i) => expect(v).toBeCloseTo(ha.loss[i] as number, 5));
    const ga = await a.predictRisk(data.x);
    const gb = await b.predictRisk(source);
    gb.forEach((v, i) => expect(v).toBeCloseTo(ga[i] as number, 5));
    expect(b.baseline?.times.length).toBe(a.baseline?.times.length);
  });

  it('trains a multi-input network (image + tabular covariates)', async () => {
    const image = tf.input({ shape: [6, 6, 1] });
    const conv = tf.layers
      .conv2d({ filters: 3, kernelSize: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
      .apply(image) as tf.SymbolicTensor;
    const net = attachHead(tf.model({ inputs: image, outputs: conv }), new CoxHead({ seed: 1 }), { tabularInputDim: 4 });
    const m = new CoxPH({ net });
    const images = tf.randomNormal([data.n, 6, 6, 1], 0, 1, 'float32', 3);
    const h = await m.fit([images, data.x], labels, { epochs: 2, batchSize: 80, verbose: false });
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect((await m.predictRisk([images, data.x])).length).toBe(data.n);
    await expect(m.predictRisk(data.x)).rejects.toThrow(messages.inputCount('CoxPH.predictRisk', 'x', 2, 1));
  });

  it('names bad input', async () => {
    expect(() => new CoxPH({})).toThrow(messages.optionRange('CoxPH', 'net', "exactly one of 'net', 'backbone' or 'inputDim'", '0 of them'));
    const m = new CoxPH({ inputDim: 4, seed: 1 });
    await expect(m.predictSurvival(data.x)).rejects.toThrow(messages.notFitted('CoxPH.predictSurvival', 'the baseline hazard'));
    await expect(m.fit(data.x, { time: [1, 2], event: [1, 0] })).rejects.toThrow(messages.lengthMismatch('CoxPH.fit', 'labels.time', 2, 'x', data.n));
    await expect(m.fit(data.x, labels, { earlyStopping: true })).rejects.toThrow(/option 'earlyStopping' must be used with 'validation' data/);
  });
});
