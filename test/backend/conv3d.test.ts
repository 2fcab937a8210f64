/**
 * survkit's Conv3D / Conv3DBackpropInputV2 / Conv3DBackpropFilterV2 kernels
 * (one conv2d per temporal tap) on cpu and wasm, against a float64 definition
 * of the 3D convolution and its gradients. (TF.js 4.22's stock wasm
 * Conv3DBackpropInputV2 disagrees with the definition for several input
 * channels, and its filter gradient for strides > 1: these kernels replace it.)
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backbonePatchNames, registerBackbonePatches } from '../../src/backend/kernels/backbone-patches.js';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { conv3dNaive } from './conv3d-reference.js';
import { maxScaledDiff, randomValues, size } from './reference.js';

type Shape5 = [number, number, number, number, number];
type Triple = number | [number, number, number];
interface Case {
  name: string;
  x: Shape5;
  f: Shape5;
  strides: Triple;
  pad: 'same' | 'valid';
  dilations?: [number, number, number];
}

const cases: Case[] = [
  { name: '3×3×3 stride 1 same, 3 → 4 channels', x: [2, 5, 7, 6, 3], f: [3, 3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3×3×3 stride 2 same (odd sizes)', x: [2, 5, 7, 6, 3], f: [3, 3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: '1×3×3 stride 1 (no copies)', x: [2, 6, 8, 8, 2], f: [1, 3, 3, 2, 4], strides: 1, pad: 'same' },
  { name: '1×3×3 stride (1, 2, 2)', x: [2, 6, 8, 8, 2], f: [1, 3, 3, 2, 4], strides: [1, 2, 2], pad: 'same' },
  { name: '3×1×1 stride (2, 1, 1) valid', x: [2, 6, 5, 4, 2], f: [3, 1, 1, 2, 4], strides: [2, 1, 1], pad: 'valid' },
  { name: '3×7×7 stride (1, 2, 2) valid', x: [1, 7, 9, 9, 2], f: [3, 7, 7, 2, 3], strides: [1, 2, 2], pad: 'valid' },
  { name: '1×1×1 stride 2 (shortcut)', x: [2, 4, 6, 6, 3], f: [1, 1, 1, 3, 5], strides: 2, pad: 'valid' },
  { name: 'filter deeper than the clip, same', x: [1, 2, 4, 4, 1], f: [5, 3, 3, 1, 2], strides: 1, pad: 'same' },
];
const dilated: Case[] = [{ name: 'dilations (2, 1, 2), forward only', x: [1, 7, 9, 9, 2], f: [2, 2, 3, 2, 3], strides: 1, pad: 'same', dilations: [2, 1, 2] }];

const rng = new Random(11);
const t5 = (v: Float64Array, s: number[]): tf.Tensor5D => tf.tensor5d(Float32Array.from(v), s as Shape5);

let previous = 'cpu';
beforeAll(() => {
  previous = tf.getBackend() ?? 'cpu';
  registerBackbonePatches();
});
afterAll(async () => {
  await initBackend({ backend: previous as 'cpu' });
});

/** Forward, dx and dw of Σ conv3d(x, w) ⊙ dy on the active backend. */
function run(c: Case, x: Float64Array, w: Float64Array, dy: Float64Array | null, outShape: number[]): Float32Array[] {
  return tf.tidy(() => {
    const xt = t5(x, c.x);
    const wt = t5(w, c.f);
    const y = tf.conv3d(xt, wt, c.strides, c.pad, 'NDHWC', c.dilations ?? 1);
    if (dy === null) return [y.dataSync() as Float32Array];
    const dyt = t5(dy, outShape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.strides, c.pad), dyt)))([xt, wt]);
    return [y.dataSync() as Float32Array, ...g.map((t) => t.dataSync() as Float32Array)];
  });
}

describe('Conv3D kernels against the float64 definition', () => {
  it('are registered for cpu and wasm', () => {
    const names = backbonePatchNames();
    for (const b of ['cpu', 'wasm']) for (const k of ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2']) expect(names).toContain(`${k}@${b}`);
    expect(registerBackbonePatches()).toEqual(names); // idempotent
  });

  it.each([...cases, ...dilated].map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const info = tf.backend_util.computeConv3DInfo(c.x, c.f, c.strides, c.dilations ?? 1, c.pad);
    const x = randomValues(rng, size(c.x));
    const w = randomValues(rng, size(c.f));
    const grads = c.dilations === undefined;
    const dy = grads ? randomValues(rng, size(info.outShape)) : null;
    const ref = conv3dNaive(x, w, dy, info);
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      const be = tf.backend();
      const ids = be.numDataIds();
      const tensors = tf.memory().numTensors;
      const got = run(c, x, w, dy, info.outShape);
      expect(be.numDataIds()).toBe(ids); // every intermediate released
      expect(tf.memory().numTensors).toBe(tensors);
      expect(maxScaledDiff(got[0] as Float32Array, ref.y)).toBeLessThan(1e-5);
      if (grads) {
        expect(maxScaledDiff(got[1] as Float32Array, ref.dx)).toBeLessThan(1e-5);
        expect(maxScaledDiff(got[2] as Float32Array, ref.dw)).toBeLessThan(1e-5);
      }
    }
  });

  it('property: random shapes, strides and paddings match the definition on wasm', async () => {
    await initBackend({ backend: 'wasm' });
    const arb = fc.record({
      b: fc.integer({ min: 1, max: 2 }),
      d: fc.integer({ min: 1, max: 5 }),
      h: fc.integer({ min: 1, max: 6 }),
      w: fc.integer({ min: 1, max: 6 }),
      ci: fc.integer({ min: 1, max: 3 }),
      co: fc.integer({ min: 1, max: 3 }),
      kd: fc.integer({ min: 1, max: 3 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      sd: fc.integer({ min: 1, max: 2 }),
      sh: fc.integer({ min: 1, max: 2 }),
      same: fc.boolean(),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(arb, (p) => {
        const valid = !p.same;
        if (valid && (p.kd > p.d || p.kh > p.h || p.kw > p.w)) return; // no output
        const c: Case = {
          name: '',
          x: [p.b, p.d, p.h, p.w, p.ci],
          f: [p.kd, p.kh, p.kw, p.ci, p.co],
          strides: [p.sd, p.sh, p.sh],
          pad: p.same ? 'same' : 'valid',
        };
        const info = tf.backend_util.computeConv3DInfo(c.x, c.f, c.strides, 1, c.pad);
        const r = new Random(p.seed);
        const x = randomValues(r, size(c.x));
        const w = randomValues(r, size(c.f));
        const dy = randomValues(r, size(info.outShape));
        const ref = conv3dNaive(x, w, dy, info);
        const got = run(c, x, w, dy, info.outShape);
        expect(maxScaledDiff(got[0] as Float32Array, ref.y)).toBeLessThan(1e-5);
        expect(maxScaledDiff(got[1] as Float32Array, ref.dx)).toBeLessThan(1e-5);
        expect(maxScaledDiff(got[2] as Float32Array, ref.dw)).toBeLessThan(1e-5);
      }),
      { numRuns: 40 },
    );
  });
});
