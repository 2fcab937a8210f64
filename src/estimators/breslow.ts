import { assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { argsort } from '../core/sort.js';
import { labelsArg, assertSingleRisk, type LabelsInput, type SurvivalLabels } from '../data/labels.js';
import { curvesFor, SurvivalCurves } from './survival-curves.js';

/**
 * Baseline hazard of a Cox-type model at the distinct training times (censored-only
 * times included), ascending; `hazard` is 0 where no event happened.
 */
export interface BreslowBaseline {
  readonly times: Float64Array;
  /** ĥ0(t_k) = d_k / Σ_{j: T_j ≥ t_k} exp(g_j). */
  readonly hazard: Float64Array;
  /** Ĥ0(t_k) = Σ_{l ≤ k} ĥ0(t_l). */
  readonly cumulativeHazard: Float64Array;
  /**
   * log Ĥ0(t_k), −Infinity where Ĥ0 = 0, accumulated in the log domain: finite
   * where Ĥ0 itself over- or underflows (log-risks shifted by ±745), so that
   * {@link breslowSurvival} stays invariant to a constant shift of the log-risk.
   * Absent on baselines built elsewhere: then log(cumulativeHazard) is used.
   */
  readonly logCumulativeHazard?: Float64Array;
}

/** Options of {@link breslowBaseline}. */
export interface BreslowOptions {
  /** Drop times above this (pycox `max_duration`). */
  maxDuration?: number;
}

/** Distinct sorted times with, per time, the event count and the sorted-position range. */
export function timeGroups(y: SurvivalLabels): { order: Int32Array; times: number[]; starts: number[]; events: number[] } {
  const order = argsort(y.time);
  const times: number[] = [];
  const starts: number[] = [];
  const events: number[] = [];
  for (let p = 0; p < order.length; p++) {
    const i = order[p] as number;
    const t = y.time[i] as number;
    if (times.length === 0 || t !== times[times.length - 1]) {
      times.push(t);
      starts.push(p);
      events.push(0);
    }
    if (y.event[i] !== 0) events[events.length - 1] = (events[events.length - 1] as number) + 1;
  }
  starts.push(order.length);
  return { order, times, starts, events };
}

/** Freezes a baseline, cumulating the hazard. */
export function makeBaseline(times: ArrayLike<number>, hazard: Float64Array, logHazard?: Float64Array): BreslowBaseline {
  const cumulativeHazard = new Float64Array(hazard.length);
  let h = 0;
  for (let k = 0; k < hazard.length; k++) cumulativeHazard[k] = h += hazard[k] as number;
  if (logHazard === undefined) return Object.freeze({ times: Float64Array.from(times), hazard, cumulativeHazard });
  // log Σ_{l ≤ k} exp(logHazard_l), online with the running maximum.
  const logCumulativeHazard = new Float64Array(hazard.length);
  let top = -Infinity;
  let sum = 0;
  for (let k = 0; k < logHazard.length; k++) {
    const v = logHazard[k] as number;
    if (v > top) {
      sum = sum * Math.exp(top - v) + 1;
      top = v;
    } else if (v !== -Infinity) sum += Math.exp(v - top);
    logCumulativeHazard[k] = top === -Infinity ? -Infinity : top + Math.log(sum);
  }
  return Object.freeze({ times: Float64Array.from(times), hazard, cumulativeHazard, logCumulativeHazard });
}

/**
 * Breslow's estimator of the baseline hazard of a proportional-hazards model
 * with log-risk g (e.g. a trained DeepSurv network on its training set), as
 * pycox 0.3.0 computes it (`_CoxPHBase._compute_baseline_hazards`): group by
 * distinct duration, ĥ0(t) = d(t) / Σ_{j: T_j ≥ t} exp(g_j), 0 at censored-only
 * times, Ĥ0 its cumulative sum. g is not centred. Equals R
 * `basehaz(coxph(…, ties = 'breslow'), centered = FALSE)` at the same coefficients.
 * Each risk-set sum is a log-sum-exp with its own maximum, and log Ĥ0 is kept
 * (`logCumulativeHazard`), so survival curves from {@link breslowSurvival} are
 * invariant to a constant shift of g even where ĥ0 = e^{−c}·ĥ0 over- or underflows.
 *
 * @param logRisk g_i for each training subject (float64)
 * @param labels the training labels (single risk)
 * @example
 * const base = breslowBaseline([0.5, -0.2, 0.1], { time: [2, 1, 2], event: [1, 0, 0] });
 * base.hazard; // Float64Array [0, 1 / (e^0.5 + e^0.1)]
 * @throws {SurvkitError} on invalid labels or log-risks, unequal lengths, or competing-risk codes
 * @see Breslow (1972) discussion of Cox, JRSS-B 34:216; pycox `models/cox.py`
 */
export function breslowBaseline(logRisk: ArrayLike<number>, labels: LabelsInput, opts: BreslowOptions = {}): BreslowBaseline {
  const fn = 'breslowBaseline';
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const g = toFloat64(fn, 'logRisk', logRisk);
  if (g.length !== y.time.length) throw survkitError('lengthMismatch', fn, 'logRisk', g.length, 'labels', y.time.length);
  const maxDuration = opts.maxDuration === undefined ? Infinity : assertNumberOption(fn, 'maxDuration', opts.maxDuration);
  const { order, times, starts, events } = timeGroups(y);
  const hazard = new Float64Array(times.length);
  const logHazard = new Float64Array(times.length);
  // Online log-sum-exp over the risk set {T_j >= t_k}, built from the last time backwards.
  let top = -Infinity;
  let sum = 0;
  for (let k = times.length - 1; k >= 0; k--) {
    for (let p = starts[k] as number; p < (starts[k + 1] as number); p++) {
      const v = g[order[p] as number] as number;
      if (v > top) {
        sum = sum * Math.exp(top - v) + 1;
        top = v;
      } else sum += Math.exp(v - top);
    }
    const d = events[k] as number;
    logHazard[k] = d === 0 ? -Infinity : Math.log(d) - top - Math.log(sum);
    hazard[k] = Math.exp(logHazard[k] as number);
  }
  let m = times.length;
  while (m > 0 && (times[m - 1] as number) > maxDuration) m--;
  return makeBaseline(times.slice(0, m), hazard.slice(0, m), logHazard.slice(0, m));
}

/**
 * Survival curves of a proportional-hazards model on the baseline's time grid:
 * S_i(t_k) = exp(−Ĥ0(t_k)·exp(g_i)) (pycox `predict_surv_df`), read as right-continuous steps.
 *
 * @param baseline from {@link breslowBaseline}
 * @param logRisk g_i of the subjects to predict for
 * @example
 * const curves = breslowSurvival(base, [0.3, -1.2]); // 2 × base.times.length
 * @throws {SurvkitError} on non-finite log-risks or an empty baseline
 */
export function breslowSurvival(baseline: BreslowBaseline, logRisk: ArrayLike<number>): SurvivalCurves {
  const fn = 'breslowSurvival';
  const g = toFloat64(fn, 'logRisk', logRisk);
  const H = baseline.cumulativeHazard;
  const m = H.length;
  if (m === 0) throw survkitError('empty', fn, 'baseline.times');
  const logH = baseline.logCumulativeHazard ?? Float64Array.from(H, Math.log);
  const values = new Float64Array(g.length * m);
  for (let i = 0; i < g.length; i++) {
    const gi = g[i] as number;
    for (let k = 0; k < m; k++) {
      const lh = logH[k] as number;
      values[i * m + k] = lh === -Infinity ? 1 : Math.exp(-Math.exp(lh + gi));
    }
  }
  return curvesFor(fn, baseline.times, values);
}
