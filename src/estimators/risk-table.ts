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

/** Builds the {@link RiskTable} of validated labels. */
export function riskTable(time: Float64Array, event: Int32Array, cause?: number): RiskTable {
  const n = time.length;
  const order = argsort(time);
  const times = new Float64Array(n);
  const nRisk = new Float64Array(n);
  const nEvents = new Float64Array(n);
  const nCensored = new Float64Array(n);
  let m = 0;
  let atRisk = n;
  for (let k = 0; k < n; ) {
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
