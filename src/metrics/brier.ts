/**
 * Time-dependent IPCW Brier score and negative binomial log-likelihood of
 * predicted survival curves (Graf et al. 1999), in the conventions of pycox,
 * scikit-survival and R pec / riskRegression.
 */
import { assertChoice, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { labelsArg, assertSingleRisk, type LabelsInput, type SurvivalLabels } from '../data/labels.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';
import { assertNotTwice, isCurvesFirstCall } from './call-forms.js';
import { ipcwWeights, type BrierConvention } from './ipcw.js';

export type { BrierConvention } from './ipcw.js';

/** How an integrated score integrates the per-time curve over the evaluation times. */
export type BrierIntegration = 'simpson' | 'trapezoid' | 'step';

/** Options of {@link brierScore}, {@link nbll} and their integrated forms. */
export interface BrierOptions {
  /**
   * Reference to reproduce (see {@link BrierConvention}). Default `'pycox'`:
   * the weighting of pycox's `EvalSurv`, which the deep-survival papers
   * (DeepHit, Cox-Time, logistic hazard, PMF, MTLR comparisons; Kvamme et al.
   * 2019) report their Brier / IBS / IBLL numbers with.
   */
  convention?: BrierConvention;
  /**
   * Labels to estimate the censoring distribution Ĝ from. Default: the
   * evaluated `labels` (what pycox does, and R pec / riskRegression always do).
   * scikit-survival takes training labels here; without them the evaluated
   * labels are used, as in `brier_score(y, y, …)`.
   */
  train?: LabelsInput;
  /** Ĝ is floored at 1/maxWeight, so no weight exceeds it (pycox `max_weight`). Default Infinity (no floor). */
  maxWeight?: number;
  /**
   * Integration rule of the integrated scores: `'simpson'` (SciPy 1.10
   * `simps`, pycox's default), `'trapezoid'` (scikit-survival's) or `'step'`
   * (the right-continuous step function, R pec `crps` / riskRegression IBS).
   * Default: the convention's own rule. Ignored by the per-time functions.
   */
  integration?: BrierIntegration;
}

/** Options of the labels-first {@link brierScore}, {@link nbll} and their integrated forms: {@link BrierOptions} and the evaluation times. */
export interface BrierTimesOptions extends BrierOptions {
  /** m strictly ascending evaluation times >= 0 (for `'sksurv'` within the follow-up [min T, max T) of the labels). */
  times: ArrayLike<number>;
}

/**
 * `(labels, curves, { times, …options })` or the deprecated
 * `(curves, labels, times, options?)` as the curves, labels, times and
 * options the Brier-type functions read.
 */
export function brierArgs(fn: string, args: readonly unknown[]): { curves: unknown; labels: unknown; times: unknown; opts: BrierOptions; deprecated: boolean } {
  if (isCurvesFirstCall(args) || args.length > 3) {
    const opts = (args[3] ?? {}) as Partial<BrierTimesOptions>;
    assertNotTwice(fn, 'times', opts.times);
    return { curves: args[0], labels: args[1], times: args[2], opts, deprecated: true };
  }
  const opts = (args[2] ?? {}) as Partial<BrierTimesOptions>;
  return { curves: args[1], labels: args[0], times: opts.times, opts, deprecated: false };
}

/** A score at each evaluation time. */
export interface TimeScores {
  /** The evaluation times (a copy of the input). */
  times: Float64Array;
  /** The score at each time. */
  values: Float64Array;
}

/** pycox's clip for the log-likelihood. */
const EPS = 1e-7;

/** Validated inputs shared by the Brier/NBLL family. */
export interface IpcwInputs {
  curves: SurvivalCurves;
  labels: SurvivalLabels;
  times: Float64Array;
  convention: BrierConvention;
  train: SurvivalLabels | undefined;
  maxWeight: number;
}

/** Validates the arguments of a Brier-type function in the name of `fn`. */
export function ipcwInputs(fn: string, curves: unknown, labels: unknown, times: unknown, opts: BrierOptions): IpcwInputs {
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'pycox', ['pycox', 'sksurv', 'pec'] as const);
  if (!(curves instanceof SurvivalCurves)) throw survkitError('notInstance', fn, 'curves', 'SurvivalCurves (n subjects × m grid times)', curves);
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const n = y.time.length;
  if (curves.n !== n) throw survkitError('shapeMismatch', fn, 'curves', `${n} subjects (one per label)`, `${curves.n} subjects`);
  let train: SurvivalLabels | undefined;
  if (opts.train !== undefined) {
    train = labelsArg(fn, 'train', opts.train);
    assertSingleRisk(fn, 'train.event', train);
  }
  const mw = opts.maxWeight ?? Infinity;
  if (typeof mw !== 'number' || !(mw > 0)) throw survkitError('optionRange', fn, 'maxWeight', 'a number > 0 (or Infinity)', mw);
  const t = toFloat64(fn, 'times', times);
  assertStrictlyAscending(fn, 'times', t);
  if ((t[0] as number) < 0) throw survkitError('negative', fn, 'times', 0, t[0] as number);
  if (convention === 'sksurv') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of y.time) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const bad = (t[0] as number) < lo ? (t[0] as number) : (t[t.length - 1] as number) >= hi ? (t[t.length - 1] as number) : undefined;
    if (bad !== undefined) throw survkitError('timeOutsideFollowUp', fn, 'times', bad, lo, hi);
  }
  return { curves, labels: y, times: t, convention, train, maxWeight: mw };
}

/**
 * The IPCW score curve: for each time t_k, Σ_i w_i(t_k)·score_i(t_k) / D(t_k).
 * One pass over the subjects' rows: O(n·m + n log m) time, O(m) extra memory.
 */
export function ipcwScores(fn: string, kind: 'brier' | 'nbll', inp: IpcwInputs): TimeScores {
  const { curves, labels, times, convention } = inp;
  const w = ipcwWeights(fn, labels, times, convention, inp.train, inp.maxWeight);
  const m = times.length;
  const M = curves.m;
  const v = curves.values;
  // Grid column read at each time; −1 = before the grid (S = 1). pycox clips to the first column.
  const col = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const c = curves.indexAt(times[k] as number);
    col[k] = convention === 'pycox' ? Math.max(c, 0) : c;
  }
  // Survivors at t_k share the weight 1/Ĝ(t_k): sum their scores unweighted and count them.
  const survSum = new Float64Array(m);
  const survCount = new Float64Array(m);
  const eventSum = new Float64Array(m);
  const eventW = new Float64Array(m);
  const n = labels.time.length;
  const brier = kind === 'brier';
  for (let i = 0; i < n; i++) {
    const base = i * M;
    const ti = labels.time[i] as number;
    const K = searchSorted(times, ti, 'left'); // times t_k < T_i: subject i is a survivor there
    for (let k = 0; k < K; k++) {
      const c = col[k] as number;
      const s = c < 0 ? 1 : (v[base + c] as number);
      survSum[k] = (survSum[k] as number) + (brier ? (1 - s) * (1 - s) : -Math.log(Math.min(Math.max(s, EPS), 1 - EPS)));
    }
    if (K > 0) survCount[K - 1] = (survCount[K - 1] as number) + 1;
    const we = w.event[i] as number;
    if (we === 0) continue;
    for (let k = K; k < m; k++) {
      const c = col[k] as number;
      const s = c < 0 ? 1 : (v[base + c] as number);
      eventSum[k] = (eventSum[k] as number) + we * (brier ? s * s : -Math.log(1 - Math.min(Math.max(s, EPS), 1 - EPS)));
    }
    eventW[K] = (eventW[K] as number) + we;
  }
  // survCount[k] counted subjects whose last survivor time is t_k; eventW[k] events first counted at t_k.
  const values = new Float64Array(m);
  let count = 0;
  for (let k = m - 1; k >= 0; k--) {
    count += survCount[k] as number;
    survCount[k] = count;
  }
  let wEvents = 0;
  for (let k = 0; k < m; k++) {
    wEvents += eventW[k] as number;
    const ws = w.survivor[k] as number;
    const numerator = (survSum[k] as number) * ws + (eventSum[k] as number);
    if (w.normalise === 'sum') {
      const den = (survCount[k] as number) * ws + wEvents;
      if (den === 0) throw survkitError('noIpcwSubjects', fn, times[k] as number);
      values[k] = numerator / den;
    } else {
      values[k] = numerator / n;
    }
  }
  return { times: times.slice(), values };
}

/**
 * Time-dependent Brier score with inverse-probability-of-censoring weights
 * (Graf et al. 1999), at each evaluation time t:
 *
 *   BS(t) = Σ_i [1(T_i <= t, δ_i = 1) Ŝ_i(t)² / Ĝ(T_i∗) + 1(T_i > t) (1 − Ŝ_i(t))² / Ĝ(t)] / D(t)
 *
 * with T_i∗ = T_i− (pycox, pec) or T_i (sksurv), and D(t) = the sum of the
 * weights (pycox) or n (sksurv, pec); Ĝ is the Kaplan–Meier estimate of the
 * censoring distribution (see {@link BrierConvention} and {@link BrierOptions}).
 * Censored subjects with T_i <= t carry no weight.
 *
 * Ŝ_i(t) is read off the curves as a right-continuous step at t. Before the
 * first grid time the `'pycox'` convention reads the first grid column (as
 * pycox `idx_at_times` does); `'sksurv'` and `'pec'` read 1, as
 * {@link SurvivalCurves.stepAt} does. The two agree for t >= curves.times[0].
 *
 * Bounds: pycox's is a weighted mean of values in [0, 1], so in [0, 1]. The
 * ÷n conventions are in [0, 1] when Ĝ comes from the evaluated labels and
 * (for sksurv) no event time ties with a censoring time; otherwise Σ w/n may
 * exceed 1 (e.g. sksurv's 1/Ĝ(T_i) with a censoring tied at T_i).
 *
 * Complexity O(n·m + n log m) for n subjects and m times, O(n + m) memory.
 *
 * @param labels the n subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves n predicted survival curves ({@link SurvivalCurves})
 * @param opts `times`: m >= 1 strictly ascending evaluation times >= 0; for
 *   `'sksurv'` within the follow-up [min T, max T) of `labels`; and the {@link BrierOptions}
 * @returns `{ times, values }` as Float64Arrays of length m
 * @throws {SurvkitError} on invalid or mismatched inputs (`shapeMismatch`
 *   when curves and labels have different numbers of subjects), competing-risk
 *   codes, times outside the follow-up (`timeOutsideFollowUp`, sksurv) or beyond
 *   the training follow-up (`timeOutsideTrain`, sksurv), no events (`noEvents`,
 *   sksurv), a needed Ĝ = 0 (`censoringZeroBrier`; pycox would return NaN,
 *   scikit-survival would drop the term), or a time where every subject is
 *   censored before it (`noIpcwSubjects`, pycox: 0/0)
 * @example
 * const curves = new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.2, 1, 0.9, 0.8]);
 * const y = { time: [2, 3], event: [1, 0] };
 * brierScore(y, curves, { times: [1, 2] }).values; // ≈ [0.005, 0.13]: (0.1² + 0²)/2, (0.5² + 0.1²)/2
 * @see Graf, Schmoor, Sauerbrei & Schumacher (1999), Statistics in Medicine 18:2529–2545;
 *   Kvamme & Borgan (2019), arXiv:1912.08581, §3.1.2 (the Σw normalisation)
 */
export function brierScore(labels: LabelsInput, curves: SurvivalCurves, opts: BrierTimesOptions): TimeScores;
/** @deprecated since 0.2: call `brierScore(labels, curves, { times, ...opts })` — labels first, times as an option. */
export function brierScore(curves: SurvivalCurves, labels: LabelsInput, times: ArrayLike<number>, opts?: BrierOptions): TimeScores;
export function brierScore(...args: unknown[]): TimeScores {
  const fn = 'brierScore';
  const { curves, labels, times, opts } = brierArgs(fn, args);
  return ipcwScores(fn, 'brier', ipcwInputs(fn, curves, labels, times, opts));
}

/**
 * Negative binomial log-likelihood with the same IPCW weights as
 * {@link brierScore} (pycox `EvalSurv.nbll`):
 *
 *   NBLL(t) = −Σ_i [1(T_i <= t, δ_i = 1) log(1 − Ŝ_i(t)) w_i + 1(T_i > t) log Ŝ_i(t) w(t)] / D(t)
 *
 * with Ŝ clipped to [1e-7, 1 − 1e-7]. Only the `'pycox'` convention has a
 * reference implementation; `'sksurv'` and `'pec'` apply their weights and
 * ÷n to the same scores.
 *
 * @param labels the n subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves n predicted survival curves
 * @param opts `times`: m strictly ascending evaluation times >= 0; and the {@link BrierOptions}
 * @returns `{ times, values }` as Float64Arrays of length m
 * @throws {SurvkitError} as {@link brierScore}
 * @example
 * const curves = new SurvivalCurves([1, 2, 3], [0.9, 0.5, 0.2, 1, 0.9, 0.8]);
 * nbll({ time: [2, 3], event: [1, 0] }, curves, { times: [1] }).values; // ≈ [0.0527] = −(log 0.9 + log(1 − 1e-7))/2
 * @see Kvamme, Borgan & Scheel (2019), JMLR 20(129) (integrated binomial log-likelihood)
 */
export function nbll(labels: LabelsInput, curves: SurvivalCurves, opts: BrierTimesOptions): TimeScores;
/** @deprecated since 0.2: call `nbll(labels, curves, { times, ...opts })` — labels first, times as an option. */
export function nbll(curves: SurvivalCurves, labels: LabelsInput, times: ArrayLike<number>, opts?: BrierOptions): TimeScores;
export function nbll(...args: unknown[]): TimeScores {
  const fn = 'nbll';
  const { curves, labels, times, opts } = brierArgs(fn, args);
  return ipcwScores(fn, 'nbll', ipcwInputs(fn, curves, labels, times, opts));
}
