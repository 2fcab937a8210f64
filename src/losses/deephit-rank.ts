import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { rankValueGrad } from './deephit-rank-host.js';
import { width } from './discrete-targets.js';
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
 * R^e_ij = F_{e,i}(κ_i) − F_{e,j}(κ_i) and the pair sum are computed on the host in
 * float64 from the softmax probabilities (a `tf.customGrad`, see `rankValueGrad`;
 * no gather, so it differentiates on WASM). Cost O(n²·K + n·K·m).
 *
 * @param phi logits, [n, m] or [n, K, m]
 * @param idxDuration κ_i ∈ [0, m − 1]
 * @param event 0 = censored, 1..K = cause
 * @example
 * const rank = deepHitRankLoss(tf.tensor2d([[0.1, 0.3], [1, 0]]), [0, 1], [1, 0], { sigma: 0.1 });
 * @throws {SurvkitError} on bad shapes, indices or event codes, or σ <= 0
 * @see Lee et al. (2018) DeepHit, AAAI, eq. (L2); pycox `models/loss.py:_rank_loss_deephit`
 */
export function deepHitRankLoss(phi: tf.Tensor, idxDuration: ArrayLike<number>, event: ArrayLike<number>, opts: DeepHitRankOptions = {}): tf.Scalar {
  const fn = 'deepHitRankLoss';
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'pycox', ['pycox', 'paper'] as const);
  const sigma = assertNumberOption(fn, 'sigma', opts.sigma ?? 0.1, { min: 0, minExclusive: true });
  const b = discreteBatch(fn, phi, idxDuration, event, convention === 'pycox');
  return rankOf(phi, b, sigma, convention);
}

/** {@link deepHitRankLoss} on validated inputs. */
export function rankOf(phi: tf.Tensor, b: DiscreteBatch, sigma: number, convention: DeepHitConvention): tf.Scalar {
  const l = b.layout;
  const shape: [number, number] = [l.n, width(l)];
  // The pairwise part runs on the host in float64 (rankValueGrad): reading p back once is far cheaper than
  // the ~20 n × n tensor kernels (mask product, broadcast, exp and their gradients) it replaces.
  const term = tf.customGrad((input: unknown) => {
    const p = input as tf.Tensor;
    const r = rankValueGrad(p.dataSync(), l, b.idx, b.event, sigma, convention);
    return {
      value: tf.scalar(r.value),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor2d(Float32Array.from(r.grad), shape)),
    };
  });
  return tf.tidy(() => term(flatSoftmax(phi, l)) as tf.Scalar);
}
