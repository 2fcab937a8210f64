/**
 * survkit's cpu Multiply/Add/Sub/RealDiv (leading-axis broadcasts), Mean,
 * Slice and PadV2 kernels (backbone-patches.ts): equal to TF.js's stock cpu
 * kernels on random shapes, broadcasts, axes, slices and paddings
 * (fast-check), including the cases they hand back to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerBackbonePatches, stockBackboneKernel } from '../../src/backend/kernels/backbone-patches.js';
import { trailingBroadcast } from '../../src/backend/kernels/elementwise-cpu.js';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';

beforeAll(async () => {
  registerBackbonePatches();
  await initBackend({ backend: 'cpu' });
});

/** Runs the stock cpu kernel `name` and returns its shape and values. */
function stock(name: string, inputs: Record<string, tf.Tensor>, attrs: object = {}): { shape: number[]; values: number[] } {
  const config = stockBackboneKernel(name, 'cpu');
  if (config === undefined) throw new Error(`no stock ${name}`);
  const be = tf.backend();
  const out = config.kernelFunc({ inputs, backend: be, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  const values = Array.from(be.readSync(out.dataId) as Float32Array);
  be.disposeData(out.dataId);
  return { shape: out.shape, values };
}

const seeded = (shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor => {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, () => (dtype === 'int32' ? r.int(9) - 4 : 0.5 + 2 * r.next()));
  return tf.tensor(v, shape, dtype);
};

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 });

describe('binary ops with broadcasting', () => {
  it('trailingBroadcast: leading ones dropped, trailing axes must match', () => {
    expect(trailingBroadcast([2, 3, 4], [4])).toBe(true);
    expect(trailingBroadcast([2, 3, 4], [1, 1, 4])).toBe(true);
    expect(trailingBroadcast([2, 3, 4], [])).toBe(true);
    expect(trailingBroadcast([2, 3, 4], [3, 4])).toBe(true);
    expect(trailingBroadcast([2, 3, 4], [3, 1])).toBe(false);
    expect(trailingBroadcast([3, 4], [2, 3, 4])).toBe(false);
  });

  it('property: equal to the stock kernels for any broadcast, both operand orders', () => {
    for (const k of ['Multiply', 'Add', 'Sub', 'RealDiv', 'Mean', 'Relu', 'Step', 'Slice', 'PadV2']) {
      expect(tf.getKernel(k, 'cpu')?.kernelFunc).not.toBe(stockBackboneKernel(k, 'cpu')?.kernelFunc); // survkit's is in force
    }
    fc.assert(
      fc.property(
        shapeArb,
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 31 }),
        fc.constantFrom('Multiply', 'Add', 'Sub', 'RealDiv'),
        fc.boolean(),
        fc.integer(),
        (shape, keep, onesMask, op, swap, seed) => {
          // small operand: the last `keep` axes of shape, some set to 1 (general broadcasts go to the stock kernel)
          const small = shape.slice(Math.max(0, shape.length - keep)).map((d, i) => ((onesMask >> i) & 1 ? 1 : d));
          const [a, b] = swap ? [seeded(small, seed), seeded(shape, seed + 1)] : [seeded(shape, seed), seeded(small, seed + 1)];
          const got = tf.engine().runKernel<tf.Tensor>(op, { a, b });
          const want = stock(op, { a, b });
          expect(got.shape).toEqual(want.shape);
          expect(Array.from(got.dataSync())).toEqual(want.values);
          tf.dispose([a, b, got]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('int32 operands go to the stock kernel', () => {
    const a = seeded([2, 3], 1, 'int32');
    const b = seeded([3], 2, 'int32');
    const got = tf.mul(a, b);
    expect(got.dtype).toBe('int32');
    expect(Array.from(got.dataSync())).toEqual(stock('Multiply', { a, b }).values);
    tf.dispose([a, b, got]);
  });
});

describe('Relu and Step', () => {
  it('equal the stock kernels, NaN and ±0 included', () => {
    const x = tf.tensor([-2, -0, 0, 0.5, 3, NaN, -Infinity, Infinity]);
    for (const [name, attrs] of [
      ['Relu', {}],
      ['Step', { alpha: 0 }],
      ['Step', { alpha: 0.3 }],
    ] as const) {
      const got = tf.engine().runKernel<tf.Tensor>(name, { x }, attrs);
      expect(Array.from(got.dataSync())).toEqual(stock(name, { x }, attrs).values);
      got.dispose();
    }
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 1, 1, NaN, 0, 1]);
    tf.dispose([x, g]);
  });
});

describe('Mean', () => {
  it('property: equal to the stock kernel (to float32 rounding) for any axes, keepDims or not', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 0, max: 31 }), fc.boolean(), fc.integer(), (shape, mask, keepDims, seed) => {
        const axes = shape.map((_, d) => d).filter((d) => (mask >> d) & 1);
        const x = seeded(shape, seed);
        const got = tf.mean(x, axes, keepDims);
        const want = stock('Mean', { x }, { axis: axes, keepDims });
        expect(got.shape).toEqual(want.shape);
        Array.from(got.dataSync()).forEach((v, i) => expect(Math.abs(v - (want.values[i] as number))).toBeLessThanOrEqual(1e-6 * Math.abs(v) + 1e-7));
        tf.dispose([x, got]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('Slice and PadV2', () => {
  it('property: slices equal the stock kernel', () => {
    fc.assert(
      fc.property(shapeArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }), fc.boolean(), (shape, u, int) => {
        const begin = shape.map((d, i) => Math.floor((u[i] as number) * d) % d);
        const size = shape.map((d, i) => 1 + Math.floor((u[i + 5] as number) * (d - (begin[i] as number) - 1e-9)));
        const x = seeded(shape, 3, int ? 'int32' : 'float32');
        const got = tf.slice(x, begin, size);
        const want = stock('Slice', { x }, { begin, size });
        expect(got.shape).toEqual(want.shape);
        expect(Array.from(got.dataSync())).toEqual(want.values);
        tf.dispose([x, got]);
      }),
      { numRuns: 100 },
    );
  });

  it('property: constant padding equals the stock kernel', () => {
    fc.assert(
      fc.property(shapeArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 10, maxLength: 10 }), fc.constantFrom(0, -1.5), (shape, p, value) => {
        const paddings = shape.map((_, i) => [p[i] as number, p[i + 5] as number] as [number, number]);
        const x = seeded(shape, 4);
        const got = tf.pad(x, paddings, value);
        const want = stock('PadV2', { x }, { paddings, constantValue: value });
        expect(got.shape).toEqual(want.shape);
        expect(Array.from(got.dataSync())).toEqual(want.values);
        tf.dispose([x, got]);
      }),
      { numRuns: 100 },
    );
  });

  it('slice gradient (a pad) and pad gradient (a slice) round-trip', () => {
    const x = seeded([2, 5, 4, 3], 5);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(
        tf.slice(
          tf.pad(t, [
            [0, 0],
            [1, 2],
            [2, 0],
            [0, 0],
          ]),
          [0, 1, 2, 0],
          [2, 5, 4, 3],
        ),
      ),
    )(x);
    expect(Array.from(g.dataSync()).every((v) => v === 1)).toBe(true);
    tf.dispose([x, g]);
  });
});
