/**
 * Data split, shift augmentation and the models of the evidential MNIST
 * benchmark (bench/evidential-mnist.ts): the evidential LeNet and the
 * baselines on the same backbone, each as a `predict(x) → ClassPrediction`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { lenet } from '../src/backbones/index.js';
import { Random } from '../src/core/random.js';
import { translateImage } from '../src/data/rotate.js';
import type { EvidenceFunction } from '../src/heads/index.js';
import { MNIST_PIXELS, MNIST_SIDE, type MnistArrays } from '../src/io/mnist.js';
import { Classifier, EvidentialClassifier, SoftmaxClassifier, type ClassPrediction, type History } from '../src/index.js';
import { DeepEnsemble, mcDropoutPredict, TemperatureScaling } from '../src/index.js';

/** Host images and labels of one part of the split. */
export interface Part {
  images: Float32Array;
  labels: Int32Array;
  n: number;
  /** Index of each image in the MNIST file. */
  index: Int32Array;
}

/** Rows [from, to) of the MNIST arrays. */
export function part(d: MnistArrays, from: number, to: number): Part {
  return {
    images: d.images.subarray(from * MNIST_PIXELS, to * MNIST_PIXELS),
    labels: d.labels.subarray(from, to),
    n: to - from,
    index: Int32Array.from({ length: to - from }, (_, i) => from + i),
  };
}

/**
 * The training images plus `copies` shifted copies of each (integer shifts
 * dy, dx ∈ {−2, …, 2}, not both 0, drawn with a seeded RNG; zero fill).
 */
export function augmentShifts(p: Part, copies: number, seed: number): { images: Float32Array; labels: Int32Array; n: number } {
  const rng = new Random(seed);
  const n = p.n * (1 + copies);
  const images = new Float32Array(n * MNIST_PIXELS);
  const labels = new Int32Array(n);
  images.set(p.images);
  labels.set(p.labels);
  for (let c = 1; c <= copies; c++) {
    for (let i = 0; i < p.n; i++) {
      let dy = 0;
      let dx = 0;
      while (dy === 0 && dx === 0) {
        dy = rng.int(5) - 2;
        dx = rng.int(5) - 2;
      }
      const img = p.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
      images.set(translateImage(img, MNIST_SIDE, MNIST_SIDE, dy, dx), (c * p.n + i) * MNIST_PIXELS);
      labels[c * p.n + i] = p.labels[i] as number;
    }
  }
  return { images, labels, n };
}

/** `[n, 28, 28, 1]` tensor of host images. */
export function imageTensor(images: Float32Array, n: number): tf.Tensor4D {
  return tf.tensor4d(images, [n, MNIST_SIDE, MNIST_SIDE, 1]);
}

/** Training settings shared by every model. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Directory where trained models are saved (and loaded from with `reuse`). */
  modelsDir: string;
  reuse: boolean;
  /** Everything that shapes a trained model (data split, augmentation, optimiser…): a saved model is reused only when it matches. */
  signature: string;
  /** Validation images for the per-epoch log line (accuracy only; not used for selection). */
  xVal: tf.Tensor;
  yVal: Int32Array;
}

/** A trained model with its training time. */
export interface Trained<M extends Classifier> {
  model: M;
  /** Wall-clock training time, ms (for a loaded model: the summed epoch times of the run that trained it). */
  ms: number;
  history: History | null;
  loaded: boolean;
}

function accuracy(pred: ClassPrediction, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < pred.n; i++) ok += pred.predictedClass[i] === y[i] ? 1 : 0;
  return ok / pred.n;
}

/** Trains `build()` on (x, y) — or loads it from `modelsDir/name` with `reuse` — and saves it there. */
export async function trainOrLoad<M extends Classifier>(
  name: string,
  build: () => M,
  fit: (m: M, opts: Parameters<M['fit']>[2]) => Promise<History>,
  s: TrainSettings,
  seed: number,
): Promise<Trained<M>> {
  const dir = join(s.modelsDir, name);
  const sig = join(dir, 'bench-settings.json');
  if (s.reuse && existsSync(join(dir, 'survkit.json'))) {
    const saved = existsSync(sig) ? readFileSync(sig, 'utf8') : '';
    if (saved !== s.signature)
      throw new Error(`bench:mnist: ${dir} was trained with other settings (${saved || 'unknown'}); drop --reuse or use another --models directory`);
    const model = (await Classifier.load(dir)) as M;
    console.log(`[${name}] loaded from ${dir}`);
    // Training time of the earlier run: the sum of its epochs' wall times (stored in the model's history).
    const ms = model.history?.epochMs.reduce((a, v) => a + v, 0) ?? 0;
    return { model, ms, history: model.history, loaded: true };
  }
  const model = build();
  const t0 = performance.now();
  const history = await fit(model, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    learningRate: s.learningRate,
    seed,
    verbose: false,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        const acc = accuracy(await model.predict(s.xVal), s.yVal);
        console.log(
          `[${name}] epoch ${epoch + 1}/${s.epochs} loss ${logs.loss.toFixed(4)} val acc ${(100 * acc).toFixed(2)} % (${(logs.ms / 1000).toFixed(1)} s)`,
        );
      },
    },
  });
  const ms = performance.now() - t0;
  await model.save(dir);
  writeFileSync(sig, s.signature);
  return { model, ms, history, loaded: false };
}

/** One compared method: a name, its uncertainty score, and its prediction on images. */
export interface Method {
  /** Short key for file names and tables. */
  key: string;
  name: string;
  /** What its uncertainty is (for the tables). */
  score: string;
  predict: (x: tf.Tensor) => Promise<ClassPrediction>;
  /** Training time of the models behind it, ms. */
  trainMs: number;
}

/** Options of {@link buildMethods}. */
export interface MethodOptions {
  xTrain: tf.Tensor;
  yTrain: Int32Array;
  xVal: tf.Tensor;
  yVal: Int32Array;
  settings: TrainSettings;
  seed: number;
  evidence: EvidenceFunction;
  /** Further evidence functions to train evidential models with (extra rows). */
  alsoEvidence: EvidenceFunction[];
  klSteps: number;
  mcSamples: number;
  ensembleMembers: number;
}

/**
 * Trains (or loads) the evidential model(s), the softmax baseline and the
 * further ensemble members, fits the temperature on the validation part, and
 * returns the methods in table order: evidential, softmax, temperature
 * scaling, MC dropout, deep ensemble, then extra evidential variants.
 */
export async function buildMethods(
  o: MethodOptions,
): Promise<{ methods: Method[]; temperature: number; edl: EvidentialClassifier; softmax: SoftmaxClassifier; reused: string[]; dispose: () => void }> {
  const s = o.settings;
  const edlModel = (evidence: EvidenceFunction) =>
    trainOrLoad(
      `edl-mse-${evidence}`,
      () => new EvidentialClassifier({ backbone: lenet({ seed: o.seed }), classes: 10, evidence, kind: 'mse', seed: o.seed }),
      (m, opts) => m.fit(o.xTrain, o.yTrain, { ...opts, kind: 'mse', klAnnealing: { steps: o.klSteps } }),
      s,
      o.seed,
    );
  const softmaxModel = (k: number) =>
    trainOrLoad(
      `softmax-${k}`,
      () => new SoftmaxClassifier({ backbone: lenet({ seed: o.seed + k }), classes: 10, seed: o.seed + k }),
      (m, opts) => m.fit(o.xTrain, o.yTrain, opts),
      s,
      o.seed + k,
    );

  const edl = await edlModel(o.evidence);
  const sm = await softmaxModel(0);
  const members: Trained<SoftmaxClassifier>[] = [sm];
  for (let k = 1; k < o.ensembleMembers; k++) members.push(await softmaxModel(k));
  const extra: Trained<EvidentialClassifier>[] = [];
  for (const ev of o.alsoEvidence) extra.push(await edlModel(ev));

  const reused = [
    ...(edl.loaded ? [`edl-mse-${o.evidence}`] : []),
    ...members.flatMap((m, k) => (m.loaded ? [`softmax-${k}`] : [])),
    ...extra.flatMap((t, i) => (t.loaded ? [`edl-mse-${o.alsoEvidence[i]}`] : [])),
  ];
  const ts = new TemperatureScaling(sm.model);
  const fitT = await ts.fit(o.xVal, o.yVal);
  const ensemble = DeepEnsemble.of(members.map((m) => m.model));
  const msOf = (list: Trained<Classifier>[]) => list.reduce((a, t) => a + t.ms, 0);
  const methods: Method[] = [
    { key: 'evidential', name: `evidential (MSE, ${o.evidence})`, score: 'u = K/S', predict: (x) => edl.model.predict(x), trainMs: edl.ms },
    { key: 'softmax', name: 'softmax', score: '1 − max p', predict: (x) => sm.model.predict(x), trainMs: sm.ms },
    { key: 'temperature', name: `temperature scaling (T = ${fitT.temperature.toFixed(3)})`, score: '1 − max p', predict: (x) => ts.predict(x), trainMs: sm.ms },
    {
      key: 'mc-dropout',
      name: `MC dropout (N = ${o.mcSamples})`,
      score: 'entropy of mean p',
      predict: (x) => mcDropoutPredict(sm.model, x, { samples: o.mcSamples, seed: o.seed }),
      trainMs: sm.ms,
    },
    { key: 'ensemble', name: `deep ensemble (M = ${members.length})`, score: 'entropy of mean p', predict: (x) => ensemble.predict(x), trainMs: msOf(members) },
    ...extra.map((t, i) => ({
      key: `evidential-${o.alsoEvidence[i]}`,
      name: `evidential (MSE, ${o.alsoEvidence[i]})`,
      score: 'u = K/S',
      predict: (x: tf.Tensor) => t.model.predict(x),
      trainMs: t.ms,
    })),
  ];
  return {
    methods,
    temperature: fitT.temperature,
    edl: edl.model,
    softmax: sm.model,
    reused,
    dispose: () => {
      edl.model.dispose();
      ensemble.dispose();
      extra.forEach((t) => t.model.dispose());
    },
  };
}
