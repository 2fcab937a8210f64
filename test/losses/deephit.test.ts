import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { deepHitLoss, deepHitNll, deepHitRankLoss, logisticHazardLoss, pairRankMatrix } from '../../src/losses/index.js';
import { Random } from '../../src/core/random.js';
import { messages } from '../../src/core/messages.js';
import { expectClose, finiteDiff, logisticHazardNaive, nllCrNaive, nllPmfNaive, rankNaive, readCsv, readJson } from './reference.js';

interface DiscreteGolden {
  alpha: number;
  sigma: number;
  float64: { nll_logistic_hazard: number; nll_pmf: number };
  float32: { nll_logistic_hazard: number; nll_pmf: number; rank_loss_deephit_single: number; deephit_single_loss: number };
}

const scalar = (x: tf.Scalar) => x.dataSync()[0] as number;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Random discrete batch with ties in κ; K causes. */
function batch(seed: number, n: number, K: number, m: number) {
  const rng = new Random(seed);
  const phi = Array.from({ length: n * K * m }, () => 1.5 * rng.normal());
  const idx = Array.from({ length: n }, () => rng.int(m));
  const e = Array.from({ length: n }, () => (rng.next() < 0.6 ? 1 + rng.int(K) : 0));
  e[0] = 1;
  return { phi, idx, e, shape: K === 1 ? [n, m] : [n, K, m] };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('discrete-time losses: pycox golden values', () => {
  const { rows } = readCsv('golden/inputs/loss_discrete.csv');
  const idx = rows.map((r) => r[0] as number);
  const ev = rows.map((r) => r[1] as number);
  const flat = rows.flatMap((r) => r.slice(2));
  const phi = () => tf.tensor2d(flat, [rows.length, 6]);
  const G = readJson<DiscreteGolden>('golden/expected/losses_discrete.json');

  it('nll_pmf, rank_loss_deephit_single, DeepHitSingleLoss(0.2, 0.1), nll_logistic_hazard', () => {
    expect(rel(scalar(deepHitNll(phi(), idx, ev)), G.float64.nll_pmf)).toBeLessThan(1e-6);
    expect(rel(scalar(deepHitRankLoss(phi(), idx, ev, { sigma: G.sigma })), G.float32.rank_loss_deephit_single)).toBeLessThan(1e-6);
    expect(rel(scalar(deepHitLoss(phi(), idx, ev, { alpha: G.alpha, sigma: G.sigma })), G.float32.deephit_single_loss)).toBeLessThan(1e-6);
    expect(rel(scalar(logisticHazardLoss(phi(), idx, ev)), G.float64.nll_logistic_hazard)).toBeLessThan(1e-6);
  });

  it('the float64 test references reproduce the golden values (so they can judge other cases)', () => {
    expect(rel(nllPmfNaive(flat, rows.length, 6, idx, ev), G.float64.nll_pmf)).toBeLessThan(1e-14);
    expect(rel(logisticHazardNaive(flat, rows.length, 6, idx, ev), G.float64.nll_logistic_hazard)).toBeLessThan(1e-14);
    expect(rel(rankNaive(flat, rows.length, 1, 6, idx, ev, 0.1, false), G.float32.rank_loss_deephit_single)).toBeLessThan(1e-6);
  });

  it('pairRankMatrix follows pycox pair_rank_mat (ties with a censored j count) and the paper (strict)', () => {
    const k = Int32Array.from([0, 1, 1, 2]);
    const d = Int32Array.from([1, 1, 0, 0]);
    expect(Array.from(pairRankMatrix(k, d, 'pycox'))).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(pairRankMatrix(k, d, 'paper'))).toEqual([0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('competing risks and the paper convention (independent float64 references)', () => {
  for (const [K, m] of [
    [1, 5],
    [2, 4],
    [3, 3],
  ] as const) {
    it(`K = ${K}, m = ${m}: NLL, rank and total for both conventions`, () => {
      const { phi, idx, e, shape } = batch(100 + K, 17, K, m);
      const x = tf.tensor(phi, shape);
      const n = 17;
      const nllP = K === 1 ? nllPmfNaive(phi, n, m, idx, e) : nllCrNaive(phi, n, K, m, idx, e, false);
      const nllQ = nllCrNaive(phi, n, K, m, idx, e, true);
      const rankP = rankNaive(phi, n, K, m, idx, e, 0.1, false);
      const rankQ = rankNaive(phi, n, K, m, idx, e, 0.25, true);
      expect(rel(scalar(deepHitNll(x, idx, e)), nllP)).toBeLessThan(2e-6);
      expect(rel(scalar(deepHitNll(x, idx, e, { convention: 'paper' })), nllQ)).toBeLessThan(2e-6);
      expect(rel(scalar(deepHitRankLoss(x, idx, e)), rankP)).toBeLessThan(2e-6);
      expect(rel(scalar(deepHitRankLoss(x, idx, e, { sigma: 0.25, convention: 'paper' })), rankQ)).toBeLessThan(2e-6);
      expect(rel(scalar(deepHitLoss(x, idx, e, { alpha: 0.3 })), 0.3 * nllP + 0.7 * rankP)).toBeLessThan(2e-6);
      const paper = scalar(deepHitLoss(x, idx, e, { convention: 'paper', alpha: 1, beta: 3, sigma: 0.25 }));
      expect(rel(paper, nllQ + 3 * rankQ)).toBeLessThan(2e-6);
      x.dispose();
    });
  }
});

describe('gradients on cpu match float64 finite differences (ties in κ)', () => {
  it('DeepHit (one and two causes, both conventions) and logistic hazard', () => {
    for (const K of [1, 2]) {
      const m = 4;
      const n = 12;
      const { phi, idx, e, shape } = batch(7 + K, n, K, m);
      const cases: [(x: tf.Tensor) => tf.Scalar, (p: number[]) => number][] = [
        [
          (x) => deepHitLoss(x, idx, e),
          (p) => 0.2 * (K === 1 ? nllPmfNaive(p, n, m, idx, e) : nllCrNaive(p, n, K, m, idx, e, false)) + 0.8 * rankNaive(p, n, K, m, idx, e, 0.1, false),
        ],
        [
          (x) => deepHitLoss(x, idx, e, { convention: 'paper', beta: 0.5 }),
          (p) => nllCrNaive(p, n, K, m, idx, e, true) + 0.5 * rankNaive(p, n, K, m, idx, e, 0.1, true),
        ],
      ];
      if (K === 1) cases.push([(x) => logisticHazardLoss(x, idx, e), (p) => logisticHazardNaive(p, n, m, idx, e)]);
      for (const [loss, ref] of cases) {
        const g = tf.tidy(() => tf.grad(loss)(tf.tensor(phi, shape)).dataSync());
        expectClose(g, finiteDiff(ref, phi, 1e-5), 2e-3, 2e-5);
      }
    }
  });
});

describe('invariants and properties', () => {
  it('property: the padded PMF sums to 1 with the pad column; every loss is finite and >= 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), (seed, K, m) => {
        const { phi, idx, e, shape } = batch(seed, 9, K, m);
        // softmax over the padded row: total mass of the K·m columns + pad = 1
        for (let i = 0; i < 9; i++) {
          const row = [...phi.slice(i * K * m, (i + 1) * K * m), 0];
          const top = Math.max(...row);
          const z = row.reduce((a, v) => a + Math.exp(v - top), 0);
          expect(row.reduce((a, v) => a + Math.exp(v - top) / z, 0)).toBeCloseTo(1, 12);
        }
        const v = tf.tidy(() => {
          const x = tf.tensor(phi, shape);
          return [scalar(deepHitLoss(x, idx, e)), scalar(deepHitLoss(x, idx, e, { convention: 'paper' }))];
        });
        for (const s of v) expect(Number.isFinite(s) && s >= 0).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('a batch with no acceptable pair has rank loss 0 and a zero (not missing) gradient', () => {
    const x = tf.tensor2d([
      [0.1, 0.2],
      [0.3, -0.1],
    ]);
    expect(scalar(deepHitRankLoss(x, [0, 1], [0, 0]))).toBe(0);
    const g = tf.tidy(() =>
      tf
        .grad((p: tf.Tensor) => deepHitRankLoss(p, [0, 1], [0, 0]))(x)
        .dataSync(),
    );
    expect(Array.from(g)).toEqual([0, 0, 0, 0]);
  });

  it('leaves no tensors behind', () => {
    const { phi, idx, e, shape } = batch(3, 40, 2, 5);
    const x = tf.tensor(phi, shape);
    const y = tf.tensor2d(phi.slice(0, 200), [40, 5]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      tf.tidy(() => {
        tf.grad((p: tf.Tensor) => deepHitLoss(p, idx, e))(x);
        tf.grad((p: tf.Tensor) => deepHitLoss(p, idx, e, { convention: 'paper' }))(x);
        tf.grad((p: tf.Tensor) =>
          logisticHazardLoss(
            p,
            idx,
            e.map((v) => (v > 0 ? 1 : 0)),
          ),
        )(y);
        deepHitNll(
          y,
          idx,
          e.map((v) => (v > 0 ? 1 : 0)),
        );
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    y.dispose();
  });
});

describe('errors', () => {
  const x = tf.tensor2d([
    [0.1, 0.2],
    [0.3, -0.1],
  ]);
  it('rejects bad indices, codes, shapes and options with catalogue messages', () => {
    expect(() => deepHitLoss(x, [0, 2], [1, 0])).toThrow(messages.durationIndex('deepHitLoss', 'idxDuration[1]', 2, 2));
    expect(() => deepHitLoss(x, [0, 1], [2, 0])).toThrow(messages.notBinaryEvent('deepHitLoss', 'event', 0, 2));
    expect(() => deepHitLoss(tf.zeros([2, 2, 2]), [0, 1], [3, 0])).toThrow(messages.eventCodeRange('deepHitLoss', 'event', 2, 3));
    expect(() => deepHitLoss(x, [0, 1], [1, 0], { beta: 1 })).toThrow(
      messages.optionRange('deepHitLoss', 'beta', "omitted with convention 'pycox' (the ranking weight is 1 − alpha)", 1),
    );
    expect(() => deepHitLoss(x, [0, 1], [1, 0], { alpha: 1.5 })).toThrow(messages.optionRange('deepHitLoss', 'alpha', 'a finite number >= 0 and <= 1', 1.5));
    expect(() => deepHitRankLoss(x, [0, 1], [1, 0], { sigma: 0 })).toThrow(messages.optionRange('deepHitRankLoss', 'sigma', 'a finite number > 0', 0));
    expect(() => deepHitNll(tf.zeros([2]), [0, 1], [1, 0])).toThrow(
      messages.shapeMismatch('deepHitNll', 'phi', '[n, m] or [n, K, m] (K competing causes) with no zero dimension', '[2]'),
    );
    expect(() => logisticHazardLoss(tf.zeros([2, 1, 2]), [0, 1], [1, 0])).toThrow(messages.shapeMismatch('logisticHazardLoss', 'phi', '[n, m]', '[2, 1, 2]'));
    expect(() => logisticHazardLoss(x, [0], [1, 0])).toThrow(messages.lengthMismatch('logisticHazardLoss', 'idxDuration', 1, 'phi', 2));
  });
});
