import type * as tf from '@tensorflow/tfjs';
import { survivalFromPmfLogits } from '../../estimators/discrete-time.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { pmfLoss } from '../../losses/pmf.js';
import { DiscreteBase, type DiscreteOptions } from './discrete-base.js';
import { checkNetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { FitContext } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { JsonValue } from '../training/fit-types.js';
import type { HostLoss } from '../training/fit-loop.js';
import { pmfLossHost } from '../../losses/host.js';
import { StateReader, type DiscreteState } from './family-state.js';
import { assertSingleRisk } from './single-risk.js';

/** Options of {@link PMF}. */
export type PMFOptions = DiscreteOptions;

/**
 * PMF (pycox `PMF`): logits φ over the cuts, probability mass f_k = softmax of
 * φ padded with a zero logit for "after the last cut", trained on {@link pmfLoss};
 * S(τ_k) = 1 − Σ_{l ≤ k} f_l; `interpolation` is pycox's linear (constant-density)
 * interpolation. Labels discretised as {@link LogisticHazard}'s. Single risk.
 *
 * @example
 * const model = new PMF({ inputDim: 9, cuts: 10, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest, { interpolation: 10 });
 * @throws {SurvkitError} on contradictory options, or competing-risk labels in `fit`
 * @see Kvamme & Borgan (2019) arXiv:1910.06724
 */
export class PMF extends DiscreteBase {
  readonly family = 'pmf' as const;

  constructor(opts: PMFOptions) {
    checkNetOptions('PMF', opts);
    super(opts, 1);
  }

  get pad(): boolean {
    return true;
  }

  protected override async prepare(train: TrainSet, ctx: FitContext): Promise<void> {
    assertSingleRisk('PMF.fit', train);
    await super.prepare(train, ctx);
  }

  protected discreteLoss(phi: tf.Tensor, idx: Int32Array, event: Int32Array): tf.Scalar {
    return pmfLoss(phi, idx, event, { validate: false });
  }

  protected override hostDiscreteLoss(n: number, idx: Int32Array, event: Int32Array): HostLoss['loss'] {
    return pmfLossHost(n, this.outputWidth, idx, event);
  }

  protected curvesFromLogits(logits: Float64Array, cuts: Float64Array): SurvivalCurves {
    return survivalFromPmfLogits(logits, cuts);
  }

  stateJSON(): DiscreteState {
    return this.discreteState();
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): PMF {
    return new PMF({ net, cuts: DiscreteBase.transformFromState(new StateReader('PMF', state)) });
  }
}
registerModelFamily('survival', 'pmf', (net, state) => PMF.fromState(net, state));
