/**
 * Gradient attributions of a score with respect to the input: plain
 * gradients (Simonyan et al. 2014), gradient × input, SmoothGrad (Smilkov et
 * al. 2017) and integrated gradients (Sundararajan et al. 2017).
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { ensurePatches } from '../backend/install.js';
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { checkedScores, scoreFunctionAs, type Explained } from './score.js';

/** The attribution methods of {@link saliency}. */
export type SaliencyMethod = 'gradient' | 'gradientXInput' | 'smoothGrad' | 'integratedGradients';

/** Options of {@link saliency}. */
export interface SaliencyOptions {
  /** Default 'gradient'. */
  method?: SaliencyMethod;
  /** Output column of a model with several (see {@link scoreFunction}). */
  column?: number;
  /** Integrated gradients: the baseline input (default 0, a black image) and the number of steps (default 50). */
  baseline?: number;
  steps?: number;
  /** SmoothGrad: noisy copies (default 25) and the noise sd as a fraction of each example's value range (default 0.15). */
  samples?: number;
  noise?: number;
  /** Seed of the SmoothGrad noise (default 0). */
  seed?: number;
}

/**
 * Attributions of the score to each input value, the shape of `x`.
 *
 * - 'gradient': ∂score/∂x.
 * - 'gradientXInput': x ⊙ ∂score/∂x.
 * - 'smoothGrad': the mean gradient over `samples` copies of x with Gaussian
 *   noise N(0, (noise · (max x − min x))²), seeded.
 * - 'integratedGradients': (x − x₀) ⊙ the mean gradient at x₀ + α(x − x₀)
 *   for α at the midpoints (k + ½)/steps, k = 0 … steps−1 (the midpoint
 *   Riemann sum). Completeness: the attributions sum to score(x) −
 *   score(x₀) up to the quadrature error (exactly for a linear score).
 *
 * @param model a `tf.LayersModel` with one output (column `column`) or a score function
 * @param x a batch `[b, …]`; each example is explained separately
 * @example
 * const g = saliency(model.net, images, { method: 'integratedGradients', steps: 64 }); // [b, H, W, C]
 * @throws {SurvkitError} for bad options or a model that does not give one score per example
 * @see Simonyan, Vedaldi & Zisserman (2014) ICLR workshop; Smilkov et al. (2017) arXiv:1706.03825;
 *   Sundararajan, Taly & Yan (2017) ICML
 */
export function saliency(model: Explained, x: tf.Tensor, opts: SaliencyOptions = {}): tf.Tensor {
  const fn = 'saliency';
  ensurePatches(fn); // synchronous: installs survkit's kernels for the backends loaded now, chooses none
  if (!(x instanceof tf.Tensor) || x.rank < 2) throw survkitError('batchTensor', fn, 'x', x instanceof tf.Tensor ? x.shape : undefined, x);
  const method = assertChoice(fn, 'method', opts.method ?? 'gradient', ['gradient', 'gradientXInput', 'smoothGrad', 'integratedGradients'] as const);
  const score = scoreFunctionAs(fn, model, opts.column);
  // The sum of the per-example scores: its gradient is each example's own gradient.
  const grad = tf.grad((z: tf.Tensor) => tf.sum(checkedScores(fn, score, z)));
  if (method === 'gradient') return tf.tidy(() => grad(x));
  if (method === 'gradientXInput') return tf.tidy(() => tf.mul(x, grad(x)));
  if (method === 'integratedGradients') {
    const steps = assertNumberOption(fn, 'steps', opts.steps ?? 50, { min: 1, integer: true });
    const baseline = assertNumberOption(fn, 'baseline', opts.baseline ?? 0, {});
    return tf.tidy(() => {
      const x0 = tf.fill(x.shape, baseline);
      const delta = tf.sub(x, x0);
      let total: tf.Tensor = tf.zerosLike(x);
      for (let k = 0; k < steps; k++) {
        const g = grad(tf.add(x0, tf.mul(delta, (k + 0.5) / steps)));
        const next = tf.add(total, g);
        total.dispose();
        g.dispose();
        total = next;
      }
      return tf.mul(delta, tf.div(total, steps));
    });
  }
  const samples = assertNumberOption(fn, 'samples', opts.samples ?? 25, { min: 1, integer: true });
  const noise = assertNumberOption(fn, 'noise', opts.noise ?? 0.15, { min: 0 });
  const rng = new Random(assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true }));
  const b = x.shape[0];
  const per = x.size / b;
  const values = x.dataSync();
  const sd = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i * per; j < (i + 1) * per; j++) {
      const v = values[j] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    sd[i] = noise * (hi - lo);
  }
  return tf.tidy(() => {
    let total: tf.Tensor = tf.zerosLike(x);
    for (let s = 0; s < samples; s++) {
      const eps = new Float32Array(x.size);
      for (let j = 0; j < eps.length; j++) eps[j] = (sd[Math.floor(j / per)] as number) * rng.normal();
      const g = grad(tf.add(x, tf.tensor(eps, x.shape, 'float32')));
      const next = tf.add(total, g);
      total.dispose();
      g.dispose();
      total = next;
    }
    return tf.div(total, samples);
  });
}
