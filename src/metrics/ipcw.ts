/**
 * Inverse-probability-of-censoring weights (IPCW) for the Brier score and
 * the negative binomial log-likelihood, in the three conventions of the
 * reference implementations (shared by `brier.ts` and `integrated.ts`); the
 * weights themselves come from the censoring-weight service
 * (`estimators/censoring-weights.ts`).
 */
import { survkitError } from '../core/errors.js';
import { countEvents, type SurvivalLabels } from '../data/labels.js';
import { CensoringWeights } from '../estimators/censoring-weights.js';

/**
 * Which reference a Brier score / NBLL reproduces:
 * - `'pycox'` — pycox 0.3 `EvalSurv(censor_surv='km')`: Ĝ = Kaplan–Meier of
 *   the censoring times with every subject with T >= u at risk at u (ties
 *   'together'), events weighted 1/Ĝ(T_i−), survivors 1/Ĝ(t), normalised by
 *   the sum of the weights.
 * - `'sksurv'` — scikit-survival 0.21 `brier_score`: Ĝ with events leaving
 *   before the censorings at tied times ('events-first'), events weighted
 *   1/Ĝ(T_i) (not T_i−), survivors 1/Ĝ(t), divided by n.
 * - `'pec'` — R pec `pec(cens.model = "marginal")` = riskRegression `Score`:
 *   events-first Ĝ, events 1/Ĝ(T_i−), survivors 1/Ĝ(t), divided by n.
 */
export type BrierConvention = 'pycox' | 'sksurv' | 'pec';

/** The weights of one evaluation: per subject for its event, per time for survivors. */
export interface IpcwWeights {
  /** 1/Ĝ at subject i's own time for events (0 for censored subjects and unneeded events). */
  readonly event: Float64Array;
  /** 1/Ĝ(t_k) at each evaluation time (0 where no subject survives past t_k). */
  readonly survivor: Float64Array;
  /** Divide Σ w·score by Σ w (`'sum'`, pycox) or by n (`'n'`). */
  readonly normalise: 'sum' | 'n';
}

/**
 * The IPCW weights of `labels` at the ascending evaluation `times`, with Ĝ
 * fitted on `train` (default: `labels` themselves). Ĝ is floored at
 * 1/maxWeight (pycox `max_weight`; Infinity = no floor).
 *
 * Only weights that enter the score are checked: events with T_i <= the
 * last time, survivors at times before the largest T. For `'sksurv'` the
 * scikit-survival input rules apply: both `labels` and `train` need an
 * event, and Ĝ may not be read beyond the last time of `train` while
 * Ĝ > 0 there (scikit-survival checks every test subject; we check the
 * reads that are used).
 *
 * @throws {SurvkitError} `noEvents`, `timeOutsideTrain` (sksurv), or
 *   `censoringZero` where a needed Ĝ is 0 after the floor
 */
export function ipcwWeights(
  fn: string,
  labels: SurvivalLabels,
  times: Float64Array,
  convention: BrierConvention,
  train: SurvivalLabels | undefined,
  maxWeight: number,
): IpcwWeights {
  const src = train ?? labels;
  if (convention === 'sksurv') {
    if (countEvents(labels) === 0) throw survkitError('noEvents', fn, 'labels.event');
    if (train !== undefined && countEvents(train) === 0) throw survkitError('noEvents', fn, 'train.event');
  }
  const w = new CensoringWeights(src, {
    fn,
    ties: convention === 'pycox' ? 'together' : 'events-first',
    eventSide: convention === 'sksurv' ? 'right' : 'left',
    reader: convention === 'pycox' ? 'pycox' : 'step',
    floor: 1 / maxWeight,
    strictRange: convention === 'sksurv',
    remedy: 'maxWeight',
  });

  const m = times.length;
  const tLast = times[m - 1] as number;
  let maxT = -Infinity;
  for (const t of labels.time) if (t > maxT) maxT = t;
  const survivor = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const t = times[k] as number;
    w.checkRange(t, 'times');
    if (t < maxT) survivor[k] = w.timeWeight(t);
  }
  const n = labels.time.length;
  const event = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = labels.time[i] as number;
    if ((labels.event[i] as number) === 0 || t > tLast) continue;
    w.checkRange(t, 'labels.time');
    event[i] = w.eventWeight(t);
  }
  return { event, survivor, normalise: convention === 'pycox' ? 'sum' : 'n' };
}
