/** Small synthetic survival data for the model tests (seeded; not a test file). */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/core/random.js';

export interface Synthetic {
  readonly x: tf.Tensor2D;
  X: Float32Array;
  time: Float64Array;
  event: Int32Array;
  n: number;
  d: number;
}

/**
 * Exponential event times with log-hazard x0 + x1, uniform censoring; with
 * `causes: 2` events get cause 2 when x2 > 0. Times rounded to `round`
 * decimals (ties when small).
 */
export function synthetic(n: number, d = 4, seed = 1, opts: { causes?: number; round?: number } = {}): Synthetic {
  const r = new Random(seed);
  const X = new Float32Array(n * d);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const scale = 10 ** (opts.round ?? 3);
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < d; j++) {
      const v = r.normal();
      X[i * d + j] = v;
      if (j < 2) lp += v;
    }
    const t = -Math.log(1 - r.next()) / Math.exp(lp);
    const c = 2 * r.next();
    time[i] = Math.max(1 / scale, Math.round(Math.min(t, c) * scale) / scale);
    const cause = (opts.causes ?? 1) > 1 && (X[i * d + 2] as number) > 0 ? 2 : 1;
    event[i] = t <= c ? cause : 0;
  }
  let x: tf.Tensor2D | undefined;
  return {
    // created on first use, after the test's beforeAll has chosen the backend
    get x(): tf.Tensor2D {
      x ??= tf.keep(tf.tensor2d(X, [n, d])); // kept: may first be used inside a tf.tidy
      return x;
    },
    X,
    time,
    event,
    n,
    d,
  };
}

/** All weights of a model as plain arrays. */
export function weightsOf(net: tf.LayersModel): number[][] {
  return net.getWeights().map((w) => Array.from(w.dataSync()));
}
