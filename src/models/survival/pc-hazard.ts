import * as tf from '@tensorflow/tfjs';
import { DiscreteTimeTransform } from '../../data/discretize.js';
import { PcHazardTransform } from '../../data/pc-hazard-transform.js';
import { survivalFromPcHazardLogits } from '../../estimators/discrete-families.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { pcHazardLoss } from '../../losses/pc-hazard.js';
import { pcHazardLossHost } from '../../losses/host.js';
import type { HostLoss } from '../training/fit-loop.js';
import { DiscreteBase, type DiscreteOptions } from './discrete-base.js';
import { checkNetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { FitContext, PredictSurvivalOptions } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { Batch } from '../training/in-memory-data.js';
import type { BatchSource, JsonValue, ModelInput } from '../training/fit-types.js';
import { StateReader, type DiscreteState } from './family-state.js';
import { assertSingleRisk } from './single-risk.js';

/** Options of {@link PCHazard}. */
export interface PCHazardOptions extends Omit<DiscreteOptions, 'cuts'> {
  /**
   * A number of intervals to fit (default 10: 11 cut points, pycox's `LabTransPCHazard(10)`),
   * fixed cut points (at least 2), or a {@link PcHazardTransform} / grid {@link DiscreteTimeTransform}.
   */
  cuts?: number | readonly number[] | PcHazardTransform | DiscreteTimeTransform;
}

function gridOf(o: PCHazardOptions): DiscreteTimeTransform {
  if (o.cuts instanceof DiscreteTimeTransform) return o.cuts;
  if (o.cuts instanceof PcHazardTransform) return o.cuts.grid;
  const scheme = o.scheme === undefined ? {} : { scheme: o.scheme };
  if (o.cuts !== undefined && typeof o.cuts !== 'number') return new PcHazardTransform({ cuts: o.cuts, ...scheme }).grid;
  return new PcHazardTransform({ n: o.cuts ?? 10, ...scheme }).grid;
}

/**
 * PC-Hazard (pycox `PCHazard`): a constant hazard η_j = softplus(φ_j) in each of the
 * m intervals between m + 1 cuts, trained on {@link pcHazardLoss} with labels from
 * {@link PcHazardTransform}; S(τ_k) = exp(−Σ_{j<k} η_j). `interpolation: s` gives
 * pycox's `sub = s` grid, exact for the piecewise-constant hazard (S is exponential
 * between the points, not linear). Single risk.
 *
 * @example
 * const model = new PCHazard({ inputDim: 9, cuts: 10, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest, { interpolation: 10 });
 * @throws {SurvkitError} on contradictory options, fewer than 2 fixed cuts, or competing-risk labels in `fit`
 * @see Kvamme & Borgan (2019) arXiv:1910.06724 §4
 */
export class PCHazard extends DiscreteBase {
  readonly family = 'pchazard' as const;

  constructor(opts: PCHazardOptions) {
    checkNetOptions('PCHazard', opts);
    super({ ...opts, cuts: gridOf(opts) }, 1);
  }

  /** One output per interval between cuts. */
  override get outputWidth(): number {
    return this.transform.outFeatures - 1;
  }

  /** The label transform (intervals, fractions) on this model's cuts. */
  get labelTransform(): PcHazardTransform {
    return new PcHazardTransform(this.transform);
  }

  get pad(): boolean {
    return false;
  }

  protected override async prepare(train: TrainSet, ctx: FitContext): Promise<void> {
    assertSingleRisk('PCHazard.fit', train);
    await super.prepare(train, ctx);
  }

  protected override batchLoss(b: Batch, training: boolean): tf.Scalar {
    const d = this.labelTransform.transform({ time: b.time, event: b.event });
    return tf.tidy(() => {
      const out = this.net.apply(b.x.length === 1 ? (b.x[0] as tf.Tensor) : b.x, { training }) as tf.Tensor;
      return pcHazardLoss(tf.reshape(out, [out.shape[0], this.outputWidth]), d.idx, d.event, d.frac, { validate: false });
    });
  }

  protected override hostBatchLoss(b: Batch): HostLoss['loss'] {
    const d = this.labelTransform.transform({ time: b.time, event: b.event });
    return pcHazardLossHost(b.time.length, this.outputWidth, d.idx, d.event, d.frac);
  }

  protected discreteLoss(): tf.Scalar {
    throw new Error('PCHazard computes its loss in batchLoss');
  }

  protected curvesFromLogits(logits: Float64Array, cuts: Float64Array): SurvivalCurves {
    return survivalFromPcHazardLogits(logits, cuts);
  }

  /** Survival curves on the cuts, or on pycox's sub-grid with `interpolation: s` (exact piecewise-exponential). */
  override async predictSurvival(x: ModelInput | BatchSource, opts: PredictSurvivalOptions = {}): Promise<SurvivalCurves> {
    const out = await this.predictLogits(x);
    return survivalFromPcHazardLogits(out.values, this.transform.cuts, opts.interpolation ?? 1);
  }

  stateJSON(): DiscreteState {
    return this.discreteState();
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): PCHazard {
    return new PCHazard({ net, cuts: DiscreteBase.transformFromState(new StateReader('PCHazard', state)) });
  }
}
registerModelFamily('survival', 'pchazard', (net, state) => PCHazard.fromState(net, state));
