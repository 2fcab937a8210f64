/**
 * Reproduction of Sensoy, Kaplan & Kandemir (2018) "Evidential Deep Learning
 * to Quantify Classification Uncertainty" on MNIST, with
 * survkit's LeNet backbone, evidential head (MSE loss, KL annealing) and the
 * baselines on the same backbone.
 *
 * Data: the MNIST test split in raw form (`mnist_t10k_images.u8`,
 * `mnist_t10k_labels.u8`, see src/io/mnist.ts). Images 0 … n-train−1 train,
 * the next n-val are the validation part (temperature fitting and the
 * per-epoch log line), the rest (2000 by default) are the held-out digits
 * every number is reported on.
 *
 * 1. Held-out accuracy, ECE, Brier, NLL; risk–coverage (error after dropping
 *    the 10 % most uncertain, AURC, E-AURC) for evidential, softmax,
 *    temperature scaling, MC dropout and a deep ensemble.
 * 2. Rotated "1": the first held-out "1" rotated 0°–180° in 10° steps →
 *    table + figure; then every held-out "1" for a summary.
 * 3. OOD: uniform-noise images and inverted held-out digits vs held-out
 *    digits, AUROC of each method's uncertainty.
 *
 *   npm run bench:mnist -- <data-dir> [--out docs/figures] [--results docs/uncertainty-results.md]
 *     [--epochs 20] [--augment 1] [--batch-size 64] [--lr 0.001] [--evidence softplus] [--also relu]
 *     [--kl-steps 10] [--mc-samples 30] [--ensemble 5] [--n-train 7000] [--n-val 1000] [--seed 1]
 *     [--models bench/out/mnist-models] [--reuse] [--no-aggregate]
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { EVIDENCE_FUNCTIONS, type EvidenceFunction } from '../src/heads/index.js';
import { readMnistArrays } from '../src/io/mnist.js';
import { heldOut, ood, rotateAllOnes, rotateOne, type RotationAggregate } from './mnist-experiments.js';
import { augmentShifts, buildMethods, imageTensor, part, type Method } from './mnist-models.js';
import { aggregateTable, heldOutTable, oodTable, rotationChecks, rotationTable, writeFigures } from './mnist-report.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'docs/figures' },
    results: { type: 'string', default: 'docs/uncertainty-results.md' },
    epochs: { type: 'string', default: '20' },
    augment: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.001' },
    evidence: { type: 'string', default: 'softplus' },
    also: { type: 'string', default: '' },
    'kl-steps': { type: 'string', default: '10' },
    'mc-samples': { type: 'string', default: '30' },
    ensemble: { type: 'string', default: '5' },
    'n-train': { type: 'string', default: '7000' },
    'n-val': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    models: { type: 'string', default: 'bench/out/mnist-models' },
    reuse: { type: 'boolean', default: false },
    'no-aggregate': { type: 'boolean', default: false },
  },
});
const dataDir = positionals[0];
if (dataDir === undefined) {
  console.error('usage: npm run bench:mnist -- <data-dir> [--out docs/figures] [--epochs 20] … (see bench/evidential-mnist.ts)');
  process.exit(2);
}
const int = (name: string, v: string | undefined): number => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new Error(`bench:mnist: --${name} must be a non-negative integer, got ${v}`);
  return x;
};
const evidenceOf = (v: string): EvidenceFunction => {
  if (!(EVIDENCE_FUNCTIONS as readonly string[]).includes(v))
    throw new Error(`bench:mnist: unknown evidence ${JSON.stringify(v)}; one of ${EVIDENCE_FUNCTIONS.join(', ')}`);
  return v as EvidenceFunction;
};
const cfg = {
  epochs: int('epochs', values.epochs),
  augment: int('augment', values.augment),
  batchSize: int('batch-size', values['batch-size']),
  lr: Number(values.lr),
  evidence: evidenceOf(values.evidence),
  also: values.also.split(',').filter(Boolean).map(evidenceOf),
  klSteps: int('kl-steps', values['kl-steps']),
  mcSamples: int('mc-samples', values['mc-samples']),
  ensemble: Math.max(1, int('ensemble', values.ensemble)),
  nTrain: int('n-train', values['n-train']),
  nVal: int('n-val', values['n-val']),
  seed: int('seed', values.seed),
};
const t0 = performance.now();
const backend = await initBackend();
console.log(
  `backend ${tf.getBackend()} (${JSON.stringify(backend)}), tfjs ${tf.version.tfjs}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
);

// Data: train / validation / held-out test.
const d = await readMnistArrays(dataDir);
if (cfg.nTrain + cfg.nVal >= d.n) throw new Error(`bench:mnist: --n-train + --n-val = ${cfg.nTrain + cfg.nVal} leaves no held-out images of ${d.n}`);
const train = part(d, 0, cfg.nTrain);
const val = part(d, cfg.nTrain, cfg.nTrain + cfg.nVal);
const test = part(d, cfg.nTrain + cfg.nVal, d.n);
const aug = augmentShifts(train, cfg.augment, cfg.seed + 1000);
console.log(`MNIST t10k: train ${train.n} (+${aug.n - train.n} shifted copies), validation ${val.n}, held-out ${test.n}`);
const xTrain = imageTensor(aug.images, aug.n);
const xVal = imageTensor(val.images, val.n);
const xTest = imageTensor(test.images, test.n);

const tTrain = performance.now();
const built = await buildMethods({
  xTrain,
  yTrain: aug.labels,
  xVal,
  yVal: val.labels,
  seed: cfg.seed,
  evidence: cfg.evidence,
  alsoEvidence: cfg.also,
  klSteps: cfg.klSteps,
  mcSamples: cfg.mcSamples,
  ensembleMembers: cfg.ensemble,
  settings: {
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.lr,
    modelsDir: values.models,
    reuse: values.reuse,
    signature: JSON.stringify({
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      lr: cfg.lr,
      augment: cfg.augment,
      klSteps: cfg.klSteps,
      nTrain: cfg.nTrain,
      nVal: cfg.nVal,
      seed: cfg.seed,
    }),
    xVal,
    yVal: val.labels,
  },
});
const trainSeconds = (performance.now() - tTrain) / 1000;
xTrain.dispose();
const methods = built.methods;
const reused = built.reused;
const byKey = (k: string): Method => methods.find((m) => m.key === k) as Method;

// 1. Held-out digits.
const tEval = performance.now();
const { rows, preds } = await heldOut(methods, xTest, test.labels);
const t1 = heldOutTable(rows);
console.log(`\nHeld-out digits (n = ${test.n}):\n${t1}`);

// 2. Rotated "1".
const oneAt = Array.from(test.labels.keys()).find((i) => test.labels[i] === 1) as number;
const rot = await rotateOne(methods, test, oneAt);
const others = methods.filter((m) => !['evidential', 'softmax'].includes(m.key)).map((m) => ({ key: m.key, name: m.name }));
const t2 = rotationTable(rot, { edl: 'evidential', softmax: 'softmax', others });
const checks = rotationChecks(rot, 'evidential', 'softmax');
console.log(`\nRotated "1" (MNIST test image ${rot.index}):\n${t2}`);
let agg: RotationAggregate | null = null;
let t2b = '';
if (!values['no-aggregate']) {
  agg = await rotateAllOnes(byKey('evidential'), byKey('softmax'), test);
  t2b = aggregateTable(agg);
  console.log(`\nAll ${agg.ones} held-out "1"s:\n${t2b}`);
}

// 3. OOD.
const oodRows = await ood(methods, preds, test, cfg.seed + 2000);
const t3 = oodTable(oodRows);
console.log(`\nOut of distribution (${test.n} uniform-noise images, ${test.n} inverted held-out digits):\n${t3}`);
const evalSeconds = (performance.now() - tEval) / 1000;

// Figures and the results file.
const out = values.out;
const figures = await writeFigures(out, rot, rows, { edl: 'evidential', softmax: 'softmax', edlName: byKey('evidential').name });
const edlRow = rows.find((r) => r.key === 'evidential') as (typeof rows)[number];
const edlOod = oodRows.find((r) => r.key === 'evidential') as (typeof oodRows)[number];
const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
const acceptance = [
  `- Held-out accuracy of the evidential LeNet ≥ 98 %: ${(100 * edlRow.accuracy).toFixed(2)} % — ${pass(edlRow.accuracy >= 0.98)}`,
  `- Rotated "1", u at 0° ≤ 0.3: u = ${checks.u0.toFixed(3)} — ${pass(checks.u0 <= 0.3)}`,
  `- Rotated "1", u ≥ 0.5 where softmax confidently (max p ≥ 0.9) predicts a wrong class in 60°–130° (angles ${checks.confWrongAngles.join('°, ') || 'none'}${checks.confWrongAngles.length ? '°' : ''}): min u = ${checks.minUConfWrong.toFixed(3)} — ${pass(checks.confWrongAngles.length > 0 && checks.minUConfWrong >= 0.5)}`,
  `  (min u over every angle in 60°–130° where softmax is wrong: ${checks.minUWrong.toFixed(3)}; u over 60°–130°: ${checks.minURange.toFixed(3)} … ${checks.maxURange.toFixed(3)})`,
  ...(agg
    ? [
        `- All ${agg.ones} held-out "1"s: u ≤ 0.3 at 0° for ${(100 * agg.fractionUpright).toFixed(1)} %; of the ${agg.confWrongCases} (digit, angle in 60°–130°) cases where softmax is wrong with p ≥ 0.9, u ≥ 0.5 in ${(100 * agg.fractionUAtLeastHalf).toFixed(1)} %`,
      ]
    : []),
  `- OOD AUROC of u ≥ 0.9: noise ${edlOod.aurocNoise.toFixed(4)} — ${pass(edlOod.aurocNoise >= 0.9)}; inverted digits ${edlOod.aurocInverted.toFixed(4)} — ${pass(edlOod.aurocInverted >= 0.9)}`,
  ...rows.map(
    (r) =>
      `- ${r.name}: error ${(100 * r.error).toFixed(2)} % → ${(100 * r.error90).toFixed(2)} % after dropping the 10 % most uncertain — ${pass(r.error90 < r.error)}`,
  ),
].join('\n');
console.log(`\nAcceptance criteria:\n${acceptance}`);

const totalSeconds = (performance.now() - t0) / 1000;
const figDir = relative(dirname(values.results), out) || '.';
const img = (name: string): string => `![${name}](${figDir}/${name}.svg)`;
const md = `# Evidential uncertainty on MNIST: results

Reproduction of Sensoy, Kaplan & Kandemir (2018), *Evidential Deep Learning to Quantify Classification
Uncertainty* (NeurIPS), with survkit. Written by \`bench/evidential-mnist.ts\` on ${new Date().toISOString().slice(0, 10)};
re-run with \`npm run bench:mnist -- <data-dir>\` (the MNIST files are not in the repository).

## Setup

- Data: the MNIST **test** split (10 000 images). Images 0–${cfg.nTrain - 1} train${cfg.augment > 0 ? ` (plus ${cfg.augment} copy${cfg.augment > 1 ? 'ies' : ''} of each shifted by a random integer offset of up to ±2 pixels)` : ''},
  ${cfg.nTrain}–${cfg.nTrain + cfg.nVal - 1} are the validation part (temperature fitting only), ${cfg.nTrain + cfg.nVal}–${d.n - 1} (${test.n} digits) are held out; every number below is on the held-out digits.
- Backbone: \`lenet()\` — conv 5×5 20 → ReLU → max-pool → conv 5×5 50 → ReLU → max-pool → dense 500 → ReLU → dropout 0.5 (PyTorch default init).
- Evidential model: \`EvidentialClassifier\`, ${cfg.evidence} evidence, MSE loss (Sensoy Eq. 5) + λ_t·KL(Dir(α̃)‖Dir(1)), λ_t = min(1, t/${cfg.klSteps}) (t = 0-based epoch, as the reference).
- Baselines on the same backbone: softmax (cross-entropy), temperature scaling of that model (T fitted on the validation part: T = ${built.temperature.toFixed(3)}),
  MC dropout on that model (${cfg.mcSamples} passes, dropout 0.5 after the dense layer), deep ensemble of ${cfg.ensemble} softmax models (seeds ${cfg.seed}…${cfg.seed + cfg.ensemble - 1}; member 0 is the softmax baseline).
- Training: Adam, learning rate ${cfg.lr}, batch ${cfg.batchSize}, ${cfg.epochs} epochs, seed ${cfg.seed}, no early stopping; backend ${tf.getBackend()} (TF.js ${tf.version.tfjs}), Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}.
- Run time: training ${trainSeconds.toFixed(0)} s in this run${reused.length > 0 ? ` (${reused.join(', ')} loaded from an earlier run with the same settings, \`--reuse\`; the table shows the training times that run recorded)` : ''}, experiments ${evalSeconds.toFixed(0)} s, total ${totalSeconds.toFixed(0)} s.

## Acceptance criteria

${acceptance}

## Held-out digits: accuracy, calibration, risk–coverage

Uncertainty scores: evidential u = K/S; softmax and temperature scaling 1 − max p; MC dropout and the ensemble the entropy of the mean probabilities.
"error at 90 % coverage" is the error rate after dropping the 10 % most uncertain held-out digits. AURC as torch-uncertainty (lower is better).

${t1}

The figure shows the five methods of the comparison (extra evidence functions are in the table only).

${img('mnist-risk-coverage')}

${img('mnist-reliability-evidential')} ${img('mnist-reliability-softmax')} ${img('mnist-reliability-temperature')}

## Rotated "1"

MNIST test image ${rot.index} (the first "1" of the held-out part), rotated counter-clockwise 0°–180° in 10° steps
(bilinear, zero fill: \`rotateImage\`). Class (max probability) per method; u is the evidential uncertainty.

${t2}

${img('mnist-rotated-one')}
${agg ? `\nThe same for every held-out "1" (${agg.ones} digits): mean evidential u per angle, and how often the softmax model is wrong with max p ≥ 0.9.\n\n${t2b}\n` : ''}
## Out-of-distribution inputs

${test.n} images of uniform noise U(0, 1) per pixel and the ${test.n} held-out digits inverted (1 − x), against the held-out digits; AUROC of each
method's uncertainty score (\`oodAuroc\`; 1 = every OOD image more uncertain than every digit).

${t3}

## Notes

- Evidence function. The reference PyTorch demo (dougbrion/pytorch-classification-uncertainty) uses ReLU evidence,
  trained on the 60 000 MNIST training images with batches of 1000. Here, with 7 000 training digits and batches of
  ${cfg.batchSize}, a class whose logit turns negative for every input gets no evidence and no gradient (α = 1, "dead"
  class); its digits then sit at u = 1 with ties broken to class 0. Softplus evidence (log(1 + e^z), never exactly 0)
  does not have this failure, so it is the default of this benchmark (\`--evidence\`).${cfg.also.includes('relu') ? ' The "evidential (MSE, relu)" row is the reference\'s evidence function with the same settings.' : ''}
- The reference demo rotates test image 5 (a "1"); here that image is in the training part, so the first held-out "1" is used,
  and every held-out "1" is summarised as well.
- The reference README reports (for its own runs, not the paper): softmax LeNet ≈ 98.9 % test accuracy after 50 epochs on
  60 000 images; EDL-MSE u ≈ 1.0 on misclassified rotations and ≈ 0.2 on correctly classified ones. Sensoy et al. (2018) is
  the source of the experiment; its tables were not used as targets (see ANCHORS.md §3.2).
- "Confidently wrong" means max p ≥ 0.9 for the softmax model. Classes in the rotation table are argmax α (ties → lowest class).

Figures: ${figures.map((n) => `\`${figDir}/${n}\``).join(', ')}.
`;
await mkdir(dirname(values.results), { recursive: true });
// The comparison of every method (bench/uncertainty-mnist.ts) follows a marker in the same file: keep it.
const MARKER = '<!-- uncertainty-mnist -->';
const previous = existsSync(values.results) ? await readFile(values.results, 'utf8') : '';
const kept = previous.includes(MARKER) ? `\n${previous.slice(previous.indexOf(MARKER))}` : '';
await writeFile(values.results, md + kept);
console.log(`\nwrote ${values.results} and ${figures.length} figures to ${out}; total ${totalSeconds.toFixed(0)} s`);
built.dispose();
tf.dispose([xVal, xTest]);
