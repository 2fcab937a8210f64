/**
 * Cut points of a discrete time grid, as pycox 0.3.0 makes them
 * (`preprocessing/discretization.py:cuts_equidistant`, `cuts_quantiles`).
 */
import { survkitError } from '../core/errors.js';
import { linspace } from '../core/linspace.js';
import { argsort, searchSorted } from '../core/sort.js';

/** How `n` cut points are placed. */
export type CutScheme = 'equidistant' | 'quantiles';

/**
 * pycox's small Kaplan–Meier (`pycox.utils.kaplan_meier`, start_duration 0):
 * values at the distinct times, Ŝ = exp(cumsum(log(1 − d/n))), 0 from the first
 * time Ŝ reaches 0, with (0, 1) prepended when every time is > 0.
 */
function pycoxKaplanMeier(time: Float64Array, event: Int32Array): { times: number[]; surv: number[] } {
  const order = argsort(time);
  const n = time.length;
  const times: number[] = [];
  const d: number[] = [];
  const leaving: number[] = [];
  for (let p = 0; p < n; p++) {
    const i = order[p] as number;
    const t = time[i] as number;
    if (times.length === 0 || t !== times[times.length - 1]) {
      times.push(t);
      d.push(0);
      leaving.push(0);
    }
    if (event[i] !== 0) d[d.length - 1] = (d[d.length - 1] as number) + 1;
    leaving[leaving.length - 1] = (leaving[leaving.length - 1] as number) + 1;
  }
  const surv: number[] = [];
  let atRisk = n;
  let logS = 0;
  let zero = false;
  for (let k = 0; k < times.length; k++) {
    const s = 1 - (d[k] as number) / atRisk;
    if (s === 0) zero = true;
    if (!zero) logS += Math.log(s);
    surv.push(zero ? 0 : Math.exp(logS));
    atRisk -= leaving[k] as number;
  }
  if ((times[0] as number) > 0) {
    times.unshift(0);
    surv.unshift(1);
  }
  return { times, surv };
}

/**
 * Cut points from training labels.
 * `'equidistant'`: linspace(min, max T, n).
 * `'quantiles'`: n survival levels equally spaced between the smallest and largest
 * Kaplan–Meier value, each mapped to the latest time where the KM curve is still
 * >= that level; duplicates removed (so there may be fewer than n cuts, as in pycox,
 * which warns), then the first cut set to `min`.
 * With `float32`, times are rounded to float32 first and the cuts after (pycox on float32 data).
 *
 * @throws {SurvkitError} when the cuts are not distinct (e.g. max T <= min)
 */
export function makeCuts(fn: string, time: Float64Array, event: Int32Array, n: number, scheme: CutScheme, min: number, float32: boolean): Float64Array {
  const t = float32 ? time.map(Math.fround) : time;
  let maxT = -Infinity;
  for (const v of t) maxT = Math.max(maxT, v);
  let cuts: Float64Array;
  if (scheme === 'equidistant') {
    cuts = linspace(min, maxT, n);
  } else {
    const km = pycoxKaplanMeier(t, event);
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of km.surv) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    const levels = linspace(lo, hi, n);
    const revSurv = km.surv.slice().reverse(); // ascending
    const revTimes = km.times.slice().reverse();
    const picked = new Set<number>();
    for (const level of levels) {
      const a = searchSorted(revSurv, level, 'left');
      picked.add(revTimes[Math.min(a, revTimes.length - 1)] as number);
    }
    cuts = Float64Array.from(picked).sort();
    cuts[0] = min;
  }
  if (float32) cuts = cuts.map(Math.fround);
  for (let k = 1; k < cuts.length; k++) {
    if (!((cuts[k] as number) > (cuts[k - 1] as number))) {
      throw survkitError('cutsNotDistinct', fn, 'cuts', k, cuts[k] as number, cuts[k - 1] as number, maxT, min);
    }
  }
  return cuts;
}
