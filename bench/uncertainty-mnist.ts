/**
 * Every uncertainty method of survkit on the MNIST protocol of
 * bench/evidential-mnist.ts, several seeds, one table: softmax, temperature
 * scaling, MC dropout, deep ensemble, EDL (Sensoy et al.), I-EDL (Deng et al.
 * 2023), R-EDL (Chen et al. 2024) and test-time augmentation of the softmax
 * model. Smaller than evidential-mnist.ts (fewer training images and epochs)
 * so that three seeds fit a loaded machine.
 *
 * Per seed and method: held-out accuracy, ECE (15 bins), AURC, OOD AUROC
 * (uniform noise; inverted digits) of the method's uncertainty score, and the
 * rotated-digit check: among (held-out "1", angle 60°–130°) cases where the
 * softmax baseline is wrong with max p ≥ 0.9, the share each method flags,
 * (a) with its native rule (evidential u ≥ 0.5; others 1 − max p ≥ 0.5) and
 * (b) at the threshold that flags 5 % of that method's held-out digits.
 *
 *   npx tsx bench/uncertainty-mnist.ts <data-dir> [--seeds 1,2,3] [--epochs 8] [--n-train 4000] [--n-val 1000]
 *     [--kl-steps 4] [--ensemble 3] [--mc-samples 20] [--tta-samples 10] [--out bench/out/uncertainty-mnist]
 *   npx tsx bench/uncertainty-mnist.ts - --table-only [--out …]   # the table from the rows.json of the seeds done so far
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { lenet } from '../src/backbones/index.js';
import { initBackend } from '../src/backend/index.js';
import { rotateImage } from '../src/data/rotate.js';
import { MNIST_PIXELS, MNIST_SIDE, readMnistArrays } from '../src/io/mnist.js';
import { aurc, expectedCalibrationError, oodAuroc } from '../src/metrics/index.js';
import {
  DeepEnsemble,
  EvidentialClassifier,
  imageAugmentation,
  mcDropoutPredict,
  SoftmaxClassifier,
  TemperatureScaling,
  testTimeAugmentation,
  type ClassPrediction,
  type Classifier,
  type EvidentialClassifierLoss,
} from '../src/index.js';
import { invertedImages, noiseImages } from './mnist-experiments.js';
import { augmentShifts, imageTensor, part } from './mnist-models.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    epochs: { type: 'string', default: '8' },
    'n-train': { type: 'string', default: '4000' },
    'n-val': { type: 'string', default: '1000' },
    'kl-steps': { type: 'string', default: '4' },
    ensemble: { type: 'string', default: '3' },
    'mc-samples': { type: 'string', default: '20' },
    'tta-samples': { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench/out/uncertainty-mnist' },
    'table-only': { type: 'boolean', default: false },
  },
});
const dataDir = positionals[0];
if (dataDir === undefined) throw new Error('usage: npx tsx bench/uncertainty-mnist.ts <data-dir> [options]');
const num = (k: keyof typeof values): number => Number(values[k]);
const cfg = {
  seeds: String(values.seeds).split(',').map(Number),
  epochs: num('epochs'),
  nTrain: num('n-train'),
  nVal: num('n-val'),
  klSteps: num('kl-steps'),
  ensemble: num('ensemble'),
  mc: num('mc-samples'),
  tta: num('tta-samples'),
  batchSize: 64,
  lr: 0.001,
};
const HELD_OUT_FROM = 8000; // the held-out digits of evidential-mnist.ts: MNIST test images 8000–9999
const TTA = { maxRotation: 10, maxShift: 2 };

interface Row {
  seed: number;
  key: string;
  name: string;
  score: string;
  accuracy: number;
  ece: number;
  aurc: number;
  aurocNoise: number;
  aurocInverted: number;
  confWrongCases: number;
  flaggedNative: number;
  flaggedAt5: number;
  threshold5: number;
  trainS: number;
}

interface Method {
  key: string;
  name: string;
  score: string;
  evidential: boolean;
  predict: (x: tf.Tensor) => Promise<ClassPrediction>;
  trainS: number;
}

const quantile = (a: Float64Array, q: number): number => {
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};

async function train<M extends Classifier>(name: string, m: M, fit: (m: M) => Promise<unknown>): Promise<{ model: M; s: number }> {
  const t0 = performance.now();
  await fit(m);
  const s = (performance.now() - t0) / 1000;
  console.log(`  [${name}] trained in ${s.toFixed(0)} s (load ${loadavg()[0]?.toFixed(2)})`);
  return { model: m, s };
}

async function runSeed(seed: number, d: Awaited<ReturnType<typeof readMnistArrays>>): Promise<Row[]> {
  const trainPart = part(d, 0, cfg.nTrain);
  const val = part(d, cfg.nTrain, cfg.nTrain + cfg.nVal);
  const test = part(d, HELD_OUT_FROM, d.n);
  const aug = augmentShifts(trainPart, 1, seed + 1000);
  const xTrain = imageTensor(aug.images, aug.n);
  const xVal = imageTensor(val.images, val.n);
  const xTest = imageTensor(test.images, test.n);
  const fitOpts = { epochs: cfg.epochs, batchSize: cfg.batchSize, learningRate: cfg.lr, seed, verbose: false };

  const softmax: { model: SoftmaxClassifier; s: number }[] = [];
  for (let k = 0; k < cfg.ensemble; k++) {
    const m = new SoftmaxClassifier({ backbone: lenet({ seed: seed * 100 + k }), classes: 10, seed: seed * 100 + k });
    softmax.push(await train(`softmax-${k}`, m, (mm) => mm.fit(xTrain, aug.labels, { ...fitOpts, seed: seed * 100 + k })));
  }
  const evid = async (kind: EvidentialClassifierLoss): Promise<{ model: EvidentialClassifier; s: number }> => {
    const m = new EvidentialClassifier({ backbone: lenet({ seed }), classes: 10, evidence: 'softplus', kind, seed });
    return await train(`edl-${kind}`, m, (mm) => mm.fit(xTrain, aug.labels, { ...fitOpts, kind, klAnnealing: { steps: cfg.klSteps } }));
  };
  const edl = await evid('mse');
  const iedl = await evid('iedl');
  const redl = await evid('redl');
  xTrain.dispose();
  const sm = softmax[0] as { model: SoftmaxClassifier; s: number };
  const ts = new TemperatureScaling(sm.model);
  await ts.fit(xVal, val.labels);
  const ens = DeepEnsemble.of(softmax.map((m) => m.model));
  const sumS = softmax.reduce((a, m) => a + m.s, 0);
  const methods: Method[] = [
    { key: 'softmax', name: 'softmax', score: '1 − max p', evidential: false, predict: (x) => sm.model.predict(x), trainS: sm.s },
    { key: 'temperature', name: 'temperature scaling', score: '1 − max p', evidential: false, predict: (x) => ts.predict(x), trainS: sm.s },
    {
      key: 'mc-dropout',
      name: `MC dropout (N = ${cfg.mc})`,
      score: 'entropy of mean p',
      evidential: false,
      predict: (x) => mcDropoutPredict(sm.model, x, { samples: cfg.mc, seed }),
      trainS: sm.s,
    },
    {
      key: 'ensemble',
      name: `deep ensemble (M = ${cfg.ensemble})`,
      score: 'entropy of mean p',
      evidential: false,
      predict: (x) => ens.predict(x),
      trainS: sumS,
    },
    {
      key: 'tta',
      name: `TTA of softmax (N = ${cfg.tta}, ±${TTA.maxRotation}°, ±${TTA.maxShift} px)`,
      score: 'entropy of mean p',
      evidential: false,
      predict: (x) => testTimeAugmentation(sm.model, x, { augment: imageAugmentation(TTA), samples: cfg.tta, seed }),
      trainS: sm.s,
    },
    { key: 'edl', name: 'EDL (MSE, softplus)', score: 'u = K/S', evidential: true, predict: (x) => edl.model.predict(x), trainS: edl.s },
    { key: 'iedl', name: 'I-EDL (Fisher weight 0.005)', score: 'u = K/S', evidential: true, predict: (x) => iedl.model.predict(x), trainS: iedl.s },
    { key: 'redl', name: 'R-EDL (λ = 0.1)', score: 'u = Kλ/S', evidential: true, predict: (x) => redl.model.predict(x), trainS: redl.s },
  ];

  // Rotated held-out "1"s at 60°–130°; the confidently wrong cases are the softmax baseline's.
  const ones = Array.from(test.labels.keys()).filter((i) => test.labels[i] === 1);
  const angles = [60, 70, 80, 90, 100, 110, 120, 130];
  const rot = new Float32Array(ones.length * angles.length * MNIST_PIXELS);
  ones.forEach((i, a) => {
    const img = test.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
    angles.forEach((deg, j) => rot.set(rotateImage(img, MNIST_SIDE, MNIST_SIDE, deg), (a * angles.length + j) * MNIST_PIXELS));
  });
  const nRot = ones.length * angles.length;
  const xRot = imageTensor(rot, nRot);
  const smRot = await sm.model.predict(xRot);
  const cases = Array.from({ length: nRot }, (_, r) => r).filter((r) => smRot.predictedClass[r] !== 1 && (smRot.confidence[r] as number) >= 0.9);
  const noise = imageTensor(noiseImages(test.n, seed + 2000), test.n);
  const inverted = imageTensor(invertedImages(test.images), test.n);

  const rows: Row[] = [];
  for (const m of methods) {
    const p = await m.predict(xTest);
    const correct = Uint8Array.from({ length: p.n }, (_, i) => (p.predictedClass[i] === test.labels[i] ? 1 : 0));
    const pNoise = await m.predict(noise);
    const pInv = await m.predict(inverted);
    const pRot = await m.predict(xRot);
    const thr = quantile(p.uncertainty, 0.95);
    const native = (r: number): boolean => (m.evidential ? (pRot.uncertainty[r] as number) >= 0.5 : 1 - (pRot.confidence[r] as number) >= 0.5);
    rows.push({
      seed,
      key: m.key,
      name: m.name,
      score: m.score,
      accuracy: correct.reduce((a, v) => a + v, 0) / p.n,
      ece: expectedCalibrationError({ labels: test.labels }, p.probs, { bins: 15 }).value,
      aurc: aurc({ correct }, p.uncertainty).value,
      aurocNoise: oodAuroc(p.uncertainty, pNoise.uncertainty),
      aurocInverted: oodAuroc(p.uncertainty, pInv.uncertainty),
      confWrongCases: cases.length,
      flaggedNative: cases.filter(native).length / Math.max(1, cases.length),
      flaggedAt5: cases.filter((r) => (pRot.uncertainty[r] as number) > thr).length / Math.max(1, cases.length),
      threshold5: thr,
      trainS: m.trainS,
    });
    const last = rows[rows.length - 1] as Row;
    console.log(
      `  seed ${seed} ${m.name}: acc ${(100 * last.accuracy).toFixed(2)} % ECE ${last.ece.toFixed(4)} AURC ${last.aurc.toFixed(5)} ` +
        `OOD ${last.aurocNoise.toFixed(3)}/${last.aurocInverted.toFixed(3)} flagged ${(100 * last.flaggedNative).toFixed(1)} % / ${(100 * last.flaggedAt5).toFixed(1)} % of ${cases.length}`,
    );
  }
  tf.dispose([xVal, xTest, xRot, noise, inverted]);
  ens.dispose();
  edl.model.dispose();
  iedl.model.dispose();
  redl.model.dispose();
  return rows;
}

const t0 = performance.now();
let all: Row[] = [];
let loads: number[] = [];
let machine = '';
let seedsDone: number[] = [];
if (values['table-only']) {
  const saved = JSON.parse(await readFile(`${values.out}/rows.json`, 'utf8')) as { machine: string; loads: number[]; rows: Row[] };
  ({ machine, loads } = saved);
  all = saved.rows;
  seedsDone = [...new Set(all.map((r) => r.seed))];
} else {
  await initBackend();
  const d = await readMnistArrays(dataDir);
  machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, tfjs ${tf.version.tfjs} (${tf.getBackend()})`;
  console.log(
    `${machine}; load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}; ${JSON.stringify(cfg)}`,
  );
  await mkdir(values.out, { recursive: true });
  for (const seed of cfg.seeds) {
    all.push(...(await runSeed(seed, d)));
    loads.push(loadavg()[0] as number);
    seedsDone.push(seed);
    await writeFile(`${values.out}/rows.json`, JSON.stringify({ machine, cfg, loads, date: new Date().toISOString(), rows: all }, null, 1));
  }
}

// Mean ± sd over seeds.
const keys = [...new Set(all.map((r) => r.key))];
const fmt = (xs: number[], digits: number, scale = 1): string => {
  const m = xs.reduce((a, v) => a + v, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1)) : 0;
  return xs.length > 1 ? `${(scale * m).toFixed(digits)} ± ${(scale * sd).toFixed(digits)}` : (scale * m).toFixed(digits);
};
const lines = [
  '| method | uncertainty score | accuracy (%) | ECE (15 bins) | AURC | OOD AUROC, noise | OOD AUROC, inverted | confidently wrong rotated "1"s flagged, native rule (%) | … flagged at the 5 % held-out threshold (%) | 5 % threshold (95th percentile of the held-out score) | training (s) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const k of keys) {
  const rs = all.filter((r) => r.key === k);
  const r0 = rs[0] as Row;
  lines.push(
    `| ${r0.name} | ${r0.score} | ${fmt(
      rs.map((r) => r.accuracy),
      2,
      100,
    )} | ${fmt(
      rs.map((r) => r.ece),
      4,
    )} | ${fmt(
      rs.map((r) => r.aurc),
      5,
    )} | ${fmt(
      rs.map((r) => r.aurocNoise),
      3,
    )} | ${fmt(
      rs.map((r) => r.aurocInverted),
      3,
    )} | ${fmt(
      rs.map((r) => r.flaggedNative),
      1,
      100,
    )} | ${fmt(
      rs.map((r) => r.flaggedAt5),
      1,
      100,
    )} | ${fmt(
      rs.map((r) => r.threshold5),
      3,
    )} | ${fmt(
      rs.map((r) => r.trainS),
      0,
    )} |`,
  );
}
const cases = seedsDone.map((s) => (all.find((r) => r.seed === s) as Row).confWrongCases);
const md = `${lines.join('\n')}\n\nConfidently wrong cases per seed (softmax wrong with max p ≥ 0.9, held-out "1" at 60°–130°): ${cases.join(', ')}.\nSeeds ${seedsDone.join(', ')}. ${machine}; load after each seed ${loads.map((v) => v.toFixed(2)).join(', ')}; ${values['table-only'] ? 'table' : `total ${((performance.now() - t0) / 1000).toFixed(0)} s`}; ${new Date().toISOString()}\n`;
await writeFile(`${values.out}/table.md`, md);
console.log(`\n${md}`);
