import type * as tf from '@tensorflow/tfjs';
import { makeBaseline, type BreslowBaseline } from '../../estimators/breslow.js';
import { uniqueSorted } from '../../core/sort.js';
import { sourceBatches } from '../training/in-memory-data.js';
import type { BatchSource } from '../training/fit-types.js';

/**
 * Cox-Time's time-dependent Breslow baseline (as `coxTimeBaseline`) for data
 * that come as a {@link BatchSource}: one pass collects the distinct times and
 * event counts, a second accumulates Σ_{T_j ≥ t_k} exp g(t_k, x_j) batch by
 * batch (a running log-sum-exp per event time).
 */
export async function coxTimeSourceBaseline(
  source: BatchSource,
  count: number,
  logRiskAt: (xs: readonly tf.Tensor[], t: number) => Float64Array,
): Promise<BreslowBaseline> {
  const fn = 'CoxTime.computeBaseline';
  const allTimes: number[] = [];
  const eventTimes: number[] = [];
  for await (const b of sourceBatches(fn, source, count, true)) {
    for (let i = 0; i < b.time.length; i++) {
      allTimes.push(b.time[i] as number);
      if (b.event[i] !== 0) eventTimes.push(b.time[i] as number);
    }
  }
  const times = uniqueSorted(allTimes);
  const ev = uniqueSorted(eventTimes);
  const d = new Float64Array(ev.length);
  let p = 0;
  for (const t of Float64Array.from(eventTimes).sort()) {
    while ((ev[p] as number) < t) p++;
    d[p] = (d[p] as number) + 1;
  }
  const top = new Float64Array(ev.length).fill(-Infinity);
  const sum = new Float64Array(ev.length);
  for await (const b of sourceBatches(fn, source, count, true)) {
    for (let k = 0; k < ev.length; k++) {
      const t = ev[k] as number;
      let any = false;
      for (const v of b.time) if (v >= t) any = true;
      if (!any) continue;
      const g = logRiskAt(b.x, t);
      for (let i = 0; i < g.length; i++) {
        if ((b.time[i] as number) < t) continue;
        const v = g[i] as number;
        if (v > (top[k] as number)) {
          sum[k] = (sum[k] as number) * Math.exp((top[k] as number) - v) + 1;
          top[k] = v;
        } else sum[k] = (sum[k] as number) + Math.exp(v - (top[k] as number));
      }
    }
  }
  const hazard = new Float64Array(times.length);
  let q = 0;
  for (let j = 0; j < times.length; j++) {
    if (q < ev.length && ev[q] === times[j]) {
      hazard[j] = Math.exp(Math.log(d[q] as number) - (top[q] as number) - Math.log(sum[q] as number));
      q++;
    }
  }
  return makeBaseline(times, hazard);
}
