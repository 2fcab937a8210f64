/**
 * Cumulative/dynamic time-dependent AUC with inverse-probability-of-censoring
 * weights (Uno et al. 2007; Hung & Chiang 2010), as scikit-survival 0.21
 * `cumulative_dynamic_auc` computes it, or as R riskRegression `Score`.
 */
import { assertChoice, assertNumberOption, assertSameLength, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { argsort, searchSorted } from '../core/sort.js';
import { assertSingleRisk, countEvents, isLabelsShape, labelsArg, type LabelsInput } from '../data/labels.js';
import { CountTree, WeightTree } from '../core/fenwick.js';
import { CensoringWeights } from '../estimators/censoring-weights.js';
import { kaplanMeier } from '../estimators/kaplan-meier.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';
import { assertNotTwice, evaluatedLabels, isArrayLikeObject } from './call-forms.js';

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

/**
 * Threshold groups of the risks: `group[i]` = subject i's group, 0..size−1 in
 * ascending risk, where distinct risks within `tol` of their neighbour in sorted
 * order share one group (scikit-survival's thresholds; exact ties share one too).
 */
interface RiskGroups {
  size: number;
  group: Int32Array;
}

/** Groups the risks by one stable argsort (radix sort, O(n)) and a walk along the sorted order. */
function groupRisks(r: Float64Array, tol: number): RiskGroups {
  const n = r.length;
  const group = new Int32Array(n);
  if (n === 0) return { size: 0, group };
  const order = argsort(r);
  let id = 0;
  let prev = r[order[0] as number] as number;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const v = r[i] as number;
    if (Math.abs(v - prev) > tol) id++; // equal risks (difference 0) always share a group
    group[i] = id;
    prev = v;
  }
  return { size: id + 1, group };
}

/** A float64 sum kept with Neumaier's compensation, so that adding and later removing the same pairs leaves no drift. */
class Sum {
  hi = 0;
  lo = 0;
  add(x: number): void {
    const s = this.hi + x;
    this.lo += Math.abs(this.hi) >= Math.abs(x) ? this.hi - s + x : x - s + this.hi;
    this.hi = s;
  }
  get value(): number {
    return this.hi + this.lo;
  }
}

/**
 * The weighted pair counts of the cases (T_i <= t, weight w_i) against the
 * controls (T_j > t) at the evaluation times `t[from..to)`, swept in time order:
 * every subject starts as a control; at each time the subjects with
 * t_{k−1} < T <= t_k leave the controls (their pairs with the current cases are
 * removed) and the events among them join the cases (their pairs with the
 * current controls are added). Fenwick trees over the risk groups give each
 * update in O(log n): case weights below and above a group (two trees, so a
 * count with no case on one side is an exact 0) and control counts.
 * AUC(t) = concordant / (concordant + discordant), ties ½ on each side.
 */
function sweepAuc(
  fn: string,
  g: RiskGroups,
  bucketStart: Int32Array,
  bucketOrder: Int32Array,
  caseW: Float64Array,
  t: Float64Array,
  from: number,
  to: number,
  auc: Float64Array,
): void {
  const n = g.group.length;
  const size = g.size;
  const below = new WeightTree(size); // case weights by group, prefix = groups below
  const above = new WeightTree(size); // case weights by reversed group, prefix = groups above
  const tieW = new Float64Array(size); // case weights per group
  const ctrlIn = new Int32Array(size); // control counts per group
  for (let i = 0; i < n; i++) {
    const gi = g.group[i] as number;
    ctrlIn[gi] = (ctrlIn[gi] as number) + 1;
  }
  const startBelow = new Int32Array(size); // initial controls (everyone) in the groups below
  for (let k = 1; k < size; k++) startBelow[k] = (startBelow[k - 1] as number) + (ctrlIn[k - 1] as number);
  const left = new CountTree(size); // subjects that left the controls, by group
  let nControls = n;
  let nCases = 0;
  const conc = new Sum();
  const disc = new Sum();
  const tie = new Sum();
  let p = 0;
  for (let k = from; k < to; k++) {
    const end = bucketStart[k + 1] as number;
    for (; p < end; p++) {
      const i = bucketOrder[p] as number;
      const gi = g.group[i] as number;
      // i leaves the controls: remove its pairs with the current cases.
      if (nCases > 0) {
        conc.add(-above.prefix(size - 1 - gi));
        disc.add(-below.prefix(gi));
        tie.add(-(tieW[gi] as number));
      }
      left.add(gi);
      ctrlIn[gi] = (ctrlIn[gi] as number) - 1;
      nControls--;
      const w = caseW[i] as number;
      if (w === 0) continue;
      // i joins the cases: add its pairs with the current controls.
      const lower = (startBelow[gi] as number) - left.prefix(gi);
      const same = ctrlIn[gi];
      conc.add(w * lower);
      disc.add(w * (nControls - lower - same));
      tie.add(w * same);
      below.add(gi, w);
      above.add(size - 1 - gi, w);
      tieW[gi] = (tieW[gi] as number) + w;
      nCases++;
    }
    const tk = t[k] as number;
    if (nCases === 0) throw survkitError('noCases', fn, tk);
    if (nControls === 0) throw survkitError('noControls', fn, tk);
    const half = tie.value / 2;
    const c = Math.max(0, conc.value) + half;
    const d = Math.max(0, disc.value) + half;
    auc[k] = c / (c + d);
  }
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
 * O(n log n + m log m) time for a risk vector (one native sort, then one
 * sweep over the times with Fenwick-tree updates, O(log n) per subject);
 * O(n log n) per distinct grid column for survival curves. O(n) memory.
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
export function cumulativeDynamicAuc(
  labels: LabelsInput,
  risk: ArrayLike<number> | SurvivalCurves,
  opts: CumulativeDynamicAucOptions & { times: ArrayLike<number> },
): CumulativeDynamicAucResult;
/** @deprecated since 0.2: call `cumulativeDynamicAuc(test, risk, { times, train, ...opts })` — labels first, times and training labels as options. */
export function cumulativeDynamicAuc(
  train: LabelsInput,
  test: LabelsInput,
  risk: ArrayLike<number> | SurvivalCurves,
  times: ArrayLike<number>,
  opts?: CumulativeDynamicAucOptions,
): CumulativeDynamicAucResult;
export function cumulativeDynamicAuc(...args: unknown[]): CumulativeDynamicAucResult {
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

  // Subjects by grid interval (counting sort): bucket k holds t_{k−1} < T <= t_k, bucket m those after t_m.
  const bucketStart = new Int32Array(m + 2);
  const bucketOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = searchSorted(t, te.time[i] as number, 'left');
    bucketOf[i] = b;
    bucketStart[b + 1] = (bucketStart[b + 1] as number) + 1;
  }
  for (let k = 0; k <= m; k++) bucketStart[k + 1] = (bucketStart[k + 1] as number) + (bucketStart[k] as number);
  const bucketOrder = new Int32Array(n);
  const fill = bucketStart.slice(0, m + 1);
  for (let i = 0; i < n; i++) {
    const b = bucketOf[i] as number;
    const at = fill[b] as number;
    bucketOrder[at] = i;
    fill[b] = at + 1;
  }

  const auc = new Float64Array(m);
  if (fixed) sweepAuc(fn, groupRisks(fixed, tol), bucketStart, bucketOrder, caseW, t, 0, m, auc);
  else {
    // Survival curves: the risk 1 − Ŝ_i(t) changes with the grid column, so each run of times that read the same column gets its own sweep.
    const c = curves as SurvivalCurves;
    const r = new Float64Array(n);
    for (let k = 0; k < m;) {
      const col = c.indexAt(t[k] as number);
      let end = k + 1;
      while (end < m && c.indexAt(t[end] as number) === col) end++;
      for (let i = 0; i < n; i++) r[i] = col < 0 ? 0 : 1 - c.get(i, col);
      sweepAuc(fn, groupRisks(r, tol), bucketStart, bucketOrder, caseW, t, k, end, auc);
      k = end;
    }
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
