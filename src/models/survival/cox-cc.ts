import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../../core/assert.js';
import { coxCcLoss } from '../../losses/cox-cc.js';
import { coxCcLossHost } from '../../losses/host.js';
import { caseControlPlan, fixedDraw } from '../training/case-control-plan.js';
import { CoxBase } from './cox-base.js';
import { StateReader, type CoxCCState } from './family-state.js';
import { gatherRows, disposeAll, type Batch } from '../training/in-memory-data.js';
import type { TrainingPlan } from '../training/fit-loop.js';
import { checkNetOptions, type NetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { FitContext } from './survival-model.js';
import type { TrainSet } from '../training/survival-plan.js';
import type { JsonValue } from '../training/fit-types.js';

/** Options of {@link CoxCC}. */
export interface CoxCCOptions extends NetOptions {
  /** Controls per case (default 1, as pycox). */
  nControls?: number;
  /** Shrinkage of the outputs towards 0 (pycox `shrink`, default 0). */
  shrink?: number;
  /** Passes over the validation cases with fresh controls (default 10, as pycox's examples). */
  validationRepeats?: number;
}

/** Splits outputs of [cases; control blocks] into g_case [b, 1] and g_controls [b, k]. */
export function splitCaseControl(g: tf.Tensor, b: number, k: number): { gCase: tf.Tensor; gControls: tf.Tensor } {
  const flat = tf.reshape(g, [b * (1 + k), 1]);
  const gCase = tf.slice(flat, [0, 0], [b, 1]);
  const gControls = tf.transpose(tf.reshape(tf.slice(flat, [b, 0], [b * k, 1]), [k, b]));
  return { gCase, gControls };
}

/**
 * pycox `CoxCC`: a Cox (log-risk) network trained with the case-control
 * approximation of the partial likelihood ({@link coxCcLoss}): each case is
 * compared with `nControls` controls drawn from its risk set, which scales to
 * large data without whole-batch risk sets. Survival curves from a Breslow
 * baseline on the training data, as CoxPH.
 *
 * @example
 * const model = new CoxCC({ inputDim: 9, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, validation: { x: xv, labels: yv }, earlyStopping: true, learningRate: 0.01 });
 * @throws {SurvkitError} on contradictory network options or invalid `nControls` / `shrink`
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129) §3
 */
export class CoxCC extends CoxBase {
  readonly family = 'coxcc' as const;
  readonly nControls: number;
  readonly shrink: number;
  readonly validationRepeats: number;

  constructor(opts: CoxCCOptions) {
    checkNetOptions('CoxCC', opts);
    super(opts, 'CoxCC');
    this.nControls = assertNumberOption('CoxCC', 'nControls', opts.nControls ?? 1, { min: 1, integer: true });
    this.shrink = assertNumberOption('CoxCC', 'shrink', opts.shrink ?? 0, { min: 0 });
    this.validationRepeats = assertNumberOption('CoxCC', 'validationRepeats', opts.validationRepeats ?? 10, { min: 1, integer: true });
  }

  /** The case-control loss of [cases; control blocks] rows (see `CaseControlLoss`). */
  caseControlLoss(x: tf.Tensor[], b: number, k: number, training: boolean): tf.Scalar {
    return tf.tidy(() => {
      const g = this.net.apply(x.length === 1 ? (x[0] as tf.Tensor) : x, { training }) as tf.Tensor;
      const { gCase, gControls } = splitCaseControl(g, b, k);
      return coxCcLoss(gCase, gControls, { shrink: this.shrink });
    });
  }

  protected override plan(train: TrainSet, val: TrainSet | undefined, ctx: FitContext): TrainingPlan {
    return caseControlPlan(train, val, ctx, this.inputCount, 'CoxCC.fit', {
      nControls: this.nControls,
      validationRepeats: this.validationRepeats,
      loss: (x, _t, b, k, training) => this.caseControlLoss(x, b, k, training),
      host: (x, _t, b, k) => ({ inputs: x, loss: coxCcLossHost(b, k, this.shrink) }),
    });
  }

  /** For `loss()`: controls drawn within the batch with a fixed seed (0). */
  protected batchLoss(b: Batch, training: boolean): tf.Scalar {
    const draw = fixedDraw(b, this.nControls);
    const x = gatherRows(b.x, draw.rows);
    try {
      return this.caseControlLoss(x, draw.cases, this.nControls, training);
    } finally {
      disposeAll(x);
    }
  }

  stateJSON(): CoxCCState {
    return { nControls: this.nControls, shrink: this.shrink, validationRepeats: this.validationRepeats, ...this.baseState() };
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): CoxCC {
    const s = new StateReader('CoxCC', state);
    const m = new CoxCC({
      net,
      nControls: s.number('nControls', { integer: true, min: 1 }),
      shrink: s.number('shrink', { min: 0 }),
      validationRepeats: s.number('validationRepeats', { integer: true, min: 1 }),
    });
    m.baseline = s.baseline();
    return m;
  }
}
registerModelFamily('survival', 'coxcc', (net, state) => CoxCC.fromState(net, state));
