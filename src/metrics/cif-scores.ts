/**
 * IPCW Brier score, its integral and the cumulative/dynamic AUC of a predicted cumulative incidence function of
 * cause k, as R riskRegression's `Score(..., cause = k)` computes them with the Kaplan–Meier censoring model.
 */
import { survkitError } from '../core/errors.js';
import { argsort } from '../core/sort.js';
import type { LabelsInput } from '../data/labels.js';
import type { CifCurves } from '../estimators/cif-curves.js';
import { causeInputs, censoringAt, type CauseMetricOptions } from './cr-common.js';

/** Result of {@link brierScoreCr}. */
export interface BrierCrResult {
  cause: number;
  times: Float64Array;
  values: Float64Array;
}

/**
 * The Brier score of the predicted CIF of cause k at each time t (Graf et al. 1999 extended to competing risks,
 * riskRegression's `Brier.competing.risks`):
 *
 *   BS_k(t) = (1/n) Σ_i [ 1{T_i <= t, D_i = k} (1 − F_i(t))² / Ĝ(T_i−) + 1{T_i <= t, D_i ∉ {0, k}} F_i(t)² / Ĝ(T_i−)
 *             + 1{T_i > t} F_i(t)² / Ĝ(t) ],
 *
 * subjects censored at or before t weighing 0, Ĝ the reverse Kaplan–Meier of the labels (events first in ties).
 *
 * @param labels event codes 0 = censored, 1..K = cause
 * @param cif predicted CIF of cause k, one row per subject
 * @param opts `cause` (default 1), `times`
 * @throws {SurvkitError} on bad inputs, a cause without events, Ĝ = 0 where a weight is needed
 * @example
 * const F = CifCurves.fromRows([2], [[1], [0], [0]]);
 * brierScoreCr({ time: [1, 3, 1.5], event: [1, 0, 2] }, F, { times: [2] }).values[0]; // 0
 * @see Graf et al. (1999), Stat Med 18:2529–2545; Schoop, Beyersmann, Schumacher & Binder (2011), Biom J 53:88–112
 */
export function brierScoreCr(labels: LabelsInput, cif: CifCurves, opts: CauseMetricOptions): BrierCrResult {
  const fn = 'brierScoreCr';
  const { y, cause, times, G } = causeInputs(fn, labels, cif, opts);
  const n = y.time.length;
  const values = new Float64Array(times.length);
  times.forEach((t, s) => {
    const f = cif.column(t);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const ti = y.time[i] as number;
      const e = y.event[i] as number;
      const fi = f[i] as number;
      if (ti > t) sum += (fi * fi) / censoringAt(G, t, 'right');
      else if (e === cause) sum += ((1 - fi) * (1 - fi)) / censoringAt(G, ti, 'left');
      else if (e !== 0) sum += (fi * fi) / censoringAt(G, ti, 'left');
    }
    values[s] = sum / n;
  });
  return { cause, times, values };
}

/** Result of {@link integratedBrierScoreCr}. */
export interface IntegratedBrierCrResult extends BrierCrResult {
  /** IBS over [0, t] at each evaluation time t (riskRegression's `IBS` column). */
  ibs: Float64Array;
  /** The IBS over [0, t_m], t_m the last time. */
  value: number;
}

/**
 * The integrated Brier score of the CIF as riskRegression's `Score(..., summary = "ibs")` reports it: the Brier
 * curve as a step function that is 0 on [0, t_1) and BS(t_k) on [t_k, t_{k+1}), integrated up to t and divided
 * by t: IBS(t_j) = Σ_{k<j} BS(t_k)(t_{k+1} − t_k) / t_j. (Its value at t_1 is 0.)
 *
 * @param labels event codes 0 = censored, 1..K = cause
 * @param cif predicted CIF of cause k
 * @param opts `cause` (default 1), `times` (> 0)
 * @throws {SurvkitError} as {@link brierScoreCr}, and for a first time of 0
 * @example
 * const F = CifCurves.fromRows([1, 2], [[0.5, 1], [0.5, 0.5], [0, 0.5]]);
 * integratedBrierScoreCr({ time: [1.5, 3, 2.5], event: [1, 0, 2] }, F, { times: [1, 2] }).value;
 */
export function integratedBrierScoreCr(labels: LabelsInput, cif: CifCurves, opts: CauseMetricOptions): IntegratedBrierCrResult {
  const fn = 'integratedBrierScoreCr';
  const bs = brierScoreCr(labels, cif, opts);
  const t = bs.times;
  if (!((t[0] as number) > 0)) throw survkitError('optionRange', fn, 'times', 'times > 0 (the integral starts at 0)', t[0]);
  const ibs = new Float64Array(t.length);
  let area = 0;
  for (let j = 0; j < t.length; j++) {
    if (j > 0) area += (bs.values[j - 1] as number) * ((t[j] as number) - (t[j - 1] as number));
    ibs[j] = area / (t[j] as number);
  }
  return { ...bs, ibs, value: ibs[t.length - 1] as number };
}

/** Result of {@link cumulativeDynamicAucCr}. */
export interface AucCrResult {
  cause: number;
  times: Float64Array;
  auc: Float64Array;
}

/**
 * Cause-specific cumulative/dynamic AUC (Blanche, Dartigues & Jacqmin-Gadda 2013, definition 2; riskRegression's
 * `AUC.competing.risks`): at time t, cases are the subjects with a cause-k event at T_i <= t (weight 1/Ĝ(T_i−)),
 * controls those with T_j > t (weight 1/Ĝ(t)) and those with an event of another cause at T_j <= t (weight
 * 1/Ĝ(T_j−)); AUC_k(t) = Σ_cases Σ_controls w_i w_j (1{F_i > F_j} + ½ 1{F_i = F_j}) / (Σ w_i Σ w_j),
 * F = F̂_k(t). O(n log n) per time.
 *
 * @param labels event codes 0 = censored, 1..K = cause
 * @param cif predicted CIF of cause k
 * @param opts `cause` (default 1), `times`
 * @throws {SurvkitError} on bad inputs, no case (`noCauseEvents`) or no control (`noControls`) at a time
 * @example
 * const F = CifCurves.fromRows([2], [[0.9], [0.1], [0.2]]);
 * cumulativeDynamicAucCr({ time: [1, 3, 1.5], event: [1, 0, 2] }, F, { times: [2] }).auc[0]; // 1
 * @see Blanche, Dartigues & Jacqmin-Gadda (2013), Stat Med 32:5381–5397
 */
export function cumulativeDynamicAucCr(labels: LabelsInput, cif: CifCurves, opts: CauseMetricOptions): AucCrResult {
  const fn = 'cumulativeDynamicAucCr';
  const { y, cause, times, G } = causeInputs(fn, labels, cif, opts);
  const n = y.time.length;
  const auc = new Float64Array(times.length);
  const wCase = new Float64Array(n);
  const wCtrl = new Float64Array(n);
  times.forEach((t, s) => {
    const f = cif.column(t);
    const wt = 1 / censoringAt(G, t, 'right');
    let sumCase = 0;
    let sumCtrl = 0;
    for (let i = 0; i < n; i++) {
      const ti = y.time[i] as number;
      const e = y.event[i] as number;
      wCase[i] = 0;
      wCtrl[i] = 0;
      if (ti > t) wCtrl[i] = wt;
      else if (e === cause) wCase[i] = 1 / censoringAt(G, ti, 'left');
      else if (e !== 0) wCtrl[i] = 1 / censoringAt(G, ti, 'left');
      sumCase += wCase[i] as number;
      sumCtrl += wCtrl[i] as number;
    }
    if (sumCase === 0) throw survkitError('noCauseEvents', fn, 'labels', cause, t);
    if (sumCtrl === 0) throw survkitError('noControls', fn, t);
    // ascending predictions: each case gains the control weight below it and half of that tied with it
    const o = argsort(f);
    let below = 0;
    let num = 0;
    for (let lo = 0; lo < n;) {
      let hi = lo;
      let tiedCase = 0;
      let tiedCtrl = 0;
      while (hi < n && f[o[hi] as number] === f[o[lo] as number]) {
        tiedCase += wCase[o[hi] as number] as number;
        tiedCtrl += wCtrl[o[hi] as number] as number;
        hi++;
      }
      num += tiedCase * (below + tiedCtrl / 2);
      below += tiedCtrl;
      lo = hi;
    }
    auc[s] = num / (sumCase * sumCtrl);
  });
  return { cause, times, auc };
}
