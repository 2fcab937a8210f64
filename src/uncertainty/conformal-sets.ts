/**
 * Split-conformal prediction sets for classification (LAC, APS, RAPS) from
 * class probabilities, float64 and TensorFlow-free. A calibration set of n
 * labelled cases gives a threshold q̂ on a conformity score; the set of a new
 * case holds every class whose score is within q̂. Under exchangeability of
 * the calibration and test cases, P(Y ∈ C(X)) ≥ 1 − α (Vovk et al. 2005;
 * Romano, Sesia & Candès 2020; Angelopoulos et al. 2021).
 */
import { assertChoice, assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { classLabels } from '../data/class-labels.js';
import { probMatrix, type ProbsInput } from '../metrics/top-label.js';

/** Conformity score: 'lac' (1 − p_y), 'aps' (cumulative mass down to y), 'raps' (APS + λ·(rank − kReg)⁺). */
export type ConformalMethod = 'lac' | 'aps' | 'raps';

/**
 * Conventions: 'conformal' takes the ⌈(n+1)(1−α)⌉-th smallest calibration score
 * and the RAPS randomisation of Angelopoulos et al. (2021); 'mapie' takes
 * numpy.quantile(scores, (n+1)(1−α)/n, method='higher') — the
 * ⌈(n+1)(1−α) − (n+1)(1−α)/n⌉+1-th smallest, one rank higher when the fractional part of
 * (n+1)(1−α) exceeds (n+1)(1−α)/n — and MAPIE 0.9's RAPS randomisation.
 */
export type ConformalConvention = 'conformal' | 'mapie';

/** Options of {@link calibrateConformalSets}. */
export interface ConformalSetOptions {
  /** Miscoverage level α in (0, 1): sets cover the label with probability ≥ 1 − α. */
  alpha: number;
  /** Default 'aps'. */
  method?: ConformalMethod;
  /** APS/RAPS: randomise the calibration scores, E − U·p_y (default false; MAPIE 0.9 always does). */
  randomized?: boolean;
  /** The n uniforms U in [0, 1) of the randomised calibration scores (otherwise drawn from `seed`). */
  uniforms?: ArrayLike<number>;
  /** Seed of the uniforms when `uniforms` is not given (default 0). */
  seed?: number;
  /** RAPS: ranks up to kReg are not penalised (integer >= 0, default 1). */
  kReg?: number;
  /** RAPS: penalty per rank beyond kReg (>= 0, default 0.01). */
  lambda?: number;
  /** Default 'conformal'. */
  convention?: ConformalConvention;
}

/** A fitted conformal classifier: the threshold and how it was obtained. */
export interface ConformalCalibration {
  method: ConformalMethod;
  alpha: number;
  convention: ConformalConvention;
  /** Number of calibration cases n. */
  n: number;
  /** Number of classes K. */
  classes: number;
  /** The calibration conformity scores, in input order. */
  scores: Float64Array;
  /** 1-based rank of q̂ among the sorted scores (n + 1 when q̂ = +∞). */
  rank: number;
  /** The threshold q̂ (+∞ when (n+1)(1−α) > n: every set holds all classes). */
  qhat: number;
  kReg: number;
  lambda: number;
}

/** Options of {@link predictConformalSets}. */
export interface PredictConformalSetOptions {
  /**
   * APS/RAPS: whether the class at which the cumulative score crosses q̂ is in
   * the set: true (default), false, or 'randomized' (kept with probability
   * (q̂ − E_before)/increment, which makes coverage exactly 1 − α on average).
   */
  includeLastLabel?: boolean | 'randomized';
  /** The uniforms of 'randomized' sets, one per row in [0, 1) (otherwise drawn from `seed`). */
  uniforms?: ArrayLike<number>;
  /** Seed of the uniforms when `uniforms` is not given (default 0). */
  seed?: number;
  /** True labels of the rows: report the empirical coverage. */
  labels?: ArrayLike<number>;
}

/** Prediction sets of {@link predictConformalSets}. */
export interface ConformalSets {
  /** n×K row-major: 1 when class j is in the set of row i. */
  sets: Uint8Array;
  /** Set size per row. */
  size: Int32Array;
  /** Mean set size. */
  meanSize: number;
  /** Fraction of rows whose label is in its set (when labels are given). */
  coverage?: number;
  classes: number;
}

/** Tolerance of the score comparisons (MAPIE's EPSILON). */
const EPS = 1e-8;

/** Class order by decreasing probability; ties by lower class index. */
function descendingOrder(p: Float64Array, row: number, k: number): number[] {
  const idx = Array.from({ length: k }, (_, j) => j);
  return idx.sort((a, b) => (p[row * k + b] as number) - (p[row * k + a] as number) || a - b);
}

/** Uniforms from the option or a seeded stream. */
function uniformsOf(fn: string, given: ArrayLike<number> | undefined, seed: number | undefined, n: number): Float64Array {
  if (given !== undefined) {
    const u = toFloat64(fn, 'uniforms', given);
    if (u.length !== n) throw survkitError('lengthMismatch', fn, 'uniforms', u.length, 'probs (rows)', n);
    for (let i = 0; i < n; i++) {
      const v = u[i] as number;
      if (!(v >= 0 && v <= 1)) throw survkitError('optionRange', fn, `uniforms[${i}]`, 'a number in [0, 1]', v);
    }
    return u;
  }
  const rng = new Random(assertNumberOption(fn, 'seed', seed ?? 0, { integer: true }));
  return Float64Array.from({ length: n }, () => rng.next());
}

/**
 * The 1-based rank of the conformal quantile among n sorted scores, n + 1 meaning +∞.
 * 'conformal': ⌈(n+1)(1−α)⌉ ((n+1)(1−α) within 1e-9 of an integer counts as that integer);
 * 'mapie': numpy's 'higher' quantile at q = (n+1)(1−α)/n, index ⌈n·q − q⌉ (0-based), computed as numpy does.
 */
export function conformalRank(n: number, alpha: number, convention: ConformalConvention = 'conformal'): number {
  const level = (n + 1) * (1 - alpha);
  if (convention === 'mapie') {
    const q = level / n;
    if (q > 1) return n + 1;
    const virtual = n * q + (1 + q * (1 - 1 - 1)) - 1;
    return Math.min(Math.max(Math.ceil(virtual), 0), n - 1) + 1;
  }
  const r = Math.abs(level - Math.round(level)) <= 1e-9 ? Math.round(level) : Math.ceil(level);
  return r > n ? n + 1 : Math.max(r, 1);
}

/** Cumulative (regularised) mass along the sorted classes of one row. */
function cumulative(p: Float64Array, row: number, k: number, order: number[], lambda: number, kReg: number): Float64Array {
  const c = new Float64Array(k);
  let s = 0;
  for (let j = 0; j < k; j++) {
    s += p[row * k + (order[j] as number)] as number;
    c[j] = s + lambda * Math.max(0, j + 1 - kReg);
  }
  return c;
}

/**
 * Calibrates split-conformal prediction sets on held-out probabilities:
 * scores s_i = 1 − p_{i,y_i} (LAC); s_i = Σ_{j ≤ o(y_i)} p_(j) − U_i·p_{y_i} [U_i = 0 unless
 * randomised] (APS, classes sorted by decreasing probability, o the 1-based rank of the
 * label); RAPS adds λ·(o(y_i) − kReg)⁺. q̂ is the ⌈(n+1)(1−α)⌉-th smallest score
 * (+∞ when that exceeds n), so that P(Y ∈ C(X)) ≥ 1 − α for an exchangeable new case.
 *
 * @param probs calibration probabilities, n×K (rows or flat row-major)
 * @param labels n class indices 0 … K−1
 * @example
 * const cal = calibrateConformalSets([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], [0, 2, 2, 1], { alpha: 0.2, method: 'lac' });
 * // scores 0.3, 0.7, 0.5, 0.7; ⌈5·0.8⌉ = 4 → q̂ = 0.7
 * @throws {SurvkitError} for malformed probabilities or labels, α outside (0, 1), bad RAPS parameters or uniforms
 * @see Angelopoulos, Bates, Malik & Jordan (2021), Uncertainty sets for image classifiers using conformal prediction, ICLR; MAPIE `MapieClassifier`
 */
export function calibrateConformalSets(probs: ProbsInput, labels: ArrayLike<number>, opts: ConformalSetOptions): ConformalCalibration {
  const fn = 'calibrateConformalSets';
  const m = probMatrix(fn, 'probs', probs, { n: (labels as ArrayLike<unknown> | undefined)?.length });
  const y = classLabels(fn, 'labels', labels, m.n, m.k, 'probs', 'columns of probabilities');
  const alpha = assertNumberOption(fn, 'alpha', opts?.alpha, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const method = assertChoice(fn, 'method', opts.method ?? 'aps', ['lac', 'aps', 'raps'] as const);
  const convention = assertChoice(fn, 'convention', opts.convention ?? 'conformal', ['conformal', 'mapie'] as const);
  const kReg = method === 'raps' ? assertNumberOption(fn, 'kReg', opts.kReg ?? 1, { min: 0, integer: true }) : 0;
  const lambda = method === 'raps' ? assertNumberOption(fn, 'lambda', opts.lambda ?? 0.01, { min: 0 }) : 0;
  const randomized = opts.randomized ?? false;
  if (typeof randomized !== 'boolean') throw survkitError('optionRange', fn, 'randomized', 'true or false', randomized);
  const { n, k, p } = m;
  const u = randomized && method !== 'lac' ? uniformsOf(fn, opts.uniforms, opts.seed, n) : undefined;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number;
    const py = p[i * k + yi] as number;
    if (method === 'lac') {
      scores[i] = 1 - py;
      continue;
    }
    const order = descendingOrder(p, i, k);
    const rank = order.indexOf(yi) + 1;
    let s = 0;
    for (let j = 0; j < rank; j++) s += p[i * k + (order[j] as number)] as number;
    if (u !== undefined) s -= (u[i] as number) * py;
    scores[i] = s + lambda * Math.max(0, rank - kReg);
  }
  const rank = conformalRank(n, alpha, convention);
  const qhat = rank > n ? Infinity : (Float64Array.from(scores).sort()[rank - 1] as number);
  return { method, alpha, convention, n, classes: k, scores, rank, qhat, kReg, lambda };
}

/**
 * Prediction sets of new cases from a {@link calibrateConformalSets} calibration:
 * LAC keeps every class with 1 − p_j ≤ q̂; APS/RAPS add classes in decreasing
 * probability until the cumulative (regularised) mass reaches q̂ — the crossing
 * class included, excluded or kept at random (`includeLastLabel`). Comparisons
 * allow 1e-8 (MAPIE's tolerance); classes tied in probability with the last one are in the set.
 *
 * @param calibration the fitted threshold
 * @param probs n×K probabilities of the cases
 * @example
 * const cal = calibrateConformalSets([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], [0, 2, 2, 1], { alpha: 0.2, method: 'lac' });
 * predictConformalSets(cal, [[0.5, 0.4, 0.1]]).size; // Int32Array [2]: 1 − p ≤ 0.7 for the first two classes
 * @throws {SurvkitError} for malformed probabilities, a class count other than the calibration's, labels or uniforms
 */
export function predictConformalSets(calibration: ConformalCalibration, probs: ProbsInput, opts: PredictConformalSetOptions = {}): ConformalSets {
  const fn = 'predictConformalSets';
  const m = probMatrix(fn, 'probs', probs, { classes: calibration.classes });
  const { n, k, p } = m;
  const { method, qhat, lambda, kReg, convention } = calibration;
  const last = opts.includeLastLabel ?? true;
  if (last !== true && last !== false && last !== 'randomized') throw survkitError('optionRange', fn, 'includeLastLabel', "true, false or 'randomized'", last);
  const u = last === 'randomized' && method !== 'lac' ? uniformsOf(fn, opts.uniforms, opts.seed, n) : undefined;
  const sets = new Uint8Array(n * k);
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (method === 'lac') {
      for (let j = 0; j < k; j++) if (1 - (p[i * k + j] as number) - qhat <= EPS) sets[i * k + j] = 1;
    } else {
      const order = descendingOrder(p, i, k);
      const c = cumulative(p, i, k, order, lambda, kReg);
      let at: number;
      if (last === false) {
        const cap = Math.max(qhat, c[0] as number);
        at = 0;
        for (let j = 0; j < k; j++) if ((c[j] as number) - cap <= EPS) at = j;
      } else {
        at = k - 1;
        for (let j = 0; j < k; j++) {
          if ((c[j] as number) - qhat >= -EPS) {
            at = j;
            break;
          }
        }
      }
      let pLast = p[i * k + (order[at] as number)] as number;
      if (pLast <= EPS) {
        // as MAPIE: a zero last probability becomes the row's smallest non-zero one, so zero classes stay out
        let minPos = Infinity;
        for (let j = 0; j < k; j++) {
          const v = p[i * k + j] as number;
          if (v >= EPS && v < minPos) minPos = v;
        }
        pLast = minPos;
      }
      let count = 0;
      for (let j = 0; j < k; j++) {
        if ((p[i * k + j] as number) - pLast >= -EPS) {
          sets[i * k + j] = 1;
          count++;
        }
      }
      if (u !== undefined) {
        const excess = (c[at] as number) - qhat;
        const step =
          convention === 'mapie' ? pLast - lambda * Math.max(0, count - kReg) + lambda * (count > kReg ? 1 : 0) : pLast + lambda * (count > kReg ? 1 : 0);
        const v = excess / step;
        if (!(v - (u[i] as number) <= EPS)) sets[i * k + (order[at] as number)] = 0;
      }
    }
    let s = 0;
    for (let j = 0; j < k; j++) s += sets[i * k + j] as number;
    size[i] = s;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += size[i] as number;
  const out: ConformalSets = { sets, size, meanSize: total / n, classes: k };
  if (opts.labels !== undefined) {
    const y = classLabels(fn, 'labels', opts.labels, n, k, 'probs', 'columns of probabilities');
    let hit = 0;
    for (let i = 0; i < n; i++) hit += sets[i * k + (y[i] as number)] as number;
    out.coverage = hit / n;
  }
  return out;
}
