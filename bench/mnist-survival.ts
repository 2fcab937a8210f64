/**
 * Survival on MNIST, following pycox's example
 * `examples/04_mnist_dataloaders_cnn.ipynb` (havakv/pycox):
 *
 * - Durations simulated from the digit exactly as the notebook's
 *   `sim_event_times`: T ~ Exponential(scale β(d) = 365·e^(−0.6 d) / ln 1.2),
 *   censored at 700 (`src/data/mnist-survival.ts`; the draws are survkit's
 *   seeded generator's, not NumPy's).
 * - Images normalised as the notebook's transform: (x − 0.1307) / 0.3081.
 * - LogisticHazard on 20 equidistant cuts (`label_transform(20)`), survival
 *   curves interpolated 10 steps per interval (`interpolate(10)`), C_td
 *   (Antolini, `concordance_td`) and IBS on `np.linspace(0, max test time)`
 *   (50 points, pycox's `EvalSurv(…, 'km')` weighting) on held-out images.
 *
 * Stages per seed:
 *  (a) frozen backbone → cached features → CoxPH and LogisticHazard heads:
 *      survkit's `lenet` (conv 5×5 20 → pool → conv 5×5 50 → pool → dense 500)
 *      with seeded random weights (PyTorch's default init; no pretrained
 *      MNIST weights are available offline), features extracted once with
 *      `extractFeatures` into a cache folder, heads an MLP [32] on the 500
 *      standardised features;
 *  (b) the notebook's own CNN end to end (conv 5×5 16 → ReLU → max-pool 2 →
 *      conv 5×5 16 → ReLU → global average pool → dense 16 → ReLU → dense 20),
 *      LogisticHazard, Adam(0.01), batch 128, ≤ 50 epochs, early stopping with
 *      patience 5 — on a validation split of the training images (the notebook
 *      validates on its test set; here the test images are only scored);
 *  (c) fine-tune last block: the same lenet with its convolutions frozen and
 *      its dense layer trained with the LogisticHazard head on the images.
 *
 * The MNIST *test* split (10 000 images in ../shared/datasets) is subsampled
 * per seed into disjoint train / validation / test sets (sizes below).
 *
 *   npx tsx bench/mnist-survival.ts <dataDir> [--train 1000] [--val 250] [--test 1000] [--seeds 1,2,3] [--epochs 50] [--backend wasm]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { lenet } from '../src/backbones/index.js';
import { Random } from '../src/core/random.js';
import { simulateMnistSurvival } from '../src/data/mnist-survival.js';
import { readMnistArrays, MNIST_PIXELS } from '../src/io/mnist.js';
import { concordanceIndex, concordanceTd, integratedBrierScore } from '../src/metrics/index.js';
import { extractFeatures } from '../src/models/features/extract-features.js';
import { CoxPH, LogisticHazard } from '../src/models/index.js';
import type { SurvivalCurves } from '../src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    train: { type: 'string', default: '1000' },
    val: { type: 'string', default: '250' },
    test: { type: 'string', default: '1000' },
    seeds: { type: 'string', default: '1,2,3' },
    epochs: { type: 'string', default: '50' },
    backend: { type: 'string', default: 'wasm' },
    skip: { type: 'string', default: '' },
  },
});
const dataDir = positionals[0] ?? join(import.meta.dirname, '..', '..', 'shared', 'datasets');
const nTrain = Number(values.train);
const nVal = Number(values.val);
const nTest = Number(values.test);
const seeds = String(values.seeds).split(',').map(Number);
const maxEpochs = Number(values.epochs);
const skip = new Set(String(values.skip).split(','));

await initBackend({ backend: values.backend as BackendName });
const mnist = await readMnistArrays(dataDir);

interface Result {
  stage: string;
  seed: number;
  ctd: number;
  ibs: number;
  seconds: number;
  epochs?: number;
}
const results: Result[] = [];
const secs = (t0: number): number => (performance.now() - t0) / 1000;

function subset(idx: Int32Array, labels: { time: Float64Array; event: Int32Array }): { x: tf.Tensor4D; time: Float64Array; event: Int32Array } {
  const data = new Float32Array(idx.length * MNIST_PIXELS);
  idx.forEach((k, i) => {
    for (let p = 0; p < MNIST_PIXELS; p++) data[i * MNIST_PIXELS + p] = ((mnist.images[k * MNIST_PIXELS + p] as number) - 0.1307) / 0.3081;
  });
  return {
    x: tf.tensor4d(data, [idx.length, 28, 28, 1]),
    time: Float64Array.from(idx, (k) => labels.time[k] as number),
    event: Int32Array.from(idx, (k) => labels.event[k] as number),
  };
}

function scores(test: { time: Float64Array; event: Int32Array }, curves: SurvivalCurves): { ctd: number; ibs: number } {
  const tmax = Math.max(...test.time);
  const times = Array.from({ length: 50 }, (_, i) => (tmax * i) / 49); // np.linspace(0, max, 50)
  const labels = { time: test.time, event: test.event };
  return { ctd: concordanceTd(labels, curves).cIndex, ibs: integratedBrierScore(labels, curves, { times }).value };
}

/** Column means and sds of the training features; standardises in place. */
function standardise(train: Float32Array, others: Float32Array[], d: number): void {
  const n = train.length / d;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += train[i * d + j] as number;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += ((train[i * d + j] as number) - m) ** 2;
    const s = Math.sqrt(v / n) || 1;
    for (const a of [train, ...others]) for (let i = 0; i < a.length / d; i++) a[i * d + j] = ((a[i * d + j] as number) - m) / s;
  }
}

/** The notebook's `Net` up to fc1's ReLU (fc2 is survkit's LogisticHazard head), PyTorch-default uniform init, seeded. */
function notebookCnn(seed: number): tf.LayersModel {
  const init = (fanIn: number, k: number) =>
    tf.initializers.randomUniform({ minval: -1 / Math.sqrt(fanIn), maxval: 1 / Math.sqrt(fanIn), seed: seed * 10 + k });
  const input = tf.input({ shape: [28, 28, 1] });
  let h = tf.layers
    .conv2d({ filters: 16, kernelSize: 5, activation: 'relu', kernelInitializer: init(25, 1), biasInitializer: init(25, 2), name: 'conv1' })
    .apply(input) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .conv2d({ filters: 16, kernelSize: 5, activation: 'relu', kernelInitializer: init(400, 3), biasInitializer: init(400, 4), name: 'conv2' })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .dense({ units: 16, activation: 'relu', kernelInitializer: init(16, 5), biasInitializer: init(16, 6), name: 'fc1' })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: h, name: 'pycox_mnist_net' });
}

const fitOpts = (seed: number, lr: number, batchSize: number, val: { x: tf.Tensor; labels: { time: Float64Array; event: Int32Array } }) => ({
  epochs: maxEpochs,
  batchSize,
  learningRate: lr,
  seed,
  verbose: false,
  validation: val,
  earlyStopping: { patience: 5 },
});

for (const seed of seeds) {
  // Disjoint random train / validation / test images of the MNIST test split, and durations simulated from their digits.
  const rng = new Random(1000 + seed);
  const perm = Int32Array.from({ length: mnist.n }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
  }
  const sim = simulateMnistSurvival(mnist.labels, { seed });
  const tr = subset(perm.subarray(0, nTrain), sim);
  const va = subset(perm.subarray(nTrain, nTrain + nVal), sim);
  const te = subset(perm.subarray(nTrain + nVal, nTrain + nVal + nTest), sim);
  const labelsOf = (s: { time: Float64Array; event: Int32Array }) => ({ time: s.time, event: s.event });

  {
    // The ceiling: Harrell's C of the true log-hazard (0.6 × digit) on the test images (tied digits count ½).
    const digits = Float64Array.from(perm.subarray(nTrain + nVal, nTrain + nVal + nTest), (k) => 0.6 * (mnist.labels[k] as number));
    results.push({ stage: "true log-hazard 0.6·digit (Harrell's C, ceiling)", seed, ctd: concordanceIndex(labelsOf(te), digits).cIndex, ibs: NaN, seconds: 0 });
  }

  if (!skip.has('frozen')) {
    // (a) frozen lenet (random weights) → cached features → heads.
    const cacheDir = mkdtempSync(join(tmpdir(), 'survkit-mnist-features-'));
    const backbone = lenet({ seed, dropout: 0 });
    let t0 = performance.now();
    const fx = async (x: tf.Tensor) =>
      (await extractFeatures(backbone, x, { cacheDir: join(cacheDir, String(x.shape[0]) + x.id), pool: 'none', progress: false })).features;
    const [ftr, fva, fte] = [await fx(tr.x), await fx(va.x), await fx(te.x)];
    const extractS = secs(t0);
    const d = ftr.length / nTrain;
    standardise(ftr, [fva, fte], d);
    results.push({ stage: 'extract lenet features (train+val+test)', seed, ctd: NaN, ibs: NaN, seconds: extractS });
    const xf = (a: Float32Array) => tf.tensor2d(a, [a.length / d, d]);
    const [xtr, xva, xte] = [xf(ftr), xf(fva), xf(fte)];
    for (const [name, make] of [
      ['cached features → CoxPH', () => new CoxPH({ inputDim: d, hidden: [32], dropout: 0.1, seed })],
      ['cached features → LogisticHazard', () => new LogisticHazard({ inputDim: d, hidden: [32], dropout: 0.1, cuts: 20, seed })],
    ] as const) {
      t0 = performance.now();
      const model = make();
      const h = await model.fit(xtr, labelsOf(tr), fitOpts(seed, 1e-3, 128, { x: xva, labels: labelsOf(va) }));
      const curves = await model.predictSurvival(xte, name.includes('Logistic') ? { interpolation: 10 } : {});
      results.push({ stage: name, seed, ...scores(te, curves), seconds: secs(t0), epochs: h.epochs });
      model.dispose();
    }
    tf.dispose([xtr, xva, xte]);
    backbone.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  }

  if (!skip.has('finetune')) {
    // (c) the same lenet, convolutions frozen, its dense layer trained with the head on the images.
    const t0 = performance.now();
    const model = new LogisticHazard({
      backbone: lenet({ seed, dropout: 0 }),
      attach: { freeze: ['lenet_conv1', 'lenet_pool1', 'lenet_conv2', 'lenet_pool2'] },
      cuts: 20,
      seed,
    });
    const h = await model.fit(tr.x, labelsOf(tr), fitOpts(seed, 1e-3, 128, { x: va.x, labels: labelsOf(va) }));
    const curves = await model.predictSurvival(te.x, { interpolation: 10 });
    results.push({ stage: 'fine-tune last block (lenet fc1 + head)', seed, ...scores(te, curves), seconds: secs(t0), epochs: h.epochs });
    model.dispose();
  }

  if (!skip.has('cnn')) {
    // (b) the notebook's CNN end to end.
    const t0 = performance.now();
    const model = new LogisticHazard({ backbone: notebookCnn(seed), attach: { pool: 'none' }, cuts: 20, seed });
    const h = await model.fit(tr.x, labelsOf(tr), fitOpts(seed, 0.01, 128, { x: va.x, labels: labelsOf(va) }));
    const curves = await model.predictSurvival(te.x, { interpolation: 10 });
    results.push({ stage: "notebook's CNN end to end (LogisticHazard)", seed, ...scores(te, curves), seconds: secs(t0), epochs: h.epochs });
    model.dispose();
  }
  tf.dispose([tr.x, va.x, te.x]);
  const last = results.filter((r) => r.seed === seed);
  for (const r of last)
    console.log(
      `seed ${seed}  ${r.stage.padEnd(44)} C_td ${r.ctd.toFixed(3)}  IBS ${r.ibs.toFixed(4)}  ${r.seconds.toFixed(1)} s${r.epochs === undefined ? '' : `  (${r.epochs} epochs)`}`,
    );
}

const stages = [...new Set(results.map((r) => r.stage))];
const ms = (v: number[]): string => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
  return `${m.toFixed(3)} ± ${s.toFixed(3)}`;
};
console.log(`\nMNIST survival (pycox 04 simulation), train ${nTrain} / val ${nVal} / test ${nTest}, seeds ${seeds.join(', ')}, backend ${values.backend}\n`);
console.log('| stage | C_td (mean ± sd) | IBS (mean ± sd) | wall time per seed (s) |');
console.log('|---|---|---|---|');
for (const st of stages) {
  const rs = results.filter((r) => r.stage === st);
  const t = rs.map((r) => r.seconds.toFixed(1)).join(' / ');
  if (Number.isNaN(rs[0]?.ctd)) console.log(`| ${st} | — | — | ${t} |`);
  else if (Number.isNaN(rs[0]?.ibs)) console.log(`| ${st} | ${ms(rs.map((r) => r.ctd))} | — | — |`);
  else console.log(`| ${st} | ${ms(rs.map((r) => r.ctd))} | ${ms(rs.map((r) => r.ibs))} | ${t} |`);
}
