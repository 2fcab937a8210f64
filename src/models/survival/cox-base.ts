import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../../core/errors.js';
import { labelsArg, type LabelsInput } from '../../data/labels.js';
import { breslowBaseline, breslowSurvival, type BreslowBaseline } from '../../estimators/breslow.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { CoxHead } from '../../heads/cox-head.js';
import { forEachSourceBatch, inMemory, isBatchSource, type Batch } from '../training/in-memory-data.js';
import { forward } from '../training/batched-forward.js';
import type { NetOptions } from '../training/network-options.js';
import { SurvivalModel, type PredictRiskOptions, type PredictSurvivalOptions } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { BatchSource, ModelInput } from '../training/fit-types.js';
import { baselineToJSON, type BaselineJSON } from './family-state.js';

export type { BaselineJSON };

/** A Breslow baseline as stored in survkit.json. */
/**
 * Shared by CoxPH and CoxCC: a network with a {@link CoxHead} (log-risk
 * g(x)), a Breslow baseline computed on the training data after `fit`
 * (pycox `compute_baseline_hazards`), and S(t|x) = exp(−Ĥ0(t)·e^{g(x)}).
 */
export abstract class CoxBase extends SurvivalModel {
  /** The Breslow baseline (after fit or load). */
  baseline: BreslowBaseline | null = null;

  protected constructor(opts: NetOptions, fn: string) {
    super(opts);
    this.adoptNet(this.buildWithHead(() => new CoxHead({ seed: opts.seed ?? null }), opts.seed));
    const shape = this.net.outputs[0]?.shape;
    if (this.net.outputs.length !== 1 || shape?.length !== 2 || shape[1] !== 1) {
      throw survkitError('coxNetOutput', fn, 'net', this.net.outputs.length, shape?.map(String).join(', ') ?? '');
    }
  }

  /** Log-risk g of a batch (training or inference mode), shape [b, 1]. */
  protected logRisk(b: Batch, training: boolean): tf.Tensor {
    return this.net.apply(b.x.length === 1 ? (b.x[0] as tf.Tensor) : b.x, { training }) as tf.Tensor;
  }

  protected override usableBatch(b: Batch): boolean {
    return b.event.some((e) => e !== 0);
  }

  protected async prepare(): Promise<void> {
    // nothing to fit before training
  }

  protected async finish(train: TrainSet): Promise<void> {
    this.baseline = await this.baselineOf(train.kind === 'memory' ? train.data.x : train.source, train.kind === 'memory' ? train.data.labels : undefined);
  }

  private async baselineOf(x: tf.Tensor[] | BatchSource, labels: LabelsInput | undefined): Promise<BreslowBaseline> {
    const fn = `${this.constructor.name}.computeBaseline`;
    if (!isBatchSource(x)) {
      const out = await forward(fn, this.net, x, this.inputCount);
      return breslowBaseline(out.values, labels as LabelsInput);
    }
    const g: number[] = [];
    const time: number[] = [];
    const event: number[] = [];
    await forEachSourceBatch(fn, x, this.inputCount, true, async (b) => {
      const out = await forward(fn, this.net, b.x, this.inputCount);
      for (let i = 0; i < out.n; i++) {
        g.push(out.values[i] as number);
        time.push(b.time[i] as number);
        event.push(b.event[i] as number);
      }
    });
    return breslowBaseline(g, { time, event });
  }

  /**
   * Recomputes the Breslow baseline on other data (pycox
   * `compute_baseline_hazards(input, target)`); `fit` does it on its training data.
   *
   * @example
   * await model.computeBaseline(xTrain, yTrain);
   */
  async computeBaseline(x: ModelInput | BatchSource, labels?: LabelsInput): Promise<void> {
    const fn = `${this.constructor.name}.computeBaseline`;
    if (isBatchSource(x)) {
      this.baseline = await this.baselineOf(x, undefined);
      return;
    }
    const d = inMemory(fn, x, labelsArg(fn, 'labels', labels), this.inputCount);
    this.baseline = await this.baselineOf(d.x, d.labels);
  }

  /**
   * The log relative hazard g(x) of each subject (float64), or with `at`
   * 1 − S(at | x) from the Breslow baseline (same ranking).
   *
   * @example
   * const g = await model.predictRisk(xTest);
   */
  async predictRisk(x: ModelInput | BatchSource, opts: PredictRiskOptions = {}): Promise<Float64Array> {
    const fn = `${this.constructor.name}.predictRisk`;
    const out = await forward(fn, this.net, this.inputsOf(fn, x), this.inputCount);
    if (opts.at === undefined) return out.values;
    const curves = breslowSurvival(this.requireBaseline(fn), out.values);
    const r = new Float64Array(out.n);
    for (let i = 0; i < out.n; i++) r[i] = 1 - curves.stepAt(i, opts.at);
    return r;
  }

  /**
   * Survival curves S(t|x) = exp(−Ĥ0(t)·e^{g(x)}) on the distinct training
   * times (pycox `predict_surv_df`), float64.
   *
   * @example
   * const curves = await model.predictSurvival(xTest); // curves.times = training times
   * @throws {SurvkitError} before `fit`/`computeBaseline`
   */
  async predictSurvival(x: ModelInput | BatchSource, _opts: PredictSurvivalOptions = {}): Promise<SurvivalCurves> {
    const fn = `${this.constructor.name}.predictSurvival`;
    const base = this.requireBaseline(fn);
    const out = await forward(fn, this.net, this.inputsOf(fn, x), this.inputCount);
    return breslowSurvival(base, out.values);
  }

  protected requireBaseline(fn: string): BreslowBaseline {
    if (this.baseline === null) throw survkitError('notFitted', fn, 'the baseline hazard');
    return this.baseline;
  }

  protected baseState(): { baseline: BaselineJSON | null } {
    return { baseline: baselineToJSON(this.baseline) };
  }
}
