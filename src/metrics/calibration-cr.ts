import { assertNumberOption } from '../core/assert.js';
import { searchSorted } from '../core/sort.js';
import { subsetLabels, type LabelsInput } from '../data/labels.js';
import { aalenJohansen } from '../estimators/aalen-johansen.js';
import type { CifCurves } from '../estimators/cif-curves.js';
import { assertGroups, assertTimeInRange, calibrationGroups } from './calibration-common.js';
import { causeInputs } from './cr-common.js';

/** Options of {@link calibrationAtCr}. */
export interface CalibrationAtCrOptions {
  /** Time of interest, within [min T, max T) of the labels. */
  t: number;
  /** The cause of interest (default 1). */
  cause?: number;
  /** Number of groups, an integer in [1, n]. Default 10. */
  groups?: number;
  /** Level of the Aalen–Johansen confidence limits, in (0, 1). Default 0.95. */
  confidence?: number;
}

/** One point of a CIF calibration plot. */
export interface CalibrationAtCrGroup {
  n: number;
  /** Mean predicted cumulative incidence F̂_k,i(t) over the group. */
  predicted: number;
  /** Aalen–Johansen estimate of the group's cumulative incidence of cause k at t. */
  observed: number;
  /** Pointwise 'log' limits of the Aalen–Johansen estimate (R `survfit`'s multi-state default; 0 and 0 where it is 0). */
  lower: number;
  upper: number;
  /** Subjects of the group still at risk at t. */
  nRisk: number;
}

/** Result of {@link calibrationAtCr}. */
export interface CalibrationAtCrResult {
  cause: number;
  t: number;
  confidence: number;
  /** Groups from the highest to the lowest predicted cumulative incidence. */
  groups: CalibrationAtCrGroup[];
  /** Σ_b n_b |predicted_b − observed_b| / n. */
  meanAbsDiff: number;
  /** max_b |predicted_b − observed_b|. */
  maxAbsDiff: number;
}

/**
 * The data of a calibration plot of the cumulative incidence of cause k at time t — {@link calibrationAt} for
 * competing risks: subjects sorted by descending predicted F̂_k,i(t) (ties in input order) are split into
 * equal-size groups (`numpy.array_split` sizes), and each group's mean prediction is set against its
 * Aalen–Johansen estimate at t with R `survfit`'s pointwise 'log' limits (infinitesimal-jackknife standard
 * error; see {@link aalenJohansen}). Cost O(n log n).
 *
 * @param labels event codes 0 = censored, 1..K = cause
 * @param cif predicted CIF of cause k, one row per subject
 * @param opts `t` (required), `cause` (default 1), `groups` (default 10), `confidence` (default 0.95)
 * @throws {SurvkitError} on bad inputs, `t` outside [min T, max T), a bad `groups` or `confidence`
 * @example
 * const F = CifCurves.fromRows([2], [[0.7], [0.6], [0.1], [0.2]]);
 * calibrationAtCr({ time: [1, 1.5, 3, 2.5], event: [1, 1, 0, 2] }, F, { t: 2, groups: 2 }).groups[0].observed; // 1
 */
export function calibrationAtCr(labels: LabelsInput, cif: CifCurves, opts: CalibrationAtCrOptions): CalibrationAtCrResult {
  const fn = 'calibrationAtCr';
  const t = assertNumberOption(fn, 't', opts.t, {});
  const { y, cause } = causeInputs(fn, labels, cif, { ...(opts.cause === undefined ? {} : { cause: opts.cause }), times: [Math.max(t, 0)] });
  const n = y.time.length;
  const k = assertGroups(fn, 'groups', opts.groups ?? 10, n, 1);
  const confidence = assertNumberOption(fn, 'confidence', opts.confidence ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  assertTimeInRange(fn, t, y);
  const f = cif.column(t);
  const table = calibrationGroups(y, t, f, f, k, (idx) => {
    const aj = aalenJohansen(subsetLabels(y, idx), { confidence });
    const j = searchSorted(aj.times, t, 'right') - 1;
    const c = aj.causes[cause - 1];
    const at = (v: Float64Array | undefined): number => (j < 0 || v === undefined ? 0 : (v[j] as number));
    return { observed: at(c?.cif), lower: at(c?.lower), upper: at(c?.upper) };
  });
  return { cause, t, confidence, ...table };
}
