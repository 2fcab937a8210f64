/**
 * The model-randomisation sanity check of Adebayo et al. (2018): an
 * explanation that hardly changes when the model's weights are replaced by
 * random ones does not explain the model (edge detectors pass for
 * saliency). Layers are randomised from the output down (cascading), and
 * the rank correlation between the original and the randomised
 * explanations is reported after each.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleRankCorrelation } from 'simple-statistics';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { ensureBackend } from '../backend/select.js';
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';

/** An explanation of a batch by a model: any attribution function (e.g. `(m, x) => saliency(m, x)`). */
export type ExplanationFunction = (model: tf.LayersModel, x: tf.Tensor) => tf.Tensor | Promise<tf.Tensor>;

/** Options of {@link modelRandomizationTest}. */
export interface RandomizationOptions {
  /** 'cascading' (default: top layer, then the top two, … as Adebayo et al.) or 'independent' (one layer at a time). */
  mode?: 'cascading' | 'independent';
  /** Seed of the random weights (default 0). */
  seed?: number;
}

/** One step of {@link modelRandomizationTest}. */
export interface RandomizationStep {
  /** The layer randomised at this step (with those above it when cascading). */
  layer: string;
  /** Spearman rank correlation between the original and the randomised explanation, pooled over the batch. */
  rankCorrelation: number;
  /** The same on absolute values (the sign-free comparison Adebayo et al. also report). */
  rankCorrelationAbs: number;
}

/**
 * Runs the model-randomisation test. Each layer with weights is randomised
 * in turn from the output towards the input: every weight tensor is
 * replaced by Gaussian values with the mean and standard deviation of the
 * original one (so activations keep their scale), seeded; batch-norm
 * running statistics are kept. The model's weights are restored afterwards,
 * bit for bit. A step whose explanation has non-finite values reports NaN.
 *
 * An explanation method passes when the correlations fall towards 0 as more
 * of the network is randomised; correlations that stay near 1 mean the
 * explanation does not depend on what the model learned.
 *
 * @example
 * const steps = await modelRandomizationTest(model.net, images, (m, x) => saliency(m, x, { method: 'gradient' }));
 * @throws {SurvkitError} for a model without weights, bad options, or an explanation whose shape changes
 * @see Adebayo et al. (2018), Sanity Checks for Saliency Maps, NeurIPS
 */
export async function modelRandomizationTest(
  model: tf.LayersModel,
  x: tf.Tensor,
  explain: ExplanationFunction,
  opts: RandomizationOptions = {},
): Promise<RandomizationStep[]> {
  const fn = 'modelRandomizationTest';
  await ensureBackend();
  if (!(model instanceof tf.LayersModel)) throw survkitError('notInstance', fn, 'model', 'tf.LayersModel', model);
  if (typeof explain !== 'function') throw survkitError('explainFunction', fn, 'explain', explain);
  const mode = assertChoice(fn, 'mode', opts.mode ?? 'cascading', ['cascading', 'independent'] as const);
  const rng = new Random(assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true }));
  const layers = model.layers.filter((l) => l.getWeights().length > 0).reverse();
  if (layers.length === 0) throw survkitError('noWeights', fn, 'model');
  const original = model.layers.map((l) => l.getWeights().map((w) => tf.clone(w)));
  const explainValues = async (): Promise<Float32Array> => {
    const e = await explain(model, x);
    const v = (await e.data()) as Float32Array;
    e.dispose();
    return v;
  };
  const restore = (): void => model.layers.forEach((l, i) => l.setWeights(original[i] as tf.Tensor[]));
  const randomise = (layer: tf.layers.Layer): void => {
    const names = layer.weights.map((w) => w.originalName);
    const next = layer.getWeights().map((w, k) => {
      // Batch-norm running statistics are not learned weights (and a random variance can be negative): kept.
      if (/moving_(mean|variance)$/.test(names[k] ?? '')) return tf.clone(w);
      const v = w.dataSync();
      let mean = 0;
      for (const a of v) mean += a;
      mean /= v.length;
      let ss = 0;
      for (const a of v) ss += (a - mean) ** 2;
      const sd = Math.sqrt(ss / v.length) || 1e-2;
      return tf.tensor(
        Float32Array.from(v, () => mean + sd * rng.normal()),
        w.shape,
        'float32',
      );
    });
    layer.setWeights(next);
    tf.dispose(next);
  };
  try {
    const base = await explainValues();
    const baseAbs = Array.from(base, Math.abs);
    const steps: RandomizationStep[] = [];
    for (const layer of layers) {
      if (mode === 'independent') restore();
      randomise(layer);
      const e = await explainValues();
      if (e.length !== base.length) throw survkitError('attributionCount', fn, 'explain', base.length, e.length);
      // Non-finite attributions (a randomised network that overflows) have no ranks: NaN, not a number from sorting NaN.
      const finite = e.every(Number.isFinite);
      steps.push({
        layer: layer.name,
        rankCorrelation: finite ? sampleRankCorrelation(Array.from(base), Array.from(e)) : Number.NaN,
        rankCorrelationAbs: finite ? sampleRankCorrelation(baseAbs, Array.from(e, Math.abs)) : Number.NaN,
      });
    }
    return steps;
  } finally {
    restore();
    for (const ws of original) tf.dispose(ws);
  }
}
