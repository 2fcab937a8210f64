/** dirichletKlToUniform at large evidence against closed-form float64 values. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dirichletKlToUniform } from '../../src/losses/evidential.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * KL(Dir(a, 1, …, 1) ‖ Dir(1, …, 1)) for K classes, in closed form: the density of
 * Dir(a, 1, …, 1) is Γ(a + K − 1)/Γ(a) · x_1^{a−1} and the uniform one (K − 1)!, and
 * E[ln X_1] = ψ(a) − ψ(a + K − 1) = −Σ_{j<K−1} 1/(a + j), so
 * KL = Σ_{j<K−1} ln(a + j) − ln (K − 1)! − (a − 1)·Σ_{j<K−1} 1/(a + j)  (float64, no cancellation of large terms).
 */
function klOneLarge(a: number, k: number): number {
  let logs = 0;
  let lf = 0;
  for (let j = 0; j < k - 1; j++) {
    logs += Math.log(a + j);
    lf += Math.log(j + 1);
  }
  // (a − 1)·Σ 1/(a + j) = Σ (1 − (j + 1)/(a + j)), exact for huge a.
  let lin = 0;
  for (let j = 0; j < k - 1; j++) lin += 1 - (j + 1) / (a + j);
  return logs - lf - lin;
}

describe('dirichletKlToUniform: large evidence', () => {
  const evidence = [1, 2.5, 7.9, 8, 8.1, 30, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
  it.each([2, 3, 10])('K = %i: within float32 precision of the float64 closed form for α_1 = 1 … 1e12', (k) => {
    const rows = evidence.map((a) => [a, ...Array.from({ length: k - 1 }, () => 1)]);
    const got = tf.tidy(() => Array.from(dirichletKlToUniform(tf.tensor2d(rows)).dataSync()));
    evidence.forEach((a, i) => {
      const want = klOneLarge(a, k);
      expect(got[i]!, `α_1 = ${a}`).toBeGreaterThanOrEqual(0);
      // float32 inputs: α = 7.9 is stored as 7.900000095…; allow float32 rounding of inputs and result.
      expect(Math.abs(got[i]! - want), `α_1 = ${a}`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(want)));
    });
  });
  it('gradients stay finite for tiny and huge α', () => {
    const g = tf.tidy(() =>
      Array.from(
        tf
          .grad((x: tf.Tensor) => dirichletKlToUniform(x as tf.Tensor2D).sum())(
            tf.tensor2d([
              [1e-3, 1, 2],
              [1e12, 1, 1],
            ]),
          )
          .dataSync(),
      ),
    );
    for (const v of g) expect(Number.isFinite(v)).toBe(true);
  });
});
