import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import { labelsArg, type LabelsInput } from '../../data/labels.js';
import { TimeScaler, type TimeScalerJSON } from '../../data/time-scaler.js';
import type { BreslowBaseline } from '../../estimators/breslow.js';
import { coxTimeBaselineFromLogSums, coxTimeBaselineMany, coxTimeSurvival, type LogRiskRequest } from '../../estimators/cox-time-breslow.js';
import { curvesFor, SurvivalCurves } from '../../estimators/survival-curves.js';
import { CoxTimeHead, type CoxTimeHeadArgs } from '../../heads/cox-time-head.js';
import { coxCcLoss } from '../../losses/cox-cc.js';
import { coxCcLossHost } from '../../losses/host.js';
import { caseControlPlan, fixedDraw } from '../training/case-control-plan.js';
import { baselineToJSON, StateReader, type CoxTimeState } from './family-state.js';
import { splitCaseControl } from './cox-cc.js';
import { coxTimeSourceBaseline } from './cox-time-baseline-source.js';
import { disposeAll, gatherRows, inMemory, isBatchSource, labelRows, sourceBatches, type Batch } from '../training/in-memory-data.js';
import type { HostLoss, TrainingPlan } from '../training/fit-loop.js';
import { forwardMemory } from '../training/batched-forward.js';
import { FoldedTimeNet } from '../training/folded-time-net.js';
import { buildNet, checkNetOptions, type NetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import { riskFromCurves } from '../../estimators/risk-from-curves.js';
import { SurvivalModel, type FitContext, type PredictRiskOptions, type PredictSurvivalOptions } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { BatchSource, JsonValue, ModelInput } from '../training/fit-types.js';

/** Rows per network call when the baseline evaluates many (time, subject) pairs (inference mode: rows are independent). */
const BASELINE_BATCH = 16384;

/** Options of {@link CoxTime}. */
export interface CoxTimeOptions extends NetOptions {
  /**
   * The head's MLP on [features, time]. With `inputDim` the network is this
   * head on the raw covariates (pycox's `MLPVanillaCoxTime`), taking `hidden`,
   * `batchNorm`, `dropout` and `activation` from the model options by default.
   */
  head?: Omit<CoxTimeHeadArgs, 'seed'>;
  /** Standardise log(1 + t) instead of t (pycox `LabTransCoxTime(log_duration=True)`; default false). */
  log1p?: boolean;
  /** Controls per case (default 1). */
  nControls?: number;
  /** Shrinkage (pycox `shrink`, default 0). */
  shrink?: number;
  /** Passes over the validation cases with fresh controls (default 10). */
  validationRepeats?: number;
  /**
   * Compute the baseline on a seeded random sample of the in-memory training
   * rows (pycox `compute_baseline_hazards(sample=…)`): a fraction in (0, 1) or
   * a number of rows ≥ 1. Default: every row. On the TF.js route (networks
   * with activations other than ReLU / linear, custom networks) the baseline
   * costs one network row per (event time, subject at risk) pair, about n²/2
   * on distinct times, so a sample of 10 % cuts it about 100-fold; the
   * default head's host walk is cheap enough not to need it. Batch sources
   * always use every row.
   */
  baselineSample?: number;
}

/**
 * pycox `CoxTime`: a relative-risk network g(t, x) of time and covariates
 * (a {@link CoxTimeHead}, time standardised with a {@link TimeScaler} fitted on
 * the training times) trained with the case-control loss at each case's event
 * time; survival from the time-dependent Breslow baseline
 * ĥ0(t_k) = d_k / Σ_{T_j ≥ t_k} exp g(t_k, x_j) on the training data,
 * H(t|x) = Σ_{t_k ≤ t} ĥ0(t_k) exp g(t_k, x). Curves are on the distinct
 * training times in the original time scale.
 *
 * Inputs: the data inputs only; survkit appends the time column.
 *
 * @example
 * const model = new CoxTime({ inputDim: 9, hidden: [32, 32], seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 512, validation: { x: xv, labels: yv }, earlyStopping: true, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest);
 * @throws {SurvkitError} on contradictory options, or a `net` whose last input is not the time column
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129)
 */
export class CoxTime extends SurvivalModel {
  readonly family = 'coxtime' as const;
  readonly nControls: number;
  readonly shrink: number;
  readonly validationRepeats: number;
  /** See {@link CoxTimeOptions.baselineSample} (undefined: every row). */
  readonly baselineSample: number | undefined;
  private readonly sampleSeed: number;
  /** The time standardisation (fitted in `fit`). */
  scaler: TimeScaler;
  /** Baseline hazards at the distinct training times (original scale), after fit. */
  baseline: BreslowBaseline | null = null;

  constructor(opts: CoxTimeOptions) {
    const fn = 'CoxTime';
    checkNetOptions(fn, opts);
    super(opts);
    this.nControls = assertNumberOption(fn, 'nControls', opts.nControls ?? 1, { min: 1, integer: true });
    this.shrink = assertNumberOption(fn, 'shrink', opts.shrink ?? 0, { min: 0 });
    this.validationRepeats = assertNumberOption(fn, 'validationRepeats', opts.validationRepeats ?? 10, { min: 1, integer: true });
    this.baselineSample =
      opts.baselineSample === undefined ? undefined : assertNumberOption(fn, 'baselineSample', opts.baselineSample, { min: 0, minExclusive: true });
    if (this.baselineSample !== undefined && this.baselineSample > 1 && !Number.isInteger(this.baselineSample)) {
      throw survkitError('optionRange', fn, 'baselineSample', 'a fraction in (0, 1] or a whole number of rows', this.baselineSample);
    }
    this.sampleSeed = opts.seed ?? 0;
    this.scaler = new TimeScaler({ log1p: opts.log1p ?? false });
    const headArgs: CoxTimeHeadArgs = {
      ...(opts.inputDim !== undefined
        ? {
            hidden: opts.hidden ?? [32, 32],
            ...(opts.batchNorm === undefined ? {} : { batchNorm: opts.batchNorm }),
            ...(opts.dropout === undefined ? {} : { dropout: opts.dropout }),
            ...(opts.activation === undefined ? {} : { activation: opts.activation }),
          }
        : {}),
      ...opts.head,
      seed: opts.seed ?? null,
    };
    const net = opts.net ?? buildNet(fn, opts, () => new CoxTimeHead(headArgs), opts.seed, []);
    const last = net.inputs[net.inputs.length - 1]?.shape;
    if (net.inputs.length < 2 || last?.length !== 2 || last[1] !== 1) {
      throw survkitError('coxTimeNetInputs', fn, 'net', net.inputs.length);
    }
    this.adoptNet(net);
  }

  protected override get usesTimeInput(): boolean {
    return true;
  }

  /** g(t̃, x) for [cases; control blocks] rows evaluated at the cases' times. */
  caseControlLoss(x: tf.Tensor[], caseTime: Float64Array, b: number, k: number, training: boolean): tf.Scalar {
    const z = this.scaler.transform(caseTime);
    const col = new Float32Array(b * (1 + k));
    for (let r = 0; r <= k; r++) for (let c = 0; c < b; c++) col[r * b + c] = z[c] as number;
    return tf.tidy(() => {
      const g = this.net.apply([...x, tf.tensor2d(col, [b * (1 + k), 1])], { training }) as tf.Tensor;
      const { gCase, gControls } = splitCaseControl(g, b, k);
      return coxCcLoss(gCase, gControls, { shrink: this.shrink });
    });
  }

  protected async prepare(train: TrainSet): Promise<void> {
    if (train.kind === 'memory') {
      this.scaler.fit(train.data.labels.time);
      return;
    }
    const times: number[] = [];
    for await (const b of sourceBatches('CoxTime.fit', train.source, this.inputCount, true)) times.push(...b.time);
    this.scaler.fit(times);
  }

  protected override plan(train: TrainSet, val: TrainSet | undefined, ctx: FitContext): TrainingPlan {
    return caseControlPlan(train, val, ctx, this.inputCount, 'CoxTime.fit', {
      nControls: this.nControls,
      validationRepeats: this.validationRepeats,
      loss: (x, t, b, k, training) => this.caseControlLoss(x, t, b, k, training),
      host: (x, t, b, k) => this.hostCaseControlLoss(x, t, b, k),
    });
  }

  /** {@link caseControlLoss} on host arrays (the dense engine): the inputs with the cases' time column, and `coxCcLossHost`. */
  protected hostCaseControlLoss(x: tf.Tensor[], caseTime: Float64Array, b: number, k: number): HostLoss {
    const z = this.scaler.transform(caseTime);
    const col = new Float32Array(b * (1 + k));
    for (let r = 0; r <= k; r++) for (let c = 0; c < b; c++) col[r * b + c] = z[c] as number;
    return { inputs: [...x, tf.tensor2d(col, [b * (1 + k), 1])], loss: coxCcLossHost(b, k, this.shrink) };
  }

  /** For `loss()`: controls drawn within the batch with a fixed seed (0). */
  protected batchLoss(b: Batch, training: boolean): tf.Scalar {
    const draw = fixedDraw(b, this.nControls);
    const x = gatherRows(b.x, draw.rows);
    try {
      return this.caseControlLoss(x, draw.caseTime, draw.cases, this.nControls, training);
    } finally {
      disposeAll(x);
    }
  }

  /** g(t, x_i) (t in the original scale) for in-memory inputs, optionally only the rows `rows`; synchronous. */
  logRiskAt(xs: readonly tf.Tensor[], t: number, rows?: Int32Array): Float64Array {
    const z = this.scaler.transform([t])[0] as number;
    const inputs = rows === undefined ? xs : gatherRows(xs, rows);
    try {
      return forwardMemory(this.net, inputs, undefined, (_s, size) => [tf.fill([size, 1], z)]).values;
    } finally {
      if (rows !== undefined) disposeAll(inputs);
    }
  }

  /**
   * g(t, x_j) for several (t, at-risk set) requests of {@link coxTimeBaselineMany}
   * at once, in original time units: the inputs are sorted by time once
   * (`sorted`, rows in `order`), each request's rows are a contiguous slice of
   * them, stacked with their (scaled) time column and run through the network
   * in large batches; synchronous.
   */
  private logRiskAtMany(sorted: readonly tf.Tensor[], requests: readonly LogRiskRequest[]): Float64Array[] {
    let total = 0;
    for (const r of requests) total += r.atRisk.length;
    const z = new Float32Array(total);
    let o = 0;
    for (const r of requests) {
      z.fill(this.scaler.transform([r.t])[0] as number, o, o + r.atRisk.length);
      o += r.atRisk.length;
    }
    const inputs = tf.tidy(() =>
      sorted.map((t) => (requests.length === 1 && requests[0]?.start === 0 ? t.clone() : tf.concat(requests.map((r) => tf.slice(t, r.start))))),
    );
    try {
      const { values } = forwardMemory(this.net, inputs, BASELINE_BATCH, (s, size) => [tf.tensor2d(z.subarray(s, s + size), [size, 1])]);
      o = 0;
      return requests.map((r) => values.subarray(o, (o += r.atRisk.length)));
    } finally {
      disposeAll(inputs);
    }
  }

  /**
   * The time-dependent Breslow baseline of in-memory inputs. A dense ReLU network
   * ({@link FoldedTimeNet}) is evaluated on the host, each subject walked once
   * through the event times it is at risk for (float64; equal to `net.predict`'s
   * values up to float32 rounding); any other network through TF.js, the inputs
   * sorted by time once and the pairs run in large batches.
   */
  private baselineOf(xs: readonly tf.Tensor[], labels: LabelsInput): BreslowBaseline {
    const folded = xs.length === 1 ? FoldedTimeNet.of(this.net) : undefined;
    if (folded) {
      const x = (xs[0] as tf.Tensor).dataSync() as Float32Array;
      return coxTimeBaselineFromLogSums(labels, (times, starts, order) => {
        // the network's time input is float32, as on the TF.js route
        const z = Float64Array.from(this.scaler.transform(times), Math.fround);
        return folded.riskSetLogSums(x, order, z, starts);
      });
    }
    let sorted: { order: Int32Array; x: tf.Tensor[] } | undefined;
    try {
      return coxTimeBaselineMany(labels, (requests, order) => {
        if (sorted?.order !== order) {
          if (sorted) disposeAll(sorted.x);
          sorted = { order, x: gatherRows(xs, order) };
        }
        return this.logRiskAtMany(sorted.x, requests);
      });
    } finally {
      if (sorted) disposeAll(sorted.x);
    }
  }

  protected async finish(train: TrainSet): Promise<void> {
    this.baseline =
      train.kind === 'memory'
        ? this.memoryBaseline(train.data.x, train.data.labels)
        : await coxTimeSourceBaseline(train.source, this.inputCount, (xs, t) => this.logRiskAt(xs, t));
  }

  private memoryBaseline(xs: readonly tf.Tensor[], labels: LabelsInput): BreslowBaseline {
    const n = xs[0]?.shape[0] as number;
    const rows = this.sampleRows(n);
    if (rows === undefined) return this.baselineOf(xs, labels);
    const sub = gatherRows(xs, rows);
    try {
      const y = labelRows(labelsArg('CoxTime.computeBaseline', 'labels', labels), rows);
      return this.baselineOf(sub, y);
    } finally {
      disposeAll(sub);
    }
  }

  /** The seeded sample of row indices (ascending) for the baseline, or undefined for every row. */
  private sampleRows(n: number): Int32Array | undefined {
    const s = this.baselineSample;
    if (s === undefined || s === 1) return undefined;
    const k = Math.max(1, s < 1 ? Math.round(s * n) : Math.min(n, s));
    if (k >= n) return undefined;
    return new Random(this.sampleSeed).permutation(n).subarray(0, k).sort();
  }

  /**
   * Recomputes the time-dependent Breslow baseline on other data (`fit` does it on its training data).
   *
   * @example
   * await model.computeBaseline(xTrain, yTrain);
   */
  async computeBaseline(x: ModelInput | BatchSource, labels?: LabelsInput): Promise<void> {
    const fn = 'CoxTime.computeBaseline';
    if (isBatchSource(x)) {
      this.baseline = await coxTimeSourceBaseline(x, this.inputCount, (xs, t) => this.logRiskAt(xs, t));
      return;
    }
    const d = inMemory(fn, x, labelsArg(fn, 'labels', labels), this.inputCount);
    this.baseline = this.memoryBaseline(d.x, d.labels);
  }

  /**
   * {@link coxTimeSurvival} of the rows of `x` with g from the folded network: each
   * row walked once through the baseline times with ĥ0 > 0 (the only times
   * `coxTimeSurvival` asks for), their network time input the scaled time
   * rounded to float32 as on the TF.js route ({@link logRiskAt}); float64, equal
   * to `net.predict`'s g up to float32 rounding.
   */
  private hostCurves(folded: FoldedTimeNet, base: BreslowBaseline, x: tf.Tensor): SurvivalCurves {
    const n = x.shape[0];
    const at: number[] = [];
    base.hazard.forEach((h, k) => {
      if (h > 0) at.push(k);
    });
    const times = Float64Array.from(at, (k) => base.times[k] as number);
    const z = Float64Array.from(this.scaler.transform(times), Math.fround);
    const grid = folded.logRiskGrid(x.dataSync(), n, z);
    const K = times.length;
    const column = new Map(Array.from(times, (t, k) => [t, k]));
    return coxTimeSurvival(
      base,
      (t) => {
        const k = column.get(t);
        if (k === undefined) throw new Error(`CoxTime.predictSurvival: g asked at ${t}, not a baseline time with a positive hazard`);
        const g = new Float64Array(n);
        for (let i = 0; i < n; i++) g[i] = grid[i * K + k] as number;
        return g;
      },
      n,
    );
  }

  /**
   * Survival curves on the distinct training times (original scale), float64
   * (pycox `CoxTime.predict_surv_df`). A dense ReLU network (folded, see folded-time-net.ts)
   * is evaluated on the host, each subject walked once through the baseline times
   * (float64; equal to `net.predict`'s values up to float32 rounding); any other
   * network through TF.js, one `net.predict` per baseline time.
   *
   * @throws {SurvkitError} before `fit`
   */
  async predictSurvival(x: ModelInput | BatchSource, _opts: PredictSurvivalOptions = {}): Promise<SurvivalCurves> {
    const fn = 'CoxTime.predictSurvival';
    const base = this.baseline;
    if (base === null) throw survkitError('notFitted', fn, 'the baseline hazard');
    const inputs = this.inputsOf(fn, x);
    const folded = this.inputCount === 1 ? FoldedTimeNet.of(this.net) : undefined;
    const curvesOf = (xs: readonly tf.Tensor[]): SurvivalCurves =>
      folded ? this.hostCurves(folded, base, xs[0] as tf.Tensor) : coxTimeSurvival(base, (t) => this.logRiskAt(xs, t), xs[0]?.shape[0] as number);
    if (!isBatchSource(inputs)) return curvesOf(inputs);
    const parts: Float64Array[] = [];
    for await (const b of sourceBatches(fn, inputs, this.inputCount, false)) parts.push(curvesOf(b.x).values);
    const values = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      values.set(p, o);
      o += p.length;
    }
    return curvesFor(fn, base.times, values);
  }

  /**
   * Risk from the curves: by default the negative restricted mean survival
   * time −∫₀^τ S(t|x) dt up to the last training time τ; with `at`, 1 − S(at|x).
   */
  async predictRisk(x: ModelInput | BatchSource, opts: PredictRiskOptions = {}): Promise<Float64Array> {
    return riskFromCurves(await this.predictSurvival(x), opts.at);
  }

  stateJSON(): CoxTimeState {
    return {
      nControls: this.nControls,
      shrink: this.shrink,
      validationRepeats: this.validationRepeats,
      baselineSample: this.baselineSample ?? null,
      timeScaler: this.scaler.toJSON(),
      baseline: baselineToJSON(this.baseline),
    };
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): CoxTime {
    const s = new StateReader('CoxTime', state);
    const sample = s.numberOrNull('baselineSample');
    const m = new CoxTime({
      net,
      nControls: s.number('nControls', { integer: true, min: 1 }),
      shrink: s.number('shrink', { min: 0 }),
      validationRepeats: s.number('validationRepeats', { integer: true, min: 1 }),
      ...(sample === null ? {} : { baselineSample: sample }),
    });
    m.scaler = TimeScaler.fromJSON(s.object<TimeScalerJSON>('timeScaler', 'TimeScaler'));
    m.baseline = s.baseline();
    return m;
  }
}
registerModelFamily('survival', 'coxtime', (net, state) => CoxTime.fromState(net, state));
