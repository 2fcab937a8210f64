/**
 * Test-time augmentation (TTA): the prediction of any classifier averaged
 * over seeded random augmentations of each input, with the spread over the
 * augmented passes as uncertainty (as MONAI's `TestTimeAugmentation`).
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import { rotateImage } from '../../data/rotate.js';
import type { ClassPrediction } from '../../uncertainty/class-prediction.js';
import { combineSamples, SAMPLE_SCORES, type SampleScore } from '../../uncertainty/sample-stats.js';

/** Something that predicts classes: a survkit classifier (or a wrapper such as `TemperatureScaling`), or a function. */
export type ClassPredictor = { predict: (x: tf.Tensor) => Promise<ClassPrediction> } | ((x: tf.Tensor) => Promise<ClassPrediction>);

/** An augmentation: a new tensor of the same shape as `x`, drawn with `rng` (the caller disposes it). */
export type Augmentation = (x: tf.Tensor, rng: Random) => tf.Tensor;

/** Options of {@link testTimeAugmentation}. */
export interface TestTimeAugmentationOptions {
  /** The random augmentation applied to the whole batch in each pass (see {@link imageAugmentation}). */
  augment: Augmentation;
  /** Number of augmented passes N (default 10, MONAI's default `num_examples` is 10 too). */
  samples?: number;
  /** Seed of the augmentations (default 0): the same seed and inputs give the same prediction. */
  seed?: number;
  /** Also average the un-augmented input as one more pass (default true). */
  includeOriginal?: boolean;
  /** Which score becomes `uncertainty`: 'entropy' of the mean probabilities (default), 'mutual-information' or 'variance'. */
  score?: SampleScore;
}

/**
 * Class probabilities averaged over N seeded augmentations of each input (and
 * the input itself unless `includeOriginal` is false); `uncertainty` is the
 * entropy of the mean, the mutual information or the summed variance over the
 * passes (all three returned, see `combineSamples`). Works with any
 * classifier and needs no retraining: a cheap baseline beside MC dropout and
 * ensembles. It measures how stable a prediction is under the chosen
 * perturbations, nothing more: the augmentations must be ones the label is
 * invariant to.
 *
 * @param model a classifier (anything with `predict(x)` returning a {@link ClassPrediction}) or such a function
 * @param x inputs `[n, …]`
 * @param opts `augment` (required), `samples`, `seed`, `includeOriginal`, `score`
 * @example
 * const pred = await testTimeAugmentation(model, xTest, { augment: imageAugmentation({ maxRotation: 15, maxShift: 2 }), samples: 10, seed: 1 });
 * @throws {SurvkitError} on an invalid option, or when a pass returns a prediction of another size than the first
 * @see Wang et al. (2019), Aleatoric uncertainty estimation with test-time augmentation for medical image segmentation,
 *   Neurocomputing; MONAI `monai.data.test_time_augmentation.TestTimeAugmentation`
 */
export async function testTimeAugmentation(model: ClassPredictor, x: tf.Tensor, opts: TestTimeAugmentationOptions): Promise<ClassPrediction> {
  const fn = 'testTimeAugmentation';
  if (typeof opts !== 'object' || opts === null || typeof opts.augment !== 'function') throw survkitError('optionsObject', fn, 'opts', ['augment'], opts);
  const samples = assertNumberOption(fn, 'samples', opts.samples ?? 10, { min: 1, integer: true });
  const seed = assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true });
  const score = assertChoice(fn, 'score', opts.score ?? 'entropy', SAMPLE_SCORES);
  const includeOriginal = opts.includeOriginal ?? true;
  const predict = typeof model === 'function' ? model : (t: tf.Tensor) => model.predict(t);
  const rng = new Random(seed);
  const passes: Float64Array[] = [];
  let n = -1;
  let k = -1;
  const add = (p: ClassPrediction, pass: number): void => {
    if (n < 0) [n, k] = [p.n, p.classes];
    else if (p.n !== n || p.classes !== k) throw survkitError('ttaPrediction', fn, pass, `${n} rows and ${k} classes`, `${p.n} rows and ${p.classes} classes`);
    passes.push(p.probs);
  };
  if (includeOriginal) add(await predict(x), 0);
  for (let t = 1; t <= samples; t++) {
    const xa = opts.augment(x, rng);
    try {
      add(await predict(xa), t);
    } finally {
      if (xa !== x) xa.dispose();
    }
  }
  return combineSamples(passes, n, k, score);
}

/** Options of {@link imageAugmentation}. */
export interface ImageAugmentationOptions {
  /** Largest rotation in degrees: each image turns by an angle drawn uniformly from [−r, r] (default 0). */
  maxRotation?: number;
  /** Largest shift in whole pixels: each image moves by integers drawn uniformly from −s … s along each axis (default 0). */
  maxShift?: number;
  /** Flip each image left–right with probability ½ (default false; not label-preserving for digits). */
  flip?: boolean;
  /** Value of pixels that come from outside the image (default 0). */
  fill?: number;
}

/**
 * A random affine image augmentation for {@link testTimeAugmentation} on
 * `[n, height, width, channels]` inputs: per image a rotation about the centre
 * (bilinear, {@link rotateImage}), an integer shift and optionally a flip,
 * each drawn independently from the pass's seeded generator. Computed on the
 * host in float32.
 *
 * @example
 * const augment = imageAugmentation({ maxRotation: 10, maxShift: 2 });
 * @throws {SurvkitError} on a negative or non-finite option; the returned function throws for an input that is not rank 4
 */
export function imageAugmentation(opts: ImageAugmentationOptions = {}): Augmentation {
  const fn = 'imageAugmentation';
  const maxRotation = assertNumberOption(fn, 'maxRotation', opts.maxRotation ?? 0, { min: 0, max: 360 });
  const maxShift = assertNumberOption(fn, 'maxShift', opts.maxShift ?? 0, { min: 0, integer: true });
  const fill = assertNumberOption(fn, 'fill', opts.fill ?? 0);
  const flip = opts.flip ?? false;
  return (x: tf.Tensor, rng: Random): tf.Tensor => {
    if (x.rank !== 4) throw survkitError('shapeMismatch', fn, 'x', '[n, height, width, channels]', `[${x.shape.join(', ')}]`);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const src = x.dataSync();
    const size = h * w * c;
    const out = new Float32Array(n * size);
    for (let i = 0; i < n; i++) {
      let img: Float32Array = Float32Array.from(src.subarray(i * size, (i + 1) * size));
      const angle = maxRotation > 0 ? (2 * rng.next() - 1) * maxRotation : 0;
      if (angle !== 0) img = rotateImage(img, h, w, angle, { channels: c, fill });
      const dy = maxShift > 0 ? rng.int(2 * maxShift + 1) - maxShift : 0;
      const dx = maxShift > 0 ? rng.int(2 * maxShift + 1) - maxShift : 0;
      const mirror = flip && rng.next() < 0.5;
      const dst = out.subarray(i * size, (i + 1) * size);
      for (let r = 0; r < h; r++) {
        for (let q = 0; q < w; q++) {
          const sr = r - dy;
          const sq0 = q - dx;
          const sq = mirror ? w - 1 - sq0 : sq0;
          for (let ch = 0; ch < c; ch++) {
            dst[(r * w + q) * c + ch] = sr >= 0 && sr < h && sq >= 0 && sq < w ? (img[(sr * w + sq) * c + ch] as number) : fill;
          }
        }
      }
    }
    return tf.tensor(out, x.shape);
  };
}
