import { assertChoice } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { labelsArg, assertSingleRisk, countEvents, type LabelsInput } from '../data/labels.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';
import { isCurvesFirstCall } from './call-forms.js';
import { tdCounts } from './concordance-td-sweep.js';

/** Tie handling of {@link concordanceTd}. */
export type ConcordanceTdMethod = 'antolini' | 'adjAntolini';

/** Options of {@link concordanceTd}. */
export interface ConcordanceTdOptions {
  /** `'antolini'` (default) or `'adjAntolini'`. */
  method?: ConcordanceTdMethod;
}

/** Result of {@link concordanceTd}. */
export interface ConcordanceTdResult {
  /** concordant / comparable. */
  cIndex: number;
  /** Concordant pairs ('adjAntolini': with the ½ credits). */
  concordant: number;
  /** Comparable (ordered) pairs. */
  comparable: number;
  method: ConcordanceTdMethod;
}

/**
 * Antolini's time-dependent concordance index, exactly as pycox 0.3.0
 * `EvalSurv(surv, durations, events).concordance_td(method)` computes it.
 *
 * With s_i = Ŝ_i(T_i) and s_ij = Ŝ_j(T_i), both read on column k_i of the grid,
 * k_i = the last grid index with time <= T_i (pycox's 'post' steps), clipped to
 * 0 when T_i precedes the grid (pycox then reads the FIRST column, not 1):
 * - `'antolini'` (default): ordered pairs with δ_i = 1 and T_i < T_j, or δ_i = 1,
 *   δ_j = 0, T_i = T_j are comparable; concordant when s_i < s_ij strictly
 *   (ties count 0).
 * - `'adjAntolini'` (pycox's own default, `'adj_antolini'`): prediction ties
 *   count ½, and equal-time pairs with at least one event are comparable in
 *   both orders (each ordered pair counts): event–censored pairs score as
 *   above, event–event pairs score 1 when s_i = s_j and ½ otherwise.
 *
 * Curves are compared with exact float equality (no tolerance), as pycox does.
 * For a proportional-hazards model without ties, 'antolini' equals Harrell's C.
 *
 * O(m·n log n) time, O(n) extra memory: for each grid column k that holds
 * event times, the subjects with T >= (earliest event time on k) are swept
 * from the largest time down, with a Fenwick tree over the ranks of column k.
 *
 * Curves are compared as they are: higher Ŝ means longer survival, and no
 * tie tolerance applies (pycox), so the `direction` and `tiedTol` of the
 * risk-score concordance functions have no counterpart here.
 *
 * @param labels the n subjects' labels ({@link LabelsInput}), event 0/1
 * @param curves n predicted survival curves on one grid ({@link SurvivalCurves})
 * @param opts.method `'antolini'` (default) or `'adjAntolini'`
 * @throws {SurvkitError} when `curves` is not a SurvivalCurves, the subject counts
 *   differ, labels are invalid or hold competing-risk codes, there are no events,
 *   or no comparable pairs
 * @example
 * const curves = SurvivalCurves.fromRows([1, 2, 3], [[0.5, 0.2, 0.1], [0.9, 0.8, 0.7]]);
 * concordanceTd({ time: [1, 3], event: [1, 0] }, curves).cIndex; // 1
 * @see Antolini, Boracchi & Biganzoli (2005), Statistics in Medicine 24:3927–3944;
 *   Kvamme, Borgan & Scheel (2019), JMLR 20(129)
 */
export function concordanceTd(labels: LabelsInput, curves: SurvivalCurves, opts?: ConcordanceTdOptions): ConcordanceTdResult;
/** @deprecated since 0.2: call `concordanceTd(labels, curves, opts)` — labels first, as every metric. */
export function concordanceTd(curves: SurvivalCurves, labels: LabelsInput, opts?: ConcordanceTdOptions): ConcordanceTdResult;
export function concordanceTd(...args: unknown[]): ConcordanceTdResult {
  const fn = 'concordanceTd';
  const deprecated = isCurvesFirstCall(args);
  const curves = deprecated ? args[0] : args[1];
  const labels = deprecated ? args[1] : args[0];
  const opts = (args[2] ?? {}) as ConcordanceTdOptions;
  if (!(curves instanceof SurvivalCurves)) throw survkitError('notInstance', fn, 'curves', 'SurvivalCurves object', curves);
  const method = assertChoice(fn, 'method', opts.method ?? 'antolini', ['antolini', 'adjAntolini'] as const);
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const n = y.time.length;
  if (curves.n !== n) throw survkitError('shapeMismatch', fn, 'curves', `${n} subjects (one per label)`, `${curves.n} subjects`);
  if (countEvents(y) === 0) throw survkitError('noEvents', fn, 'labels.event');
  const { concordant, comparable } = tdCounts(curves, y.time, y.event, method === 'adjAntolini');
  if (comparable === 0) throw survkitError('noComparablePairs', fn);
  return { cIndex: concordant / comparable, concordant, comparable, method };
}
