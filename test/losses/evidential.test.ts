import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { alphaFromLogits } from '../../src/heads/evidential-head.js';
import { dirichletKlToUniform, evidentialLoss } from '../../src/losses/evidential.js';
import { dirichletPrediction } from '../../src/uncertainty/class-prediction.js';
import { lgammaScalar } from '../../src/ops/gamma-math.js';
import { klAnnealing } from '../../src/models/classifiers/kl-annealing.js';
import { evidence64, kl64, loss64, type Evidence, type Kind } from './evidential-reference.js';
import { expectClose, finiteDiff, readCsv, readJson } from './reference.js';

interface PerEvidence {
  mse: number;
  log: number;
  digamma: number;
  S: number[];
  uncertainty: number[];
  mse_data_term: number[];
  kl_unweighted: number[];
  prob: number[][];
}
type Golden = { n: number; K: number; epoch: number; annealing_step: number; kl_weight: number } & Record<Evidence, PerEvidence> & {
    relu_wrappers: { edl_mse_loss: number; edl_log_loss: number; edl_digamma_loss: number };
  };

const G = readJson<Golden>('golden/expected/edl_losses.json');
const csv = readCsv('golden/inputs/loss_edl.csv').rows;
const labels = csv.map((r) => r[0] as number);
const outputs = csv.flatMap((r) => r.slice(1));
const K = G.K;
const n = G.n;
const EVIDENCES: Evidence[] = ['relu', 'exp', 'softplus'];
const KINDS: Kind[] = ['mse', 'log', 'digamma'];
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

let worst = 0;
let klWorst = 0;
function expectRel(a: number, b: number, tol: number, what: string): void {
  const r = rel(a, b);
  worst = Math.max(worst, r);
  expect(r, `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(tol);
}

function alphaOf(f: Evidence): { t: tf.Tensor2D; v: Float64Array } {
  const t = tf.tidy(() => alphaFromLogits(tf.tensor2d(outputs, [n, K]), f)) as tf.Tensor2D;
  return { t, v: Float64Array.from(t.dataSync()) };
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(() => {
  console.log(`evidential golden: max relative error ${worst.toExponential(2)} (losses, S, u, α/S, MSE term); KL ${klWorst.toExponential(2)}`);
});

describe('golden: dougbrion/pytorch-classification-uncertainty (float32), epoch 5, annealing step 10', () => {
  it('the annealing schedule gives the fixture’s KL weight', () => {
    expect(klAnnealing({ steps: G.annealing_step }).weight(G.epoch)).toBe(G.kl_weight);
  });

  it.each(EVIDENCES)('%s evidence: mse / log / digamma losses with the annealed KL', (f) => {
    const { t: alpha } = alphaOf(f);
    const lambda = klAnnealing({ steps: G.annealing_step }).weight(G.epoch);
    for (const kind of KINDS) {
      const v = tf.tidy(() => evidentialLoss(labels, alpha, { kind, klWeight: lambda }).dataSync()[0] as number);
      expectRel(v, G[f][kind], 2e-6, `${f}/${kind}`);
    }
    alpha.dispose();
  });

  it('the reference’s relu wrappers equal the relu losses', () => {
    expect(G.relu_wrappers.edl_mse_loss).toBe(G.relu.mse);
    expect(G.relu_wrappers.edl_log_loss).toBe(G.relu.log);
    expect(G.relu_wrappers.edl_digamma_loss).toBe(G.relu.digamma);
  });

  it.each(EVIDENCES)('%s evidence: per-sample S, u = K/S, α/S, MSE data term and unweighted KL(α̃)', (f) => {
    const { t: alpha, v } = alphaOf(f);
    const g = G[f];
    const pred = dirichletPrediction(v, n, K);
    const [data, kl] = tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), K);
      const tilde = tf.add(tf.mul(tf.sub(alpha, 1), tf.sub(1, y)), 1);
      return [evidentialLoss(y, alpha, { kind: 'mse', klWeight: 0, reduction: 'none' }).dataSync(), dirichletKlToUniform(tilde).dataSync()];
    });
    for (let i = 0; i < n; i++) {
      expectRel(K / (pred.uncertainty[i] as number), g.S[i] as number, 1e-6, `${f} S[${i}]`);
      expectRel(pred.uncertainty[i] as number, g.uncertainty[i] as number, 1e-6, `${f} u[${i}]`);
      expectRel(data?.[i] as number, g.mse_data_term[i] as number, 2e-6, `${f} mse term[${i}]`);
      // KL = lnΓ(S̃) − Σ lnΓ(α̃_k) + …: with exp evidence S̃ reaches ~1e5 and both float32 implementations
      // lose digits to cancellation (the oracle is up to 2.4e-5 off the float64 value), so the oracle is
      // matched within 1e-5 relative plus 4 float32 ulps of lnΓ(S̃), and survkit must be within 1e-6 relative plus
      // 2 ulps of the float64 value.
      const a = Array.from(v.subarray(i * K, (i + 1) * K), (x, j) => (j === labels[i] ? 1 : x));
      const scale = 4 * 2 ** -23 * Math.abs(lgammaScalar(a.reduce((u, x) => u + x, 0)));
      expect(Math.abs((kl?.[i] as number) - (g.kl_unweighted[i] as number)), `${f} KL[${i}]`).toBeLessThanOrEqual(
        1e-5 * Math.abs(g.kl_unweighted[i] as number) + scale,
      );
      const truth = kl64(a);
      expect(Math.abs((kl?.[i] as number) - truth), `${f} KL[${i}] vs float64`).toBeLessThanOrEqual(1e-6 * truth + scale / 2);
      klWorst = Math.max(klWorst, Math.abs((kl?.[i] as number) - (g.kl_unweighted[i] as number)) / (g.kl_unweighted[i] as number));
      for (let j = 0; j < K; j++) expectRel(pred.probs[i * K + j] as number, g.prob[i]?.[j] as number, 1e-6, `${f} prob[${i}][${j}]`);
    }
    alpha.dispose();
  });

  it('the float64 test reference agrees with the oracle (so the gradient checks below check the right function)', () => {
    for (const f of EVIDENCES) {
      const a = outputs.map((z) => evidence64(Math.fround(z), f) + 1);
      for (const kind of KINDS) expectRel(loss64(a, labels, K, kind, G.kl_weight), G[f][kind], 1e-5, `float64 ${f}/${kind}`);
    }
  });
});

describe.each(['cpu', 'wasm'])('gradients on %s vs float64 central differences', (backend) => {
  let previous = 'cpu';
  beforeAll(async () => {
    previous = tf.getBackend();
    expect(await tf.setBackend(backend)).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });
  const rng = new Random(backend === 'cpu' ? 11 : 12);
  const m = 6;
  const k = 4;
  const y = Array.from({ length: m }, () => rng.int(k));

  it.each(KINDS)('d loss / d α, kind %s, with KL weight 0.7', (kind) => {
    const a = Array.from({ length: m * k }, () => 1 + 6 * rng.next());
    const grad = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => evidentialLoss(y, x, { kind, klWeight: 0.7 }) as tf.Scalar)(tf.tensor2d(a, [m, k]))
        .dataSync(),
    );
    expectClose(
      grad,
      finiteDiff((p) => loss64(p, y, k, kind, 0.7), a, 1e-6),
      1e-3,
      1e-5,
    );
  });

  it.each(EVIDENCES)('d loss / d logits through %s evidence (all kinds)', (f) => {
    // keep logits off the relu kink and inside the exp clamp
    const z = Array.from({ length: m * k }, () => (rng.next() < 0.5 ? -1 : 1) * (0.2 + 2.5 * rng.next()));
    for (const kind of KINDS) {
      const grad = tf.tidy(() =>
        tf
          .grad((x: tf.Tensor) => evidentialLoss(y, alphaFromLogits(x, f), { kind, klWeight: 0.3 }) as tf.Scalar)(tf.tensor2d(z, [m, k]))
          .dataSync(),
      );
      const ref = (p: number[]): number =>
        loss64(
          p.map((v) => evidence64(v, f) + 1),
          y,
          k,
          kind,
          0.3,
        );
      expectClose(grad, finiteDiff(ref, z, 1e-6), 1e-3, 1e-5);
    }
  });

  it('d KL(Dir(α) ‖ Dir(1)) / d α', () => {
    const a = Array.from({ length: m * k }, () => 0.5 + 5 * rng.next());
    const grad = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum<tf.Scalar>(dirichletKlToUniform(x)))(tf.tensor2d(a, [m, k]))
        .dataSync(),
    );
    const ref = (p: number[]): number => Array.from({ length: m }, (_, i) => kl64(p.slice(i * k, (i + 1) * k))).reduce((u, v) => u + v, 0);
    expectClose(grad, finiteDiff(ref, a, 1e-6), 1e-3, 1e-5);
  });

  it('leaves no tensors behind', () => {
    const alpha = tf.tensor2d(
      Array.from({ length: m * k }, () => 1 + rng.next()),
      [m, k],
    );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        tf.grad((x: tf.Tensor) => evidentialLoss(y, x, { kind: 'digamma', klWeight: 1 }))(alpha);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    alpha.dispose();
  });
});

describe('properties', () => {
  const row = (k: number) => fc.array(fc.double({ min: 1, max: 50, noNaN: true }), { minLength: k, maxLength: k });

  it('KL(Dir(α) ‖ Dir(1)) >= 0, and = 0 at α = 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((k) => fc.tuple(fc.constant(k), fc.array(row(k), { minLength: 1, maxLength: 5 }))),
        ([k, rows]) => {
          const kl = tf.tidy(() => dirichletKlToUniform(tf.tensor2d(rows.flat(), [rows.length, k])).dataSync());
          kl.forEach((v, i) => expect(v, `row ${i}`).toBeGreaterThanOrEqual(-1e-5 * Math.max(1, kl64(rows[i] as number[]))));
        },
      ),
      { numRuns: 40 },
    );
    const zero = tf.tidy(() => dirichletKlToUniform(tf.ones([3, 7])).dataSync());
    for (const v of zero) expect(Math.abs(v)).toBeLessThan(1e-5);
  });

  it('more evidence for the true class lowers the loss (every kind, any KL weight)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 6 })
          .chain((k) =>
            fc.tuple(row(k), fc.integer({ min: 0, max: k - 1 }), fc.double({ min: 0.5, max: 20, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
          ),
        ([a, c, extra, lambda]) => {
          const k = a.length;
          const b = a.map((v, j) => (j === c ? v + extra : v));
          for (const kind of KINDS) {
            const [la, lb] = tf.tidy(() => [a, b].map((r) => evidentialLoss([c], tf.tensor2d(r, [1, k]), { kind, klWeight: lambda }).dataSync()[0] as number));
            // float32: allow rounding when the two values are very close
            expect(lb as number, `${kind}`).toBeLessThanOrEqual((la as number) + 1e-6 * Math.abs(la as number));
            expect(loss64(b, [c], k, kind, lambda)).toBeLessThan(loss64(a, [c], k, kind, lambda));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('one-hot targets equal class indices; reductions mean / sum / none agree', () => {
    const { t: alpha } = alphaOf('softplus');
    const [mean, sum, none, oneHot] = tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), K);
      return [
        evidentialLoss(labels, alpha, { kind: 'log', klWeight: 1 }).dataSync()[0] as number,
        evidentialLoss(labels, alpha, { kind: 'log', klWeight: 1, reduction: 'sum' }).dataSync()[0] as number,
        Array.from(evidentialLoss(labels, alpha, { kind: 'log', klWeight: 1, reduction: 'none' }).dataSync()),
        evidentialLoss(y, alpha, { kind: 'log', klWeight: 1 }).dataSync()[0] as number,
      ];
    });
    expect(oneHot).toBe(mean);
    expect(sum / n).toBeCloseTo(mean, 5);
    expect(none).toHaveLength(n);
    expect(none.reduce((u, v) => u + v, 0) / n).toBeCloseTo(mean, 5);
    alpha.dispose();
  });

  it('alphaFromLogits: α >= 1 for every evidence function; exp clamps at ±10', () => {
    const z = [-50, -10, -1, 0, 1, 10, 50];
    for (const f of EVIDENCES) {
      const a = tf.tidy(() => alphaFromLogits(tf.tensor1d(z), f).dataSync());
      a.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(1);
        expectRel(v, evidence64(z[i] as number, f) + 1, 1e-6, `${f}(${z[i]})`);
      });
    }
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(alphaFromLogits(x, 'exp')))(tf.tensor1d([-11, 0, 11]))
        .dataSync(),
    );
    expect(Array.from(g)).toEqual([0, 1, 0]);
  });
});

describe('errors', () => {
  const alpha = (): tf.Tensor2D =>
    tf.tensor2d([
      [2, 1, 1],
      [1, 3, 1],
    ]);
  it('rejects bad shapes, labels and options with catalogue messages', () => {
    tf.tidy(() => {
      expect(() => evidentialLoss([0, 1], tf.tensor1d([1, 2]), { klWeight: 0 })).toThrow(
        messages.shapeMismatch('evidentialLoss', 'alpha', '[n, k] with n, k >= 1', '[2]'),
      );
      expect(() => evidentialLoss([0], alpha(), { klWeight: 0 })).toThrow(messages.lengthMismatch('evidentialLoss', 'yTrue', 1, 'alpha', 2));
      expect(() => evidentialLoss([0, 3], alpha(), { klWeight: 0 })).toThrow(messages.classLabel('evidentialLoss', 'yTrue', 1, 3, 3, 'columns of alpha'));
      expect(() => evidentialLoss([0, 1.5], alpha(), { klWeight: 0 })).toThrow(messages.classLabel('evidentialLoss', 'yTrue', 1, 1.5, 3, 'columns of alpha'));
      expect(() => evidentialLoss(tf.ones([2, 2]), alpha(), { klWeight: 0 })).toThrow(
        messages.shapeMismatch('evidentialLoss', 'yTrue', '[2, 3] (one-hot, like alpha) or 2 class indices', '[2, 2]'),
      );
      expect(() => evidentialLoss([0, 1], alpha(), { klWeight: -1 })).toThrow(messages.optionRange('evidentialLoss', 'klWeight', 'a finite number >= 0', -1));
      expect(() => evidentialLoss([0, 1], alpha(), {} as { klWeight: number })).toThrow(
        messages.optionRange('evidentialLoss', 'klWeight', 'a finite number >= 0', undefined),
      );
      expect(() => evidentialLoss([0, 1], alpha(), { klWeight: 0, kind: 'ce' as Kind })).toThrow(
        messages.optionRange('evidentialLoss', 'kind', "one of 'mse', 'log', 'digamma'", 'ce'),
      );
      expect(() =>
        evidentialLoss(
          [0, 1],
          tf.tensor2d([
            [1, 0, 1],
            [1, 1, 1],
          ]),
          { klWeight: 0 },
        ),
      ).toThrow(messages.dirichletParameter('evidentialLoss', 'alpha', 1, 0));
      expect(() =>
        evidentialLoss(
          [0, 1],
          tf.tensor2d([
            [1, NaN, 1],
            [1, 1, 1],
          ]),
          { klWeight: 0 },
        ),
      ).toThrow(messages.dirichletParameter('evidentialLoss', 'alpha', 1, NaN));
      expect(() => dirichletKlToUniform(tf.tensor1d([1, 1]))).toThrow(messages.shapeMismatch('dirichletKlToUniform', 'alpha', '[n, k] with n, k >= 1', '[2]'));
    });
  });
});
