/**
 * The batch-norm gradient override and the cpu FusedConv2D kernel of
 * backbone-patches.ts: against TF.js's stock gradient / kernel and float64
 * finite differences; registration is idempotent and reversible.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backbonePatchNames, registerBackbonePatches, stockBackboneKernel, unregisterBackbonePatches } from '../../src/backend/kernels/backbone-patches.js';
import { biasActivationInPlace } from '../../src/backend/kernels/fused-conv2d-cpu.js';
import { initBackend } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { finiteDiff, maxScaledDiff, randomValues } from './reference.js';

let previous = 'cpu';
beforeAll(() => {
  previous = tf.getBackend() ?? 'cpu';
  registerBackbonePatches();
});
afterAll(async () => {
  registerBackbonePatches();
  await initBackend({ backend: previous as 'cpu' });
});

interface BnCase {
  name: string;
  x: number[];
  /** Shape of mean, variance, scale and offset. */
  stat: number[];
  /** Whether TF.js's own gradient handles the case (it fails for rank-4 statistics that broadcast). */
  stock: boolean;
}
// (A batch norm without scale cannot be differentiated in TF.js at all: the engine saves the missing input.)
const bnCases: BnCase[] = [
  { name: '[b, h, w, c] with per-channel statistics', x: [3, 4, 5, 6], stat: [6], stock: true },
  { name: '[b, c] (dense layer)', x: [7, 5], stat: [5], stock: true },
  { name: 'statistics of the full shape (no reduction)', x: [2, 3], stat: [2, 3], stock: true },
  { name: 'broadcast statistics [1, 1, 1, c]', x: [2, 3, 3, 4], stat: [1, 1, 1, 4], stock: false },
];

/** All five gradients of Σ batchNorm(x, m, v, offset, scale) ⊙ dy. */
function bnGrads(c: BnCase, values: Float64Array[]): Float32Array[] {
  return tf.tidy(() => {
    const [x, m, v, o, s, dy] = values.map((a, i) => tf.tensor(Float32Array.from(a), i === 0 || i === 5 ? c.x : c.stat));
    const f = (...t: tf.Tensor[]) => tf.sum(tf.mul(tf.batchNorm(t[0] as tf.Tensor, t[1] as tf.Tensor, t[2] as tf.Tensor, t[3], t[4], 1e-3), dy as tf.Tensor));
    return tf
      .grads(f)([x, m, v, o, s] as tf.Tensor[])
      .map((g) => g.dataSync() as Float32Array);
  });
}

function bnValues(c: BnCase, seed: number): Float64Array[] {
  const r = new Random(seed);
  const n = c.x.reduce((a, b) => a * b, 1);
  const k = c.stat.reduce((a, b) => a * b, 1);
  const variance = randomValues(r, k).map((u) => Math.fround(0.5 + Math.abs(u)));
  return [randomValues(r, n), randomValues(r, k), variance, randomValues(r, k), randomValues(r, k), randomValues(r, n)];
}

describe('batch-norm gradient', () => {
  it.each(bnCases.filter((c) => c.stock).map((c) => [c.name, c] as const))('%s: equals the stock gradient on cpu and wasm', async (_name, c) => {
    const values = bnValues(c, 3);
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      const mine = bnGrads(c, values);
      unregisterBackbonePatches();
      const stock = bnGrads(c, values);
      registerBackbonePatches();
      expect(mine.length).toBe(stock.length);
      mine.forEach((g, i) => expect(maxScaledDiff(g, stock[i] as Float32Array)).toBeLessThan(1e-5));
    }
  });

  it.each(bnCases.map((c) => [c.name, c] as const))('%s: agrees with float64 finite differences (x, mean, variance, offset, scale)', async (_name, c) => {
    await initBackend({ backend: 'wasm' });
    const values = bnValues(c, 5);
    const [x, m, v, o, s, dy] = values as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const C = m.length;
    const loss = (xx: Float64Array, mm: Float64Array, vv: Float64Array, oo: Float64Array, ss: Float64Array): number => {
      let sum = 0;
      for (let i = 0; i < xx.length; i++) {
        const ch = i % C; // statistics broadcast over the leading axes
        sum +=
          (((xx[i] as number) - (mm[ch] as number)) / Math.sqrt((vv[ch] as number) + 1e-3)) * (ss[ch] as number) * (dy[i] as number) +
          (oo[ch] as number) * (dy[i] as number);
      }
      return sum;
    };
    const want = [
      finiteDiff((t) => loss(t, m, v, o, s), x),
      finiteDiff((t) => loss(x, t, v, o, s), m),
      finiteDiff((t) => loss(x, m, t, o, s), v),
      finiteDiff((t) => loss(x, m, v, t, s), o),
      finiteDiff((t) => loss(x, m, v, o, t), s),
    ];
    const got = bnGrads(c, values);
    got.forEach((g, i) => expect(maxScaledDiff(g, want[i] as Float64Array)).toBeLessThan(1e-4));
  });

  it('keeps tf.layers.batchNormalization training free of tf.tile', async () => {
    await initBackend({ backend: 'wasm' });
    const layer = tf.layers.batchNormalization({ axis: -1 });
    const x = tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 1);
    layer.apply(x);
    const info = await tf.profile(() => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t, { training: true }) as tf.Tensor))(x)));
    expect(info.kernels.map((k) => k.name)).not.toContain('Tile');
    tf.dispose(x);
    layer.dispose();
  });
});

describe('cpu FusedConv2D', () => {
  const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  it.each(activations)('%s: equals the stock cpu kernel (with and without bias)', async (activation) => {
    await initBackend({ backend: 'cpu' });
    const stock = stockBackboneKernel('FusedConv2D', 'cpu');
    expect(stock).toBeDefined();
    for (const withBias of [true, false]) {
      const run = (useStock: boolean): Float32Array =>
        tf.tidy(() => {
          const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 1);
          const filter = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
          const bias = withBias ? tf.randomNormal([4], 0, 1, 'float32', 3) : undefined;
          const alpha = activation === 'prelu' ? tf.randomNormal([4], 0, 0.3, 'float32', 4) : undefined;
          const inputs: Record<string, tf.Tensor> = { x, filter };
          if (bias) inputs.bias = bias;
          if (alpha) inputs.preluActivationWeights = alpha;
          const attrs = { strides: [2, 1], pad: 'same', dataFormat: 'NHWC', dilations: 1, activation, leakyreluAlpha: 0.1 } as unknown as tf.NamedAttrMap;
          if (!useStock) return tf.engine().runKernel<tf.Tensor>('FusedConv2D', inputs, attrs).dataSync() as Float32Array;
          const be = tf.backend();
          const out = (stock as tf.KernelConfig).kernelFunc({ inputs, backend: be, attrs }) as tf.TensorInfo;
          const values = Float32Array.from(be.readSync(out.dataId) as Float32Array);
          be.disposeData(out.dataId);
          return values;
        });
      expect(maxScaledDiff(run(false), run(true))).toBeLessThan(1e-5);
    }
  });

  it('runs through survkit Conv2D: a conv → batch-norm layer trains on cpu with finite gradients', async () => {
    await initBackend({ backend: 'cpu' });
    const conv = tf.layers.conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    });
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 2);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(conv.apply(t) as tf.Tensor)))(x);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, g]);
    conv.dispose();
  });

  it('biasActivationInPlace: per-channel and scalar bias, each activation', () => {
    const y = Float32Array.from([-2, -0.5, 0.5, 8]);
    biasActivationInPlace(y, 2, Float32Array.from([1, -1]), 'relu6');
    expect(Array.from(y)).toEqual([0, 0, 1.5, 6]);
    const z = Float32Array.from([-1, 1]);
    biasActivationInPlace(z, 1, Float32Array.from([0.5]), 'leakyrelu', 0.2);
    expect(Array.from(z)).toEqual([Math.fround(-0.1), 1.5]);
  });
});

describe('wasm Sum of rank >= 5', () => {
  it.each<[number[], number[], boolean]>([
    [[3, 4, 5, 6, 7], [0, 1, 2, 3], false],
    [[3, 4, 5, 6, 7], [0, 1, 2, 3], true],
    [[2, 3, 4, 5, 6], [1, 3], false],
    [[2, 3, 4, 5, 6], [0], true],
    [[2, 2, 3, 2, 3, 4], [0, 2, 4], false],
    [[2, 3, 4, 5, 6], [3, 4], false], // innermost: the stock kernel
    [[3, 4, 5], [0, 1], false], // rank 3: the stock kernel
  ])('shape %j, axes %j, keepDims %s: equals a float64 sum', async (shape, axes, keepDims) => {
    await initBackend({ backend: 'wasm' });
    const n = shape.reduce((a, b) => a * b, 1);
    const values = randomValues(new Random(n), n);
    const got = tf.tidy(() => tf.sum(tf.tensor(Float32Array.from(values), shape), axes, keepDims));
    const keptShape = shape.map((s, d) => (axes.includes(d) ? 1 : s));
    expect(got.shape).toEqual(keepDims ? keptShape : shape.filter((_, d) => !axes.includes(d)));
    // reference: accumulate each element into its output cell
    const want = new Float64Array(got.size);
    const strides = keptShape.map((_, d) => keptShape.slice(d + 1).reduce((a, b) => a * b, 1));
    for (let i = 0; i < n; i++) {
      let rest = i;
      let o = 0;
      for (let d = shape.length - 1; d >= 0; d--) {
        const idx = rest % (shape[d] as number);
        rest = Math.floor(rest / (shape[d] as number));
        if (!axes.includes(d)) o += idx * (strides[d] as number);
      }
      want[o] = (want[o] as number) + (values[i] as number);
    }
    expect(maxScaledDiff(got.dataSync(), want)).toBeLessThan(1e-6);
    got.dispose();
  });

  it('leaves int32 sums to the stock kernel', async () => {
    await initBackend({ backend: 'wasm' });
    const s = tf.sum(tf.ones([2, 2, 2, 2, 3], 'int32'), [0, 1, 2, 3]);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([16, 16, 16]);
    s.dispose();
  });
});

describe('registration', () => {
  it('lists its patches, is idempotent and restores the stock kernels', () => {
    const names = registerBackbonePatches();
    expect(names).toContain('FusedConv2D@cpu');
    expect(names).toContain('grad:FusedBatchNorm');
    expect(registerBackbonePatches()).toEqual(names);
    const stock = stockBackboneKernel('Conv3D', 'wasm')?.kernelFunc;
    expect(stock).toBeDefined();
    expect(tf.getKernel('Conv3D', 'wasm')?.kernelFunc).not.toBe(stock);
    unregisterBackbonePatches();
    expect(backbonePatchNames()).toEqual([]);
    expect(tf.getKernel('Conv3D', 'wasm')?.kernelFunc).toBe(stock);
    registerBackbonePatches();
    expect(tf.getKernel('Conv3D', 'wasm')?.kernelFunc).not.toBe(stock);
  });
});
