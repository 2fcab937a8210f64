import { assertNumberOption, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { labelsArg, assertSingleRisk, type LabelsInput } from '../data/labels.js';
import { makeBaseline, timeGroups, type BreslowBaseline, type BreslowOptions } from './breslow.js';
import { curvesFor, SurvivalCurves } from './survival-curves.js';

/**
 * A time-dependent log-risk g(t, x_j) evaluated at one time t for the listed
 * subjects (indices into the data the caller holds), e.g. a Cox-Time network
 * run on [x_j, t]. Returns one value per listed subject, in that order.
 */
export type TimeDependentLogRisk = (t: number, subjects: Int32Array) => ArrayLike<number>;

function readBack(fn: string, values: ArrayLike<number>, want: number[], t: number): Float64Array {
  const v = toFloat64(fn, `logRiskAt(${t})`, values, { allowEmpty: true });
  if (!want.includes(v.length)) {
    throw survkitError('shapeMismatch', fn, `logRiskAt(${t})`, `${want.join(' or ')} values`, `${v.length}`);
  }
  return v;
}

function logSumExp(v: Float64Array, pick?: Int32Array): number {
  let top = -Infinity;
  const len = pick === undefined ? v.length : pick.length;
  for (let a = 0; a < len; a++) top = Math.max(top, v[pick === undefined ? a : (pick[a] as number)] as number);
  let s = 0;
  for (let a = 0; a < len; a++) s += Math.exp((v[pick === undefined ? a : (pick[a] as number)] as number) - top);
  return top + Math.log(s);
}

/**
 * Cox-Time's time-dependent Breslow baseline (pycox 0.3.0 `CoxTime._compute_baseline_hazards`,
 * Kvamme et al. 2019 §2.1): at each distinct event time t_k,
 * ĥ0(t_k) = d_k / Σ_{j: T_j ≥ t_k} exp(g(t_k, x_j)), with the network re-evaluated at t_k;
 * 0 at censored-only times; all distinct training durations are kept, ascending.
 * `logRiskAt(t_k, atRisk)` is called once per distinct event time with the
 * at-risk subjects' indices (training order) and returns g for those subjects —
 * or for all n training subjects, from which the at-risk ones are taken.
 * Times are those of `labels` (for Cox-Time the standardised times; map the grid back with `TimeScaler.inverse`).
 *
 * pycox takes the risk set as the rows from the first event at t_k onwards in an
 * unstable sort by time, which can leave out censored subjects tied at t_k; survkit
 * always uses {j: T_j ≥ t_k}.
 *
 * @example
 * const base = coxTimeBaseline(labels, (t, atRisk) => model.logRiskAt(t, atRisk));
 * @throws {SurvkitError} on invalid labels, competing-risk codes, or a callback returning the wrong number of values
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129) eq. (10); pycox `models/cox_time.py`
 */
export function coxTimeBaseline(labels: LabelsInput, logRiskAt: TimeDependentLogRisk, opts: BreslowOptions = {}): BreslowBaseline {
  return coxTimeBaselineMany(labels, (requests) => requests.map((r) => logRiskAt(r.t, r.atRisk.slice())), { ...opts, rowsPerCall: 0 });
}

/** One request of {@link coxTimeBaselineMany}: g(t, x_j) for the subjects `atRisk`. */
export interface LogRiskRequest {
  t: number;
  atRisk: Int32Array;
  /** `atRisk` is `order.subarray(start)`, with `order` the training rows sorted by time (the callback's second argument). */
  start: number;
}

/**
 * {@link coxTimeBaseline} with the network evaluated for several event times per
 * call: `logRiskAtMany` receives consecutive event times with their at-risk sets
 * (together at most `rowsPerCall` subjects, default 65,536, or one time when its
 * set alone is larger; 0: one time per call) and returns g for each, in order —
 * for the at-risk subjects or for all n. Same values as one call per time
 * (inference mode treats rows independently); far fewer network calls. Each
 * at-risk set is a suffix `order.subarray(start)` of the rows sorted by time
 * (`order`, the callback's second argument, the same array in every call), so
 * a caller may sort its inputs once and take contiguous slices.
 *
 * @example
 * const base = coxTimeBaselineMany(labels, (reqs) => reqs.map((r) => model.logRiskAt(r.t, r.atRisk)));
 * @throws {SurvkitError} as {@link coxTimeBaseline}, and when the callback answers a different number of requests
 */
export function coxTimeBaselineMany(
  labels: LabelsInput,
  logRiskAtMany: (requests: LogRiskRequest[], order: Int32Array) => ArrayLike<number>[],
  opts: BreslowOptions & { rowsPerCall?: number } = {},
): BreslowBaseline {
  const fn = 'coxTimeBaseline';
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const maxDuration = opts.maxDuration === undefined ? Infinity : assertNumberOption(fn, 'maxDuration', opts.maxDuration);
  const limit = assertNumberOption(fn, 'rowsPerCall', opts.rowsPerCall ?? 65536, { min: 0, integer: true });
  const { order, times, starts, events } = timeGroups(y);
  const n = order.length;
  let m = times.length;
  while (m > 0 && (times[m - 1] as number) > maxDuration) m--;
  const hazard = new Float64Array(m);
  let k = 0;
  while (k < m) {
    const group: number[] = [];
    let rows = 0;
    for (; k < m; k++) {
      if (events[k] === 0) continue;
      const size = n - (starts[k] as number);
      if (group.length > 0 && (limit === 0 || rows + size > limit)) break;
      group.push(k);
      rows += size;
    }
    if (group.length === 0) break;
    const requests = group.map((j) => ({ t: times[j] as number, atRisk: order.subarray(starts[j]), start: starts[j] as number }));
    const answers = logRiskAtMany(requests, order);
    if (answers.length !== requests.length) {
      throw survkitError('shapeMismatch', fn, 'logRiskAtMany', `${requests.length} answers`, `${answers.length}`);
    }
    requests.forEach(({ t, atRisk }, a) => {
      const g = readBack(fn, answers[a] as ArrayLike<number>, [atRisk.length, n], t);
      const lse = g.length === atRisk.length ? logSumExp(g) : logSumExp(g, atRisk);
      const j = group[a] as number;
      hazard[j] = Math.exp(Math.log(events[j] as number) - lse);
    });
  }
  return makeBaseline(times.slice(0, m), hazard);
}

/**
 * {@link coxTimeBaseline} from the log risk-set sums directly: `logSums(z, starts, order)`
 * receives the distinct event times `z` (ascending, up to `maxDuration`), `order` (the rows
 * sorted by time) and `starts[k]`, the first sorted position at risk at z[k] (the risk set is
 * `order.subarray(starts[k])`), and returns log Σ_{j ∈ R_k} exp g(z[k], x_j) for each k. For
 * callers that sum the risk sets themselves (e.g. walking each subject through the event
 * times it is at risk for) instead of handing back g for every (time, subject) pair.
 *
 * @example
 * const base = coxTimeBaselineFromLogSums(labels, (z, starts, order) => net.riskSetLogSums(x, order, z, starts));
 * @throws {SurvkitError} as {@link coxTimeBaseline}, and when the callback answers the wrong number of values
 */
export function coxTimeBaselineFromLogSums(
  labels: LabelsInput,
  logSums: (eventTimes: Float64Array, starts: Int32Array, order: Int32Array) => ArrayLike<number>,
  opts: BreslowOptions = {},
): BreslowBaseline {
  const fn = 'coxTimeBaseline';
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const maxDuration = opts.maxDuration === undefined ? Infinity : assertNumberOption(fn, 'maxDuration', opts.maxDuration);
  const { order, times, starts, events } = timeGroups(y);
  let m = times.length;
  while (m > 0 && (times[m - 1] as number) > maxDuration) m--;
  const at: number[] = [];
  for (let k = 0; k < m; k++) if ((events[k] as number) > 0) at.push(k);
  const lse = toFloat64(
    fn,
    'logSums',
    logSums(
      Float64Array.from(at, (k) => times[k] as number),
      Int32Array.from(at, (k) => starts[k] as number),
      order,
    ),
    { allowEmpty: true },
  );
  if (lse.length !== at.length) throw survkitError('shapeMismatch', fn, 'logSums', `${at.length} values`, `${lse.length}`);
  const hazard = new Float64Array(m);
  at.forEach((k, a) => {
    hazard[k] = Math.exp(Math.log(events[k] as number) - (lse[a] as number));
  });
  return makeBaseline(times.slice(0, m), hazard);
}

/**
 * Survival curves of a Cox-Time model: H_i(t_k) = Σ_{l ≤ k} ĥ0(t_l)·exp(g(t_l, x_i)),
 * S_i = exp(−H_i) (pycox `CoxTime._predict_cumulative_hazards`). `logRiskAt(t, subjects)`
 * is called only at grid times with ĥ0 > 0 (pycox evaluates every time and then
 * zeroes those rows — the same result), with `subjects` = 0..n−1.
 *
 * @param baseline from {@link coxTimeBaseline}
 * @param logRiskAt g(t, x_i) for the n subjects to predict for
 * @param n number of subjects
 * @param opts.times grid to label the curves with (same length, strictly ascending), e.g.
 *   `scaler.inverse(baseline.times)` to return to the original time scale
 * @example
 * const curves = coxTimeSurvival(base, (t, ids) => model.logRiskAt(t, ids), nTest, { times: scaler.inverse(base.times) });
 * @throws {SurvkitError} on an empty baseline, a bad `times`, or a callback returning the wrong number of values
 */
export function coxTimeSurvival(
  baseline: BreslowBaseline,
  logRiskAt: TimeDependentLogRisk,
  n: number,
  opts: { times?: ArrayLike<number> } = {},
): SurvivalCurves {
  const fn = 'coxTimeSurvival';
  assertNumberOption(fn, 'n', n, { min: 0, integer: true });
  const m = baseline.times.length;
  if (m === 0) throw survkitError('empty', fn, 'baseline.times');
  const times = opts.times === undefined ? baseline.times : toFloat64(fn, 'times', opts.times);
  if (times.length !== m) throw survkitError('lengthMismatch', fn, 'times', times.length, 'baseline.times', m);
  assertStrictlyAscending(fn, 'times', times);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const H = new Float64Array(n);
  const values = new Float64Array(n * m);
  for (let k = 0; k < m; k++) {
    const h0 = baseline.hazard[k] as number;
    if (h0 > 0) {
      const t = baseline.times[k] as number;
      const g = readBack(fn, logRiskAt(t, all), [n], t);
      const lh = Math.log(h0);
      for (let i = 0; i < n; i++) H[i] = (H[i] as number) + Math.exp(lh + (g[i] as number));
    }
    for (let i = 0; i < n; i++) values[i * m + k] = Math.exp(-(H[i] as number));
  }
  return curvesFor(fn, times, values);
}
