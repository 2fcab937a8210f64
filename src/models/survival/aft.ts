import type * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption, assertStrictlyAscending, toFloat64 } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { curvesFor, type SurvivalCurves } from '../../estimators/survival-curves.js';
import { DiscreteHead } from '../../heads/discrete-head.js';
import { aftLoss, aftSurvival, type AftDistribution } from '../../losses/parametric.js';
import { forward, type Outputs } from '../training/batched-forward.js';
import { sourceBatches, type Batch } from '../training/in-memory-data.js';
import { checkNetOptions, type NetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { BatchSource, JsonValue, ModelInput } from '../training/fit-types.js';
import { SurvivalModel, type FitContext, type PredictRiskOptions, type PredictSurvivalOptions } from './survival-model.js';
import { StateReader, type AftState } from './family-state.js';
import { assertSingleRisk } from './single-risk.js';

/** Options of {@link ParametricAFT}. */
export interface ParametricAFTOptions extends NetOptions {
  /** 'weibull' (default): outputs log λ, log k; 'lognormal': outputs μ, log σ of log T. */
  distribution?: AftDistribution;
  /** Grid of the predicted curves (strictly ascending, ≥ 0); default 100 points from 0 to the largest training time. */
  times?: readonly number[];
  /** The time unit of the network (see {@link ParametricAFT.timeScale}); default: set by the first `fit`. */
  timeScale?: number;
}

/**
 * A deep accelerated-failure-time model: the network gives each subject the two
 * parameters of a Weibull (log scale λ, log shape k) or log-normal (μ, log σ of
 * log T) distribution, trained on {@link aftLoss}; survival is closed-form
 * ({@link aftSurvival}) at any time. With no hidden layers it is R's linear
 * `survreg` model with a per-subject scale. Single risk; times must be > 0.
 *
 * @example
 * const model = new ParametricAFT({ inputDim: 9, hidden: [32], distribution: 'weibull', seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest);
 * @throws {SurvkitError} on contradictory options, an unknown distribution, an unsorted grid, times ≤ 0 or competing risks in `fit`
 * @see Kalbfleisch & Prentice (2002); torchsurv `loss/weibull.py`
 */
export class ParametricAFT extends SurvivalModel {
  readonly family: 'weibull' | 'lognormal';
  readonly distribution: AftDistribution;
  times: Float64Array | null;
  /**
   * The time unit the network works in (set by the first `fit`: Σ t / Σ event of the training labels, the
   * exponential model's maximum-likelihood scale), so that the location output starts near its optimum whatever
   * unit the times are in; `predictParams` returns the parameters in the original unit.
   */
  timeScale: number | null;

  constructor(opts: ParametricAFTOptions) {
    checkNetOptions('ParametricAFT', opts);
    super(opts, opts.net);
    this.distribution = assertChoice('ParametricAFT', 'distribution', opts.distribution ?? 'weibull', ['weibull', 'lognormal'] as const);
    this.family = this.distribution;
    this.times = null;
    this.timeScale = opts.timeScale === undefined ? null : assertNumberOption('ParametricAFT', 'timeScale', opts.timeScale, { min: 0, minExclusive: true });
    if (opts.times !== undefined) {
      const t = toFloat64('ParametricAFT', 'times', opts.times);
      assertStrictlyAscending('ParametricAFT', 'times', t);
      this.times = t;
    }
    if (this.network === undefined) this.adoptNet(this.buildWithHead(() => new DiscreteHead({ cuts: 2, causes: 1, seed: opts.seed ?? null }), opts.seed));
  }

  protected async prepare(train: TrainSet, _ctx: FitContext): Promise<void> {
    assertSingleRisk('ParametricAFT.fit', train);
    if (train.kind === 'memory') {
      const i = train.data.labels.time.findIndex((t) => !(t > 0));
      if (i >= 0) throw survkitError('positiveTime', 'ParametricAFT.fit', 'labels.time', i, train.data.labels.time[i] as number);
    }
    if (this.times !== null && this.timeScale !== null) return;
    let max = 0;
    let sumT = 0;
    let events = 0;
    const add = (time: ArrayLike<number>, event: ArrayLike<number>): void => {
      for (let i = 0; i < time.length; i++) {
        const t = time[i] as number;
        max = Math.max(max, t);
        sumT += t;
        events += event[i] as number;
      }
    };
    if (train.kind === 'memory') add(train.data.labels.time, train.data.labels.event);
    else for await (const b of sourceBatches('ParametricAFT.fit', train.source, this.inputCount, true)) add(b.time, b.event);
    this.times ??= Float64Array.from({ length: 100 }, (_, k) => (max * k) / 99);
    this.timeScale ??= sumT > 0 ? sumT / Math.max(events, 1) : 1;
  }

  protected batchLoss(b: Batch, training: boolean): tf.Scalar {
    const out = this.net.apply(b.x.length === 1 ? (b.x[0] as tf.Tensor) : b.x, { training }) as tf.Tensor;
    const scale = this.timeScale ?? 1;
    const loss = aftLoss(this.distribution, out, scale === 1 ? b.time : Float64Array.from(b.time, (t) => t / scale), b.event, { validate: false });
    out.dispose();
    return loss;
  }

  protected async finish(): Promise<void> {
    // closed-form survival: nothing to estimate after training
  }

  /** The two parameters per subject (Weibull: log λ, log k; log-normal: μ, log σ), row-major n × 2, float64. */
  async predictParams(x: ModelInput | BatchSource): Promise<Outputs> {
    const fn = 'ParametricAFT.predictParams';
    const out = await forward(fn, this.net, this.inputsOf(fn, x), this.inputCount);
    // the location (log λ or μ) in the original time unit: log t = log(t / scale) + log scale
    const shift = Math.log(this.timeScale ?? 1);
    if (shift !== 0) for (let i = 0; i < out.values.length; i += out.width) out.values[i] = (out.values[i] as number) + shift;
    return out;
  }

  /** Closed-form S(t | x) on the model's grid (`times`), float64. */
  async predictSurvival(x: ModelInput | BatchSource, _opts: PredictSurvivalOptions = {}): Promise<SurvivalCurves> {
    const grid = this.times ?? Float64Array.from([0]);
    return curvesFor('ParametricAFT.predictSurvival', grid, aftSurvival(this.distribution, (await this.predictParams(x)).values, grid));
  }

  /** −(log λ or μ) (a shorter expected log-time is a higher risk); with `at`, 1 − S(at) in closed form. */
  async predictRisk(x: ModelInput | BatchSource, opts: PredictRiskOptions = {}): Promise<Float64Array> {
    const p = (await this.predictParams(x)).values;
    const n = p.length / 2;
    if (opts.at !== undefined) return aftSurvival(this.distribution, p, [opts.at]).map((s) => 1 - s);
    return Float64Array.from({ length: n }, (_, i) => -(p[2 * i] as number));
  }

  stateJSON(): AftState {
    return { distribution: this.distribution, times: this.times === null ? null : Array.from(this.times), timeScale: this.timeScale };
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): ParametricAFT {
    const s = new StateReader('ParametricAFT', state);
    const distribution = s.choice<AftDistribution>('distribution', ['weibull', 'lognormal']);
    const times = s.numbersOrNull('times');
    // saved before the time unit existed: the network works in the original unit
    const timeScale = state.timeScale === undefined ? 1 : s.numberOrNull('timeScale', { min: Number.MIN_VALUE });
    return new ParametricAFT({ net, distribution, ...(times === null ? {} : { times }), ...(timeScale === null ? {} : { timeScale }) });
  }
}
registerModelFamily('survival', 'weibull', (net, state) => ParametricAFT.fromState(net, state));
registerModelFamily('survival', 'lognormal', (net, state) => ParametricAFT.fromState(net, state));
