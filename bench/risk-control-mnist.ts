/**
 * The guarantees of docs/guarantees.md on MNIST: a softmax LeNet and an evidential LeNet (EDL, MSE loss,
 * softplus evidence) trained on a seeded random 2000 of the 10 000 MNIST test-split images (plus one shifted
 * copy of each, as in bench/uncertainty-mnist.ts), their predictions on the other 8000, then 200 random
 * calibration/test splits of those predictions (exchangeable by construction). Per split and model:
 *
 * - flagging at α = 0.01, 0.02, 0.05 and 0.1 (δ = 0.1) with Learn then Test (the `riskControlledFlag` default), the
 *   empirical `targetRisk` threshold (`flagLowConfidence`) and conformal risk control, on the score
 *   1 − max p (softmax) or u = K/S (evidential); a split violates when the error rate of the kept test
 *   cases exceeds α;
 * - LAC, APS and RAPS prediction sets at α = 0.1: test coverage and mean set size.
 *
 *   npx tsx bench/risk-control-mnist.ts <data-dir> [--seed 1] [--n-train 2000] [--epochs 8] [--reps 200] [--n-cal 1000] [--alphas 0.01,0.02,0.05,0.1]
 *     [--out bench/out/risk-control-mnist]
 *   npx tsx bench/risk-control-mnist.ts - --preds bench/out/risk-control-mnist/preds.json   # tables from saved predictions
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { lenet } from '../src/backbones/index.js';
import { initBackend } from '../src/backend/index.js';
import { Random } from '../src/core/random.js';
import { MNIST_PIXELS, readMnistArrays } from '../src/io/mnist.js';
import {
  calibrateConformalSets,
  EvidentialClassifier,
  flagLowConfidence,
  predictConformalSets,
  riskControlledFlag,
  SoftmaxClassifier,
  type ClassPrediction,
  type ConformalMethod,
} from '../src/index.js';
import { augmentShifts, imageTensor, type Part } from './mnist-models.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    'n-train': { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '8' },
    reps: { type: 'string', default: '200' },
    'n-cal': { type: 'string', default: '1000' },
    out: { type: 'string', default: 'bench/out/risk-control-mnist' },
    preds: { type: 'string' },
    alphas: { type: 'string', default: '0.01,0.02,0.05,0.1' },
  },
});
const dataDir = positionals[0];
if (dataDir === undefined) throw new Error('usage: npx tsx bench/risk-control-mnist.ts <data-dir> [options]');
const cfg = {
  seed: Number(values.seed),
  nTrain: Number(values['n-train']),
  epochs: Number(values.epochs),
  reps: Number(values.reps),
  nCal: Number(values['n-cal']),
  batchSize: 64,
  lr: 0.001,
};

/** Predictions of one model on the held-out images: probabilities (n×K, row-major), the flagging score, the labels. */
interface Preds {
  name: string;
  score: string;
  k: number;
  probs: number[];
  u: number[];
  labels: number[];
}

function shuffle(n: number, rng: Random): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx;
}

function gather(images: Float32Array, labels: Int32Array, rows: number[]): Part {
  const out = new Float32Array(rows.length * MNIST_PIXELS);
  rows.forEach((r, i) => out.set(images.subarray(r * MNIST_PIXELS, (r + 1) * MNIST_PIXELS), i * MNIST_PIXELS));
  return { images: out, labels: Int32Array.from(rows, (r) => labels[r] as number), n: rows.length, index: Int32Array.from(rows) };
}

async function trainAndPredict(): Promise<{ preds: Preds[]; machine: string; notes: string[] }> {
  await initBackend();
  const d = await readMnistArrays(dataDir as string);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, tfjs ${tf.version.tfjs} (${tf.getBackend()})`;
  const notes = [`${machine}; load at start ${loadavg()[0]?.toFixed(2)}; ${JSON.stringify(cfg)}`];
  console.log(notes[0]);
  const order = shuffle(d.n, new Random(cfg.seed));
  const trainPart = gather(d.images, d.labels, order.slice(0, cfg.nTrain));
  const rest = gather(d.images, d.labels, order.slice(cfg.nTrain));
  const aug = augmentShifts(trainPart, 1, cfg.seed + 1000);
  const xTrain = imageTensor(aug.images, aug.n);
  const xRest = imageTensor(rest.images, rest.n);
  const fitOpts = { epochs: cfg.epochs, batchSize: cfg.batchSize, learningRate: cfg.lr, seed: cfg.seed, verbose: false };
  const labels = Array.from(rest.labels);
  const preds: Preds[] = [];
  const run = async (
    name: string,
    score: string,
    m: SoftmaxClassifier | EvidentialClassifier,
    fit: () => Promise<unknown>,
    u: (p: ClassPrediction) => number[],
  ) => {
    const t0 = performance.now();
    await fit();
    const s = (performance.now() - t0) / 1000;
    const p = await m.predict(xRest);
    const acc = labels.filter((y, i) => p.predictedClass[i] === y).length / labels.length;
    const line = `${name}: trained in ${s.toFixed(0)} s (load ${loadavg()[0]?.toFixed(2)}), accuracy on the ${labels.length} held-out images ${(100 * acc).toFixed(2)} %`;
    console.log(line);
    notes.push(line);
    preds.push({ name, score, k: p.classes, probs: Array.from(p.probs), u: u(p), labels });
    m.dispose();
  };
  const sm = new SoftmaxClassifier({ backbone: lenet({ seed: cfg.seed }), classes: 10, seed: cfg.seed });
  await run(
    'softmax LeNet',
    '1 − max p',
    sm,
    () => sm.fit(xTrain, aug.labels, fitOpts),
    (p) => Array.from(p.confidence, (c) => 1 - c),
  );
  const edl = new EvidentialClassifier({ backbone: lenet({ seed: cfg.seed }), classes: 10, evidence: 'softplus', kind: 'mse', seed: cfg.seed });
  await run(
    'evidential LeNet (EDL, MSE, softplus)',
    'u = K/S',
    edl,
    () => edl.fit(xTrain, aug.labels, { ...fitOpts, kind: 'mse', klAnnealing: { steps: 4 } }),
    (p) => Array.from(p.uncertainty),
  );
  tf.dispose([xTrain, xRest]);
  return { preds, machine, notes };
}

const alphas = String(values.alphas).split(',').map(Number);
const delta = 0.1;

/** Flagging rows: per model, α and policy, over `reps` random calibration/test splits. */
function flagTables(preds: Preds[]): string[] {
  const lines = [
    '| model (score) | α | policy | violations (test error of kept > α) | violation rate | mean test error of kept | mean share kept | mean P(wrong and kept) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of preds) {
    const n = p.labels.length;
    const correct = p.labels.map((y, i) => {
      const row = p.probs.slice(i * p.k, (i + 1) * p.k);
      return row.indexOf(Math.max(...row)) === y ? 1 : 0;
    });
    for (const alpha of alphas) {
      const policies: [string, (cal: { score: number[]; correct: number[] }) => number][] = [
        ['Learn then Test (default: HB, fixed-sequence, δ = 0.1)', (cal) => riskControlledFlag([0], cal, { alpha, delta }).threshold],
        [
          'empirical `targetRisk`',
          (cal) => {
            try {
              return flagLowConfidence([0], { targetRisk: alpha, calibration: cal }).threshold;
            } catch {
              return -Infinity;
            }
          },
        ],
        ['conformal risk control', (cal) => riskControlledFlag([0], cal, { alpha, method: 'crc' }).threshold],
      ];
      const acc = policies.map(() => ({ viol: 0, risk: 0, kept: 0, joint: 0 }));
      const rng = new Random(cfg.seed * 7919 + Math.round(alpha * 1000));
      for (let r = 0; r < cfg.reps; r++) {
        const idx = shuffle(n, rng);
        const cal = idx.slice(0, cfg.nCal);
        const test = idx.slice(cfg.nCal);
        const c = { score: cal.map((i) => p.u[i] as number), correct: cal.map((i) => correct[i] as number) };
        policies.forEach(([, pick], j) => {
          const t = pick(c);
          let kept = 0;
          let wrong = 0;
          for (const i of test) {
            if ((p.u[i] as number) <= t) {
              kept++;
              if (correct[i] === 0) wrong++;
            }
          }
          const risk = kept > 0 ? wrong / kept : 0;
          const a = acc[j] as { viol: number; risk: number; kept: number; joint: number };
          if (risk > alpha) a.viol++;
          a.risk += risk / cfg.reps;
          a.kept += kept / test.length / cfg.reps;
          a.joint += wrong / test.length / cfg.reps;
        });
      }
      policies.forEach(([name], j) => {
        const a = acc[j] as { viol: number; risk: number; kept: number; joint: number };
        lines.push(
          `| ${p.name} (${p.score}) | ${alpha} | ${name} | ${a.viol}/${cfg.reps} | ${(a.viol / cfg.reps).toFixed(3)} | ${a.risk.toFixed(4)} | ${a.kept.toFixed(3)} | ${a.joint.toFixed(4)} |`,
        );
      });
    }
    const err = 1 - correct.reduce<number>((s, v) => s + v, 0) / n;
    lines.push(`| ${p.name} (${p.score}) | — | keep all | — | — | ${err.toFixed(4)} | 1.000 | ${err.toFixed(4)} |`);
  }
  return lines;
}

function setTables(preds: Preds[]): string[] {
  const alpha = 0.1;
  const settings: { setting: string; method: ConformalMethod; randomized: boolean; last: boolean | 'randomized'; kReg?: number; lambda?: number }[] = [
    { setting: 'LAC', method: 'lac', randomized: false, last: true },
    { setting: 'APS, last label included', method: 'aps', randomized: false, last: true },
    { setting: 'APS randomised', method: 'aps', randomized: true, last: 'randomized' },
    { setting: 'RAPS kReg 1, λ 0.01, randomised', method: 'raps', randomized: true, last: 'randomized', kReg: 1, lambda: 0.01 },
  ];
  const lines = ['| model | method | α | mean coverage ± s.e. | guaranteed | mean set size |', '| --- | --- | --- | --- | --- | --- |'];
  for (const p of preds) {
    const n = p.labels.length;
    const rows = Array.from({ length: n }, (_, i) => p.probs.slice(i * p.k, (i + 1) * p.k));
    for (const s of settings) {
      const rng = new Random(cfg.seed * 104729);
      const cov: number[] = [];
      let size = 0;
      for (let r = 0; r < cfg.reps; r++) {
        const idx = shuffle(n, rng);
        const cal = idx.slice(0, cfg.nCal);
        const test = idx.slice(cfg.nCal);
        const fit = calibrateConformalSets(
          cal.map((i) => rows[i] as number[]),
          cal.map((i) => p.labels[i] as number),
          { alpha, method: s.method, randomized: s.randomized, seed: r, kReg: s.kReg, lambda: s.lambda },
        );
        const out = predictConformalSets(
          fit,
          test.map((i) => rows[i] as number[]),
          { includeLastLabel: s.last, seed: 1000 + r, labels: test.map((i) => p.labels[i] as number) },
        );
        cov.push(out.coverage as number);
        size += out.meanSize / cfg.reps;
      }
      const mean = cov.reduce((a, b) => a + b, 0) / cfg.reps;
      const sd = Math.sqrt(cov.reduce((a, b) => a + (b - mean) ** 2, 0) / (cfg.reps - 1));
      const g = s.randomized ? '= 0.90' : `≥ 0.90 (${Math.ceil((cfg.nCal + 1) * (1 - alpha))}/${cfg.nCal + 1})`;
      lines.push(`| ${p.name} | ${s.setting} | ${alpha} | ${mean.toFixed(4)} ± ${(sd / Math.sqrt(cfg.reps)).toFixed(4)} | ${g} | ${size.toFixed(3)} |`);
    }
  }
  return lines;
}

const t0 = performance.now();
let preds: Preds[];
let notes: string[];
if (values.preds !== undefined) {
  ({ preds, notes } = JSON.parse(await readFile(values.preds, 'utf8')) as { preds: Preds[]; notes: string[] });
} else {
  const r = await trainAndPredict();
  ({ preds, notes } = r);
  await mkdir(values.out, { recursive: true });
  await writeFile(`${values.out}/preds.json`, JSON.stringify({ cfg, notes, date: new Date().toISOString(), preds }));
}
const tFit = (performance.now() - t0) / 1000;
const flags = flagTables(preds);
const sets = setTables(preds);
const md = [
  ...notes,
  '',
  `${cfg.reps} random splits of the ${preds[0]?.labels.length} held-out predictions into ${cfg.nCal} calibration / the rest test`,
  '',
  ...flags,
  '',
  ...sets,
  '',
  `training + prediction ${tFit.toFixed(0)} s, splits ${((performance.now() - t0) / 1000 - tFit).toFixed(0)} s; load now ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}; ${new Date().toISOString()}`,
].join('\n');
await mkdir(values.out, { recursive: true });
await writeFile(`${values.out}/table.md`, `${md}\n`);
console.log(md);
