/**
 * survkit's convolution kernels (Conv2DBackpropFilter, Conv2DBackpropInput,
 * cpu Conv2D) and Conv2D gradient, on cpu and wasm: against the stock TF.js
 * cpu kernels and against float64 central finite differences of a naive
 * convolution, over strides 1/2, 'same'/'valid'/explicit padding,
 * dilations 1/2, NHWC (and NCHW at the kernel level).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { stockKernel } from '../../src/backend/index.js';
import { Random } from '../../src/core/random.js';
import { conv2dNaive, dot, finiteDiff, maxScaledDiff, on, randomValues, size, type Shape4, usePatchedKernels } from './reference.js';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface Case {
  name: string;
  x: Shape4;
  f: Shape4;
  strides: number | [number, number];
  pad: Pad;
  dilations?: number;
}

const cases: Case[] = [
  { name: '3×3 stride 1 same', x: [2, 6, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3×3 stride 2 same (odd size)', x: [2, 7, 7, 3], f: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { name: '3×3 stride 1 valid', x: [2, 6, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { name: '3×2 stride 2 valid (unused border rows)', x: [2, 8, 7, 2], f: [3, 2, 2, 3], strides: 2, pad: 'valid' },
  { name: 'strides [2, 1] same', x: [1, 7, 6, 2], f: [3, 3, 2, 3], strides: [2, 1], pad: 'same' },
  { name: '1×1 stride 1', x: [2, 5, 5, 1], f: [1, 1, 1, 5], strides: 1, pad: 'valid' },
  { name: '1×1 stride 2 (phases without taps)', x: [2, 6, 5, 3], f: [1, 1, 3, 2], strides: 2, pad: 'valid' },
  { name: '2×2 stride 3 same', x: [1, 8, 8, 2], f: [2, 2, 2, 3], strides: 3, pad: 'same' },
  {
    name: 'explicit padding stride 2',
    x: [1, 6, 6, 2],
    f: [3, 3, 2, 3],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { name: '3×3 dilation 2 same', x: [1, 8, 8, 2], f: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  { name: '2×3 dilation 2 valid', x: [2, 8, 7, 2], f: [2, 3, 2, 3], strides: 1, pad: 'valid', dilations: 2 },
];

const rng = new Random(7);
const data = cases.map((c) => {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, c.dilations ?? 1, c.pad);
  return { c, info, x: randomValues(rng, size(c.x)), w: randomValues(rng, size(c.f)), dy: randomValues(rng, size(info.outShape)) };
});

const t4 = (v: Float64Array, s: Shape4 | number[]): tf.Tensor4D => tf.tensor4d(Float32Array.from(v), s as Shape4);

/** Runs a stock cpu kernel on tensors and returns its values. */
function stockCpu(name: string, inputs: Record<string, tf.Tensor>, attrs: object): Float32Array {
  const config = stockKernel(name, 'cpu');
  if (config === undefined) throw new Error(`no stock ${name}`);
  const backend = tf.backend();
  const out = config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return values;
}

usePatchedKernels();

// Larger cases (compared with the stock kernels only): wide enough that the wasm
// filter gradient splits the batch into several XNNPACK products and sums them.
const grouped: Case[] = [
  { name: 'several image groups, stride 1 same', x: [3, 20, 20, 2], f: [3, 3, 2, 100], strides: 1, pad: 'same' },
  { name: 'several image groups, stride 2 same', x: [3, 20, 20, 2], f: [3, 3, 2, 400], strides: 2, pad: 'same' },
];
const groupedData = grouped.map((c) => {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad);
  return { c, info, x: randomValues(rng, size(c.x)), w: randomValues(rng, size(c.f)), dy: randomValues(rng, size(info.outShape)) };
});

describe('against the stock cpu kernels (dilations 1)', () => {
  const plain = [...data.filter((d) => (d.c.dilations ?? 1) === 1), ...groupedData];
  it.each(plain.map((d) => [d.c.name, d] as const))('%s', async (_name, d) => {
    const { c } = d;
    await tf.setBackend('cpu');
    const want = tf.tidy(() => {
      const x = t4(d.x, c.x);
      const w = t4(d.w, c.f);
      const dy = t4(d.dy, d.info.outShape);
      const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' };
      return {
        filter: stockCpu('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape: c.f }),
        input: stockCpu('Conv2DBackpropInput', { dy, filter: w }, { ...common, inputShape: c.x }),
        forward: stockCpu('Conv2D', { x, filter: w }, { ...common, dilations: 1 }),
      };
    });
    for (const backend of ['cpu', 'wasm'] as const) {
      const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' } as tf.NamedAttrMap;
      const filter = await on(backend, () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: t4(d.x, c.x), dy: t4(d.dy, d.info.outShape) }, { ...common, filterShape: c.f }),
      );
      const input = await on(backend, () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: t4(d.dy, d.info.outShape), filter: t4(d.w, c.f) }, { ...common, inputShape: c.x }),
      );
      const forward = await on(backend, () => tf.conv2d(t4(d.x, c.x), t4(d.w, c.f), c.strides, c.pad));
      expect(maxScaledDiff(filter, want.filter)).toBeLessThan(1e-5);
      expect(maxScaledDiff(input, want.input)).toBeLessThan(1e-5);
      expect(maxScaledDiff(forward, want.forward)).toBeLessThan(1e-5);
    }
  });
});

describe('tf.grad of conv2d against float64 finite differences', () => {
  it.each(data.map((d) => [d.c.name, d] as const))('%s', async (_name, d) => {
    const { c, info } = d;
    // L(x, w) = Σ conv2d(x, w) ⊙ dy, so ∂L/∂w = Conv2DBackpropFilter(x, dy) and ∂L/∂x = Conv2DBackpropInput(dy, w).
    const gx = finiteDiff((x) => dot(conv2dNaive(x, d.w, info), d.dy), d.x);
    const gw = finiteDiff((w) => dot(conv2dNaive(d.x, w, info), d.dy), d.w);
    const yRef = conv2dNaive(d.x, d.w, info);
    for (const backend of ['cpu', 'wasm'] as const) {
      const loss = (x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1), t4(d.dy, info.outShape)));
      const dx = await on(backend, () => tf.grads(loss)([t4(d.x, c.x), t4(d.w, c.f)])[0] as tf.Tensor);
      const dw = await on(backend, () => tf.grads(loss)([t4(d.x, c.x), t4(d.w, c.f)])[1] as tf.Tensor);
      const y = await on(backend, () => tf.conv2d(t4(d.x, c.x), t4(d.w, c.f), c.strides, c.pad, 'NHWC', c.dilations ?? 1));
      expect(maxScaledDiff(dx, gx)).toBeLessThan(1e-5);
      expect(maxScaledDiff(dw, gw)).toBeLessThan(1e-5);
      expect(maxScaledDiff(y, yRef)).toBeLessThan(1e-5);
    }
  });
});

describe('fused conv2d (linear activation + bias) calls the backprop kernels directly', () => {
  const plain = data.filter((d) => (d.c.dilations ?? 1) === 1 && typeof d.c.pad === 'string').slice(0, 4);
  it.each(plain.map((d) => [d.c.name, d] as const))('%s', async (_name, d) => {
    const { c, info } = d;
    const bias = randomValues(rng, c.f[3]);
    const gw = finiteDiff((w) => dot(conv2dNaive(d.x, w, info), d.dy), d.w);
    const gx = finiteDiff((x) => dot(conv2dNaive(x, d.w, info), d.dy), d.x);
    for (const backend of ['cpu', 'wasm'] as const) {
      const loss = (x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({
              x: x as tf.Tensor4D,
              filter: w as tf.Tensor4D,
              strides: c.strides,
              pad: c.pad,
              bias: tf.tensor1d(Float32Array.from(bias)),
              activation: 'linear',
            }),
            t4(d.dy, info.outShape),
          ),
        );
      const [dx, dw] = await Promise.all([0, 1].map((k) => on(backend, () => tf.grads(loss)([t4(d.x, c.x), t4(d.w, c.f)])[k] as tf.Tensor)));
      expect(maxScaledDiff(dx as Float32Array, gx)).toBeLessThan(1e-5);
      expect(maxScaledDiff(dw as Float32Array, gw)).toBeLessThan(1e-5);
    }
  });
});

describe('NCHW at the kernel level', () => {
  it('matches the stock cpu kernels (stride 2, same) on both backends', async () => {
    const d = data[1] as (typeof data)[number];
    const { c, info } = d;
    await tf.setBackend('cpu');
    const nchw = (v: Float64Array, s: Shape4) => tf.transpose(t4(v, s), [0, 3, 1, 2]);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NCHW' };
    const xShapeNchw = [c.x[0], c.x[3], c.x[1], c.x[2]];
    const want = tf.tidy(() => ({
      filter: stockCpu('Conv2DBackpropFilter', { x: nchw(d.x, c.x), dy: nchw(d.dy, info.outShape) }, { ...attrs, filterShape: c.f }),
      input: stockCpu('Conv2DBackpropInput', { dy: nchw(d.dy, info.outShape), filter: t4(d.w, c.f) }, { ...attrs, inputShape: xShapeNchw }),
    }));
    for (const backend of ['cpu', 'wasm'] as const) {
      const filter = await on(backend, () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: nchw(d.x, c.x), dy: nchw(d.dy, info.outShape) }, { ...attrs, filterShape: c.f }),
      );
      const input = await on(backend, () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: nchw(d.dy, info.outShape), filter: t4(d.w, c.f) }, { ...attrs, inputShape: xShapeNchw }),
      );
      expect(maxScaledDiff(filter, want.filter)).toBeLessThan(1e-5);
      expect(maxScaledDiff(input, want.input)).toBeLessThan(1e-5);
    }
  });
});

describe('a tf.layers CNN trains on both backends without leaking tensors', () => {
  it.each(['cpu', 'wasm'] as const)('%s', async (backend) => {
    await tf.setBackend(backend);
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' }), // linear: fused-conv gradient path
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 1 }),
      ],
    });
    const opt = tf.train.adam(0.01);
    const x = tf.randomNormal([8, 12, 12, 1], 0, 1, 'float32', 1);
    const y = tf.randomNormal([8, 1], 0, 1, 'float32', 2);
    const step = () => {
      const l = opt.minimize(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor), true) as tf.Scalar;
      const v = l.dataSync()[0] as number;
      l.dispose();
      return v;
    };
    step();
    const before = tf.memory().numTensors;
    const first = step();
    let last = first;
    for (let i = 0; i < 20; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });
});
