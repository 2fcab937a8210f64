/**
 * Deep ensembles of survival models: M networks of any family, trained with
 * different seeds (or given already trained), whose curves are summarised as
 * per-subject bands on S(t) and on a scalar risk.
 */
import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import type { LabelsInput } from '../../data/labels.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { isBatchSource } from '../training/in-memory-data.js';
import { SurvivalModel } from '../survival/survival-model.js';
import type { BatchSource, FitOptions, History, ModelInput } from '../training/fit-types.js';
import { bandGrid, bandLevels, bandsOf, type SurvivalBandOptions, type SurvivalBands } from '../../uncertainty/survival-bands.js';

/** Options of {@link SurvivalEnsemble.train}. */
export interface SurvivalEnsembleOptions {
  /** Number of members M >= 2 (default 5). */
  members?: number;
  /**
   * Makes member k's untrained model from its seed, e.g.
   * `(seed) => new CoxPH({ inputDim: 9, hidden: [32, 32], seed })`. Pass the
   * seed on: it sets the weight initialisation and the dropout masks.
   */
  create: (seed: number, k: number) => SurvivalModel;
  /** Fit options of every member; `seed` is replaced by the member's seed (shuffling, validation split). */
  fit?: FitOptions;
  /** Member k gets seed `seed + k` (default 0). */
  seed?: number;
}

/** Options of {@link SurvivalEnsemble.predictBands}. */
export interface EnsembleBandOptions extends SurvivalBandOptions {
  /** Discrete-time members: pycox interpolation sub-steps (see `predictSurvival`). */
  interpolation?: number;
  /** Rows per inference call. */
  batchSize?: number;
}

/**
 * A deep ensemble of survival models (Lakshminarayanan et al. 2017, applied
 * to survival curves): M members of any family (CoxPH, CoxCC, CoxTime,
 * DeepHit, LogisticHazard — mixed families allowed) whose predicted curves
 * give per-subject pointwise bands. Members differ by their seeds (weight
 * initialisation, dropout masks, batch order), so they agree where the
 * training data pin the prediction down and disagree elsewhere — e.g. in a
 * region of covariate space the training data do not cover.
 *
 * Each member keeps its own baseline (a Cox member's Breslow baseline is
 * computed on the training data by its own network), so the members' curves
 * are comparable while their log-risks are not (each has its own offset).
 *
 * @example
 * const ens = await SurvivalEnsemble.train(x, { time, event }, {
 *   members: 5, create: (seed) => new CoxPH({ inputDim: 9, seed }), fit: { epochs: 50, learningRate: 0.01, verbose: false },
 * });
 * const bands = await ens.predictBands(xTest, { quantiles: [0.05, 0.95] });
 * const score = survivalBandWidth(bands, { at: 365 });
 * ens.dispose();
 * @see Lakshminarayanan, Pritzel & Blundell (2017), Simple and scalable predictive uncertainty estimation using deep ensembles, NeurIPS
 */
export class SurvivalEnsemble {
  /** The members (owned by the ensemble: {@link SurvivalEnsemble.dispose} frees them). */
  readonly models: readonly SurvivalModel[];
  /** Fit histories of the members (empty for {@link SurvivalEnsemble.fromModels} unless the models carry one). */
  readonly histories: readonly (History | null)[];

  private constructor(models: readonly SurvivalModel[]) {
    this.models = Object.freeze([...models]);
    this.histories = Object.freeze(models.map((m) => m.history));
  }

  /**
   * Wraps M >= 2 already trained models (e.g. loaded with `SurvivalModel.load`).
   *
   * @throws {SurvkitError} unless `models` is an array of at least 2 survival models
   * @example
   * const ens = SurvivalEnsemble.fromModels(await Promise.all(dirs.map((d) => SurvivalModel.load(d))));
   */
  static fromModels(models: readonly SurvivalModel[]): SurvivalEnsemble {
    const fn = 'SurvivalEnsemble.fromModels';
    if (!Array.isArray(models) || models.some((m) => !(m instanceof SurvivalModel))) {
      throw survkitError('arrayOf', fn, 'models', 'survival models (CoxPH, DeepHit, …)', models);
    }
    if (models.length < 2) throw survkitError('tooFewValues', fn, 'models', 2, models.length);
    return new SurvivalEnsemble(models);
  }

  /**
   * Trains M members one after the other: member k is `create(seed + k, k)`
   * fitted with `{ ...fit, seed: seed + k }` on the same data.
   *
   * @throws {SurvkitError} for M < 2, a `create` that does not return a survival
   *   model, and whatever the members' `fit` throws (members trained so far are disposed)
   */
  static train(x: ModelInput, labels: LabelsInput, opts: SurvivalEnsembleOptions): Promise<SurvivalEnsemble>;
  static train(source: BatchSource, opts: SurvivalEnsembleOptions): Promise<SurvivalEnsemble>;
  static async train(
    x: ModelInput | BatchSource,
    labelsOrOpts: LabelsInput | SurvivalEnsembleOptions,
    maybeOpts?: SurvivalEnsembleOptions,
  ): Promise<SurvivalEnsemble> {
    const fn = 'SurvivalEnsemble.train';
    const source = isBatchSource(x);
    const opts = (source ? labelsOrOpts : maybeOpts) as SurvivalEnsembleOptions | undefined;
    if (typeof opts?.create !== 'function') throw survkitError('optionRange', fn, 'create', 'a function (seed, k) => SurvivalModel', opts?.create);
    const M = assertNumberOption(fn, 'members', opts.members ?? 5, { min: 2, integer: true });
    const seed = assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true });
    const models: SurvivalModel[] = [];
    try {
      for (let k = 0; k < M; k++) {
        const model = opts.create(seed + k, k);
        if (!(model instanceof SurvivalModel)) throw survkitError('optionRange', fn, 'create', 'a function returning a survival model', model);
        models.push(model);
        const fit: FitOptions = { ...opts.fit, seed: seed + k };
        if (source) await model.fit(x, fit);
        else await model.fit(x, labelsOrOpts as LabelsInput, fit);
      }
    } catch (e) {
      for (const m of models) m.dispose();
      throw e;
    }
    return new SurvivalEnsemble(models);
  }

  /** Number of members. */
  get size(): number {
    return this.models.length;
  }

  /** Every member's survival curves for `x` (in member order). */
  async predictMembers(x: ModelInput | BatchSource, opts: { interpolation?: number; batchSize?: number } = {}): Promise<SurvivalCurves[]> {
    const out: SurvivalCurves[] = [];
    for (const m of this.models) out.push(await m.predictSurvival(x, opts));
    return out;
  }

  /**
   * Per-subject bands on S(t) across the members: the pointwise mean (the
   * ensemble's prediction), the pointwise type-7 quantiles at `quantiles`
   * (default 5 % and 95 %) and the median, and the same summaries of each
   * member's scalar risk (1 − S(at), or −RMST over the grid). See
   * {@link survivalBands} for the grid (`times`) and the formulas.
   *
   * @example
   * const { mean, lower, upper, risk } = await ens.predictBands(xTest, { times: grid, at: 5 });
   * @throws {SurvkitError} as the members' `predictSurvival`, and for bad band options
   */
  async predictBands(x: ModelInput | BatchSource, opts: EnsembleBandOptions = {}): Promise<SurvivalBands> {
    const fn = 'SurvivalEnsemble.predictBands';
    const { interpolation, batchSize, ...band } = opts;
    bandLevels(fn, band.quantiles);
    const grid = band.times === undefined ? undefined : bandGrid(fn, [], band.times);
    const predict = { ...(interpolation === undefined ? {} : { interpolation }), ...(batchSize === undefined ? {} : { batchSize }) };
    const members: SurvivalCurves[] = [];
    for (const m of this.models) {
      const c = await m.predictSurvival(x, predict);
      members.push(grid === undefined ? c : c.at(grid)); // read on the grid at once: M·n·|grid| numbers held
    }
    return bandsOf(fn, members, { ...band, ...(grid === undefined ? {} : { times: grid }) });
  }

  /** Frees every member's network. */
  dispose(): void {
    for (const m of this.models) m.dispose();
  }
}
