import type * as tf from '@tensorflow/tfjs';
import { bceSurvProbabilities, survivalFromBceLogits } from '../../estimators/discrete-families.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { bceSurvLoss } from '../../losses/bce-surv.js';
import { bceSurvLossHost } from '../../losses/host.js';
import type { HostLoss } from '../training/fit-loop.js';
import { DiscreteBase, type DiscreteOptions } from './discrete-base.js';
import { checkNetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { FitContext } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { BatchSource, JsonValue, ModelInput } from '../training/fit-types.js';
import { StateReader, type DiscreteState } from './family-state.js';
import { assertSingleRisk } from './single-risk.js';

/** Options of {@link BCESurv}. */
export type BCESurvOptions = DiscreteOptions;

/**
 * BCESurv (pycox `BCESurv`): one binary classifier per cut, S(τ_k) = sigmoid(φ_k),
 * trained on {@link bceSurvLoss} (censored subjects leave the classifiers at their
 * censoring). The classifiers are independent, so `predictSurvival` returns the
 * running minimum along the cuts (a survival curve); {@link BCESurv.predictProbabilities}
 * gives pycox's raw values. Labels discretised as {@link LogisticHazard}'s. Single risk.
 *
 * @example
 * const model = new BCESurv({ inputDim: 9, cuts: 10, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest, { interpolation: 10 });
 * @throws {SurvkitError} on contradictory options, or competing-risk labels in `fit`
 * @see Kvamme & Borgan (2019) arXiv:1912.08581
 */
export class BCESurv extends DiscreteBase {
  readonly family = 'bcesurv' as const;

  constructor(opts: BCESurvOptions) {
    checkNetOptions('BCESurv', opts);
    super(opts, 1);
  }

  get pad(): boolean {
    return false;
  }

  protected override async prepare(train: TrainSet, ctx: FitContext): Promise<void> {
    assertSingleRisk('BCESurv.fit', train);
    await super.prepare(train, ctx);
  }

  protected discreteLoss(phi: tf.Tensor, idx: Int32Array, event: Int32Array): tf.Scalar {
    return bceSurvLoss(phi, idx, event, { validate: false });
  }

  protected override hostDiscreteLoss(n: number, idx: Int32Array, event: Int32Array): HostLoss['loss'] {
    return bceSurvLossHost(n, this.outputWidth, idx, event);
  }

  protected curvesFromLogits(logits: Float64Array, cuts: Float64Array): SurvivalCurves {
    return survivalFromBceLogits(logits, cuts);
  }

  /** pycox's `predict_surv`: sigmoid(φ_ik) on the cuts, row-major n × m, not made monotone. */
  async predictProbabilities(x: ModelInput | BatchSource): Promise<Float64Array> {
    return bceSurvProbabilities((await this.predictLogits(x)).values, this.transform.outFeatures);
  }

  stateJSON(): DiscreteState {
    return this.discreteState();
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): BCESurv {
    return new BCESurv({ net, cuts: DiscreteBase.transformFromState(new StateReader('BCESurv', state)) });
  }
}
registerModelFamily('survival', 'bcesurv', (net, state) => BCESurv.fromState(net, state));
