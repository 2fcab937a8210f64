import type * as tf from '@tensorflow/tfjs';
import { survkitError } from '../../core/errors.js';
import { survivalFromHazardLogits } from '../../estimators/discrete-time.js';
import type { SurvivalCurves } from '../../estimators/survival-curves.js';
import { logisticHazardLoss, logisticHazardLossHost } from '../../losses/logistic-hazard.js';
import { DiscreteBase, type DiscreteOptions } from './discrete-base.js';
import { checkNetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { FitContext } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { JsonValue } from '../training/fit-types.js';
import type { HostLoss } from '../training/fit-loop.js';
import type { Batch } from '../training/in-memory-data.js';
import { StateReader, type LogisticHazardState } from './family-state.js';

/** Options of {@link LogisticHazard}. */
export type LogisticHazardOptions = DiscreteOptions;

/**
 * Logistic hazard (pycox `LogisticHazard`, nnet-survival): logits φ over the
 * cuts, discrete hazards h_k = sigmoid(φ_k), trained on
 * {@link logisticHazardLoss}; S(τ_k) = Π_{l ≤ k} (1 − h_l). Single risk.
 *
 * @example
 * const model = new LogisticHazard({ inputDim: 9, cuts: 10, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest, { interpolation: 10 });
 * @throws {SurvkitError} on contradictory options, or competing-risk labels in `fit`
 * @see Gensheimer & Narasimhan (2019) PeerJ 7:e6257; Kvamme & Borgan (2019) arXiv:1910.06724
 */
export class LogisticHazard extends DiscreteBase {
  readonly family = 'logistichazard' as const;

  constructor(opts: LogisticHazardOptions) {
    checkNetOptions('LogisticHazard', opts);
    super(opts, 1);
  }

  get pad(): boolean {
    return false;
  }

  protected override async prepare(train: TrainSet, ctx: FitContext): Promise<void> {
    if (train.kind === 'memory') {
      const i = train.data.labels.event.findIndex((e) => e > 1);
      if (i >= 0) throw survkitError('notBinaryEvent', 'LogisticHazard.fit', 'labels.event', i, train.data.labels.event[i] as number);
    }
    await super.prepare(train, ctx);
  }

  protected discreteLoss(phi: tf.Tensor, idx: Int32Array, event: Int32Array): tf.Scalar {
    return logisticHazardLoss(phi, idx, event);
  }

  protected override hostBatchLoss(b: Batch): HostLoss['loss'] {
    const d = this.transform.transform({ time: b.time, event: b.event });
    return logisticHazardLossHost(b.time.length, this.outputWidth, d.idx, d.event);
  }

  protected curvesFromLogits(logits: Float64Array, cuts: Float64Array): SurvivalCurves {
    return survivalFromHazardLogits(logits, cuts);
  }

  stateJSON(): LogisticHazardState {
    return this.discreteState();
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): LogisticHazard {
    return new LogisticHazard({ net, cuts: DiscreteBase.transformFromState(new StateReader('LogisticHazard', state)) });
  }
}
registerModelFamily('survival', 'logistichazard', (net, state) => LogisticHazard.fromState(net, state));
