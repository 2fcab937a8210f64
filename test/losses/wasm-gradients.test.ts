/**
 * The losses must train on the WASM backend, where tf.gather's gradient
 * (UnsortedSegmentSum) is missing: every loss's tf.grad there agrees with
 * float64 central finite differences on random inputs with ties.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coxCcLoss, coxPhLoss, deepHitLoss, logisticHazardLoss } from '../../src/losses/index.js';
import { Random } from '../../src/core/random.js';
import {
  coxCcNaive,
  coxNaive,
  coxPycoxNaive,
  expectClose,
  finiteDiff,
  logisticHazardNaive,
  nllCrNaive,
  nllPmfNaive,
  rankNaive,
  readCsv,
  readJson,
} from './reference.js';

let previous = 'cpu';
beforeAll(async () => {
  previous = tf.getBackend() ?? 'cpu';
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
});
afterAll(async () => {
  await tf.setBackend(previous);
});

const rng = new Random(2024);
const n = 16;
const times = Array.from({ length: n }, () => 1 + rng.int(4)); // many ties
const events = times.map((_, i) => (i === 0 || rng.next() < 0.6 ? 1 : 0));

describe('golden values on the wasm backend', () => {
  it('R Efron (ties), pycox DeepHitSingleLoss, nll_logistic_hazard and cox_cc_loss', () => {
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    const c = readCsv('golden/inputs/loss_cox_ties.csv').rows;
    const R = readJson<{ nll_mean_efron: number }>('golden/expected/cox_loglik_R_ties.json');
    const cox = tf.tidy(
      () =>
        coxPhLoss(
          tf.tensor1d(c.map((r) => r[2] as number)),
          c.map((r) => r[0] as number),
          c.map((r) => r[1] as number),
        ).dataSync()[0] as number,
    );
    expect(rel(cox, R.nll_mean_efron)).toBeLessThan(1e-6);
    const d = readCsv('golden/inputs/loss_discrete.csv').rows;
    const D = readJson<{ float64: { nll_logistic_hazard: number }; float32: { deephit_single_loss: number } }>('golden/expected/losses_discrete.json');
    const [dh, lh] = tf.tidy(() => {
      const phi = tf.tensor2d(d.map((r) => r.slice(2)));
      const idx = d.map((r) => r[0] as number);
      const ev = d.map((r) => r[1] as number);
      return [deepHitLoss(phi, idx, ev).dataSync()[0] as number, logisticHazardLoss(phi, idx, ev).dataSync()[0] as number];
    });
    expect(rel(dh, D.float32.deephit_single_loss)).toBeLessThan(1e-6);
    expect(rel(lh, D.float64.nll_logistic_hazard)).toBeLessThan(1e-6);
    const k = readCsv('golden/inputs/loss_coxcc.csv').rows;
    const K = readJson<{ float64: { cox_cc_loss: number } }>('golden/expected/losses_coxcc.json');
    const cc = tf.tidy(() => coxCcLoss(tf.tensor1d(k.map((r) => r[0] as number)), tf.tensor2d(k.map((r) => r.slice(1)))).dataSync()[0] as number);
    expect(rel(cc, K.float64.cox_cc_loss)).toBeLessThan(1e-6);
  });
});

describe('gradients on the wasm backend', () => {
  it('coxPhLoss (Efron, Breslow, pycox)', () => {
    const g = Array.from({ length: n }, () => rng.normal());
    const cases: [Parameters<typeof coxPhLoss>[3], (x: number[]) => number][] = [
      [{ ties: 'efron' }, (x) => coxNaive(x, times, events, 'efron')],
      [{ ties: 'breslow' }, (x) => coxNaive(x, times, events, 'breslow')],
      [{ convention: 'pycox' }, (x) => coxPycoxNaive(x, times, events)],
    ];
    for (const [opts, ref] of cases) {
      const grad = tf.tidy(() =>
        tf
          .grad((x: tf.Tensor) => coxPhLoss(x, times, events, opts))(tf.tensor1d(g))
          .dataSync(),
      );
      expectClose(grad, finiteDiff(ref, g), 1e-4, 1e-6);
    }
  });

  it('deepHitLoss (one cause, two causes; pycox and paper) and logisticHazardLoss', () => {
    for (const K of [1, 2]) {
      const m = 4;
      const phi = Array.from({ length: n * K * m }, () => 1.5 * rng.normal());
      const idx = times.map((t) => t - 1);
      const e = events.map((d, i) => (d === 0 ? 0 : 1 + (i % K)));
      const shape = K === 1 ? [n, m] : [n, K, m];
      const cases: [(x: tf.Tensor) => tf.Scalar, (p: number[]) => number][] = [
        [
          (x) => deepHitLoss(x, idx, e),
          (p) => 0.2 * (K === 1 ? nllPmfNaive(p, n, m, idx, e) : nllCrNaive(p, n, K, m, idx, e, false)) + 0.8 * rankNaive(p, n, K, m, idx, e, 0.1, false),
        ],
        [(x) => deepHitLoss(x, idx, e, { convention: 'paper' }), (p) => nllCrNaive(p, n, K, m, idx, e, true) + rankNaive(p, n, K, m, idx, e, 0.1, true)],
      ];
      if (K === 1) cases.push([(x) => logisticHazardLoss(x, idx, e), (p) => logisticHazardNaive(p, n, m, idx, e)]);
      for (const [loss, ref] of cases) {
        const grad = tf.tidy(() => tf.grad(loss)(tf.tensor(phi, shape)).dataSync());
        expectClose(grad, finiteDiff(ref, phi), 2e-3, 2e-5);
      }
    }
  });

  it('coxCcLoss (two controls, shrink)', () => {
    const gc = Array.from({ length: n }, () => rng.normal());
    const ctl = Array.from({ length: 2 * n }, () => rng.normal());
    const [a, b] = tf.tidy(() =>
      tf
        .grads((x: tf.Tensor, y: tf.Tensor) => coxCcLoss(x, y, { shrink: 0.2 }))([tf.tensor1d(gc), tf.tensor2d(ctl, [n, 2])])
        .map((t) => t.dataSync()),
    ) as [Float32Array, Float32Array];
    expectClose(
      a,
      finiteDiff((x) => coxCcNaive(x, ctl, 2, 0.2), gc),
      1e-3,
      1e-5,
    );
    expectClose(
      b,
      finiteDiff((x) => coxCcNaive(gc, x, 2, 0.2), ctl),
      1e-3,
      1e-5,
    );
  });

  it('leaves no tensors behind on wasm', () => {
    const x = tf.tensor1d(times.map((t) => t / 10));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      tf.tidy(() => {
        tf.grad((v: tf.Tensor) => coxPhLoss(v, times, events))(x);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
