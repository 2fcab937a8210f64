import * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../core/assert.js';
import { likelihoodMask, oneHotAt, width, type DiscreteLayout } from './discrete-targets.js';
import { assertFiniteTensor, durationIndices, eventCodes, logitShape } from './inputs.js';

/** pycox's conventions (pad column, mean over subjects) or the DeepHit reference code's. */
export type DeepHitConvention = 'pycox' | 'paper';

/** Validated inputs of a discrete-time loss. */
export interface DiscreteBatch {
  layout: DiscreteLayout;
  idx: Int32Array;
  event: Int32Array;
}

/** Checks `phi` ([n, m] or [n, K, m]), `idxDuration` (0..m−1) and `event` (0..K). */
export function discreteBatch(fn: string, phi: tf.Tensor, idxDuration: unknown, event: unknown, pad: boolean): DiscreteBatch {
  const { n, causes, m } = logitShape(fn, 'phi', phi);
  const idx = durationIndices(fn, 'idxDuration', idxDuration, 'phi', n, m);
  const e = eventCodes(fn, 'event', event, 'phi', n, causes);
  return { layout: { n, causes, m, pad }, idx, event: e };
}

/** Softmax over the flattened (and, for pycox, zero-padded) logits: [n, K·m (+1)]. */
export function flatSoftmax(phi: tf.Tensor, l: DiscreteLayout): tf.Tensor2D {
  return tf.tidy(() => {
    let x: tf.Tensor2D = tf.reshape(phi, [l.n, l.causes * l.m]);
    if (l.pad) x = tf.concat([x, tf.zeros([l.n, 1])], 1);
    const e = tf.exp(tf.sub(x, tf.max(x, 1, true)));
    return tf.div(e, tf.sum(e, 1, true));
  });
}

/**
 * Negative log-likelihood of the discrete-time PMF (the DeepHit likelihood term), mean over subjects.
 *
 * `'pycox'` (default) — pycox 0.3.0 with its padded softmax (an extra zero logit
 * for "after the last cut"), ε = 1e-7:
 * one cause (`nll_pmf`), with γ_i = max of the padded row and E_ik = e^{φ_ik − γ_i}:
 * −[d_i(φ_iκ − γ_i) − log(Σ_k E_ik + ε) + (1 − d_i) log(Σ_{k>κ} E_ik + ε)];
 * K causes (`nll_pmf_cr`), p = softmax over all K·m + 1 columns:
 * event of cause e: −log(p_{e,κ} + ε); censored: −log(1 − Σ_e F_e(κ) + ε), computed as the mass after κ.
 * `'paper'` — the DeepHit reference code (chl8856/DeepHit, `loss_Log_Likelihood`):
 * softmax over the K·m columns without a pad, ε = 1e-8,
 * event: −log(p_{e,κ} + ε); censored: −log(Σ_e Σ_{k>κ} p_{e,k} + ε).
 *
 * Gather-free (host-built masks), so it differentiates on WASM.
 *
 * @param phi logits, [n, m] or [n, K, m] (K competing causes)
 * @param idxDuration discrete time index κ_i ∈ [0, m − 1] (see `discretize`)
 * @param event 0 = censored, 1..K = cause
 * @example
 * const nll = deepHitNll(tf.tensor2d([[0.1, 0.3, -0.2], [1, 0, 0]]), [1, 2], [1, 0]);
 * @param opts.validate read `phi` back and reject NaN/±Infinity (default true; false skips the device read)
 * @throws {SurvkitError} on a bad shape, an index outside [0, m − 1], an event code above K, a bad option, or NaN/±Infinity in `phi`
 * @see Lee et al. (2018) DeepHit, AAAI; Kvamme & Borgan (2019) arXiv:1910.06724; pycox `models/loss.py:nll_pmf`
 */
export function deepHitNll(
  phi: tf.Tensor,
  idxDuration: ArrayLike<number>,
  event: ArrayLike<number>,
  opts: { convention?: DeepHitConvention; validate?: boolean } = {},
): tf.Scalar {
  const fn = 'deepHitNll';
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'pycox', ['pycox', 'paper'] as const);
  const b = discreteBatch(fn, phi, idxDuration, event, convention === 'pycox');
  assertFiniteTensor(fn, 'phi', phi, opts.validate);
  return nllOf(phi, b, convention);
}

/** {@link deepHitNll} on validated inputs. */
export function nllOf(phi: tf.Tensor, b: DiscreteBatch, convention: DeepHitConvention): tf.Scalar {
  const l = b.layout;
  const w = width(l);
  return tf.tidy((): tf.Scalar => {
    if (convention === 'pycox' && l.causes === 1) {
      const x = tf.concat([tf.reshape(phi, [l.n, l.m]), tf.zeros([l.n, 1])], 1);
      const gamma = tf.max(x, 1);
      const e = tf.exp(tf.sub(x, tf.reshape(gamma, [l.n, 1])));
      const d = tf.tensor1d(Float32Array.from(b.event));
      const phiK = tf.sum(tf.mul(x, tf.tensor2d(oneHotAt(l.n, w, b.idx), [l.n, w])), 1);
      const tail = tf.sum(tf.mul(e, tf.tensor2d(likelihoodMask(l, b.idx, new Int32Array(l.n)), [l.n, w])), 1);
      const ll = tf.add(tf.sub(tf.mul(d, tf.sub(phiK, gamma)), tf.log(tf.add(tf.sum(e, 1), 1e-7))), tf.mul(tf.sub(1, d), tf.log(tf.add(tail, 1e-7))));
      return tf.neg(tf.mean<tf.Scalar>(ll));
    }
    const eps = convention === 'pycox' ? 1e-7 : 1e-8;
    const p = flatSoftmax(phi, l);
    const mass = tf.sum(tf.mul(p, tf.tensor2d(likelihoodMask(l, b.idx, b.event), [l.n, w])), 1);
    return tf.neg(tf.mean<tf.Scalar>(tf.log(tf.add(mass, eps))));
  });
}
