/**
 * Test-only reference: the O(m·n) implementation of cumulativeDynamicAuc
 * (one pass over all subjects per evaluation time) that the Fenwick-tree sweep
 * in src/metrics/cumulative-dynamic-auc.ts replaced; the property tests compare the two.
 *
 * Cumulative/dynamic time-dependent AUC with inverse-probability-of-censoring
 * weights (Uno et al. 2007; Hung & Chiang 2010), as scikit-survival 0.21
 * `cumulative_dynamic_auc` computes it, or as R riskRegression `Score`.
 */
import { assertChoice, assertNumberOption, assertSameLength, assertStrictlyAscending, toFloat64 } from '../../src/core/assert.js';
import { survkitError } from '../../src/core/errors.js';
import { searchSorted, uniqueSorted } from '../../src/core/sort.js';
import { assertSingleRisk, countEvents, isLabelsShape, labelsArg, type LabelsInput } from '../../src/data/labels.js';
import { CensoringWeights } from '../../src/estimators/censoring-weights.js';
import { kaplanMeier } from '../../src/estimators/kaplan-meier.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { assertNotTwice, evaluatedLabels, isArrayLikeObject } from '../../src/metrics/call-forms.js';

/** Options of {@link cumulativeDynamicAuc}. */
export interface CumulativeDynamicAucOptions {
  /**
   * m >= 1 strictly ascending times >= 0 (for `'sksurv'` within the
   * follow-up [min T, max T) of the labels). Required in the labels-first form.
   */
  times?: ArrayLike<number>;
  /** Labels Ĝ is fitted on (scikit-survival's `survival_train`). Default: the evaluated labels. */
  train?: LabelsInput;
  /**
   * Risks within tiedTol of their neighbour in sorted order form one tied
   * threshold (½ credit). Default 1e-8 (scikit-survival), 0 for `'riskRegression'`.
   */
  tiedTol?: number;
  /**
   * `'sksurv'` (default): cases weighted 1/Ĝ(T_i) and scikit-survival's input
   * rules. `'riskRegression'`: cases weighted 1/Ĝ(T_i−) (R riskRegression
   * `Score(metrics = "auc")`), no follow-up restriction on `times`.
   */
  convention?: 'sksurv' | 'riskRegression';
}

/** Result of {@link cumulativeDynamicAuc}. */
export interface CumulativeDynamicAucResult {
  /** The evaluation times (a copy). */
  times: Float64Array;
  /** AUC(t) at each time. */
  auc: Float64Array;
  /** Σ_k AUC(t_k)(Ŝ(t_{k−1}) − Ŝ(t_k)) / (1 − Ŝ(t_m)), Ŝ = Kaplan–Meier of `test`, Ŝ(t_0) = 1; AUC(t_1) when m = 1. */
  meanAuc: number;
}

/** Risk scores grouped by equal value: `values` ascending and distinct, `group[i]` = subject i's entry. */
interface RiskGroups {
  values: Float64Array;
  group: Int32Array;
}

/** Groups equal risks with the native typed-array sort and binary search: O(n log n), no comparator. */
function groupRisks(r: Float64Array): RiskGroups {
  const values = uniqueSorted(r);
  const group = new Int32Array(r.length);
  for (let i = 0; i < r.length; i++) group[i] = searchSorted(values, r[i] as number, 'left');
  return { values, group };
}

/**
 * AUC at time t: the ROC curve through the thresholds taken from the highest
 * risk down, where distinct risks within `tol` of their neighbour share one
 * threshold (scikit-survival's rule), integrated by the trapezoid rule.
 */
function aucAt(g: RiskGroups, time: Float64Array, caseW: Float64Array, t: number, tol: number, totalW: number, nControls: number): number {
  const u = g.values.length;
  const wCase = new Float64Array(u);
  const nCtrl = new Float64Array(u);
  for (let i = 0; i < time.length; i++) {
    const k = g.group[i] as number;
    if ((time[i] as number) > t) nCtrl[k] = (nCtrl[k] as number) + 1;
    else wCase[k] = (wCase[k] as number) + (caseW[i] as number); // 0 for censored subjects
  }
  let tp = 0;
  let fp = 0;
  let prevTp = 0;
  let prevFp = 0;
  let area = 0;
  for (let k = u - 1; k >= 0; k--) {
    tp += wCase[k] as number;
    fp += nCtrl[k] as number;
    if (k > 0 && Math.abs((g.values[k] as number) - (g.values[k - 1] as number)) <= tol) continue;
    const x = fp / nControls;
    const y = tp / totalW;
    area += ((x - prevFp) * (y + prevTp)) / 2;
    prevFp = x;
    prevTp = y;
  }
  return area;
}

/**
 * Cumulative/dynamic AUC at each time t: the probability that a case
 * (event at or before t) has a higher risk than a control (T > t), cases
 * weighted by the inverse censoring probability and controls equally:
 *
 *   AUC(t) = Σ_i Σ_j w_i 1(T_i <= t, δ_i = 1) 1(T_j > t) [1(r_i > r_j) + ½ 1(r_i ≈ r_j)]
 *            / (Σ_i w_i 1(T_i <= t, δ_i = 1) · #{j: T_j > t})
 *
 * with w_i = 1/Ĝ(T_i) (scikit-survival) or 1/Ĝ(T_i−) (riskRegression), Ĝ the
 * events-first Kaplan–Meier estimate of censoring fitted on `train`. Ties
 * follow scikit-survival: sorted by descending risk, runs whose neighbours
 * differ by <= tiedTol form one threshold of the ROC curve, integrated by the
 * trapezoid rule (so exact ties count ½). `meanAuc` is scikit-survival's
 * summary, the AUC averaged over the Kaplan–Meier distribution of `test`.
 *
 * With `risk` a {@link SurvivalCurves}, the risk at t is 1 − Ŝ_i(t), read as a
 * right-continuous step (1 − 1 = 0 before the grid), as scikit-survival does
 * with a 2-D estimate. For riskRegression, pass the evaluated labels as
 * `train` (it fits Ĝ on the evaluated data).
 *
 * O(m·n log n) time (one native sort per distinct risk vector, then O(n) per
 * time), O(n) memory.
 *
 * @param labels the n evaluated subjects' labels ({@link LabelsInput}), event 0/1
 * @param risk n risk scores (higher = earlier event) or n survival curves
 * @param opts `times` (required): m >= 1 strictly ascending times >= 0, for `'sksurv'`
 *   within the follow-up [min T, max T) of `labels`; `train`: labels Ĝ is fitted on
 *   (default: `labels`, a single-sample analysis); `tiedTol`, `convention`
 * @returns `{ times, auc, meanAuc }`
 * @throws {SurvkitError} on invalid or mismatched inputs, competing-risk
 *   codes, no events (`noEvents`; in `train` too for sksurv), times outside
 *   the follow-up (`timeOutsideFollowUp`, sksurv), a case after the last
 *   training time (`timeOutsideTrain`, sksurv), Ĝ = 0 at a case
 *   (`censoringZero`), or a time without cases (`noCases`) or controls
 *   (`noControls`) — where scikit-survival returns NaN
 * @example
 * const y = { time: [1, 2, 3, 4, 5], event: [1, 1, 0, 1, 0] };
 * cumulativeDynamicAuc(y, [5, 4, 3, 2, 1], { times: [2, 4] }).auc; // Float64Array [1, 1]
 * @see Uno, Cai, Tian & Wei (2007), JASA 102:527–537; Hung & Chiang (2010),
 *   Canadian Journal of Statistics 38:8–26; Lambert & Chevret (2016), SMMR (meanAuc)
 */
export function cumulativeDynamicAucReference(
  labels: LabelsInput,
  risk: ArrayLike<number> | SurvivalCurves,
  opts: CumulativeDynamicAucOptions & { times: ArrayLike<number> },
): CumulativeDynamicAucResult;
/** @deprecated since 0.2: call `cumulativeDynamicAuc(test, risk, { times, train, ...opts })` — labels first, times and training labels as options. */
export function cumulativeDynamicAucReference(
  train: LabelsInput,
  test: LabelsInput,
  risk: ArrayLike<number> | SurvivalCurves,
  times: ArrayLike<number>,
  opts?: CumulativeDynamicAucOptions,
): CumulativeDynamicAucResult;
export function cumulativeDynamicAucReference(...args: unknown[]): CumulativeDynamicAucResult {
  const fn = 'cumulativeDynamicAuc';
  const { train, test, risk, times, opts } = aucArgs(fn, args);
  const tr = labelsArg(fn, 'train', train);
  const te = labelsArg(fn, 'test', test);
  assertSingleRisk(fn, 'train.event', tr);
  assertSingleRisk(fn, 'test.event', te);
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'sksurv', ['sksurv', 'riskRegression'] as const);
  const sk = convention === 'sksurv';
  const tol = assertNumberOption(fn, 'tiedTol', opts.tiedTol ?? (sk ? 1e-8 : 0), { min: 0 });
  const n = te.time.length;
  const curves = risk instanceof SurvivalCurves ? risk : undefined;
  let fixed: Float64Array | undefined;
  if (curves) {
    if (curves.n !== n) throw survkitError('shapeMismatch', fn, 'risk', `${n} subjects (one per test label)`, `${curves.n} subjects`);
  } else {
    fixed = toFloat64(fn, 'risk', risk);
    assertSameLength(fn, 'test.time', n, 'risk', fixed.length);
  }
  const t = toFloat64(fn, 'times', times);
  assertStrictlyAscending(fn, 'times', t);
  if ((t[0] as number) < 0) throw survkitError('negative', fn, 'times', 0, t[0] as number);
  if (countEvents(te) === 0) throw survkitError('noEvents', fn, 'test.event');
  if (sk && countEvents(tr) === 0) throw survkitError('noEvents', fn, 'train.event');
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of te.time) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const m = t.length;
  const tLast = t[m - 1] as number;
  if (sk && ((t[0] as number) < lo || tLast >= hi)) {
    throw survkitError('timeOutsideFollowUp', fn, 'times', (t[0] as number) < lo ? (t[0] as number) : tLast, lo, hi);
  }

  // Case weights 1/Ĝ for the events that are a case at some evaluation time.
  const G = new CensoringWeights(tr, { fn, ties: 'events-first', eventSide: sk ? 'right' : 'left', strictRange: sk, remedy: 'followUp' });
  const caseW = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ti = te.time[i] as number;
    if ((te.event[i] as number) === 0 || ti > tLast) continue;
    G.checkRange(ti, 'test.time');
    caseW[i] = G.eventWeight(ti);
  }

  const auc = new Float64Array(m);
  let groups: RiskGroups | undefined = fixed ? groupRisks(fixed) : undefined;
  const r = new Float64Array(n);
  let lastCol = -2;
  for (let k = 0; k < m; k++) {
    const tk = t[k] as number;
    let totalW = 0;
    let nControls = 0;
    for (let i = 0; i < n; i++) {
      if ((te.time[i] as number) > tk) nControls++;
      else totalW += caseW[i] as number;
    }
    if (totalW === 0) throw survkitError('noCases', fn, tk);
    if (nControls === 0) throw survkitError('noControls', fn, tk);
    if (curves) {
      const c = curves.indexAt(tk);
      if (c !== lastCol) {
        for (let i = 0; i < n; i++) r[i] = c < 0 ? 0 : 1 - curves.get(i, c);
        groups = groupRisks(r);
        lastCol = c;
      }
    }
    auc[k] = aucAt(groups as RiskGroups, te.time, caseW, tk, tol, totalW, nControls);
  }

  let meanAuc = auc[0] as number;
  if (m > 1) {
    const km = kaplanMeier(te.time, te.event);
    let prev = 1;
    let integral = 0;
    for (let k = 0; k < m; k++) {
      const s = km.at(t[k] as number);
      integral += (auc[k] as number) * (prev - s);
      prev = s;
    }
    meanAuc = integral / (1 - prev);
  }
  return { times: t, auc, meanAuc };
}

/** `(labels, risk, { times, train, … })` or the deprecated `(train, test, risk, times, opts?)` as the arguments the body reads. */
function aucArgs(fn: string, args: readonly unknown[]): { train: unknown; test: unknown; risk: unknown; times: unknown; opts: CumulativeDynamicAucOptions } {
  if (args.length > 3 || isLabelsShape(args[1]) || args[2] instanceof SurvivalCurves || isArrayLikeObject(args[2])) {
    const opts = (args[4] ?? {}) as CumulativeDynamicAucOptions;
    assertNotTwice(fn, 'train', opts.train);
    assertNotTwice(fn, 'times', opts.times);
    return { train: args[0], test: args[1], risk: args[2], times: args[3], opts };
  }
  const opts = (args[2] ?? {}) as CumulativeDynamicAucOptions;
  const test = evaluatedLabels(fn, args[0], args[1]);
  return { train: opts.train ?? test, test, risk: args[1], times: opts.times, opts };
}
