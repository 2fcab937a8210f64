import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../../core/errors.js';
import type { LabelsInput } from '../../data/labels.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { inferenceModeForFrozenBatchNorm } from '../../backbones/freeze.js';
import { fastBatchNormTraining } from '../../backbones/fast-batch-norm.js';
import { asInputs, disposeAll, inMemory, isBatchSource, type Batch } from '../training/in-memory-data.js';
import { fitData, type FitContext } from '../training/fit-context.js';
import { loopOptions, runFitLoop, type HostLoss, type TrainingPlan } from '../training/fit-loop.js';
import { buildNet, type NetOptions } from '../training/network-options.js';
import { modelFamilies, modelFamilyLoader } from '../family-registry.js';
import { loadModelDir, writeModelFiles } from '../save-load.js';
import { genericPlan, type TrainSet } from '../training/survival-plan.js';
import type { BatchSource, FitOptions, History, JsonValue, ModelInput } from '../training/fit-types.js';
import type { FamilyState } from './family-state.js';
import { ensureBackend } from '../../backend/select.js';

/** The model families survkit trains. */
export type SurvivalFamily = 'coxph' | 'coxcc' | 'coxtime' | 'deephit' | 'logistichazard' | 'pmf' | 'mtlr' | 'pchazard' | 'bcesurv' | 'weibull' | 'lognormal';

/** Options of `predictSurvival`. */
export interface PredictSurvivalOptions {
  /**
   * Discrete-time models: number of linear sub-steps between cuts (pycox's
   * `model.interpolate(steps)`, constant density = linear in S; 1 or omitted: none).
   */
  interpolation?: number;
  /** Rows per inference call. */
  batchSize?: number;
}

/** Options of `predictRisk`. */
export interface PredictRiskOptions {
  /** Time-varying models: return 1 − S(at) instead of the default risk (see each family). */
  at?: number;
}

export type { FitContext } from '../training/fit-context.js';

/**
 * The base of survkit's survival models: a TF.js network (backbone + survival
 * head) trained by a custom loop, predictions in float64, save and load. The
 * families (CoxPH, CoxCC, CoxTime, DeepHit, LogisticHazard) add their loss,
 * label transform and baseline.
 *
 * Inputs: a `tf.Tensor` `[n, …]`, an array of tensors (one per data input of a
 * multi-input network, in the network's input order without Cox-Time's time
 * input), or a {@link BatchSource}.
 */
export abstract class SurvivalModel {
  abstract readonly family: SurvivalFamily;
  /** Metadata stored with the model, e.g. the covariate standardisation used to make its inputs. */
  covariates: JsonValue | null;
  /** The history of the last `fit`. */
  history: History | null = null;
  /** The TF.js backend the model was trained on. */
  trainingBackend: string | null = null;
  protected network: tf.LayersModel | undefined;
  protected readonly netOptions: NetOptions;

  protected constructor(opts: NetOptions, network?: tf.LayersModel) {
    this.netOptions = opts;
    this.covariates = opts.covariates ?? null;
    if (network) this.adoptNet(network);
  }

  /** The network (backbone + head). Discrete-time models with cuts fitted from data build it in `fit`. */
  get net(): tf.LayersModel {
    if (this.network === undefined) throw survkitError('notFitted', `${this.constructor.name}.net`, 'the network (its output size depends on the cuts)');
    return this.network;
  }

  /** Whether the network's last input is Cox-Time's time column. */
  protected get usesTimeInput(): boolean {
    return false;
  }

  /** Number of data inputs the user passes (network inputs without the time input). */
  get inputCount(): number {
    if (this.network) return this.network.inputs.length - (this.usesTimeInput ? 1 : 0);
    const o = this.netOptions;
    if (o.net) return o.net.inputs.length - (this.usesTimeInput ? 1 : 0);
    if (o.backbone) return o.backbone.inputs.length + (o.attach?.tabularInputDim !== undefined ? 1 : 0);
    return 1;
  }

  protected adoptNet(net: tf.LayersModel): void {
    this.network = net;
    inferenceModeForFrozenBatchNorm(net);
    fastBatchNormTraining(net);
  }

  /** Builds the network from the options with the given head (used by the families). */
  protected buildWithHead(makeHead: () => tf.layers.Layer, seed: number | undefined): tf.LayersModel {
    return buildNet(this.constructor.name, this.netOptions, makeHead, seed);
  }

  /** Fits label transforms and makes sure the network exists (called at the start of `fit`). */
  protected abstract prepare(train: TrainSet, ctx: FitContext): Promise<void>;
  /** The family's loss of one batch, running the network in training or inference mode. */
  protected abstract batchLoss(b: Batch, training: boolean): tf.Scalar;
  /** Baselines and other post-training estimates from the training data. */
  protected abstract finish(train: TrainSet): Promise<void>;
  /** Family-specific state for survkit.json. */
  abstract stateJSON(): FamilyState;

  /** Whether a batch can be used (e.g. Cox batches need an event). */
  protected usableBatch(_b: Batch): boolean {
    return true;
  }

  /** The training plan (the CC families override it). */
  protected plan(train: TrainSet, val: TrainSet | undefined, ctx: FitContext): TrainingPlan {
    return genericPlan(
      this.constructor.name,
      this.inputCount,
      train,
      val,
      ctx,
      (b, training) => this.batchLoss(b, training),
      (b) => this.usableBatch(b),
      { hostLoss: (b) => this.hostBatchLoss(b) },
    );
  }

  /** The training loss of a batch on host arrays from the network output, where the family has one (the dense engine uses it). */
  protected hostBatchLoss(_b: Batch): HostLoss['loss'] | undefined {
    return undefined;
  }

  /**
   * Trains the network with the family's loss (see {@link FitOptions}) and then
   * computes the family's baseline from the training data. Returns the history.
   *
   * @example
   * const history = await model.fit(x, { time, event }, { epochs: 100, batchSize: 256, validation: { x: xVal, labels: yVal },
   *   earlyStopping: { patience: 10 }, learningRate: 0.01, seed: 1 });
   * @throws {SurvkitError} on inputs that do not match the network, invalid labels or options
   */
  fit(x: ModelInput, labels: LabelsInput, opts?: FitOptions): Promise<History>;
  fit(source: BatchSource, opts?: FitOptions): Promise<History>;
  async fit(x: ModelInput | BatchSource, labelsOrOpts?: LabelsInput | FitOptions, maybeOpts?: FitOptions): Promise<History> {
    const fn = `${this.constructor.name}.fit`;
    await ensureBackend();
    const { opts, ctx, train, val, owned } = fitData(fn, this.inputCount, x, labelsOrOpts, maybeOpts);
    try {
      const loop = loopOptions(fn, opts, val !== undefined);
      await this.prepare(train, ctx);
      const history = await runFitLoop(this.net, this.plan(train, val, ctx), loop);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await this.finish(train);
      history.finishMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      history.finishCpuMs = (cpu.user + cpu.system) / 1000;
      this.history = history;
      this.trainingBackend = tf.getBackend();
      return history;
    } finally {
      disposeAll(owned);
    }
  }

  /**
   * The family's loss on `x` as one batch, in inference mode (no dropout,
   * batch-norm moving statistics): what the training loop minimises, for checks.
   *
   * @example
   * const value = await model.loss(x, { time, event });
   */
  async loss(x: ModelInput, labels: LabelsInput): Promise<number> {
    const fn = `${this.constructor.name}.loss`;
    await ensureBackend();
    const data = inMemory(fn, x, labels, this.inputCount);
    const b: Batch = { x: data.x, time: data.labels.time, event: data.labels.event };
    const value = tf.tidy(() => this.batchLoss(b, false));
    const out = (await value.data())[0] as number;
    value.dispose();
    return out;
  }

  /** Validated in-memory inputs or a source, for predictions. */
  protected inputsOf(fn: string, x: ModelInput | BatchSource): tf.Tensor[] | BatchSource {
    return isBatchSource(x) ? x : asInputs(fn, 'x', x, this.inputCount);
  }

  /** Per-subject risk (higher = earlier event); see each family for the scale. */
  abstract predictRisk(x: ModelInput | BatchSource, opts?: PredictRiskOptions): Promise<Float64Array>;
  /** Predicted survival curves in float64. */
  abstract predictSurvival(x: ModelInput | BatchSource, opts?: PredictSurvivalOptions): Promise<SurvivalCurves>;

  /**
   * Saves the model to a directory: `model.json` + `weights.bin` (TF.js layers
   * format) and `survkit.json` (family, head config, label transform, time
   * scaler, baseline hazards, covariate metadata, training backend and
   * history). {@link SurvivalModel.load} restores it with bit-identical predictions.
   *
   * @example
   * await model.save('out/coxph');
   * const again = await SurvivalModel.load('out/coxph');
   */
  async save(dir: string): Promise<void> {
    await writeModelFiles(dir, this.net, {
      family: this.family,
      state: this.stateJSON(),
      covariates: this.covariates,
      training: { backend: this.trainingBackend, tfjsVersion: tf.version.tfjs, history: this.history },
    });
  }

  /**
   * Loads a model written by {@link SurvivalModel.save}, whatever its family
   * (import the model classes, e.g. from 'survkit', so that the family is known).
   *
   * @throws {SurvkitError} when a file is missing or not a survkit model, or the family is unknown
   */
  static async load(dir: string): Promise<SurvivalModel> {
    await ensureBackend();
    return loadModelDir(
      'SurvivalModel.load',
      dir,
      'model',
      (family) => modelFamilyLoader('survival', family),
      () => modelFamilies('survival'),
    );
  }

  /** Frees the network's weights. */
  dispose(): void {
    this.network?.dispose();
    this.network = undefined;
  }
}
