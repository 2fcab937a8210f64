import type * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../../core/assert.js';
import type { CoxConvention, CoxTies } from '../../losses/cox-partial-likelihood.js';
import { coxPhLoss, coxPhLossHost, type CoxPhLossOptions } from '../../losses/cox-ph.js';
import type { BreslowBaseline } from '../../estimators/breslow.js';
import { breslowBaselineStrata, strataSurvivalIn, type StrataBaseline } from '../../estimators/breslow-strata.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { CoxBase } from './cox-base.js';
import { baselineToJSON, StateReader, type CoxPHState } from './family-state.js';
import { forward } from '../training/batched-forward.js';
import type { PredictRiskOptions, PredictSurvivalOptions } from './survival-model.js';
import type { Batch } from '../training/in-memory-data.js';
import { checkNetOptions, type NetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { BatchSource, FitOptions, History, JsonValue, ModelInput } from '../training/fit-types.js';
import { labelsArg, type LabelsInput } from '../../data/labels.js';
import { survkitError } from '../../core/errors.js';
import { coxMemoryBankLoss } from '../../losses/cox-memory-bank.js';
import { genericPlan, type TrainSet } from '../training/survival-plan.js';
import type { TrainingPlan } from '../training/fit-loop.js';
import type { FitContext } from '../training/fit-context.js';
import { isBatchSource } from '../training/in-memory-data.js';
import { MomentumBank, memoryBankOptions, type MemoryBankOptions } from '../training/memory-bank.js';
import type { HostLoss } from '../training/fit-loop.js';

/** Options of {@link CoxPH}. */
export interface CoxPHOptions extends NetOptions {
  /** Tied event times in the loss: 'efron' (default) or 'breslow'. */
  ties?: CoxTies;
  /** 'exact' risk sets (default) or pycox 0.3.0's cumulative-sum loss without tie handling. */
  convention?: CoxConvention;
}

/** Validates the `strata` / `entry` fit options against the training data (in memory, no validation fraction). */
function countingOptions(
  x: ModelInput | BatchSource,
  labels: LabelsInput | CoxPHFitOptions | undefined,
  opts: CoxPHFitOptions | undefined,
): { strata?: ArrayLike<number | string>; entry?: ArrayLike<number> } | undefined {
  const fn = 'CoxPH.fit';
  if (opts?.strata === undefined && opts?.entry === undefined) return undefined;
  const which = opts.strata !== undefined ? 'strata' : 'entry';
  if (isBatchSource(x))
    throw survkitError('optionRange', fn, which, 'used with in-memory training data (one value per row), not a batch source', 'a batch source');
  if (typeof opts.validation === 'number')
    throw survkitError('optionRange', fn, which, "used with separate 'validation' data, not a fraction of the training rows", opts.validation);
  const y = labelsArg(fn, 'labels', labels);
  const n = y.time.length;
  const out: { strata?: ArrayLike<number | string>; entry?: ArrayLike<number> } = {};
  if (opts.strata !== undefined) {
    if (opts.strata.length !== n) throw survkitError('lengthMismatch', fn, 'strata', opts.strata.length, 'labels', n);
    out.strata = opts.strata;
  }
  if (opts.entry !== undefined) {
    if (opts.entry.length !== n) throw survkitError('lengthMismatch', fn, 'entry', opts.entry.length, 'labels', n);
    for (let i = 0; i < n; i++) {
      const e = opts.entry[i] as number;
      if (!(Number.isFinite(e) && e < (y.time[i] as number))) throw survkitError('entryNotBeforeExit', fn, 'entry', i, e, y.time[i] as number);
    }
    out.entry = opts.entry;
  }
  return out;
}

/** Options of {@link CoxPH.predictSurvival} / {@link CoxPH.predictRisk}: a stratified model needs each subject's stratum. */
export interface CoxPHPredictOptions {
  /** Stratum of each subject (as given to `fit`'s `strata`; required when the model was trained with strata). */
  strata?: ArrayLike<number | string>;
}

/** Options of {@link CoxPH.fit}: {@link FitOptions} and the memory bank. */
export interface CoxPHFitOptions extends FitOptions {
  /**
   * Momentum (memory-bank) training for small batches, as torchsurv's `Momentum`: each batch's
   * loss pools its online log-risks with the log-risks of the subjects of earlier batches from a momentum (EMA)
   * target network, so risk sets hold `size` subjects even at batch size 2. Exact convention only.
   */
  memoryBank?: MemoryBankOptions;
  /**
   * Stratum of each training row (numbers or strings): the partial likelihood of a batch sums over strata, each with risk
   * sets of its own subjects (R `strata(s)`), and the Breslow baseline is computed per stratum (predictions then need
   * each subject's stratum). In-memory training data only; the validation loss ignores it.
   */
  strata?: ArrayLike<number | string>;
  /**
   * Entry (left-truncation) time of each training row, below its time: a subject is at risk on (entry, time] (R
   * `Surv(entry, time, event)`), in the loss and in the Breslow baseline. In-memory training data only; the validation
   * loss ignores it.
   */
  entry?: ArrayLike<number>;
}

/**
 * DeepSurv / pycox `CoxPH`: a network with a linear log-risk head trained on
 * the negative Cox partial log-likelihood of each batch ({@link coxPhLoss}:
 * exact risk sets, Efron or Breslow ties; or pycox's convention), then a
 * Breslow baseline on the training data for survival curves (per stratum and
 * with risk sets starting at entry when fitted with `strata` / `entry`).
 *
 * @example
 * const model = new CoxPH({ inputDim: 9, hidden: [32, 32], batchNorm: true, dropout: 0.1, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 512, validation: { x: xv, labels: yv }, earlyStopping: true, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest);
 * @throws {SurvkitError} on contradictory network options or an invalid `ties`/`convention`
 * @see Katzman et al. (2018) BMC Med Res Methodol 18:24; Kvamme, Borgan & Scheel (2019) JMLR 20(129)
 */
export class CoxPH extends CoxBase {
  readonly family = 'coxph' as const;
  readonly ties: CoxTies;
  readonly convention: CoxConvention;

  constructor(opts: CoxPHOptions) {
    checkNetOptions('CoxPH', opts);
    super(opts, 'CoxPH');
    this.ties = assertChoice('CoxPH', 'ties', opts.ties ?? 'efron', ['efron', 'breslow'] as const);
    this.convention = assertChoice('CoxPH', 'convention', opts.convention ?? 'exact', ['exact', 'pycox'] as const);
  }

  private bankOptions: Required<MemoryBankOptions> | undefined;
  private counting: { strata?: ArrayLike<number | string>; entry?: ArrayLike<number> } | undefined;
  /**
   * The per-stratum Breslow baselines of a model fitted with `strata` (risk sets from entry when fitted with `entry`
   * too), or null; `baseline` is then null. A model fitted with `entry` only has its left-truncated baseline in `baseline`.
   */
  strataBaseline: StrataBaseline | null = null;
  private bank: MomentumBank | undefined;

  /**
   * Trains the network (see {@link SurvivalModel.fit}); with `memoryBank`, each
   * batch's Cox loss also counts the queued subjects of earlier batches
   * ({@link coxMemoryBankLoss}, torchsurv's `Momentum`).
   *
   * @example
   * await model.fit(clips, labels, { epochs: 20, batchSize: 4, memoryBank: { size: 128, momentum: 0.99 } });
   * @throws {SurvkitError} as {@link SurvivalModel.fit}, and for an invalid `memoryBank` or one used with convention 'pycox'
   */
  override fit(x: ModelInput, labels: LabelsInput, opts?: CoxPHFitOptions): Promise<History>;
  override fit(source: BatchSource, opts?: CoxPHFitOptions): Promise<History>;
  override async fit(x: ModelInput | BatchSource, labelsOrOpts?: LabelsInput | CoxPHFitOptions, maybeOpts?: CoxPHFitOptions): Promise<History> {
    const opts = (isBatchSource(x) ? labelsOrOpts : maybeOpts) as CoxPHFitOptions | undefined;
    if (opts?.memoryBank !== undefined) {
      this.bankOptions = memoryBankOptions('CoxPH.fit', opts.memoryBank);
      if (this.convention !== 'exact') throw survkitError('optionRange', 'CoxPH.fit', 'memoryBank', "used with convention 'exact'", opts.memoryBank);
    }
    this.counting = countingOptions(x, labelsOrOpts, opts);
    if (this.counting !== undefined && this.bankOptions !== undefined) {
      this.bankOptions = undefined;
      throw survkitError('optionRange', 'CoxPH.fit', 'memoryBank', "used without 'strata' and 'entry'", opts?.memoryBank);
    }
    try {
      return await (super.fit as (a: unknown, b: unknown, c: unknown) => Promise<History>)(x, labelsOrOpts, maybeOpts);
    } finally {
      this.bank?.dispose();
      this.bank = undefined;
      this.bankOptions = undefined;
      this.counting = undefined;
    }
  }

  protected override plan(train: TrainSet, val: TrainSet | undefined, ctx: FitContext): TrainingPlan {
    if (this.bankOptions === undefined) return super.plan(train, val, ctx);
    const bank = new MomentumBank(this.net, this.bankOptions);
    this.bank = bank;
    return genericPlan(
      'CoxPH.fit',
      this.inputCount,
      train,
      val,
      ctx,
      (b, training) =>
        training
          ? coxMemoryBankLoss(this.logRisk(b, true), b.time, b.event, bank.entriesFor(b.time.length), { ties: this.ties })
          : coxPhLoss(this.logRisk(b, false), b.time, b.event, { ties: this.ties }),
      (b) => this.usableBatch(b),
      {
        beforeStep: (b) => bank.before(b),
        usableInTraining: (b) => {
          bank.commit();
          return bank.hasEventFor(b.time.length) || this.usableBatch(b);
        },
      },
    );
  }

  protected override async finish(train: TrainSet): Promise<void> {
    if (this.bank !== undefined && this.bankOptions?.keep === 'target') this.bank.adoptTarget();
    const c = this.counting;
    this.strataBaseline = null;
    if (c === undefined || train.kind !== 'memory') {
      await super.finish(train);
      return;
    }
    const g = await forward('CoxPH.fit', this.net, train.data.x, this.inputCount);
    const opts = { ...(c.entry === undefined ? {} : { entry: c.entry }), ...(c.strata === undefined ? {} : { strata: c.strata }) };
    const base = breslowBaselineStrata(g.values, train.data.labels, opts);
    if (base.levels === null) this.baseline = base.baselines[0] as BreslowBaseline;
    else {
      this.baseline = null;
      this.strataBaseline = base;
    }
  }

  override async computeBaseline(x: ModelInput | BatchSource, labels?: LabelsInput): Promise<void> {
    await super.computeBaseline(x, labels);
    this.strataBaseline = null;
  }

  protected override requireBaseline(fn: string): BreslowBaseline {
    if (this.baseline === null && this.strataBaseline !== null)
      throw survkitError('coxStrataMissing', fn, 'strata', this.strataBaseline.levels?.join(', ') ?? '');
    return super.requireBaseline(fn);
  }

  /**
   * Survival curves S(t|x) (see {@link CoxBase.predictSurvival}); a model fitted with `strata` reads each subject's
   * stratum's baseline (`opts.strata`, required), on the union of the strata's training times.
   *
   * @example
   * const curves = await model.predictSurvival(xTest, { strata: ['a', 'b', 'a'] });
   * @throws {SurvkitError} `coxStrataMissing` without `strata` for a stratified model; `coxStratumUnseen` for a stratum
   *   not in the training data; as {@link CoxBase.predictSurvival}
   */
  override async predictSurvival(x: ModelInput | BatchSource, opts: PredictSurvivalOptions & CoxPHPredictOptions = {}): Promise<SurvivalCurves> {
    const sb = this.strataBaseline;
    if (sb === null) return super.predictSurvival(x, opts);
    const fn = 'CoxPH.predictSurvival';
    if (opts.strata === undefined) throw survkitError('coxStrataMissing', fn, 'strata', sb.levels?.join(', ') ?? '');
    const out = await forward(fn, this.net, this.inputsOf(fn, x), this.inputCount);
    return strataSurvivalIn(fn, sb, out.values, opts.strata);
  }

  /**
   * The log-risk g(x), or with `at` 1 − S(at | x) (see {@link CoxBase.predictRisk}; a stratified model needs `strata` then).
   *
   * @example
   * const r = await model.predictRisk(xTest, { at: 365, strata });
   */
  override async predictRisk(x: ModelInput | BatchSource, opts: PredictRiskOptions & CoxPHPredictOptions = {}): Promise<Float64Array> {
    const sb = this.strataBaseline;
    if (sb === null || opts.at === undefined) return super.predictRisk(x, opts);
    const fn = 'CoxPH.predictRisk';
    if (opts.strata === undefined) throw survkitError('coxStrataMissing', fn, 'strata', sb.levels?.join(', ') ?? '');
    const out = await forward(fn, this.net, this.inputsOf(fn, x), this.inputCount);
    const curves = strataSurvivalIn(fn, sb, out.values, opts.strata);
    const r = new Float64Array(out.n);
    for (let i = 0; i < out.n; i++) r[i] = 1 - curves.stepAt(i, opts.at);
    return r;
  }

  protected batchLoss(b: Batch, training: boolean): tf.Scalar {
    const c = this.counting;
    if (c !== undefined && training && b.rows !== undefined) {
      const rows = b.rows;
      const opts: CoxPhLossOptions = { ties: this.ties };
      if (c.strata !== undefined) opts.strata = Array.from(rows, (r) => c.strata![r] as number | string);
      if (c.entry !== undefined) opts.entry = Array.from(rows, (r) => c.entry![r] as number);
      return coxPhLoss(this.logRisk(b, training), b.time, b.event, opts);
    }
    return coxPhLoss(this.logRisk(b, training), b.time, b.event, { ties: this.ties, convention: this.convention });
  }

  protected override hostBatchLoss(b: Batch): HostLoss['loss'] | undefined {
    // the host loss has no strata or entry times: those batches take the TF.js loss's gradient
    if (this.counting !== undefined) return undefined;
    const lossOf = coxPhLossHost(b.time.length, b.time, b.event, { ties: this.ties, convention: this.convention });
    return (out) => lossOf(out);
  }

  stateJSON(): CoxPHState {
    const sb = this.strataBaseline;
    if (sb === null || sb.levels === null) return { ties: this.ties, convention: this.convention, ...this.baseState() };
    const strata = { levels: [...sb.levels], baselines: sb.baselines.map((b) => baselineToJSON(b) as NonNullable<CoxPHState['baseline']>) };
    return { ties: this.ties, convention: this.convention, ...this.baseState(), strata };
  }

  /** Rebuilds a saved model (see `loadModel`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): CoxPH {
    const s = new StateReader('CoxPH', state);
    const m = new CoxPH({ net, ties: s.choice<CoxTies>('ties', ['efron', 'breslow']), convention: s.choice<CoxConvention>('convention', ['exact', 'pycox']) });
    m.baseline = s.baseline();
    m.strataBaseline = s.strataBaselines();
    return m;
  }
}
registerModelFamily('survival', 'coxph', (net, state) => CoxPH.fromState(net, state));
