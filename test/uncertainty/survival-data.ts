/** Generated survival data with a covariate region unseen in training (seeded; not a test file). */
import { Random } from '../../src/core/random.js';

export interface ShiftData {
  X: Float32Array;
  time: Float64Array;
  event: Int32Array;
  /** 1 for subjects from the unseen region. */
  ood: Uint8Array;
  n: number;
  d: number;
}

/**
 * d = 3 covariates; true log-hazard f(x) = 1.5·sin(1.2·x0) + 0.5·x1
 * (exponential times, uniform censoring on [0, 3]). In-distribution subjects
 * have x0 ~ U(−1.5, 1.5), where f rises with x0; a fraction `oodFraction`
 * has x0 ~ U(2.5, 4), where f falls again — a network trained on the first
 * region extrapolates the rise there, and members of an ensemble extrapolate
 * differently.
 */
export function shiftData(n: number, oodFraction: number, seed: number): ShiftData {
  const r = new Random(seed);
  const d = 3;
  const X = new Float32Array(n * d);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const ood = new Uint8Array(n);
  const nOod = Math.round(n * oodFraction);
  for (let i = 0; i < n; i++) {
    const out = i >= n - nOod;
    const x0 = out ? 2.5 + 1.5 * r.next() : -1.5 + 3 * r.next();
    const x1 = r.normal();
    const x2 = r.normal();
    X.set([x0, x1, x2], i * d);
    const f = 1.5 * Math.sin(1.2 * x0) + 0.5 * x1;
    const t = -Math.log(1 - r.next()) / Math.exp(f);
    const c = 3 * r.next();
    time[i] = Math.max(1e-3, Math.round(Math.min(t, c) * 1000) / 1000);
    event[i] = t <= c ? 1 : 0;
    ood[i] = out ? 1 : 0;
  }
  return { X, time, event, ood, n, d };
}
