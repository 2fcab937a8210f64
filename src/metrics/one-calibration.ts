import { assertChoice } from '../core/assert.js';
import { chiSquareSf } from '../core/chi-square.js';
import { survkitError } from '../core/errors.js';
import { subsetLabels, type LabelsInput } from '../data/labels.js';
import { kaplanMeier } from '../estimators/kaplan-meier.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import { assertGroups, assertTimeInRange, calibrationArgs, calibrationInputs, groupByPrediction, survivalAt } from './calibration-common.js';

/** How {@link oneCalibration} treats subjects censored before t. */
export type OneCalibrationMethod = 'dagostino-nam' | 'hosmer-lemeshow';

/** Options of {@link oneCalibration}. */
export interface OneCalibrationOptions {
  /** Time of interest, within [min T, max T) of the labels. Required in the labels-first form. */
  t?: number;
  /** Number of groups, an integer >= 2 (>= 3 for 'hosmer-lemeshow'), <= n. Default 10. */
  bins?: number;
  /** Default `'dagostino-nam'` (Kaplan–Meier per group). */
  method?: OneCalibrationMethod;
}

/** One group of {@link oneCalibration}, as event probabilities by time t. */
export interface OneCalibrationGroup {
  /** Subjects in the group ('hosmer-lemeshow': those not censored before t). */
  n: number;
  /** Mean predicted event probability 1 − Ŝ_i(t). */
  predicted: number;
  /** Observed event probability: 1 − KM(t) ('dagostino-nam') or the event fraction ('hosmer-lemeshow'). */
  observed: number;
}

/** Result of {@link oneCalibration}. */
export interface OneCalibrationResult {
  /** Σ_b (n_b·o_b − n_b·p̄_b)² / (n_b·p̄_b·(1 − p̄_b)). */
  statistic: number;
  /** Upper-tail χ² p-value; small values reject calibration at t. */
  pValue: number;
  df: number;
  t: number;
  method: OneCalibrationMethod;
  /** Groups from the highest to the lowest predicted risk. */
  groups: OneCalibrationGroup[];
}

/**
 * 1-calibration at time t: a Hosmer–Lemeshow type test of the predicted
 * event probabilities q_i = 1 − Ŝ_i(t) (Ŝ read as a right-continuous step).
 * Subjects are sorted by q descending (ties keep input order) and cut into B
 * groups like `numpy.array_split` (the first n mod B groups one larger).
 * With p̄_b the mean q and o_b the observed event probability of group b,
 * statistic = Σ_b (n_b·o_b − n_b·p̄_b)² / (n_b·p̄_b·(1 − p̄_b)).
 *
 * - `'dagostino-nam'` (default; D'Agostino & Nam 2003): o_b = 1 − KM_b(t),
 *   the Kaplan–Meier estimate within the group, all n_b subjects kept;
 *   df = B − 1 if B <= 15, else B − 2 (SurvivalEVAL's rule, after Haider et
 *   al. 2020). Beyond a group's last observed time its KM is held at the last
 *   value (SurvivalEVAL extrapolates linearly there).
 * - `'hosmer-lemeshow'`: subjects censored before t (T_i < t, δ_i = 0) are
 *   dropped, o_b = (events with T_i <= t) / n_b over the rest; a group left
 *   empty is skipped; df = (groups used) − 2. SurvivalEVAL's "Uncensored"
 *   method, except that it counts an event at exactly T_i = t as a survivor.
 *
 * Matches SurvivalEVAL `one_calibration(…, 'C', 'DN' | 'Uncensored')`
 * (commit 3c3e92eb) to <= 1e-12 on the METABRIC fixtures. The p-value is
 * Q(df/2, statistic/2) (SurvivalEVAL returns 1 − cdf, which loses relative
 * precision below ~1e-6).
 *
 * @param labels the n test subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves predicted survival curves of the same subjects
 * @param opts `t` (required): time of interest, within [min T, max T) of the labels;
 *   `bins` (default 10) and `method` (default 'dagostino-nam')
 * @throws {SurvkitError} on length mismatch, competing-risk codes, `t`
 *   outside the data, `bins` not an integer in [2, n], a group whose mean
 *   predicted probability is 0 or 1 (e.g. t before the first grid time),
 *   or no degrees of freedom left
 * @example
 * const curves = SurvivalCurves.fromRows([1, 2, 3], [[0.8, 0.5, 0.2], [0.9, 0.6, 0.3], [0.7, 0.4, 0.1], [0.95, 0.8, 0.7]]);
 * const r = oneCalibration({ time: [2, 3, 1, 3.5], event: [1, 0, 1, 1] }, curves, { t: 2, bins: 2 });
 * r.groups; // [{ n: 2, predicted: 0.55, observed: 1 }, { n: 2, predicted: 0.3, observed: 0 }]
 * r.statistic; // 2.4935 (1 df), r.pValue ≈ 0.114
 * @see Haider et al. (2020) JMLR 21(85) §4.2; D'Agostino & Nam (2003),
 *   Handbook of Statistics 23, pp. 1–25; Hosmer & Lemeshow (1980)
 */
export function oneCalibration(labels: LabelsInput, curves: SurvivalCurves, opts: OneCalibrationOptions & { t: number }): OneCalibrationResult;
/** @deprecated since 0.2: call `oneCalibration(labels, curves, { t, ...opts })` — labels first, the time as an option. */
export function oneCalibration(curves: SurvivalCurves, labels: LabelsInput, t: number, opts?: OneCalibrationOptions): OneCalibrationResult;
export function oneCalibration(...args: unknown[]): OneCalibrationResult {
  const fn = 'oneCalibration';
  const { curves: c, labels, t: tArg, opts } = calibrationArgs<OneCalibrationOptions>(fn, args, true);
  const curves = c as SurvivalCurves;
  const t = tArg as number;
  const { y } = calibrationInputs(fn, curves, labels);
  const n = y.time.length;
  const method = assertChoice(fn, 'method', opts.method ?? 'dagostino-nam', ['dagostino-nam', 'hosmer-lemeshow'] as const);
  const B = assertGroups(fn, 'bins', opts.bins ?? 10, n, 2);
  assertTimeInRange(fn, t, y);
  const s = survivalAt(curves, t);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = 1 - (s[i] as number);
  const groups: OneCalibrationGroup[] = [];
  let statistic = 0;
  groupByPrediction(q, B).forEach((idx, b) => {
    const kept = method === 'dagostino-nam' ? idx : idx.filter((i) => !(y.event[i] === 0 && (y.time[i] as number) < t));
    const nb = kept.length;
    if (nb === 0) return;
    let sum = 0;
    for (const i of kept) sum += q[i] as number;
    const mean = sum / nb;
    if (!(mean > 0 && mean < 1)) throw survkitError('calibrationDegenerateGroup', fn, b, mean, t);
    let observed: number;
    let observedEvents: number;
    if (method === 'dagostino-nam') {
      const g = subsetLabels(y, kept);
      observed = 1 - kaplanMeier(g).at(t);
      observedEvents = nb * observed;
    } else {
      let d = 0;
      for (const i of kept) if (y.event[i] !== 0 && (y.time[i] as number) <= t) d++;
      observed = d / nb;
      observedEvents = d;
    }
    statistic += (observedEvents - nb * mean) ** 2 / (nb * mean * (1 - mean));
    groups.push({ n: nb, predicted: mean, observed });
  });
  const used = groups.length;
  const df = method === 'dagostino-nam' && used <= 15 ? used - 1 : used - 2;
  if (df <= 0) throw survkitError('calibrationNoDf', fn, used, df);
  return { statistic, pValue: chiSquareSf(statistic, df), df, t, method, groups };
}
