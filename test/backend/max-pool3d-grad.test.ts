/**
 * survkit's MaxPool3DGrad (cpu and wasm): it is the kernel TF.js runs after
 * initBackend() and after a model's lazy install (checked by function
 * identity, not by time), and its values equal the stock cpu kernel (ties
 * included: the last maximum in window order takes the gradient) and the
 * definition (each window's dy to its arg-max position, summed).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ensureBackend, initBackend, stockKernel } from '../../src/backend/index.js';
import { maxPool3dGradKernelFunc } from '../../src/backend/kernels/max-pool3d-grad.js';
import { Random } from '../../src/core/random.js';
import { on, randomValues, size } from './reference.js';

type Shape5 = [number, number, number, number, number];
type Triple = number | [number, number, number];

interface Case {
  name: string;
  x: Shape5;
  filter: Triple;
  strides: Triple;
  pad: 'same' | 'valid';
}
const cases: Case[] = [
  { name: '2³ stride 2 valid', x: [2, 4, 6, 6, 3], filter: 2, strides: 2, pad: 'valid' },
  { name: '3³ stride 1 same (overlapping windows)', x: [1, 3, 5, 5, 2], filter: 3, strides: 1, pad: 'same' },
  { name: '3³ stride 2 same (odd sizes)', x: [2, 5, 7, 7, 2], filter: 3, strides: 2, pad: 'same' },
  { name: '2³ stride 2 valid, odd sizes (trailing frame, row and column outside every window)', x: [2, 5, 7, 9, 3], filter: 2, strides: 2, pad: 'valid' },
  { name: '2³ stride 1 valid (overlapping windows, all inside the input)', x: [1, 3, 4, 5, 2], filter: 2, strides: 1, pad: 'valid' },
];
/** Windows whose height and width differ: the stock kernel's position arithmetic is wrong there; compared with the definition only. */
const nonCubic: Case[] = [{ name: '1×2×3 stride [1, 2, 1] valid', x: [1, 3, 6, 5, 2], filter: [1, 2, 3], strides: [1, 2, 1], pad: 'valid' }];

const rng = new Random(17);
const t5 = (v: Float64Array, s: number[]) => tf.tensor5d(Float32Array.from(v), s as Shape5);
const poolInfo = (c: Case) => tf.backend_util.computePool3DInfo(c.x, c.filter, c.strides, 1, c.pad);

/** The definition: dy of each window (b, od, oh, ow, c) added at the last arg-max of x in the window. */
function definition(x: Float64Array, dy: Float64Array, c: Case): Float64Array {
  const info = poolInfo(c);
  const [B, D, H, W, C] = c.x;
  const { outDepth: OD, outHeight: OH, outWidth: OW, strideDepth: sd, strideHeight: sh, strideWidth: sw } = info;
  const { filterDepth: FD, filterHeight: FH, filterWidth: FW } = info;
  const dx = new Float64Array(x.length);
  const at = (b: number, d: number, r: number, q: number, ch: number) => (((b * D + d) * H + r) * W + q) * C + ch;
  for (let b = 0; b < B; b++)
    for (let od = 0; od < OD; od++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let ch = 0; ch < C; ch++) {
            let best = -Infinity;
            let pos = -1;
            for (let i = 0; i < FD; i++)
              for (let j = 0; j < FH; j++)
                for (let k = 0; k < FW; k++) {
                  const d = od * sd - info.padInfo.front + i;
                  const r = oh * sh - info.padInfo.top + j;
                  const q = ow * sw - info.padInfo.left + k;
                  if (d < 0 || d >= D || r < 0 || r >= H || q < 0 || q >= W) continue;
                  const v = x[at(b, d, r, q, ch)] as number;
                  if (v >= best) {
                    best = v;
                    pos = at(b, d, r, q, ch);
                  }
                }
            if (pos >= 0) dx[pos] = (dx[pos] as number) + (dy[(((b * OD + od) * OH + oh) * OW + ow) * C + ch] as number);
          }
  return dx;
}

function stockCpu(x: tf.Tensor5D, dy: tf.Tensor5D, c: Case): Float32Array {
  const config = stockKernel('MaxPool3DGrad', 'cpu');
  if (config === undefined) throw new Error('no stock MaxPool3DGrad kept');
  const backend = tf.backend();
  const out = config.kernelFunc({ inputs: { dy, input: x }, backend, attrs: { filterSize: c.filter, strides: c.strides, pad: c.pad } }) as tf.TensorInfo;
  const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array);
  backend.disposeData(out.dataId);
  return values;
}

const gradOf = (x: Float64Array, dy: Float64Array, c: Case) =>
  tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool3d(a as tf.Tensor5D, c.filter, c.strides, c.pad), t5(dy, poolInfo(c).outShape))))(t5(x, c.x));

describe('which kernel runs', () => {
  it("after initBackend(), TF.js's MaxPool3DGrad on cpu and wasm is survkit's (function identity)", async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      expect(tf.getKernel('MaxPool3DGrad', backend)?.kernelFunc, backend).toBe(maxPool3dGradKernelFunc(backend));
      expect(stockKernel('MaxPool3DGrad', backend), `stock ${backend} kernel kept for restoring`).toBeDefined();
    }
    await ensureBackend();
    expect(tf.getKernel('MaxPool3DGrad', 'cpu')?.kernelFunc).toBe(maxPool3dGradKernelFunc('cpu'));
  });
});

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('equals the stock cpu kernel (many ties) and the definition, on cpu and wasm', async () => {
    const info = poolInfo(c);
    // Integer inputs in a small range: many ties inside windows.
    const x = Float64Array.from({ length: size(c.x) }, () => rng.int(4));
    const dy = randomValues(rng, size(info.outShape));
    await initBackend({ backend: 'cpu' });
    const stock = tf.tidy(() => stockCpu(t5(x, c.x), t5(dy, info.outShape), c));
    const want = definition(x, dy, c);
    for (let i = 0; i < want.length; i++) expect(stock[i]).toBeCloseTo(want[i] as number, 5);
    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await on(backend, () => gradOf(x, dy, c));
      for (let i = 0; i < want.length; i++) expect(got[i], `${backend} [${i}]`).toBeCloseTo(want[i] as number, 5);
    }
  });
});

describe.each(nonCubic.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('equals the definition on cpu and wasm', async () => {
    const x = randomValues(rng, size(c.x));
    const dy = randomValues(rng, size(poolInfo(c).outShape));
    const want = definition(x, dy, c);
    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await on(backend, () => gradOf(x, dy, c));
      for (let i = 0; i < want.length; i++) expect(got[i], `${backend} [${i}]`).toBeCloseTo(want[i] as number, 5);
    }
  });
});

it('passes nothing from windows holding only NaN, and all of dy where every value is −∞', async () => {
  const c: Case = { name: 'nan', x: [1, 2, 2, 2, 1], filter: 2, strides: 2, pad: 'valid' };
  for (const backend of ['cpu', 'wasm'] as const) {
    expect(Array.from(await on(backend, () => gradOf(new Float64Array(8).fill(NaN), Float64Array.of(3), c)))).toEqual(new Array(8).fill(0));
    const minusInf = Array.from(await on(backend, () => gradOf(new Float64Array(8).fill(-Infinity), Float64Array.of(3), c)));
    expect(minusInf.reduce((a, b) => a + b, 0)).toBe(3);
  }
});
