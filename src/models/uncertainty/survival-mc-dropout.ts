/**
 * MC dropout for survival models: N stochastic forward passes of one trained
 * network with dropout active at inference, each pass one sampled
 * sub-network with its own baseline, summarised as per-subject bands.
 */
import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import type { LabelsInput } from '../../data/labels.js';
import type { BreslowBaseline } from '../../estimators/breslow.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { CoxBase } from '../survival/cox-base.js';
import { CoxTime } from '../survival/cox-time.js';
import { dropoutLayers, withInferenceDropout } from '../classifiers/inference-dropout.js';
import { SurvivalModel } from '../survival/survival-model.js';
import type { BatchSource, ModelInput } from '../training/fit-types.js';
import { bandGrid, bandLevels, bandsOf, type SurvivalBandOptions, type SurvivalBands } from '../../uncertainty/survival-bands.js';

/** Options of {@link survivalMcDropout}. */
export interface McDropoutOptions extends SurvivalBandOptions {
  /** Number of stochastic passes N >= 2 (default 20). */
  passes?: number;
  /** Pass p samples its dropout masks from seed `seed + p` (default 0). */
  seed?: number;
  /**
   * Cox families (CoxPH, CoxCC, CoxTime): the data to recompute the Breslow
   * baseline on in every pass — the training data `{ x, labels }` (or a
   * labelled `BatchSource` as `{ x }`), as `fit` used. `'fixed'` keeps the
   * trained baseline for every pass (cheaper, but then the sampled network's
   * log-risk offset is not absorbed by a baseline of its own, which inflates
   * the bands; not recommended). Required for Cox families, ignored otherwise.
   */
  baseline?: { x: ModelInput | BatchSource; labels?: LabelsInput } | 'fixed';
  /** Discrete-time models: pycox interpolation sub-steps (see `predictSurvival`). */
  interpolation?: number;
  /** Rows per inference call. */
  batchSize?: number;
}

type WithBaseline = CoxBase | CoxTime;

function hasBreslow(m: SurvivalModel): m is WithBaseline {
  return m instanceof CoxBase || m instanceof CoxTime;
}

/**
 * MC dropout (Gal & Ghahramani 2016) for any survival model whose network has
 * dropout layers (tf.layers `Dropout` or survkit's `SeededDropout`, e.g. the
 * tabular MLP with `dropout > 0`): N passes, each with dropout switched on at
 * inference, summarised as per-subject bands on S(t) and on risk (see
 * {@link survivalBands}).
 *
 * Each pass is ONE sampled sub-network: its dropout mask is drawn once per
 * layer (from `seed + p`) and shared by all subjects and batches (see
 * `withInferenceDropout`); batch normalisation stays in inference mode.
 *
 * Baseline (Cox families): the Breslow baseline is recomputed in every pass,
 * through the same sampled sub-network, on `baseline` (the training data):
 * Ĥ0 belongs to the network that produced the log-risks g — the partial
 * likelihood only identifies g up to an additive constant, which the Breslow
 * estimator absorbs, so pairing a sampled g with the deterministic network's
 * Ĥ0 would mix the sampled offset into the curves. Each pass therefore gives
 * a log-risk g_p and its own Ĥ0_p, and S_p(t|x) = exp(−Ĥ0_p(t)·e^{g_p(x)});
 * the model's own baseline is put back afterwards. Discrete-time families
 * (LogisticHazard, DeepHit) need no baseline: each pass's logits give the curves.
 *
 * The risk band is over each pass's 1 − S_p(at) (or −RMST), not over g_p,
 * whose offset is not identifiable across passes.
 *
 * Cost: N inference passes over `x` (plus N over the baseline data for Cox
 * families). Reproducible: the same seed gives the same bands.
 *
 * @param model a trained survival model with dropout
 * @param x the subjects to predict (n rows)
 * @param opts passes, seed, baseline data, band options
 * @returns {@link SurvivalBands} over N passes
 * @throws {SurvkitError} when the network has no dropout layer with rate > 0,
 *   for N < 2, when a Cox model gets no `baseline`, and as `predictSurvival`
 * @example
 * const bands = await survivalMcDropout(model, xTest, { passes: 20, baseline: { x: xTrain, labels: yTrain }, at: 365 });
 * const score = survivalBandWidth(bands, { at: 365 });
 * @see Gal & Ghahramani (2016), Dropout as a Bayesian approximation, ICML;
 *   Breslow (1972) for the baseline hazard
 */
export async function survivalMcDropout(model: SurvivalModel, x: ModelInput | BatchSource, opts: McDropoutOptions = {}): Promise<SurvivalBands> {
  const fn = 'survivalMcDropout';
  if (!(model instanceof SurvivalModel)) throw survkitError('notInstance', fn, 'model', 'trained survival model (CoxPH, DeepHit, …)', model);
  const passes = assertNumberOption(fn, 'passes', opts.passes ?? 20, { min: 2, integer: true });
  const seed = assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true });
  const { baseline, interpolation, batchSize, passes: _p, seed: _s, ...band } = opts;
  bandLevels(fn, band.quantiles);
  const grid = band.times === undefined ? undefined : bandGrid(fn, [], band.times);
  if (dropoutLayers(model.net).length === 0) throw survkitError('noDropout', fn, 'model');
  const cox = hasBreslow(model);
  if (cox && baseline === undefined) {
    throw survkitError('optionRange', fn, 'baseline', "the training data { x, labels } to recompute the Breslow baseline in every pass (or 'fixed')", baseline);
  }
  const predict = { ...(interpolation === undefined ? {} : { interpolation }), ...(batchSize === undefined ? {} : { batchSize }) };
  const saved: BreslowBaseline | null = cox ? model.baseline : null;
  const members: SurvivalCurves[] = [];
  try {
    for (let p = 0; p < passes; p++) {
      const { value } = await withInferenceDropout(model.net, seed + p, async () => {
        if (cox && baseline !== undefined && baseline !== 'fixed') await model.computeBaseline(baseline.x, baseline.labels);
        return model.predictSurvival(x, predict);
      });
      members.push(grid === undefined ? value : value.at(grid));
    }
  } finally {
    if (cox) model.baseline = saved;
  }
  return bandsOf(fn, members, { ...band, ...(grid === undefined ? {} : { times: grid }) });
}
