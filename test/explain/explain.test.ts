import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { modelRandomizationTest, occlusionSensitivity, saliency } from '../../src/explain/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const rng = new Random(11);
const randomArray = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

/** score(x) = Σ w ⊙ x per example: a linear score whose attributions are known exactly. */
function linearScore(w: Float32Array): (x: tf.Tensor) => tf.Tensor {
  return (x) => tf.tidy(() => tf.sum(tf.mul(tf.reshape(x, [x.shape[0], -1]), tf.tensor1d(w)), 1));
}

/** The occlusion map by its definition, in float64: mean over covering patches of Σ_patch w·(x − baseline). */
function naiveOcclusion(x: Float32Array, w: Float32Array, extent: number[], c: number, patch: number[], stride: number[], fill: number): Float64Array {
  const d = extent.length;
  const grid = extent.map((e, i) => Math.floor((e - (patch[i] as number)) / (stride[i] as number)) + 1);
  const cells = extent.reduce((a, e) => a * e, 1);
  const sum = new Float64Array(cells);
  const count = new Float64Array(cells);
  const index = (pos: number[]): number => pos.reduce((a, p, i) => a * (extent[i] as number) + p, 0);
  const corners: number[][] = [];
  const walk = (i: number, acc: number[]): void => {
    if (i === d) return void corners.push(acc);
    for (let g = 0; g < (grid[i] as number); g++) walk(i + 1, [...acc, g * (stride[i] as number)]);
  };
  walk(0, []);
  for (const corner of corners) {
    const members: number[] = [];
    const inner = (i: number, acc: number[]): void => {
      if (i === d) return void members.push(index(acc));
      for (let k = 0; k < (patch[i] as number); k++) inner(i + 1, [...acc, (corner[i] as number) + k]);
    };
    inner(0, []);
    let drop = 0;
    for (const m of members) for (let ch = 0; ch < c; ch++) drop += (w[m * c + ch] as number) * ((x[m * c + ch] as number) - fill);
    for (const m of members) {
      sum[m] = (sum[m] as number) + drop;
      count[m] = (count[m] as number) + 1;
    }
  }
  return Float64Array.from(sum, (s, i) => ((count[i] as number) > 0 ? s / (count[i] as number) : 0));
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i] as number));
  for (let i = 0; i < want.length; i++) expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThanOrEqual(tol * Math.max(1, scale));
}

describe('occlusionSensitivity', () => {
  it.each([
    { name: 'image, patch 3 stride 2 (overlap, uncovered edge)', extent: [8, 7], c: 2, patch: [3, 3], stride: [2, 2], baseline: 0 },
    { name: 'image, 2×4 patch, stride 4×1, baseline 0.5', extent: [6, 9], c: 1, patch: [2, 4], stride: [4, 1], baseline: 0.5 },
    { name: 'clip, patch 2×3×3 stride 1×2×2', extent: [4, 6, 6], c: 1, patch: [2, 3, 3], stride: [1, 2, 2], baseline: 0 },
  ])('$name: equals the definition for a linear score', async ({ extent, c, patch, stride, baseline }) => {
    const n = extent.reduce((a, e) => a * e, c);
    const xv = randomArray(n);
    const w = randomArray(n);
    const x = tf.tensor(xv, [...extent, c]);
    const before = tf.memory().numTensors;
    const occ = await occlusionSensitivity(linearScore(w), x, { patch, stride, baseline, batchSize: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(occ.shape).toEqual(extent);
    expectClose(occ.map, naiveOcclusion(xv, w, extent, c, patch, stride, baseline), 2e-6);
    expect(occ.score).toBeCloseTo(
      xv.reduce((a, v, i) => a + v * (w[i] as number), 0),
      4,
    );
    x.dispose();
  });

  it("works on a tf.LayersModel's single output, with a batch of one and the 'mean' baseline", async () => {
    const w = randomArray(16);
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 1, useBias: false })] });
    model.layers[1]?.setWeights([tf.tensor2d(w, [16, 1])]);
    const xv = randomArray(16);
    const x = tf.tensor4d(xv, [1, 4, 4, 1]);
    const mean = xv.reduce((a, v) => a + v, 0) / 16;
    const occ = await occlusionSensitivity(model, x, { patch: 2, baseline: 'mean' });
    expectClose(occ.map, naiveOcclusion(xv, w, [4, 4], 1, [2, 2], [2, 2], mean), 2e-6);
    expect(occ.gridShape).toEqual([2, 2]);
    x.dispose();
    model.dispose();
  });

  it('rejects a batch, a patch larger than the input, and a model with several output columns', async () => {
    const x = tf.zeros([2, 2, 4, 4, 1]);
    await expect(occlusionSensitivity(linearScore(randomArray(32)), x, { patch: 2 })).rejects.toThrow(/occlusionSensitivity: 'x' must be one image/);
    const one = tf.zeros([4, 4, 1]);
    await expect(occlusionSensitivity(linearScore(randomArray(16)), one, { patch: 5 })).rejects.toThrow(
      /occlusionSensitivity: 'patch\[0\]' must be at most the input's size 4/,
    );
    const wide = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 3 })] });
    await expect(occlusionSensitivity(wide, one, { patch: 2 })).rejects.toThrow(/'column' must be the output column to explain \(the output has 3 columns\)/);
    const occ = await occlusionSensitivity(wide, one, { patch: 2, column: 2 });
    expect(occ.map.length).toBe(16);
    tf.dispose([x, one]);
    wide.dispose();
  });
});

describe('saliency', () => {
  const w = randomArray(12);
  const xv = randomArray(24);
  const f = linearScore(w);

  it('linear score: gradient = w, gradient × input = x ⊙ w, integrated gradients = (x − x₀) ⊙ w, SmoothGrad = w', () => {
    const x = tf.tensor(xv, [2, 3, 4]);
    const before = tf.memory().numTensors;
    const wTwice = Float32Array.from({ length: 24 }, (_, i) => w[i % 12] as number);
    const g = saliency(f, x);
    expectClose(g.dataSync(), wTwice, 1e-6);
    const gx = saliency(f, x, { method: 'gradientXInput' });
    expectClose(
      gx.dataSync(),
      Float32Array.from(xv, (v, i) => v * (wTwice[i] as number)),
      1e-6,
    );
    const ig = saliency(f, x, { method: 'integratedGradients', baseline: 0.25, steps: 3 });
    expectClose(
      ig.dataSync(),
      Float32Array.from(xv, (v, i) => (v - 0.25) * (wTwice[i] as number)),
      1e-6,
    );
    const sg = saliency(f, x, { method: 'smoothGrad', samples: 4, seed: 3 });
    expectClose(sg.dataSync(), wTwice, 1e-6);
    tf.dispose([g, gx, ig, sg]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('integrated gradients are complete: Σ attributions = score(x) − score(x₀) (nonlinear score, 200 steps)', () => {
    const nonlinear = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.sum(tf.tanh(tf.mul(tf.reshape(x, [x.shape[0], -1]), tf.tensor1d(w))), 1));
    const x = tf.tensor(xv, [2, 12]);
    const ig = saliency(nonlinear, x, { method: 'integratedGradients', steps: 200 });
    const a = ig.dataSync();
    const fx = nonlinear(x).dataSync();
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let j = 0; j < 12; j++) s += a[12 * i + j] as number;
      expect(Math.abs(s - (fx[i] as number))).toBeLessThan(1e-3 * Math.max(1, Math.abs(fx[i] as number)));
    }
    tf.dispose([x, ig]);
  });

  it('SmoothGrad is reproducible with a seed and differs from the plain gradient on a nonlinear score', () => {
    const nonlinear = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.sum(tf.square(tf.reshape(x, [x.shape[0], -1])), 1));
    const x = tf.tensor(xv, [2, 12]);
    const a = saliency(nonlinear, x, { method: 'smoothGrad', seed: 1, samples: 5 });
    const b = saliency(nonlinear, x, { method: 'smoothGrad', seed: 1, samples: 5 });
    const g = saliency(nonlinear, x);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(g.dataSync()));
    tf.dispose([x, a, b, g]);
  });

  it('rejects an unknown method and a score that is not one per example', () => {
    const x = tf.zeros([2, 3]);
    expect(() => saliency(f, x, { method: 'lrp' as never })).toThrow(/saliency: .*method/);
    expect(() => saliency((z) => tf.sum(z), x)).toThrow(/saliency: 'model' must be a score function returning one score per example, shape \[2\]/);
    x.dispose();
  });
});

describe('modelRandomizationTest', () => {
  function net(): tf.LayersModel {
    const m = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
          name: 'conv',
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }), name: 'out' }),
      ],
    });
    return m;
  }
  const x = () => tf.tensor4d(randomArray(3 * 36), [3, 6, 6, 1]);

  it('gradients fail to correlate once the weights are random; the weights come back bit for bit', async () => {
    const m = net();
    const xs = x();
    const before = m.getWeights().map((t) => Array.from(t.dataSync()));
    const steps = await modelRandomizationTest(m, xs, (model, input) => saliency(model, input), { seed: 4 });
    expect(steps.map((s) => s.layer)).toEqual(['out', 'conv']);
    for (const s of steps) {
      expect(Number.isFinite(s.rankCorrelation)).toBe(true);
      expect(s.rankCorrelation).toBeLessThan(0.9);
    }
    expect(m.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(before);
    xs.dispose();
    m.dispose();
  });

  it('an explanation that ignores the model (the input itself) keeps a rank correlation of 1: the test exposes it', async () => {
    const m = net();
    const xs = x();
    const steps = await modelRandomizationTest(m, xs, (_model, input) => tf.clone(input), { mode: 'independent', seed: 1 });
    for (const s of steps) {
      expect(s.rankCorrelation).toBeCloseTo(1, 12);
      expect(s.rankCorrelationAbs).toBeCloseTo(1, 12);
    }
    xs.dispose();
    m.dispose();
  });
});

describe('modelRandomizationTest: batch norm and non-finite explanations', () => {
  it('keeps batch-norm running statistics, randomises gamma and beta, and reports NaN for non-finite attributions', async () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3, name: 'd' }),
        tf.layers.batchNormalization({ name: 'bn' }),
        tf.layers.dense({ units: 1, name: 'out' }),
      ],
    });
    const bn = m.getLayer('bn');
    bn.setWeights([tf.ones([3]), tf.zeros([3]), tf.tensor1d([0.1, 0.2, 0.3]), tf.tensor1d([0.5, 0.01, 2])]);
    const seen: number[][] = [];
    const xs = tf.tensor2d(randomArray(8), [2, 4]);
    const steps = await modelRandomizationTest(
      m,
      xs,
      (model, input) => {
        seen.push(Array.from(model.getLayer('bn').getWeights()[3]?.dataSync() ?? []));
        return seen.length === 3 ? tf.fill(input.shape, Number.NaN) : saliency(model, input);
      },
      { seed: 2 },
    );
    for (const v of seen) expect(v).toEqual([0.5, 0.01, 2].map(Math.fround));
    expect(steps.map((s) => s.layer)).toEqual(['out', 'bn', 'd']);
    expect(Number.isNaN(steps[1]?.rankCorrelation)).toBe(true);
    expect(Number.isFinite(steps[2]?.rankCorrelation)).toBe(true);
    xs.dispose();
    m.dispose();
  });
});

describe('explain: errors from the catalogue', () => {
  const dense = (units: number): tf.LayersModel => tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units })] });

  it('occlusionSensitivity names the input, the options and the patch sizes', async () => {
    const one = tf.zeros([4, 4, 1]);
    const score = linearScore(randomArray(16));
    await expect(occlusionSensitivity(score, [1, 2] as never, { patch: 2 })).rejects.toThrow(
      messages.notInstance('occlusionSensitivity', 'x', 'tf.Tensor', [1, 2]),
    );
    const batch = tf.zeros([2, 2, 4, 4, 1]);
    await expect(occlusionSensitivity(score, batch, { patch: 2 })).rejects.toThrow(messages.occlusionInput('occlusionSensitivity', 'x', [2, 2, 4, 4, 1]));
    await expect(occlusionSensitivity(score, one, null as never)).rejects.toThrow(messages.optionsObject('occlusionSensitivity', 'opts', ['patch'], null));
    await expect(occlusionSensitivity(score, one, { patch: [2, 2, 2] })).rejects.toThrow(messages.patchSizes('occlusionSensitivity', 'patch', 2, [2, 2, 2]));
    await expect(occlusionSensitivity(score, one, { patch: [5, 2] })).rejects.toThrow(messages.patchTooLarge('occlusionSensitivity', 'patch[0]', 4, 5));
    tf.dispose([one, batch]);
  });

  it('a model must be a function or a tf.LayersModel with one output, and the column must exist', () => {
    const x = tf.zeros([2, 4]);
    expect(() => saliency({} as never, x)).toThrow(messages.explainModel('saliency', 'model', {}));
    const input = tf.input({ shape: [4] });
    const two = tf.model({
      inputs: input,
      outputs: [tf.layers.dense({ units: 1 }).apply(input), tf.layers.dense({ units: 1 }).apply(input)] as tf.SymbolicTensor[],
    });
    expect(() => saliency(two, x)).toThrow(messages.oneOutput('saliency', 'model', 'model', 2, 'pass a score function'));
    const wide = dense(3);
    expect(() => saliency(wide, x)).toThrow(messages.outputColumn('saliency', 'column', 3, undefined));
    expect(() => saliency(wide, x, { column: 3 })).toThrow(messages.outputColumn('saliency', 'column', 3, 3));
    expect(() => saliency(wide, x, { column: 1.5 })).toThrow(messages.outputColumn('saliency', 'column', 3, 1.5));
    expect(() => saliency((z) => tf.sum(z), x)).toThrow(messages.scoresPerExample('saliency', 'model', 2, []));
    const flat = tf.zeros([4]);
    expect(() => saliency(wide, flat)).toThrow(messages.batchTensor('saliency', 'x', [4], flat));
    expect(() => saliency(wide, [1, 2] as never)).toThrow(messages.batchTensor('saliency', 'x', undefined, [1, 2]));
    tf.dispose([x, flat]);
    two.dispose();
    wide.dispose();
  });

  it('modelRandomizationTest names the model and the explanation function', async () => {
    const xs = tf.zeros([2, 4]);
    const explain = (model: tf.LayersModel, input: tf.Tensor): tf.Tensor => saliency(model, input);
    await expect(modelRandomizationTest({} as never, xs, explain)).rejects.toThrow(
      messages.notInstance('modelRandomizationTest', 'model', 'tf.LayersModel', {}),
    );
    const m = dense(1);
    await expect(modelRandomizationTest(m, xs, 3 as never)).rejects.toThrow(messages.explainFunction('modelRandomizationTest', 'explain', 3));
    const noWeights = tf.sequential({ layers: [tf.layers.activation({ inputShape: [4], activation: 'relu' })] });
    await expect(modelRandomizationTest(noWeights, xs, explain)).rejects.toThrow(messages.noWeights('modelRandomizationTest', 'model'));
    let calls = 0;
    const shrinking = (_model: tf.LayersModel, input: tf.Tensor): tf.Tensor => (calls++ === 0 ? tf.clone(input) : tf.zeros([3]));
    await expect(modelRandomizationTest(m, xs, shrinking)).rejects.toThrow(messages.attributionCount('modelRandomizationTest', 'explain', 8, 3));
    xs.dispose();
    m.dispose();
    noWeights.dispose();
  });
});
