/**
 * Float64 reference implementations for the kernel tests: naive NHWC
 * convolution, depthwise convolution and max pooling (straight from the
 * definitions, no im2col), a seeded random tensor, and central finite
 * differences of a scalar function of a Float64Array.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect } from 'vitest';
import { registerKernelPatches } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';

export type Shape4 = [number, number, number, number];

/** Uniform(−1, 1) values, rounded to float32 so float32 and float64 see the same inputs. */
export function randomValues(rng: Random, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(2 * rng.next() - 1);
  return out;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** y = conv2d(x, w) in float64 (NHWC; conv info from TF.js, so padding matches). */
export function conv2dNaive(x: Float64Array, w: Float64Array, c: tf.backend_util.Conv2DInfo): Float64Array {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = c;
  const y = new Float64Array(B * OH * OW * Co);
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let co = 0; co < Co; co++) {
          let s = 0;
          for (let kh = 0; kh < c.filterHeight; kh++) {
            const ih = oh * c.strideHeight + kh * c.dilationHeight - c.padInfo.top;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < c.filterWidth; kw++) {
              const iw = ow * c.strideWidth + kw * c.dilationWidth - c.padInfo.left;
              if (iw < 0 || iw >= W) continue;
              for (let ci = 0; ci < Ci; ci++) {
                s += (x[((b * H + ih) * W + iw) * Ci + ci] as number) * (w[((kh * c.filterWidth + kw) * Ci + ci) * Co + co] as number);
              }
            }
          }
          y[((b * OH + oh) * OW + ow) * Co + co] = s;
        }
  return y;
}

/** Depthwise conv2d in float64: filter [KH, KW, Ci, M], output channel ci·M + m. */
export function depthwiseNaive(x: Float64Array, w: Float64Array, c: tf.backend_util.Conv2DInfo): Float64Array {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = c;
  const M = Co / Ci;
  const y = new Float64Array(B * OH * OW * Co);
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let ci = 0; ci < Ci; ci++)
          for (let m = 0; m < M; m++) {
            let s = 0;
            for (let kh = 0; kh < c.filterHeight; kh++) {
              const ih = oh * c.strideHeight + kh * c.dilationHeight - c.padInfo.top;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < c.filterWidth; kw++) {
                const iw = ow * c.strideWidth + kw * c.dilationWidth - c.padInfo.left;
                if (iw < 0 || iw >= W) continue;
                s += (x[((b * H + ih) * W + iw) * Ci + ci] as number) * (w[((kh * c.filterWidth + kw) * Ci + ci) * M + m] as number);
              }
            }
            y[((b * OH + oh) * OW + ow) * Co + ci * M + m] = s;
          }
  return y;
}

/** Max pooling in float64 (NHWC, padding ignored as −∞). */
export function maxPoolNaive(x: Float64Array, c: tf.backend_util.Conv2DInfo): Float64Array {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const y = new Float64Array(B * OH * OW * C);
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let ch = 0; ch < C; ch++) {
          let best = -Infinity;
          for (let kh = 0; kh < c.filterHeight; kh++) {
            const ih = oh * c.strideHeight + kh - c.padInfo.top;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < c.filterWidth; kw++) {
              const iw = ow * c.strideWidth + kw - c.padInfo.left;
              if (iw < 0 || iw >= W) continue;
              best = Math.max(best, x[((b * H + ih) * W + iw) * C + ch] as number);
            }
          }
          y[((b * OH + oh) * OW + ow) * C + ch] = best;
        }
  return y;
}

/** Σ a ⊙ b in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Central finite differences of f at v, element by element, step h (float64). */
export function finiteDiff(f: (v: Float64Array) => number, v: Float64Array, h = 1e-4): Float64Array {
  const g = new Float64Array(v.length);
  const w = Float64Array.from(v);
  for (let i = 0; i < v.length; i++) {
    const v0 = v[i] as number;
    w[i] = v0 + h;
    const up = f(w);
    w[i] = v0 - h;
    const down = f(w);
    w[i] = v0;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Max |a − b| / (1 + max |b|): float32 results against float64 references. */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst / (1 + scale);
}

/** Runs `f` on `backend` and returns the values of its result (disposing everything). */
export async function on(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<Float32Array> {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  return tf.tidy(() => f().dataSync() as Float32Array);
}

/** Registers survkit's kernel patches before the file's tests and restores the previous backend after them. */
export function usePatchedKernels(): void {
  let previous = 'cpu';
  beforeAll(() => {
    previous = tf.getBackend() ?? 'cpu';
    registerKernelPatches();
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });
}
