/**
 * The three experiments of the evidential MNIST benchmark on trained
 * methods: held-out metrics with risk–coverage, the rotated "1", and
 * out-of-distribution detection.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../src/core/random.js';
import { rotateImage } from '../src/data/rotate.js';
import { MNIST_PIXELS, MNIST_SIDE } from '../src/io/mnist.js';
import {
  aurc,
  excessAurc,
  expectedCalibrationError,
  logLoss,
  multiclassBrier,
  oodAuroc,
  reliabilityDiagram,
  riskAtCoverage,
  riskCoverageCurve,
  type ReliabilityBin,
  type RiskCoverageCurve,
} from '../src/metrics/index.js';
import type { ClassPrediction } from '../src/index.js';
import { imageTensor, type Method, type Part } from './mnist-models.js';

/** Held-out metrics of one method. */
export interface HeldOutRow {
  key: string;
  name: string;
  score: string;
  accuracy: number;
  /** Error rate on all held-out digits. */
  error: number;
  /** Error rate after dropping the 10 % most uncertain. */
  error90: number;
  aurc: number;
  eaurc: number;
  ece: number;
  brier: number;
  nll: number;
  meanUncertainty: number;
  trainMs: number;
  predictMs: number;
  curve: RiskCoverageCurve;
  reliability: ReliabilityBin[];
}

function correctOf(pred: ClassPrediction, y: Int32Array): Uint8Array {
  return Uint8Array.from({ length: pred.n }, (_, i) => (pred.predictedClass[i] === y[i] ? 1 : 0));
}

const mean = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

/** Accuracy, calibration and selective-prediction metrics of every method on the held-out digits. */
export async function heldOut(methods: Method[], xTest: tf.Tensor, yTest: Int32Array): Promise<{ rows: HeldOutRow[]; preds: Map<string, ClassPrediction> }> {
  const rows: HeldOutRow[] = [];
  const preds = new Map<string, ClassPrediction>();
  for (const m of methods) {
    const t0 = performance.now();
    const pred = await m.predict(xTest);
    const predictMs = performance.now() - t0;
    preds.set(m.key, pred);
    const correct = correctOf(pred, yTest);
    const acc = mean(correct);
    rows.push({
      key: m.key,
      name: m.name,
      score: m.score,
      accuracy: acc,
      error: 1 - acc,
      error90: riskAtCoverage({ correct }, pred.uncertainty, { coverage: 0.9 }).value,
      aurc: aurc({ correct }, pred.uncertainty).value,
      eaurc: excessAurc({ correct }, pred.uncertainty).value,
      ece: expectedCalibrationError({ labels: yTest }, pred.probs, { bins: 15 }).value,
      brier: multiclassBrier({ labels: yTest }, pred.probs).value,
      nll: logLoss({ labels: yTest }, pred.probs).value,
      meanUncertainty: mean(pred.uncertainty),
      trainMs: m.trainMs,
      predictMs,
      curve: riskCoverageCurve({ correct }, pred.uncertainty),
      reliability: reliabilityDiagram({ labels: yTest }, pred.probs, { bins: 15 }),
    });
  }
  return { rows, preds };
}

/** Angles of the rotation experiment: 0°, 10°, …, 180°. */
export const ANGLES = Array.from({ length: 19 }, (_, i) => 10 * i);

/** `image` rotated by each angle, as one host array of images. */
export function rotations(image: Float32Array, angles: readonly number[] = ANGLES): Float32Array[] {
  return angles.map((a) => Float32Array.from(rotateImage(image, MNIST_SIDE, MNIST_SIDE, a), (v) => Math.min(1, Math.max(0, v))));
}

/** Predictions of every method for the rotations of one image. */
export interface RotationResult {
  /** MNIST file index of the digit. */
  index: number;
  images: Float32Array[];
  preds: Map<string, ClassPrediction>;
}

/** Rotates one held-out digit 0°–180° and predicts every rotation with every method. */
export async function rotateOne(methods: Method[], test: Part, i: number): Promise<RotationResult> {
  const images = rotations(test.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
  const flat = new Float32Array(images.length * MNIST_PIXELS);
  images.forEach((img, k) => flat.set(img, k * MNIST_PIXELS));
  const x = imageTensor(flat, images.length);
  const preds = new Map<string, ClassPrediction>();
  try {
    for (const m of methods) preds.set(m.key, await m.predict(x));
  } finally {
    x.dispose();
  }
  return { index: test.index[i] as number, images, preds };
}

/** The rotated-"1" statistics over many held-out ones (evidential u vs softmax). */
export interface RotationAggregate {
  ones: number;
  /** Per angle: mean u, fraction of ones the softmax model gets wrong with max p ≥ 0.9, mean u on those. */
  perAngle: { angle: number; meanU: number; softmaxConfWrong: number; meanUWhenSoftmaxConfWrong: number | null }[];
  /** Cases (one, angle in 60°–130°) where softmax is wrong with max p ≥ 0.9, and the fraction of them with u ≥ 0.5. */
  confWrongCases: number;
  fractionUAtLeastHalf: number;
  /** Fraction of ones with u ≤ 0.3 at 0°. */
  fractionUpright: number;
}

/** Rotates every held-out "1" and summarises u against the softmax model's confident mistakes. */
export async function rotateAllOnes(edl: Method, softmax: Method, test: Part): Promise<RotationAggregate> {
  const ones = Array.from(test.labels.keys()).filter((i) => test.labels[i] === 1);
  const k = ANGLES.length;
  const sumU = new Float64Array(k);
  const wrong = new Float64Array(k);
  const sumUWrong = new Float64Array(k);
  let cases = 0;
  let high = 0;
  let upright = 0;
  for (const i of ones) {
    const r = await rotateOne([edl, softmax], test, i);
    const e = r.preds.get(edl.key) as ClassPrediction;
    const s = r.preds.get(softmax.key) as ClassPrediction;
    if ((e.uncertainty[0] as number) <= 0.3) upright++;
    ANGLES.forEach((a, j) => {
      const u = e.uncertainty[j] as number;
      sumU[j] = (sumU[j] as number) + u;
      const confWrong = s.predictedClass[j] !== 1 && (s.confidence[j] as number) >= 0.9;
      if (confWrong) {
        wrong[j] = (wrong[j] as number) + 1;
        sumUWrong[j] = (sumUWrong[j] as number) + u;
        if (a >= 60 && a <= 130) {
          cases++;
          if (u >= 0.5) high++;
        }
      }
    });
  }
  return {
    ones: ones.length,
    perAngle: ANGLES.map((angle, j) => ({
      angle,
      meanU: (sumU[j] as number) / ones.length,
      softmaxConfWrong: (wrong[j] as number) / ones.length,
      meanUWhenSoftmaxConfWrong: (wrong[j] as number) > 0 ? (sumUWrong[j] as number) / (wrong[j] as number) : null,
    })),
    confWrongCases: cases,
    fractionUAtLeastHalf: cases > 0 ? high / cases : NaN,
    fractionUpright: upright / ones.length,
  };
}

/** OOD detection by one method's uncertainty. */
export interface OodRow {
  key: string;
  name: string;
  meanIn: number;
  meanNoise: number;
  meanInverted: number;
  aurocNoise: number;
  aurocInverted: number;
}

/** Uniform-noise images U(0, 1), seeded. */
export function noiseImages(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n * MNIST_PIXELS }, () => rng.next());
}

/** 1 − x of each image (white digits on black become black on white). */
export function invertedImages(images: Float32Array): Float32Array {
  return Float32Array.from(images, (v) => 1 - v);
}

/** OOD AUROC (in = held-out digits, out = noise / inverted digits) of every method's uncertainty. */
export async function ood(methods: Method[], preds: Map<string, ClassPrediction>, test: Part, seed: number): Promise<OodRow[]> {
  const noise = imageTensor(noiseImages(test.n, seed), test.n);
  const inverted = imageTensor(invertedImages(test.images), test.n);
  const rows: OodRow[] = [];
  try {
    for (const m of methods) {
      const pIn = preds.get(m.key) as ClassPrediction;
      const pNoise = await m.predict(noise);
      const pInv = await m.predict(inverted);
      rows.push({
        key: m.key,
        name: m.name,
        meanIn: mean(pIn.uncertainty),
        meanNoise: mean(pNoise.uncertainty),
        meanInverted: mean(pInv.uncertainty),
        aurocNoise: oodAuroc(pIn.uncertainty, pNoise.uncertainty),
        aurocInverted: oodAuroc(pIn.uncertainty, pInv.uncertainty),
      });
    }
  } finally {
    tf.dispose([noise, inverted]);
  }
  return rows;
}
