import { assertNumberOption, assertSameLength } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { argsort } from '../core/sort.js';

/**
 * Counts at each distinct observed time, ascending: subjects at risk just
 * before t (`T >= t`), events at t (of any cause, or of one cause) and
 * censorings at t. With `cause` given, events of other causes leave the
 * risk set without being counted. O(n log n) time, O(n) memory.
 */
export interface RiskTable {
  readonly times: Float64Array;
  readonly nRisk: Float64Array;
  readonly nEvents: Float64Array;
  readonly nCensored: Float64Array;
}

/**
 * Builds the {@link RiskTable} of labels: for each distinct time t_k
 * (ascending), n_k = #{T >= t_k}, d_k = #{T = t_k, event (of `cause`)} and
 * c_k = #{T = t_k, censored}. Σ_k (d_k + c_k) = n when `cause` is not given.
 * Empty labels give an empty table.
 *
 * @param time observed times, finite and >= 0
 * @param event event codes (0 = censored, k >= 1 = cause k)
 * @param cause count only events of this cause (integer >= 1)
 * @throws {SurvkitError} on unequal lengths, non-finite or negative times,
 *   event codes that are not non-negative integers, or a bad `cause`
 * @example
 * riskTable(new Float64Array([2, 1, 2]), new Int32Array([1, 0, 0])).nRisk; // Float64Array [3, 2]
 */
export function riskTable(time: Float64Array, event: Int32Array, cause?: number): RiskTable {
  const fn = 'riskTable';
  const n = time.length;
  assertSameLength(fn, 'time', n, 'event', event.length);
  if (cause !== undefined) assertNumberOption(fn, 'cause', cause, { min: 1, integer: true });
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    if (!Number.isFinite(t)) throw survkitError('notFinite', fn, 'time', i, t);
    if (t < 0) throw survkitError('negative', fn, 'time', i, t);
    const e = event[i] as number;
    if (!(Number.isInteger(e) && e >= 0)) throw survkitError('badEventCode', fn, 'event', i, e);
  }
  const order = argsort(time);
  const times = new Float64Array(n);
  const nRisk = new Float64Array(n);
  const nEvents = new Float64Array(n);
  const nCensored = new Float64Array(n);
  let m = 0;
  let atRisk = n;
  for (let k = 0; k < n;) {
    const t = time[order[k] as number] as number;
    let d = 0;
    let c = 0;
    let leaving = 0;
    for (; k < n && time[order[k] as number] === t; k++, leaving++) {
      const e = event[order[k] as number] as number;
      if (e === 0) c++;
      else if (cause === undefined || e === cause) d++;
    }
    times[m] = t;
    nRisk[m] = atRisk;
    nEvents[m] = d;
    nCensored[m] = c;
    atRisk -= leaving;
    m++;
  }
  return {
    times: times.slice(0, m),
    nRisk: nRisk.slice(0, m),
    nEvents: nEvents.slice(0, m),
    nCensored: nCensored.slice(0, m),
  };
}
