import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { SurvkitError } from '../../src/core/errors.js';
import { evidentialRegressionLoss, nigPrediction } from '../../src/losses/evidential-regression.js';
import { iedlLoss, redlLoss } from '../../src/losses/evidential-variants.js';
import { evidentialLoss } from '../../src/losses/evidential.js';
import { finiteDiff, readJson } from './reference.js';

interface Fixture {
  classification: { logits: number[][]; labels: number[]; evidence: number[][] };
  iedl: { fisher_c: number; kl_weight: number; loss: number; mse: number; var: number; fisher: number; kl: number }[];
  redl: { lambda_: number; kl_weight: number; loss: number; mse: number; kl: number; prob: number[][]; uncertainty: number[] }[];
  der: { params: number[][]; y: number[]; nll: number[]; reg: number[]; loss_coeff_1: number; loss_coeff_0_01: number };
}

const F = readJson<Fixture>('classification/edl-variants.json');
const { labels, evidence } = F.classification;
const n = labels.length;
const alpha = (): tf.Tensor2D => tf.tensor2d(evidence.map((r) => r.map((e) => e + 1)));
const scalar = (t: tf.Tensor): number => {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
};
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('iedlLoss: danruod/IEDL FisherEvidentialN (float64 reference)', () => {
  it.each(F.iedl.map((c) => [c.fisher_c, c.kl_weight, c] as const))('fisher weight %s, KL weight %s', (fisherWeight, klWeight, c) => {
    const a = alpha();
    expect(rel(scalar(iedlLoss(labels, a, { klWeight, fisherWeight })), c.loss)).toBeLessThan(2e-5);
    // The data terms alone (KL weight 0, Fisher weight 0) are the reference's mse + var.
    expect(rel(scalar(iedlLoss(labels, a, { klWeight: 0, fisherWeight: 0 })), c.mse + c.var)).toBeLessThan(2e-5);
    // The KL is the standard EDL regulariser: the same as evidentialLoss's KL term.
    const edlKl = scalar(evidentialLoss(labels, a, { kind: 'mse', klWeight: 1 })) - scalar(evidentialLoss(labels, a, { kind: 'mse', klWeight: 0 }));
    expect(rel(edlKl, c.kl)).toBeLessThan(2e-5);
    a.dispose();
  });

  it('per-sample values average to the mean and the gradient matches finite differences', () => {
    const a = alpha();
    const per = iedlLoss(labels, a, { klWeight: 0.5, reduction: 'none' });
    expect(per.shape).toEqual([n]);
    const mean = Array.from(per.dataSync()).reduce((s, v) => s + v, 0) / n;
    per.dispose();
    expect(rel(mean, F.iedl[0]?.loss as number)).toBeLessThan(2e-5);
    const x0 = [3.5, 1.2, 1.0, 2.4];
    const f = (x: number[]): number => tf.tidy(() => iedlLoss([0], tf.tensor2d([x]), { klWeight: 0.7, fisherWeight: 0.3 }).dataSync()[0] as number);
    const g = tf.tidy(() =>
      Array.from(
        tf
          .grad((t: tf.Tensor) => iedlLoss([0], t, { klWeight: 0.7, fisherWeight: 0.3, reduction: 'sum' }))(tf.tensor2d([x0]))
          .dataSync(),
      ),
    );
    const fd = finiteDiff(f, [3.5, 1.2, 1.01, 2.4], 1e-2);
    // α_3 = 1 sits at the boundary; compare the interior coordinates.
    [0, 1, 3].forEach((j) => expect(Math.abs((g[j] as number) - (fd[j] as number))).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd[j] as number))));
    a.dispose();
  });

  it('rejects α below 1 and bad options, naming the function', () => {
    const bad = tf.tensor2d([[0.5, 2]]);
    expect(() => iedlLoss([0], bad, { klWeight: 0 })).toThrow(SurvkitError);
    expect(() => iedlLoss([0], bad, { klWeight: 0 })).toThrow(/iedlLoss: 'alpha' must hold finite Dirichlet parameters alpha = evidence \+ 1 >= 1/);
    const ok = tf.tensor2d([[1.5, 2]]);
    expect(() => iedlLoss([0], ok, { klWeight: -1 })).toThrow(/iedlLoss/);
    expect(() => iedlLoss([0, 1], ok, { klWeight: 0 })).toThrow(/iedlLoss/);
    expect(() => iedlLoss([0], ok, { klWeight: 0, fisherWeight: Number.NaN })).toThrow(/fisherWeight/);
    tf.dispose([bad, ok]);
  });
});

describe('redlLoss: MengyuanChen21/ICLR2024-REDL ModifiedEvidentialNet (float64 reference)', () => {
  it.each(F.redl.map((c) => [c.lambda_, c.kl_weight, c] as const))('lambda %s, KL weight %s', (lambda, klWeight, c) => {
    const a = alpha();
    expect(rel(scalar(redlLoss(labels, a, { klWeight, lambda })), c.loss)).toBeLessThan(2e-5);
    expect(rel(scalar(redlLoss(labels, a, { klWeight: 0, lambda })), c.mse)).toBeLessThan(2e-5);
    a.dispose();
  });

  it('with lambda = 1 its KL is the standard EDL regulariser', () => {
    const a = alpha();
    const r = scalar(redlLoss(labels, a, { klWeight: 1, lambda: 1 })) - scalar(redlLoss(labels, a, { klWeight: 0, lambda: 1 }));
    const e = scalar(evidentialLoss(labels, a, { kind: 'mse', klWeight: 1 })) - scalar(evidentialLoss(labels, a, { kind: 'mse', klWeight: 0 }));
    expect(rel(r, e)).toBeLessThan(1e-5);
    a.dispose();
  });

  it('rejects a non-positive lambda', () => {
    const a = alpha();
    expect(() => redlLoss(labels, a, { klWeight: 0, lambda: 0 })).toThrow(/redlLoss: .*lambda/);
    a.dispose();
  });
});

describe('evidentialRegressionLoss: aamini/evidential-deep-learning continuous.py (float64 reference)', () => {
  const m = F.der.params.length;
  it('per-sample NLL + reg and the batch losses for coeff 1 and 0.01', () => {
    const p = tf.tensor2d(F.der.params);
    const per = evidentialRegressionLoss(F.der.y, p, { coeff: 1, reduction: 'none' });
    const v = per.dataSync();
    per.dispose();
    for (let i = 0; i < m; i++) expect(rel(v[i] as number, (F.der.nll[i] as number) + (F.der.reg[i] as number))).toBeLessThan(2e-5);
    expect(rel(scalar(evidentialRegressionLoss(F.der.y, p, { coeff: 1 })), F.der.loss_coeff_1)).toBeLessThan(2e-5);
    expect(rel(scalar(evidentialRegressionLoss(F.der.y, p)), F.der.loss_coeff_0_01)).toBeLessThan(2e-5);
    p.dispose();
  });

  it('nigPrediction gives E[σ²] = β/(α − 1) and Var[μ] = β/(ν(α − 1))', () => {
    const r = nigPrediction([0.5, 2, 3, 4], 1);
    expect(r.mean[0]).toBe(0.5);
    expect(r.aleatoric[0]).toBe(2);
    expect(r.epistemic[0]).toBe(1);
  });

  it('rejects α ≤ 1 and a wrong column count', () => {
    const bad = tf.tensor2d([[0, 1, 1, 1]]);
    expect(() => evidentialRegressionLoss([0], bad)).toThrow(/evidentialRegressionLoss: 'alpha' must be finite .* alpha > 1/);
    const three = tf.tensor2d([[0, 1, 2]]);
    expect(() => evidentialRegressionLoss([0], three)).toThrow(/\[1, 4\]/);
    expect(() => nigPrediction([0, 1, 2], 1)).toThrow(/nigPrediction/);
    tf.dispose([bad, three]);
  });
});
