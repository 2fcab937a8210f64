import type * as tf from '@tensorflow/tfjs';
import { survivalFromMtlrLogits } from '../../estimators/discrete-families.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { mtlrLoss } from '../../losses/pmf.js';
import { DiscreteBase, type DiscreteOptions } from './discrete-base.js';
import { checkNetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { FitContext } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { JsonValue } from '../training/fit-types.js';
import type { HostLoss } from '../training/fit-loop.js';
import { mtlrLossHost } from '../../losses/host.js';
import { StateReader, type DiscreteState } from './family-state.js';
import { assertSingleRisk } from './single-risk.js';

/** Options of {@link MTLR}. */
export type MTLROptions = DiscreteOptions;

/**
 * (N-)MTLR (pycox `MTLR`, multi-task logistic regression with a network): logits
 * φ over the cuts; the PMF is the padded softmax of the reverse cumulative sums
 * ψ_k = Σ_{j ≥ k} φ_j, trained on {@link mtlrLoss}; S(τ_k) = 1 − Σ_{l ≤ k} f_l;
 * `interpolation` is pycox's linear (constant-density) interpolation. Single risk.
 *
 * @example
 * const model = new MTLR({ inputDim: 9, cuts: 10, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest, { interpolation: 10 });
 * @throws {SurvkitError} on contradictory options, or competing-risk labels in `fit`
 * @see Yu et al. (2011) NeurIPS 24; Fotso (2018) arXiv:1801.05512; Kvamme & Borgan (2019) arXiv:1910.06724
 */
export class MTLR extends DiscreteBase {
  readonly family = 'mtlr' as const;

  constructor(opts: MTLROptions) {
    checkNetOptions('MTLR', opts);
    super(opts, 1);
  }

  get pad(): boolean {
    return true;
  }

  protected override async prepare(train: TrainSet, ctx: FitContext): Promise<void> {
    assertSingleRisk('MTLR.fit', train);
    await super.prepare(train, ctx);
  }

  protected discreteLoss(phi: tf.Tensor, idx: Int32Array, event: Int32Array): tf.Scalar {
    return mtlrLoss(phi, idx, event, { validate: false });
  }

  protected override hostDiscreteLoss(n: number, idx: Int32Array, event: Int32Array): HostLoss['loss'] {
    return mtlrLossHost(n, this.outputWidth, idx, event);
  }

  protected curvesFromLogits(logits: Float64Array, cuts: Float64Array): SurvivalCurves {
    return survivalFromMtlrLogits(logits, cuts);
  }

  stateJSON(): DiscreteState {
    return this.discreteState();
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): MTLR {
    return new MTLR({ net, cuts: DiscreteBase.transformFromState(new StateReader('MTLR', state)) });
  }
}
registerModelFamily('survival', 'mtlr', (net, state) => MTLR.fromState(net, state));
