/** Seeded 2-D Gaussian blobs for the classifier tests (not a test file). */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/core/random.js';

export interface Blobs {
  X: Float32Array;
  y: Int32Array;
  n: number;
  /** A new [n, 2] tensor (the caller disposes it). */
  tensor(): tf.Tensor2D;
}

/**
 * n points of 3 classes (round robin), class c centred at radius `radius`
 * and angle 90° + 120°·c, isotropic sd `sd`.
 */
export function blobs(n: number, seed: number, radius = 4, sd = 0.5): Blobs {
  const r = new Random(seed);
  const X = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const th = Math.PI / 2 + (2 * Math.PI * c) / 3;
    y[i] = c;
    X[2 * i] = radius * Math.cos(th) + sd * r.normal();
    X[2 * i + 1] = radius * Math.sin(th) + sd * r.normal();
  }
  return { X, y, n, tensor: () => tf.tensor2d(X, [n, 2]) };
}

/** n points on a circle of radius `radius` around the origin (the gap between the blobs when radius ≪ the blobs' radius). */
export function ring(n: number, seed: number, radius: number): tf.Tensor2D {
  const r = new Random(seed);
  const X = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const th = 2 * Math.PI * r.next();
    X[2 * i] = radius * Math.cos(th);
    X[2 * i + 1] = radius * Math.sin(th);
  }
  return tf.tensor2d(X, [n, 2]);
}

/** Fraction of equal entries. */
export function accuracy(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) k++;
  return k / y.length;
}

export function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s / a.length;
}
