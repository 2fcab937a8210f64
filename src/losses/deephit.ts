import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { discreteBatch, nllOf, type DeepHitConvention } from './deephit-nll.js';
import { rankOf } from './deephit-rank.js';
import { assertFiniteTensor } from './inputs.js';

/** Options of {@link deepHitLoss}. */
export interface DeepHitLossOptions {
  /**
   * Weight of the likelihood. `'pycox'`: α·nll + (1 − α)·rank, α ∈ [0, 1], default 0.2
   * (pycox's DeepHit default). `'paper'`: α·L1 + β·L2, default 1 (the reference code's α).
   */
  alpha?: number;
  /** Only with `'paper'`: weight β of the ranking loss (default 1; the reference code searched {0.1, 0.5, 1, 3, 5}). */
  beta?: number;
  /** σ of the ranking loss (default 0.1). */
  sigma?: number;
  /** `'pycox'` (default) or `'paper'`; see {@link deepHitNll} and {@link deepHitRankLoss}. */
  convention?: DeepHitConvention;
  /** Read `phi` back and reject NaN/±Infinity (default true; false skips the device read in hot loops). */
  validate?: boolean;
}

/**
 * The DeepHit loss: likelihood of the discrete-time PMF plus the ranking loss,
 * for one cause (`phi` [n, m]) or K competing causes (`phi` [n, K, m]).
 *
 * `'pycox'` (default): α·nll_pmf + (1 − α)·rank with pycox 0.3.0's padded softmax
 * and means over subjects (`DeepHitSingleLoss` / `DeepHitLoss`; α = 0.2, σ = 0.1).
 * `'paper'`: α·L1 + β·L2 as in the DeepHit reference code (no pad, strict pairs,
 * ranking loss summed over subjects); see ANCHORS §2.2 for the differences.
 *
 * @param phi logits, [n, m] or [n, K, m]
 * @param idxDuration κ_i ∈ [0, m − 1] (see `discretize`)
 * @param event 0 = censored, 1..K = cause
 * @example
 * const phi = tf.tensor2d([[0.1, 0.3, -0.2], [1, 0, 0], [0, 0, 2]]);
 * const loss = deepHitLoss(phi, [0, 2, 1], [1, 0, 1], { alpha: 0.2, sigma: 0.1 });
 * @throws {SurvkitError} on bad shapes, indices, event codes or options (α outside [0, 1] for pycox,
 *   σ <= 0, `beta` given with the pycox convention), or NaN/±Infinity in `phi` (unless `validate: false`)
 * @see Lee, Zame, Yoon & van der Schaar (2018) DeepHit, AAAI; pycox `models/loss.py:DeepHitSingleLoss`
 */
export function deepHitLoss(phi: tf.Tensor, idxDuration: ArrayLike<number>, event: ArrayLike<number>, opts: DeepHitLossOptions = {}): tf.Scalar {
  const fn = 'deepHitLoss';
  const { alpha, beta, sigma, convention } = deepHitWeights(fn, opts);
  const b = discreteBatch(fn, phi, idxDuration, event, convention === 'pycox');
  assertFiniteTensor(fn, 'phi', phi, opts.validate);
  return tf.tidy(() => tf.add(tf.mul(alpha, nllOf(phi, b, convention)), tf.mul(beta, rankOf(phi, b, sigma, convention))));
}

/** The weights of {@link deepHitLoss} resolved from its options, with its defaults and checks (also used by the host form). */
export function deepHitWeights(fn: string, opts: DeepHitLossOptions): { alpha: number; beta: number; sigma: number; convention: DeepHitConvention } {
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'pycox', ['pycox', 'paper'] as const);
  const sigma = assertNumberOption(fn, 'sigma', opts.sigma ?? 0.1, { min: 0, minExclusive: true });
  if (convention === 'pycox') {
    if (opts.beta !== undefined) {
      throw survkitError('optionRange', fn, 'beta', "omitted with convention 'pycox' (the ranking weight is 1 − alpha)", opts.beta);
    }
    const alpha = assertNumberOption(fn, 'alpha', opts.alpha ?? 0.2, { min: 0, max: 1 });
    return { alpha, beta: 1 - alpha, sigma, convention };
  }
  const alpha = assertNumberOption(fn, 'alpha', opts.alpha ?? 1, { min: 0 });
  const beta = assertNumberOption(fn, 'beta', opts.beta ?? 1, { min: 0 });
  return { alpha, beta, sigma, convention };
}
