import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../../core/errors.js';
import { DiscreteTimeTransform, type DiscreteTimeTransformJSON, type CutScheme } from '../../data/discretize.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { DiscreteHead } from '../../heads/discrete-head.js';
import { sourceBatches, type Batch } from '../training/in-memory-data.js';
import { forward, type Outputs } from '../training/batched-forward.js';
import { interpolateCurves } from '../../estimators/interpolate-curves.js';
import type { NetOptions } from '../training/network-options.js';
import { riskFromCurves } from '../../estimators/risk-from-curves.js';
import { SurvivalModel, type FitContext, type PredictRiskOptions, type PredictSurvivalOptions } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { BatchSource, ModelInput } from '../training/fit-types.js';
import type { HostLoss } from '../training/fit-loop.js';
import type { DiscreteState, StateReader } from './family-state.js';

/** Options shared by the discrete-time families. */
export interface DiscreteOptions extends NetOptions {
  /**
   * The time grid: a number of cuts to fit on the training labels (default
   * 10), fixed cut points, or a {@link DiscreteTimeTransform} (fitted in `fit` unless it already is).
   */
  cuts?: number | readonly number[] | DiscreteTimeTransform;
  /** How fitted cuts are placed: 'equidistant' (default) or 'quantiles' (pycox's schemes). */
  scheme?: CutScheme;
}

/** The transform a {@link DiscreteOptions} asks for. */
export function transformOf(o: DiscreteOptions): DiscreteTimeTransform {
  if (o.cuts instanceof DiscreteTimeTransform) return o.cuts;
  if (o.cuts !== undefined && typeof o.cuts !== 'number') return new DiscreteTimeTransform({ cuts: o.cuts });
  return new DiscreteTimeTransform({ n: o.cuts ?? 10, ...(o.scheme === undefined ? {} : { scheme: o.scheme }) });
}

function isFitted(t: DiscreteTimeTransform): boolean {
  return t.toJSON().cuts !== null;
}

/**
 * Shared by DeepHit, LogisticHazard, PMF, MTLR, PCHazard and BCESurv: a {@link DiscreteHead} with
 * causes × cuts logits, labels discretised with a {@link DiscreteTimeTransform}
 * (pycox's rules), curves on the cut points with optional pycox interpolation.
 * When the cuts are fitted from data the network is built in `fit`.
 */
export abstract class DiscreteBase extends SurvivalModel {
  transform: DiscreteTimeTransform;
  causes: number | undefined;

  protected constructor(opts: DiscreteOptions, causes: number | undefined, network?: tf.LayersModel) {
    super(opts, network ?? opts.net);
    this.transform = transformOf(opts);
    this.causes = causes;
    if (this.network === undefined && isFitted(this.transform) && causes !== undefined) this.buildHeadNet(opts.seed);
  }

  /** Network outputs per cause: one per cut (PC-Hazard: one per interval between cuts). */
  get outputWidth(): number {
    return this.transform.outFeatures;
  }

  /** Whether the family's softmax has pycox's pad column (DeepHit 'pycox'). */
  abstract get pad(): boolean;
  /** Curves from flattened logits on the cuts. */
  protected abstract curvesFromLogits(logits: Float64Array, cuts: Float64Array): SurvivalCurves;
  /** The family loss of logits `phi` ([b, m] or [b, K, m]). */
  protected abstract discreteLoss(phi: tf.Tensor, idx: Int32Array, event: Int32Array): tf.Scalar;

  private buildHeadNet(seed: number | undefined): void {
    const head = () => new DiscreteHead({ cuts: this.outputWidth, causes: this.causes ?? 1, seed: seed ?? null });
    this.adoptNet(this.buildWithHead(head, seed));
  }

  protected async prepare(train: TrainSet, ctx: FitContext): Promise<void> {
    let maxCode = 0;
    if (train.kind === 'memory') {
      for (const e of train.data.labels.event) maxCode = Math.max(maxCode, e);
      if (!isFitted(this.transform)) this.transform.fit(train.data.labels);
    } else {
      const time: number[] = [];
      const event: number[] = [];
      for await (const b of sourceBatches(`${this.constructor.name}.fit`, train.source, this.inputCount, true)) {
        time.push(...b.time);
        event.push(...b.event);
      }
      for (const e of event) maxCode = Math.max(maxCode, e);
      if (!isFitted(this.transform)) this.transform.fit({ time, event });
    }
    this.causes ??= Math.max(1, maxCode);
    if (this.network === undefined) this.buildHeadNet(this.netOptions.seed ?? ctx.seed);
    const width = this.net.outputs[0]?.shape[this.net.outputs[0].shape.length - 1];
    const want = this.outputWidth * this.causes;
    if (this.net.outputs.length !== 1 || width !== want) {
      throw survkitError('discreteNetOutput', `${this.constructor.name}.fit`, 'net', this.causes, this.outputWidth, String(width));
    }
  }

  protected batchLoss(b: Batch, training: boolean): tf.Scalar {
    const d = this.transform.transform({ time: b.time, event: b.event });
    return tf.tidy(() => {
      const out = this.net.apply(b.x.length === 1 ? (b.x[0] as tf.Tensor) : b.x, { training }) as tf.Tensor;
      const k = this.causes ?? 1;
      const n = out.shape[0];
      const phi = k > 1 ? tf.reshape(out, [n, k, this.outputWidth]) : tf.reshape(out, [n, this.outputWidth]);
      return this.discreteLoss(phi, d.idx, d.event);
    });
  }

  protected override hostBatchLoss(b: Batch): HostLoss['loss'] | undefined {
    const d = this.transform.transform({ time: b.time, event: b.event });
    return this.hostDiscreteLoss(b.time.length, d.idx, d.event);
  }

  /** {@link discreteLoss} on host arrays (the network output, row-major [b, causes · m]), where the family has one. */
  protected hostDiscreteLoss(_n: number, _idx: Int32Array, _event: Int32Array): HostLoss['loss'] | undefined {
    return undefined;
  }

  protected async finish(): Promise<void> {
    // no baseline: the network gives the whole distribution
  }

  /** Raw logits of `x`, n × (causes · cuts), float64. */
  async predictLogits(x: ModelInput | BatchSource): Promise<Outputs> {
    const fn = `${this.constructor.name}.predictLogits`;
    return forward(fn, this.net, this.inputsOf(fn, x), this.inputCount);
  }

  /**
   * Survival curves on the cut points (float64); `interpolation: s` adds s − 1
   * linear points per interval (pycox `interpolate(s)`).
   *
   * @example
   * const curves = await model.predictSurvival(xTest, { interpolation: 10 });
   */
  async predictSurvival(x: ModelInput | BatchSource, opts: PredictSurvivalOptions = {}): Promise<SurvivalCurves> {
    const out = await this.predictLogits(x);
    const curves = this.curvesFromLogits(out.values, this.transform.cuts);
    return interpolateCurves(curves, opts.interpolation ?? 1, `${this.constructor.name}.predictSurvival`);
  }

  /** −RMST over the cut grid by default; with `at`, 1 − S(at) (step read of the curves on the cuts). */
  async predictRisk(x: ModelInput | BatchSource, opts: PredictRiskOptions = {}): Promise<Float64Array> {
    return riskFromCurves(await this.predictSurvival(x), opts.at);
  }

  protected discreteState(): DiscreteState {
    return { labelTransform: this.transform.toJSON(), causes: this.causes ?? null };
  }

  /** The label transform saved in a state. */
  protected static transformFromState(s: StateReader): DiscreteTimeTransform {
    return DiscreteTimeTransform.fromJSON(s.object<DiscreteTimeTransformJSON>('labelTransform', 'DiscreteTimeTransform'));
  }
}
