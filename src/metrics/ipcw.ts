/**
 * Inverse-probability-of-censoring weights (IPCW) for the Brier score and
 * the negative binomial log-likelihood, in the three conventions of the
 * reference implementations (shared by `brier.ts` and `integrated.ts`).
 */
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { countEvents, type SurvivalLabels } from '../data/labels.js';
import { censoringKaplanMeier } from '../estimators/censoring.js';

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
 * Reads of Ĝ for one convention: `atTime(t)` = Ĝ(t) for survivors and
 * `atEvent(T)` = Ĝ(T−) or Ĝ(T) for events.
 */
interface CensoringReader {
  atTime(t: number): number;
  atEvent(t: number): number;
  /** Largest time of the labels Ĝ was fitted on, and Ĝ there. */
  lastTime: number;
  lastValue: number;
}

/**
 * pycox's reads of its `kaplan_meier(durations, 1 − events)` series: the
 * series gets a leading (0, 1) when min(T) > 0; Ĝ(t) is the value at the
 * last index time <= t and Ĝ(T−) the value at the last index time < T,
 * both clipped to the first index entry (pycox `idx_at_times`).
 */
function pycoxReader(src: SurvivalLabels): CensoringReader {
  const g = censoringKaplanMeier(src, { ties: 'together' });
  const lead = (g.times[0] as number) > 0 ? 1 : 0;
  const idx = new Float64Array(g.times.length + lead);
  const val = new Float64Array(g.times.length + lead);
  if (lead === 1) val[0] = 1;
  idx.set(g.times, lead);
  val.set(g.values, lead);
  const read = (t: number, side: 'left' | 'right'): number => val[Math.max(searchSorted(idx, t, side) - 1, 0)] as number;
  return {
    atTime: (t) => read(t, 'right'),
    atEvent: (t) => read(t, 'left'),
    lastTime: idx[idx.length - 1] as number,
    lastValue: val[val.length - 1] as number,
  };
}

/** Right-continuous events-first Ĝ; events read at T (sksurv) or T− (pec). */
function eventsFirstReader(src: SurvivalLabels, eventSide: 'left' | 'right'): CensoringReader {
  const g = censoringKaplanMeier(src, { ties: 'events-first' });
  return {
    atTime: (t) => g.at(t),
    atEvent: (t) => g.at(t, { side: eventSide }),
    lastTime: g.times[g.times.length - 1] as number,
    lastValue: g.values[g.values.length - 1] as number,
  };
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
 *   `censoringZeroBrier` where a needed Ĝ is 0 after the floor
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
  const reader = convention === 'pycox' ? pycoxReader(src) : eventsFirstReader(src, convention === 'sksurv' ? 'right' : 'left');
  const floor = 1 / maxWeight;
  const checkRange = (t: number, arg: string): void => {
    if (convention === 'sksurv' && t > reader.lastTime && reader.lastValue > 0) {
      throw survkitError('timeOutsideTrain', fn, arg, t, reader.lastTime);
    }
  };
  const weight = (g: number, t: number): number => {
    const gf = Math.max(g, floor);
    if (!(gf > 0)) throw survkitError('censoringZeroBrier', fn, t);
    return 1 / gf;
  };

  const m = times.length;
  const tLast = times[m - 1] as number;
  let maxT = -Infinity;
  for (const t of labels.time) if (t > maxT) maxT = t;
  const survivor = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const t = times[k] as number;
    checkRange(t, 'times');
    if (t < maxT) survivor[k] = weight(reader.atTime(t), t);
  }
  const n = labels.time.length;
  const event = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = labels.time[i] as number;
    if ((labels.event[i] as number) === 0 || t > tLast) continue;
    checkRange(t, 'labels.time');
    event[i] = weight(reader.atEvent(t), t);
  }
  return { event, survivor, normalise: convention === 'pycox' ? 'sum' : 'n' };
}
