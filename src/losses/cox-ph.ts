import * as tf from '@tensorflow/tfjs';
import { assertArrayLike, assertChoice } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { strataGroups } from '../core/strata.js';
import { coxStratifiedNll } from './cox-counting.js';
import { coxExactNll, coxPycoxNll, coxRiskSets, type CoxConvention, type CoxTies, type CoxValueGrad } from './cox-partial-likelihood.js';
import { assertFiniteOutput, assertSomeEvent, eventCodes, timesOfLength, vectorLength } from './inputs.js';

/** Options of {@link coxPhLoss} and {@link coxPhLossFloat64}. */
export interface CoxPhLossOptions {
  /** Tied event times: Efron (default, as R `coxph`) or Breslow. Ignored by `convention: 'pycox'`. */
  ties?: CoxTies;
  /** `'mean'` (default): divided by the number of events, like pycox and R's per-event log-likelihood; `'sum'`: not divided. */
  reduction?: 'mean' | 'sum';
  /**
   * `'exact'` (default): true risk sets {j: T_j ≥ t} with ties grouped.
   * `'pycox'`: pycox 0.3.0 `cox_ph_loss` — sort by descending time, cumulative
   * log-sum-exp with ε = 1e-7 inside the log, NO tie handling. With tied times its
   * value depends on the sort order; survkit sorts stably (tied subjects keep their
   * input order, numpy `argsort(-t, kind='stable')`), whereas pycox's `torch.sort` is unstable.
   */
  convention?: CoxConvention;
  /**
   * Stratum of each subject (numbers or strings): the partial likelihood is the sum over strata, each
   * with risk sets of its own subjects only (R `strata(s)`). Exact convention only.
   */
  strata?: ArrayLike<number | string>;
  /**
   * Entry (left-truncation) time of each subject, < its time: j is at risk at t when entry_j < t ≤ T_j
   * (R `Surv(entry, exit, event)`). Exact convention only.
   */
  entry?: ArrayLike<number>;
}

const FN = 'coxPhLoss';

/** Validated `strata` / `entry` options (undefined when neither is given). */
function countingOptions(fn: string, n: number, t: Float64Array, convention: CoxConvention, opts: CoxPhLossOptions) {
  if (opts.strata === undefined && opts.entry === undefined) return undefined;
  const which = opts.strata !== undefined ? 'strata' : 'entry';
  if (convention !== 'exact') throw survkitError('optionRange', fn, which, "used with convention 'exact' only (pycox's loss has neither)", opts[which]);
  let entry: Float64Array | undefined;
  if (opts.entry !== undefined) {
    entry = timesOfLength(fn, 'entry', opts.entry, 'logRisk', n);
    entry.forEach((v, i) => {
      if (!(v < (t[i] as number))) throw survkitError('entryNotBeforeExit', fn, 'entry', i, v, t[i] as number);
    });
  }
  if (opts.strata !== undefined) {
    const s = assertArrayLike(fn, 'strata', opts.strata);
    if (s.length !== n) throw survkitError('lengthMismatch', fn, 'strata', s.length, 'logRisk', n);
    for (let i = 0; i < n; i++) {
      const v = s[i];
      if (!((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string')) throw survkitError('notFinite', fn, 'strata', i, v);
    }
  }
  return { groups: strataGroups(opts.strata, n), entry };
}

function prepare(fn: string, n: number, time: unknown, event: unknown, opts: CoxPhLossOptions) {
  const ties = assertChoice(fn, 'ties', opts.ties ?? 'efron', ['efron', 'breslow'] as const);
  const reduction = assertChoice(fn, 'reduction', opts.reduction ?? 'mean', ['mean', 'sum'] as const);
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'exact', ['exact', 'pycox'] as const);
  const t = timesOfLength(fn, 'time', time, 'logRisk', n);
  const e = eventCodes(fn, 'event', event, 'logRisk', n, 1);
  const nEvents = assertSomeEvent(fn, 'event', e);
  const scale = reduction === 'mean' ? 1 / nEvents : 1;
  const counting = countingOptions(fn, n, t, convention, opts);
  const sets = convention === 'exact' && counting === undefined ? coxRiskSets(t, e) : undefined;
  return (g: ArrayLike<number>): CoxValueGrad => {
    if (counting !== undefined) {
      const r = coxStratifiedNll(t, e, g, ties, counting.groups, counting.entry);
      return scale === 1 ? r : { value: r.value * scale, gradient: r.gradient.map((v) => v * scale) };
    }
    const r = sets !== undefined ? coxExactNll(sets, g, ties) : coxPycoxNll(t, e, g);
    if (scale !== 1) {
      r.value *= scale;
      for (let i = 0; i < n; i++) r.gradient[i] = (r.gradient[i] as number) * scale;
    }
    return r;
  };
}

/**
 * Negative Cox partial log-likelihood of a batch (DeepSurv / CoxPH loss), with
 * exact risk sets and Efron or Breslow handling of tied event times.
 *
 * With g = `logRisk`, H_k the m_k events at the k-th distinct event time and
 * R_k = {j: T_j ≥ t_k}:
 * Breslow −Σ_k [Σ_{H_k} g_i − m_k log Σ_{R_k} e^{g_j}];
 * Efron −Σ_k [Σ_{H_k} g_i − Σ_{r<m_k} log(Σ_{R_k} e^{g_j} − (r/m_k) Σ_{H_k} e^{g_i})];
 * divided by the number of events for `reduction: 'mean'`. Equals R
 * `coxph(Surv(t, e) ~ offset(g), ties = …)$loglik / −d`. With `strata` the
 * partial likelihood sums over strata, and with `entry` risk sets start at entry
 * (left truncation): R `coxph(Surv(entry, t, e) ~ offset(g) + strata(s))`.
 *
 * The value and the exact gradient are computed on the host in float64 in
 * O(n log n) (a `tf.customGrad`: the model output is read back, never gathered
 * or sorted as a tensor), so it is differentiable on every backend including
 * WASM, and stable for log-risks of ±1e4 (each risk set's log-sum-exp subtracts
 * its own maximum). Returns a float32 scalar.
 *
 * @param logRisk model output g, shape [n] or [n, 1]
 * @param time observed times (any finite numbers; only their order matters)
 * @param event 1 = event, 0 = censored
 * @example
 * const g = tf.tensor1d([0.2, -0.1, 0.5]);
 * const loss = coxPhLoss(g, [3, 1, 3], [1, 1, 0]); // Efron, mean over the 2 events
 * const grad = tf.grad((x) => coxPhLoss(x, [3, 1, 3], [1, 1, 0]))(g);
 * @throws {SurvkitError} if `logRisk` is not [n] or [n, 1], lengths differ, event codes are not 0/1,
 *   there is no event, an option is invalid, or `logRisk` holds NaN/±Infinity
 * @see Cox (1972); Efron (1977) JASA 72:557; Katzman et al. (2018) DeepSurv, BMC Med Res Methodol 18:24;
 *   pycox `models/loss.py:cox_ph_loss` (Kvamme et al. 2019)
 */
/**
 * {@link coxPhLoss} on the host: for n log-risks, the same value and gradient
 * (float64) as the TF.js loss computes before rounding them to float32, for a
 * training loop that runs the network itself (the dense engine).
 *
 * @example
 * const lossOf = coxPhLossHost(3, [1, 2, 3], [1, 0, 1]);
 * const { value, gradient } = lossOf([0.1, -0.2, 0.3]);
 */
export function coxPhLossHost(
  n: number,
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  opts: CoxPhLossOptions = {},
): (g: ArrayLike<number>) => CoxValueGrad {
  const evaluate = prepare(FN, n, time, event, opts);
  return (g) => {
    assertFiniteOutput(FN, 'logRisk', g);
    return evaluate(g);
  };
}

export function coxPhLoss(logRisk: tf.Tensor, time: ArrayLike<number>, event: ArrayLike<number>, opts: CoxPhLossOptions = {}): tf.Scalar {
  const n = vectorLength(FN, 'logRisk', logRisk);
  const evaluate = prepare(FN, n, time, event, opts);
  const f = tf.customGrad((input: unknown) => {
    const x = input as tf.Tensor;
    const g = x.dataSync() as ArrayLike<number>;
    assertFiniteOutput(FN, 'logRisk', g);
    const r = evaluate(g);
    const shape = x.shape;
    return {
      value: tf.scalar(r.value, 'float32'),
      gradFunc: (dy: tf.Scalar) => tf.mul(dy, tf.tensor(Float32Array.from(r.gradient), shape, 'float32')),
    };
  });
  return f(logRisk);
}

/**
 * The float64 reference of {@link coxPhLoss}: the same loss and its exact
 * gradient on plain arrays, without TensorFlow.js tensors.
 *
 * @example
 * const { value, gradient } = coxPhLossFloat64([0.2, -0.1, 0.5], [3, 1, 3], [1, 1, 0], { ties: 'breslow' });
 * @throws {SurvkitError} as {@link coxPhLoss}
 */
export function coxPhLossFloat64(
  logRisk: ArrayLike<number>,
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  opts: CoxPhLossOptions = {},
): { value: number; gradient: Float64Array } {
  const fn = 'coxPhLossFloat64';
  const g = Float64Array.from(logRisk);
  if (g.length === 0) return prepare(fn, 0, time, event, opts)(g); // throws on the empty labels
  assertFiniteOutput(fn, 'logRisk', g);
  return prepare(fn, g.length, time, event, opts)(g);
}
