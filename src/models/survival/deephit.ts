import type * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../../core/assert.js';
import { survkitError } from '../../core/errors.js';
import { cifFromLogits, survivalFromPmfLogits } from '../../estimators/discrete-time.js';
import { curvesFor, SurvivalCurves } from '../../estimators/survival-curves.js';
import { deepHitLoss, deepHitWeights, type DeepHitLossOptions } from '../../losses/deephit.js';
import { deepHitLossHost } from '../../losses/host.js';
import type { HostLoss } from '../training/fit-loop.js';
import type { DeepHitConvention } from '../../losses/deephit-nll.js';
import { DiscreteBase, type DiscreteOptions } from './discrete-base.js';
import { interpolateRows, subgrid } from '../../estimators/interpolate-curves.js';
import { checkNetOptions } from '../training/network-options.js';
import { registerModelFamily } from '../family-registry.js';
import type { BatchSource, JsonValue, ModelInput } from '../training/fit-types.js';
import { StateReader, type DeepHitLossState, type DeepHitState } from './family-state.js';

/** Options of {@link DeepHit}. */
export interface DeepHitOptions extends DiscreteOptions {
  /** Competing causes K (default: the largest event code in the training labels). */
  causes?: number;
  /** Loss weight α (pycox: α·nll + (1 − α)·rank, default 0.2; paper: weight of L1, default 1). */
  alpha?: number;
  /** Only with convention 'paper': weight β of the ranking loss (default 1). */
  beta?: number;
  /** σ of the ranking loss (default 0.1). */
  sigma?: number;
  /** 'pycox' (default, padded softmax, means) or 'paper' (see `deepHitLoss`). */
  convention?: 'pycox' | 'paper';
}

/** Cumulative incidence curves of K competing causes on one grid (float64). */
export interface CumulativeIncidence {
  readonly times: Float64Array;
  readonly n: number;
  readonly m: number;
  readonly causes: number;
  /** `cif[e]` is row-major n × m: CIF of cause e + 1. */
  readonly cif: Float64Array[];
  /** Overall survival 1 − Σ_e CIF_e. */
  readonly survival: SurvivalCurves;
}

/**
 * DeepHit (pycox `DeepHitSingle` and `DeepHit` for competing risks): logits
 * over causes × cuts, PMF = softmax with pycox's extra zero logit, trained on
 * {@link deepHitLoss} (likelihood + ranking); S(τ_k) = 1 − Σ_{l ≤ k} pmf,
 * CIF_e(τ_k) = Σ_{l ≤ k} pmf_e.
 *
 * @example
 * const model = new DeepHit({ inputDim: 9, cuts: 10, alpha: 0.2, sigma: 0.1, seed: 1 });
 * await model.fit(x, { time, event }, { epochs: 100, validation: { x: xv, labels: yv }, earlyStopping: true, learningRate: 0.01 });
 * const curves = await model.predictSurvival(xTest, { interpolation: 10 });
 * @throws {SurvkitError} on contradictory options
 * @see Lee, Zame, Yoon & van der Schaar (2018) AAAI; Kvamme & Borgan (2019) arXiv:1910.06724
 */
export class DeepHit extends DiscreteBase {
  readonly family = 'deephit' as const;
  readonly lossOptions: DeepHitLossOptions;

  constructor(opts: DeepHitOptions) {
    checkNetOptions('DeepHit', opts);
    const causes = opts.causes === undefined ? undefined : assertNumberOption('DeepHit', 'causes', opts.causes, { min: 1, integer: true });
    super(opts, causes);
    const convention = assertChoice('DeepHit', 'convention', opts.convention ?? 'pycox', ['pycox', 'paper'] as const);
    this.lossOptions = {
      convention,
      ...(opts.alpha === undefined ? {} : { alpha: opts.alpha }),
      ...(opts.beta === undefined ? {} : { beta: opts.beta }),
      ...(opts.sigma === undefined ? {} : { sigma: opts.sigma }),
    };
  }

  get pad(): boolean {
    return this.lossOptions.convention !== 'paper';
  }

  protected discreteLoss(phi: tf.Tensor, idx: Int32Array, event: Int32Array): tf.Scalar {
    return deepHitLoss(phi, idx, event, this.lossOptions);
  }

  protected override hostDiscreteLoss(n: number, idx: Int32Array, event: Int32Array): HostLoss['loss'] {
    const layout = { n, causes: this.causes ?? 1, m: this.outputWidth, pad: this.pad };
    return deepHitLossHost(layout, idx, event, deepHitWeights('deepHitLoss', this.lossOptions));
  }

  protected curvesFromLogits(logits: Float64Array, cuts: Float64Array): SurvivalCurves {
    const k = this.causes ?? 1;
    return k === 1 ? survivalFromPmfLogits(logits, cuts, { pad: this.pad }) : cifFromLogits(logits, k, cuts, { pad: this.pad }).survival;
  }

  /**
   * Cumulative incidence of each cause on the cuts (float64), optionally
   * interpolated linearly with `interpolation` steps per interval.
   *
   * @example
   * const { cif } = await model.predictCif(xTest); // cif[0]: cause 1, n × m
   */
  async predictCif(x: ModelInput | BatchSource, opts: { interpolation?: number } = {}): Promise<CumulativeIncidence> {
    const fn = 'DeepHit.predictCif';
    const out = await this.predictLogits(x);
    const k = this.causes ?? 1;
    const r = cifFromLogits(out.values, k, this.transform.cuts, { pad: this.pad });
    const sub = assertNumberOption(fn, 'interpolation', opts.interpolation ?? 1, { min: 1, integer: true });
    const m = r.times.length;
    if (sub === 1 || m < 2) return Object.freeze({ times: r.times, n: out.n, m, causes: k, cif: r.cif, survival: r.survival });
    const times = subgrid(r.times, sub);
    return Object.freeze({
      times,
      n: out.n,
      m: times.length,
      causes: k,
      cif: r.cif.map((c) => interpolateRows(c, out.n, m, sub)),
      survival: curvesFor(fn, times, interpolateRows(r.survival.values, out.n, m, sub)),
    });
  }

  stateJSON(): DeepHitState {
    const { alpha, beta, sigma, convention } = this.lossOptions;
    const loss: DeepHitLossState = {};
    if (convention !== undefined) loss.convention = convention;
    if (alpha !== undefined) loss.alpha = alpha;
    if (beta !== undefined) loss.beta = beta;
    if (sigma !== undefined) loss.sigma = sigma;
    return { ...this.discreteState(), loss };
  }

  /** Rebuilds a saved model (see `SurvivalModel.load`). */
  static fromState(net: tf.LayersModel, state: { [key: string]: JsonValue }): DeepHit {
    const s = new StateReader('DeepHit', state);
    const loss = s.object<DeepHitLossState>('loss');
    const saved: DeepHitLossOptions = {};
    for (const key of ['alpha', 'beta', 'sigma'] as const) {
      const v = loss[key];
      if (v !== undefined && typeof v !== 'number') throw survkitError('modelState', 'SurvivalModel.load', 'DeepHit', `state.loss.${key}`, 'a number', v);
      if (v !== undefined) saved[key] = v;
    }
    if (loss.convention !== undefined) saved.convention = new StateReader('DeepHit', loss).choice<DeepHitConvention>('convention', ['pycox', 'paper']);
    return new DeepHit({ net, cuts: DiscreteBase.transformFromState(s), causes: s.number('causes', { integer: true, min: 1 }), ...saved });
  }
}
registerModelFamily('survival', 'deephit', (net, state) => DeepHit.fromState(net, state));
