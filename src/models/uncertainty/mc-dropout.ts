/**
 * Monte Carlo dropout (Gal & Ghahramani 2016): N stochastic forward passes
 * with dropout kept on at inference, averaged.
 */
import { assertChoice, assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import type { ClassPrediction } from '../../uncertainty/class-prediction.js';
import type { Classifier } from '../classifiers/classifier.js';
import { asInputs } from '../training/in-memory-data.js';
import { forwardMemory, PREDICT_BATCH } from '../training/batched-forward.js';
import { dropoutLayers, withInferenceDropout } from '../classifiers/inference-dropout.js';
import type { ModelInput } from '../training/fit-types.js';
import { combineSamples, SAMPLE_SCORES, type SampleScore } from '../../uncertainty/sample-stats.js';
import { ensureBackend } from '../../backend/select.js';

/** Options of {@link mcDropoutPredict}. */
export interface McDropoutPredictOptions {
  /** Number of stochastic passes N (default 20). */
  samples?: number;
  /** Seed of the dropout masks (default: unseeded); the same seed and inputs give the same prediction. */
  seed?: number;
  /** Which score becomes `uncertainty`: 'entropy' (default), 'mutual-information' or 'variance'. */
  score?: SampleScore;
  /** Rows per inference call (default 4096). */
  batchSize?: number;
}

/**
 * Class probabilities and uncertainty from N passes of a classifier with
 * dropout on at inference and everything else in inference mode (batch norm
 * keeps its moving statistics, which are not updated). For each pass t the
 * model's own output map gives p⁽ᵗ⁾ (softmax for a {@link SoftmaxClassifier},
 * α/S for an {@link EvidentialClassifier}); the result is their mean p̄ with
 * `uncertainty` = H(p̄) (predictive entropy, default), the mutual information
 * H(p̄) − mean_t H(p⁽ᵗ⁾) (epistemic part) or the summed variance (see
 * `combineSamples`); all three are returned as fields.
 *
 * Dropout layers are `tf.layers.dropout` and survkit's `SeededDropout`
 * (e.g. in `mlp({ dropout })`), switched on by `withInferenceDropout`: each
 * pass is one sampled sub-network (one inverted-dropout mask per layer, drawn
 * from a per-pass seed derived from `seed`, shared by the rows of the pass),
 * so every case sees N independent masks; the layers are restored afterwards.
 * The rate is the one the network was trained with.
 *
 * @param model a trained classifier whose network has at least one dropout layer
 * @param x inputs `[n, …]` (or one tensor per network input)
 * @example
 * const pred = await mcDropoutPredict(softmaxModel, xTest, { samples: 30, seed: 1, score: 'mutual-information' });
 * @throws {SurvkitError} when the network has no dropout layer, inputs do not match, or an option is invalid
 * @see Gal & Ghahramani (2016), Dropout as a Bayesian Approximation, ICML
 */
export async function mcDropoutPredict(model: Classifier, x: ModelInput, opts: McDropoutPredictOptions = {}): Promise<ClassPrediction> {
  const fn = 'mcDropoutPredict';
  await ensureBackend();
  const samples = assertNumberOption(fn, 'samples', opts.samples ?? 20, { min: 1, integer: true });
  const seed = opts.seed === undefined ? undefined : assertNumberOption(fn, 'seed', opts.seed, { integer: true });
  const score = assertChoice(fn, 'score', opts.score ?? 'entropy', SAMPLE_SCORES);
  const batch = assertNumberOption(fn, 'batchSize', opts.batchSize ?? PREDICT_BATCH, { min: 1, integer: true });
  const xs = asInputs(fn, 'x', x, model.inputCount);
  if (dropoutLayers(model.net).length === 0) {
    throw survkitError('noDropout', fn, 'model');
  }
  const rng = new Random(seed ?? Math.floor(Math.random() * 2 ** 31));
  const passes: Float64Array[] = [];
  let n = 0;
  for (let t = 0; t < samples; t++) {
    const { value } = await withInferenceDropout(model.net, rng.nextUint32() % 2147483647, () => Promise.resolve(forwardMemory(model.net, xs, batch)));
    n = value.n;
    passes.push(model.probsFromOutputs(value.values, value.n));
  }
  return combineSamples(passes, n, model.classes, score);
}
