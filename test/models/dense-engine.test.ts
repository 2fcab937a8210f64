/**
 * The host dense engine (src/models/training/dense-engine.ts) against the
 * TF.js path it replaces: the same model, seed and data trained with
 * `engine: 'tfjs'` and `engine: 'auto'` must end with the same weights, batch-norm
 * moving statistics and losses (float32 tolerance), for every family, with
 * and without dropout (the engine draws the same seeded masks).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { mlp } from '../../src/backbones/mlp.js';
import { BCESurv, CoxCC, CoxPH, CoxTime, DeepHit, LogisticHazard, MTLR, PCHazard, PMF, type SurvivalModel } from '../../src/index.js';
import { DenseEngine, dropThreshold, parseDenseNet } from '../../src/models/training/dense-engine.js';
import type { FitOptions } from '../../src/models/training/fit-types.js';
import { synthetic } from './synthetic.js';

beforeAll(async () => {
  await initBackend();
});

type Make = (dropout: number) => SurvivalModel;
const FAMILIES: Record<string, Make> = {
  coxph: (dropout) => new CoxPH({ inputDim: 4, hidden: [8, 6], dropout, seed: 3 }),
  coxphPycox: (dropout) => new CoxPH({ inputDim: 4, hidden: [8], dropout, seed: 3, convention: 'pycox' }),
  coxcc: (dropout) => new CoxCC({ inputDim: 4, hidden: [8, 6], dropout, seed: 3 }),
  coxtime: (dropout) => new CoxTime({ inputDim: 4, hidden: [8, 6], dropout, seed: 3 }),
  // an MLP backbone before the Cox-Time head: the time column joins after the backbone's blocks
  coxtimeBackbone: (dropout) => new CoxTime({ backbone: mlp({ inputDim: 4, hidden: [6], dropout, seed: 4 }), head: { hidden: [5], dropout }, seed: 3 }),
  deephit: (dropout) => new DeepHit({ inputDim: 4, hidden: [8, 6], dropout, cuts: 6, seed: 3 }),
  deephitCompeting: (dropout) => new DeepHit({ inputDim: 4, hidden: [8], dropout, cuts: 5, causes: 2, seed: 3 }),
  logistichazard: (dropout) => new LogisticHazard({ inputDim: 4, hidden: [8, 6], dropout, cuts: 6, seed: 3 }),
  pmf: (dropout) => new PMF({ inputDim: 4, hidden: [8], dropout, cuts: 6, seed: 3 }),
  mtlr: (dropout) => new MTLR({ inputDim: 4, hidden: [8], dropout, cuts: 6, seed: 3 }),
  pchazard: (dropout) => new PCHazard({ inputDim: 4, hidden: [8], dropout, cuts: 6, seed: 3 }),
  bcesurv: (dropout) => new BCESurv({ inputDim: 4, hidden: [8], dropout, cuts: 6, scheme: 'quantiles', seed: 3 }),
};

/** max |a − b| over max |a|: float32 agreement relative to the tensor's scale. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(a[i] as number), Math.abs(b[i] as number));
  }
  return scale === 0 ? worst : worst / scale;
}

function centred(a: Float64Array): Float64Array {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return a.map((v) => v - m);
}

/**
 * The Cox-type losses are invariant to adding a constant to every output, so without dropout the last batch-norm
 * offset's gradient is Σ_rows ∂L/∂g · w = 0 up to rounding, and Adam turns that rounding noise into lr-sized steps on
 * either path: that offset (which shifts every output by one constant) is not compared, and risks are compared centred.
 */
const SHIFT_INVARIANT = new Set(['coxph', 'coxphPycox', 'coxcc', 'coxtime', 'coxtimeBackbone']);

async function train(make: Make, dropout: number, engine: 'auto' | 'tfjs', opts: FitOptions) {
  const data = synthetic(150, 4, 11, { round: 1 });
  const model = make(dropout);
  const validation = { x: data.x.slice([0, 0], [40, 4]), labels: { time: data.time.subarray(0, 40), event: data.event.subarray(0, 40) } };
  const history = await model.fit(data.x, { time: data.time, event: data.event }, { seed: 5, validation, engine, ...opts });
  const weights = model.net.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const names = model.net.weights.map((w) => w.originalName.replace(/_\d+\//, '/'));
  const risk = await model.predictRisk(data.x);
  model.dispose();
  validation.x.dispose();
  return { history, weights, names, risk };
}

describe('dense engine', () => {
  for (const [name, make] of Object.entries(FAMILIES)) {
    for (const dropout of [0, 0.2]) {
      for (const [label, opts, tol] of [
        ['one step', { epochs: 1, batchSize: 128 }, 1e-5],
        ['4 epochs of 2 steps', { epochs: 4, batchSize: 64 }, 1e-4],
      ] as const) {
        it(`${name}: ${label}, dropout ${dropout} — same weights, moving statistics and losses as TF.js`, async () => {
          const a = await train(make, dropout, 'tfjs', { ...opts, learningRate: 0.01 });
          const b = await train(make, dropout, 'auto', { ...opts, learningRate: 0.01 });
          expect(a.history.engine).toBe('tfjs');
          expect(b.history.engine).toBe('dense');
          expect(b.names).toEqual(a.names);
          const invariant = SHIFT_INVARIANT.has(name) && dropout === 0;
          const lastBeta = a.names.map((n) => n.endsWith('/beta')).lastIndexOf(true);
          a.weights.forEach((w, k) => {
            if (invariant && k === lastBeta) return;
            expect(maxRelDiff(w, b.weights[k] as Float32Array), a.names[k]).toBeLessThan(tol);
          });
          expect(maxRelDiff(a.history.loss, b.history.loss)).toBeLessThan(tol);
          expect(maxRelDiff(a.history.valLoss, b.history.valLoss)).toBeLessThan(tol);
          expect(maxRelDiff(invariant ? centred(a.risk) : a.risk, invariant ? centred(b.risk) : b.risk)).toBeLessThan(tol);
        }, 120_000);
      }
    }
  }

  for (const activation of ['elu', 'selu', 'tanh', 'sigmoid', 'softplus', 'linear'] as const) {
    it(`activation ${activation}: 4 epochs, same weights as TF.js`, async () => {
      const make: Make = (dropout) => new LogisticHazard({ inputDim: 4, hidden: [8, 6], dropout, activation, cuts: 6, seed: 3 });
      const opts: FitOptions = { epochs: 4, batchSize: 64, learningRate: 0.01 };
      const a = await train(make, 0.1, 'tfjs', opts);
      const b = await train(make, 0.1, 'auto', opts);
      expect(b.history.engine).toBe('dense');
      a.weights.forEach((w, k) => {
        // linear: batch norm right after the dense layer removes its bias (gradient 0 up to rounding, which Adam amplifies;
        // the moving mean follows that bias)
        if (activation === 'linear' && /dense(_\d+)?\/bias$|moving_mean$/.test(a.names[k] as string)) return;
        expect(maxRelDiff(w, b.weights[k] as Float32Array), a.names[k]).toBeLessThan(1e-4);
      });
      expect(maxRelDiff(a.history.loss, b.history.loss)).toBeLessThan(1e-4);
      // inference reads the moving mean, which lags that bias noise: linear compares the training losses only
      if (activation !== 'linear') expect(maxRelDiff(a.risk, b.risk)).toBeLessThan(1e-4);
    }, 120_000);
  }

  it('a large inference batch (validation of 2100 rows in one call): same losses as TF.js', async () => {
    const data = synthetic(2300, 4, 12, { round: 1 });
    const run = async (engine: 'auto' | 'tfjs') => {
      const model = new CoxPH({ inputDim: 4, hidden: [8], seed: 3 });
      const x = data.x.slice([0, 0], [200, 4]);
      const xv = data.x.slice([200, 0], [2100, 4]);
      const labels = { time: data.time.subarray(0, 200), event: data.event.subarray(0, 200) };
      const validation = { x: xv, labels: { time: data.time.subarray(200), event: data.event.subarray(200) } };
      const h = await model.fit(x, labels, { epochs: 3, batchSize: 64, learningRate: 0.01, seed: 1, validation, validationBatchSize: 4096, engine });
      model.dispose();
      tf.dispose([x, xv]);
      return h;
    };
    const a = await run('tfjs');
    const b = await run('auto');
    expect(b.engine).toBe('dense');
    expect(maxRelDiff(a.valLoss, b.valLoss)).toBeLessThan(1e-4);
  }, 120_000);

  it('Cox-CC validation batches of 2048 rows or more run on the engine, not on TF.js: same losses', async () => {
    const data = synthetic(2300, 4, 12, { round: 1 });
    /** Calls of the network's own (TF.js) apply with 2048 rows or more during the engine's fit. */
    let bulkTfjsCalls = 0;
    let largest = 0;
    const run = async (engine: 'auto' | 'tfjs') => {
      const model = new CoxCC({ inputDim: 4, hidden: [8], dropout: 0.1, seed: 3 });
      const net = model.net as unknown as { apply: (inputs: tf.Tensor | tf.Tensor[], kwargs?: object) => unknown };
      const tfjsApply = net.apply.bind(model.net);
      net.apply = (inputs, kwargs) => {
        const rows = (Array.isArray(inputs) ? inputs[0] : inputs)?.shape[0] ?? 0;
        largest = Math.max(largest, rows);
        if (engine === 'auto' && rows >= 2048) bulkTfjsCalls++;
        return tfjsApply(inputs, kwargs);
      };
      const x = data.x.slice([0, 0], [200, 4]);
      const xv = data.x.slice([200, 0], [2100, 4]);
      const labels = { time: data.time.subarray(0, 200), event: data.event.subarray(0, 200) };
      const validation = { x: xv, labels: { time: data.time.subarray(200), event: data.event.subarray(200) } };
      const h = await model.fit(x, labels, { epochs: 3, batchSize: 64, learningRate: 0.01, seed: 1, validation, validationBatchSize: 4096, engine });
      model.dispose();
      tf.dispose([x, xv]);
      return h;
    };
    const a = await run('tfjs');
    // the TF.js path's validation calls hold every validation case and its control (≥ 2048 rows)
    expect(largest).toBeGreaterThanOrEqual(2048);
    const b = await run('auto');
    expect(b.engine).toBe('dense');
    expect(bulkTfjsCalls).toBe(0);
    expect(maxRelDiff(a.valLoss, b.valLoss)).toBeLessThan(1e-4);
  }, 120_000);

  it("dropThreshold: a draw u = k/2³² is dropped exactly when tf.dropout's ⌊fround(fround(u) + keep)⌋ is 0", () => {
    const f = Math.fround;
    for (const rate of [0.01, 0.1, 0.2, 0.25, 0.5, 0.7, 0.9]) {
      const keep = f(1 - rate);
      const dropped = (u: number): boolean => Math.floor(f(f(u) + keep)) === 0;
      const th = dropThreshold(rate);
      const k0 = Math.round(th * 2 ** 32);
      // every draw within 5000 grid steps of the threshold, and a spread over [0, 1)
      for (let d = -5000; d <= 5000; d++) {
        const u = (k0 + d) / 2 ** 32;
        expect(u < th, `rate ${rate}, k ${k0 + d}`).toBe(dropped(u));
      }
      for (let k = 0; k < 2 ** 32; k += 1_000_003) expect(k / 2 ** 32 < th).toBe(dropped(k / 2 ** 32));
      // the threshold sits near 1 − keep
      expect(Math.abs(th - (1 - keep))).toBeLessThan(1e-6);
    }
  });

  it('early stopping restores the best epoch on both paths', async () => {
    const make = FAMILIES.logistichazard as Make;
    const opts: FitOptions = { epochs: 12, batchSize: 64, learningRate: 0.05, earlyStopping: { patience: 2 } };
    const a = await train(make, 0.1, 'tfjs', opts);
    const b = await train(make, 0.1, 'auto', opts);
    expect(b.history.bestEpoch).toBe(a.history.bestEpoch);
    expect(b.history.epochs).toBe(a.history.epochs);
    a.weights.forEach((w, k) => expect(maxRelDiff(w, b.weights[k] as Float32Array)).toBeLessThan(1e-4));
  }, 120_000);

  it("runs only on eligible networks with the built-in Adam; 'tfjs' switches it off", async () => {
    const data = synthetic(60, 4, 2);
    const sgd = new CoxPH({ inputDim: 4, hidden: [4], seed: 1 });
    expect((await sgd.fit(data.x, { time: data.time, event: data.event }, { epochs: 1, optimizer: 'sgd' })).engine).toBe('tfjs');
    const conv = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'relu' })] });
    expect(typeof parseDenseNet(conv)).toBe('string');
    const frozen = new CoxPH({ inputDim: 4, hidden: [4], seed: 1 });
    frozen.net.layers[1]!.trainable = false;
    expect(typeof DenseEngine.of(frozen.net, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 })).toBe('string');
    expect(typeof DenseEngine.of(sgd.net, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 })).toBe('object');
    sgd.dispose();
    frozen.dispose();
    conv.dispose();
  });
});
