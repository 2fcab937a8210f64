import type * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../../core/assert.js';
import type { CoxConvention, CoxTies } from '../../losses/cox-partial-likelihood.js';
import { coxPhLoss, coxPhLossHost } from '../../losses/cox-ph.js';
import { CoxBase } from './cox-base.js';
import { StateReader, type CoxPHState } from './family-state.js';
import type { Batch } from '../training/in-memory-data.js';
import { checkNetOptions, type NetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { JsonValue } from '../training/fit-types.js';
import type { HostLoss } from '../training/fit-loop.js';

/** Options of {@link CoxPH}. */
export interface CoxPHOptions extends NetOptions {
  /** Tied event times in the loss: 'efron' (default) or 'breslow'. */
  ties?: CoxTies;
  /** 'exact' risk sets (default) or pycox 0.3.0's cumulative-sum loss without tie handling. */
  convention?: CoxConvention;
}

/**
 * DeepSurv / pycox `CoxPH`: a network with a linear log-risk head trained on
 * the negative Cox partial log-likelihood of each batch ({@link coxPhLoss}:
 * exact risk sets, Efron or Breslow ties; or pycox's convention), then a
 * Breslow baseline on the training data for survival curves.
 *
 * @example
 * const model = new CoxPH({ inputDim: 9, hidden: [32, 32], batchNorm: true, dropout: 0.1, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 512, validation: { x: xv, labels: yv }, earlyStopping: true, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest);
 * @throws {SurvkitError} on contradictory network options or an invalid `ties`/`convention`
 * @see Katzman et al. (2018) BMC Med Res Methodol 18:24; Kvamme, Borgan & Scheel (2019) JMLR 20(129)
 */
export class CoxPH extends CoxBase {
  readonly family = 'coxph' as const;
  readonly ties: CoxTies;
  readonly convention: CoxConvention;

  constructor(opts: CoxPHOptions) {
    checkNetOptions('CoxPH', opts);
    super(opts, 'CoxPH');
    this.ties = assertChoice('CoxPH', 'ties', opts.ties ?? 'efron', ['efron', 'breslow'] as const);
    this.convention = assertChoice('CoxPH', 'convention', opts.convention ?? 'exact', ['exact', 'pycox'] as const);
  }

  protected batchLoss(b: Batch, training: boolean): tf.Scalar {
    return coxPhLoss(this.logRisk(b, training), b.time, b.event, { ties: this.ties, convention: this.convention });
  }

  protected override hostBatchLoss(b: Batch): HostLoss['loss'] {
    const lossOf = coxPhLossHost(b.time.length, b.time, b.event, { ties: this.ties, convention: this.convention });
    return (out) => lossOf(out);
  }

  stateJSON(): CoxPHState {
    return { ties: this.ties, convention: this.convention, ...this.baseState() };
  }

  /** Rebuilds a saved model (see `loadModel`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): CoxPH {
    const s = new StateReader('CoxPH', state);
    const m = new CoxPH({ net, ties: s.choice<CoxTies>('ties', ['efron', 'breslow']), convention: s.choice<CoxConvention>('convention', ['exact', 'pycox']) });
    m.baseline = s.baseline();
    return m;
  }
}
registerModelFamily('survival', 'coxph', (net, state) => CoxPH.fromState(net, state));
