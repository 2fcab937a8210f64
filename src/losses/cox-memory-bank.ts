import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../core/errors.js';
import { coxPhLoss, type CoxPhLossOptions } from './cox-ph.js';
import { vectorLength } from './inputs.js';

/** Queued (log-risk, time, event) entries of earlier batches, computed by the target network: constants of the loss. */
export interface CoxMemoryBankEntries {
  logRisk: ArrayLike<number>;
  time: ArrayLike<number>;
  event: ArrayLike<number>;
}

const FN = 'coxMemoryBankLoss';

/**
 * Negative Cox partial log-likelihood of the current batch pooled with a
 * memory bank of earlier subjects (torchsurv's `Momentum` loss): the risk
 * sets and the events are those of the batch and the queued entries together,
 * but only the batch's log-risks carry a gradient; the queued log-risks
 * (produced by the momentum target network, see `CoxPH.fit`'s `memoryBank`)
 * are constants. With an empty bank it is {@link coxPhLoss} of the batch.
 *
 * The value is {@link coxPhLoss} of the concatenation [bank, batch] (Efron
 * ties by default, divided by the number of events of the pooled set), so it
 * equals torchsurv's `Momentum._bank_loss` where torchsurv's own Cox loss does
 * (no tied event times; with ties torchsurv divides by the number of distinct
 * event times, survkit by the number of events).
 *
 * @param logRisk the batch's log-risk g, shape [b] or [b, 1]
 * @param time the batch's observed times
 * @param event the batch's event indicators (1 = event, 0 = censored)
 * @param bank the queued entries (may be empty)
 * @example
 * const g = tf.tensor1d([0.3, -0.2]);
 * const loss = coxMemoryBankLoss(g, [2, 5], [1, 0], { logRisk: [0.1, 0.4], time: [1, 3], event: [1, 1] });
 * @throws {SurvkitError} if the bank's arrays differ in length, or as {@link coxPhLoss} for the pooled set
 *   (no event in batch and bank together, NaN log-risks, bad event codes)
 * @see He et al. (2019) Momentum contrast for unsupervised visual representation learning, arXiv:1911.05722;
 *   torchsurv `loss/momentum.py` (Monod et al. 2024, TorchSurv, JOSS 9(104))
 */
export function coxMemoryBankLoss(
  logRisk: tf.Tensor,
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  bank: CoxMemoryBankEntries,
  opts: Pick<CoxPhLossOptions, 'ties' | 'reduction'> = {},
): tf.Scalar {
  const n = vectorLength(FN, 'logRisk', logRisk);
  const m = bank.logRisk.length;
  if (bank.time.length !== m) throw survkitError('lengthMismatch', FN, 'bank.time', bank.time.length, 'bank.logRisk', m);
  if (bank.event.length !== m) throw survkitError('lengthMismatch', FN, 'bank.event', bank.event.length, 'bank.logRisk', m);
  if (time.length !== n) throw survkitError('lengthMismatch', FN, 'time', time.length, 'logRisk', n);
  if (event.length !== n) throw survkitError('lengthMismatch', FN, 'event', event.length, 'logRisk', n);
  if (m === 0) return coxPhLoss(logRisk, time, event, opts);
  const t = new Float64Array(m + n);
  const e = new Int32Array(m + n);
  for (let i = 0; i < m; i++) {
    t[i] = bank.time[i] as number;
    e[i] = bank.event[i] as number;
  }
  for (let i = 0; i < n; i++) {
    t[m + i] = time[i] as number;
    e[m + i] = event[i] as number;
  }
  return tf.tidy(() => {
    const pooled = tf.concat([tf.tensor1d(Float32Array.from(bank.logRisk)), tf.reshape(logRisk, [n])]);
    return coxPhLoss(pooled, t, e, opts);
  });
}
