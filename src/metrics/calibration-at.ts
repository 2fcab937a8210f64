import { assertNumberOption } from '../core/assert.js';
import { searchSorted } from '../core/sort.js';
import { subsetLabels, type LabelsInput } from '../data/labels.js';
import { kaplanMeier } from '../estimators/kaplan-meier.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import { assertGroups, assertTimeInRange, calibrationArgs, calibrationGroups, calibrationInputs, survivalAt } from './calibration-common.js';

/** Options of {@link calibrationAt}. */
export interface CalibrationAtOptions {
  /** Time of interest, within [min T, max T) of the labels. Required in the labels-first form. */
  t?: number;
  /** Number of groups, an integer in [1, n]. Default 10. */
  groups?: number;
  /** Level of the Kaplan–Meier confidence limits, in (0, 1). Default 0.95. */
  confidence?: number;
}

/** One point of a calibration plot at time t, as survival probabilities. */
export interface CalibrationAtGroup {
  /** Subjects in the group. */
  n: number;
  /** Mean predicted survival, mean of Ŝ_i(t) over the group. */
  predicted: number;
  /** Kaplan–Meier estimate Ŝ_KM(t) of the group. */
  observed: number;
  /** Pointwise log-log confidence limits of the Kaplan–Meier estimate at t. */
  lower: number;
  upper: number;
  /** Subjects of the group still at risk at t (T_i >= t); 0 means the KM value is carried past the group's last time. */
  nRisk: number;
}

/** Result of {@link calibrationAt}. */
export interface CalibrationAtResult {
  t: number;
  confidence: number;
  /** Groups from the lowest to the highest predicted survival. */
  groups: CalibrationAtGroup[];
  /** Σ_b n_b·|predicted_b − observed_b| / n: a grouped version of the integrated calibration index (ICI). */
  meanAbsDiff: number;
  /** max_b |predicted_b − observed_b| (a grouped E_max). */
  maxAbsDiff: number;
}

/**
 * The data of a calibration plot at time t: subjects are sorted by predicted
 * survival Ŝ_i(t) (right-continuous step reading, 1 before the grid), split
 * into equal-size groups exactly as {@link oneCalibration} splits them
 * (descending predicted event probability 1 − Ŝ_i(t), ties in input order,
 * `numpy.array_split` sizes), and each group's mean prediction is set
 * against its Kaplan–Meier estimate at t with log-log pointwise limits
 * (R `survfit` default, Greenwood variance; see {@link kaplanMeier}). Past a
 * group's last observed time its KM value is carried forward (`nRisk` = 0).
 *
 * Summaries: `meanAbsDiff` = Σ_b n_b |p̄_b − KM_b(t)| / n and `maxAbsDiff`
 * = max_b |p̄_b − KM_b(t)|, grouped analogues of Austin et al.'s ICI and
 * E_max (which smooth over subjects instead of grouping). A perfectly
 * calibrated model has both near 0.
 *
 * Cost O(n log n).
 *
 * @param labels the n test subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves predicted survival curves of the same subjects
 * @param opts `t` (required): time of interest, within [min T, max T) of the labels;
 *   `groups` (default 10), `confidence` (default 0.95)
 * @returns the groups (lowest predicted survival first) and two summaries
 * @throws {SurvkitError} on length mismatch, competing-risk codes, `t`
 *   outside the data, `groups` not an integer in [1, n], or a bad `confidence`
 * @example
 * const curves = SurvivalCurves.fromRows([1, 2, 3], [[0.8, 0.5, 0.2], [0.9, 0.6, 0.3], [0.7, 0.4, 0.1], [0.95, 0.8, 0.7]]);
 * const plot = calibrationAt({ time: [2, 3, 1, 3.5], event: [1, 0, 1, 1] }, curves, { t: 2, groups: 2 });
 * plot.groups.map((g) => [g.predicted, g.observed]); // [[0.45, 0], [0.7, 1]]: points near the diagonal when calibrated
 * plot.meanAbsDiff; // 0.375
 * @see Austin, Harrell & van Klaveren (2020), "Graphical calibration curves
 *   and the integrated calibration index (ICI) for survival models", Stat Med 39:2714–2742
 */
export function calibrationAt(labels: LabelsInput, curves: SurvivalCurves, opts: CalibrationAtOptions & { t: number }): CalibrationAtResult;
/** @deprecated since 0.2: call `calibrationAt(labels, curves, { t, ...opts })` — labels first, the time as an option. */
export function calibrationAt(curves: SurvivalCurves, labels: LabelsInput, t: number, opts?: CalibrationAtOptions): CalibrationAtResult;
export function calibrationAt(...args: unknown[]): CalibrationAtResult {
  const fn = 'calibrationAt';
  const { curves: c, labels, t: tArg, opts } = calibrationArgs<CalibrationAtOptions>(fn, args, true);
  const curves = c as SurvivalCurves;
  const t = tArg as number;
  const { y } = calibrationInputs(fn, curves, labels);
  const n = y.time.length;
  const k = assertGroups(fn, 'groups', opts.groups ?? 10, n, 1);
  const confidence = assertNumberOption(fn, 'confidence', opts.confidence ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  assertTimeInRange(fn, t, y);
  const s = survivalAt(curves, t);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = 1 - (s[i] as number);
  const table = calibrationGroups(y, t, q, s, k, (idx) => {
    const km = kaplanMeier(subsetLabels(y, idx), { confidence, confType: 'log-log' });
    const j = searchSorted(km.times, t, 'right') - 1;
    return j < 0 ? { observed: 1, lower: 1, upper: 1 } : { observed: km.values[j] as number, lower: km.lower[j] as number, upper: km.upper[j] as number };
  });
  return { t, confidence, ...table };
}
