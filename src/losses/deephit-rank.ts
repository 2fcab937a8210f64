import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { pairRankMatrix, upToMask, width } from './discrete-targets.js';
import { discreteBatch, flatSoftmax, type DeepHitConvention, type DiscreteBatch } from './deephit-nll.js';

/** Options of {@link deepHitRankLoss}. */
export interface DeepHitRankOptions {
  /** σ of exp(−R/σ) (default 0.1, as pycox and the DeepHit code). */
  sigma?: number;
  convention?: DeepHitConvention;
}

/**
 * DeepHit's ranking loss: for an acceptable pair (i, j) — i has an event
 * first — penalise exp(−(F_i(κ_i) − F_j(κ_i))/σ), with F the (cause-specific) CDF.
 *
 * `'pycox'` (default), pycox 0.3.0 `rank_loss_deephit_single` / `_cr` with
 * `pair_rank_mat`: pairs d_i ≠ 0 and (κ_i < κ_j or κ_i = κ_j with j censored);
 * F from the padded softmax; for each cause e,
 * (1/n) Σ_i 1[d_i = e] (1/n) Σ_j A_ij exp(−R^e_ij/σ), summed over causes.
 * `'paper'`, the DeepHit reference code (`loss_Ranking`): strict pairs κ_i < κ_j,
 * softmax without pad, mean over j, mean over the K causes, then a SUM over
 * subjects i (so it grows with the batch size).
 *
 * R^e_ij = F_{e,i}(κ_i) − F_{e,j}(κ_i) is computed as a matrix product with
 * host-built masks (no gather), so it differentiates on WASM. Cost O(n²·K·m).
 *
 * @param phi logits, [n, m] or [n, K, m]
 * @param idxDuration κ_i ∈ [0, m − 1]
 * @param event 0 = censored, 1..K = cause
 * @example
 * const rank = deepHitRankLoss(tf.tensor2d([[0.1, 0.3], [1, 0]]), [0, 1], [1, 0], { sigma: 0.1 });
 * @throws {SurvkitError} on bad shapes, indices or event codes, or σ <= 0
 * @see Lee et al. (2018) DeepHit, AAAI, eq. (L2); pycox `models/loss.py:_rank_loss_deephit`
 */
export function deepHitRankLoss(
  phi: tf.Tensor,
  idxDuration: ArrayLike<number>,
  event: ArrayLike<number>,
  opts: DeepHitRankOptions = {},
): tf.Scalar {
  const fn = 'deepHitRankLoss';
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'pycox', ['pycox', 'paper'] as const);
  const sigma = assertNumberOption(fn, 'sigma', opts.sigma ?? 0.1, { min: 0, minExclusive: true });
  const b = discreteBatch(fn, phi, idxDuration, event, convention === 'pycox');
  return rankOf(phi, b, sigma, convention);
}

/** {@link deepHitRankLoss} on validated inputs. */
export function rankOf(phi: tf.Tensor, b: DiscreteBatch, sigma: number, convention: DeepHitConvention): tf.Scalar {
  const l = b.layout;
  const w = width(l);
  const n = l.n;
  const scale = convention === 'pycox' ? 1 / (n * n) : 1 / (n * l.causes);
  return tf.tidy(() => {
    const p = flatSoftmax(phi, l);
    let total: tf.Scalar | undefined;
    for (let c = 0; c < l.causes; c++) {
      const pairs = pairRankMatrix(b.idx, b.event, convention, l.causes === 1 ? undefined : c + 1);
      const mask = tf.tensor2d(upToMask(l, b.idx, c), [n, w]);
      const fAtOwn = tf.sum(tf.mul(p, mask), 1, true); // F_{c,i}(κ_i), [n, 1]
      const fOthers = tf.matMul(mask, p, false, true); // [i, j] = F_{c,j}(κ_i)
      const r = tf.sub(fAtOwn, fOthers);
      const term = tf.sum<tf.Scalar>(tf.mul(tf.tensor2d(pairs, [n, n]), tf.exp(tf.div(r, -sigma))));
      total = total === undefined ? term : tf.add<tf.Scalar>(total, term);
    }
    return tf.mul(total as tf.Scalar, scale);
  });
}
