/**
 * Conformalized survival analysis (Candès, Lei & Ren 2023): lower predictive
 * bounds on the event time T with a finite-sample coverage guarantee, from any
 * survival model's curves or quantiles, by weighted split conformal inference on
 * the calibration subjects whose censoring time C reaches a threshold c0.
 * Plain TypeScript on Float64Array.
 */
import { assertChoice, assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';

/**
 * Conformity score: `'quantile'` (CQR-LPB), V = min(q̂(X), c0) − min(T̃, c0) with q̂ a predicted
 * quantile of T; `'distribution'` (CDR-LPB), V = Ŝ(min(T̃, c0)− | X), the predicted P(T ≥ t) at the observed time.
 */
export type LowerBoundScore = 'quantile' | 'distribution';

/** Predictions of the model for n subjects: survival curves, or one predicted quantile of T per subject (quantile score only). */
export type LowerBoundPrediction = SurvivalCurves | ArrayLike<number>;

/** Calibration subjects (not used to fit the model): observed time T̃ = min(T, C) and censoring time C, known for everyone (type I censoring). */
export interface LowerBoundCalibration {
  /** Observed times min(T, C), finite and >= 0. */
  time: ArrayLike<number>;
  /** Censoring times C (>= time; Infinity for a subject followed for ever). */
  censoringTime: ArrayLike<number>;
}

/** Options of {@link fitConformalLowerBound}. */
export interface ConformalLowerBoundOptions {
  /** Miscoverage α in (0, 1): P(T ≥ bound) ≥ 1 − α. */
  alpha: number;
  /** Censoring threshold c0 > 0: only calibration subjects with C ≥ c0 are used and bounds never exceed c0. Choose it without the calibration data. */
  c0: number;
  /** Conformity score (default `'distribution'` for curves; numeric predictions are quantiles and always use `'quantile'`). */
  score?: LowerBoundScore;
  /** Quantile score from curves: the level τ of q̂_τ(x) = inf{t : Ŝ(t | x) ≤ 1 − τ} (default α). */
  quantileLevel?: number;
  /**
   * P(C ≥ c0 | X) of each calibration subject (n values in (0, 1]) or one number for all (default 1). The
   * weights are 1/P(C ≥ c0 | X); a constant gives the unweighted split-conformal quantile.
   */
  censoringProb?: number | ArrayLike<number>;
}

/** Options of {@link ConformalLowerBound.predict}. */
export interface PredictLowerBoundOptions {
  /** P(C ≥ c0 | X) of each new subject; required when the calibration probabilities were per subject. */
  censoringProb?: number | ArrayLike<number>;
}

/** Bounds of {@link ConformalLowerBound.predict}. */
export interface LowerBoundPredictionResult {
  /** Lower predictive bound on T per subject, in [0, c0]. */
  lower: Float64Array;
  /** The calibrated score threshold η per subject (Infinity when the weights leave no finite quantile; the bound is then 0). */
  eta: Float64Array;
}

/** A fitted conformal lower bound: {@link fitConformalLowerBound}. */
export interface ConformalLowerBound {
  readonly alpha: number;
  readonly c0: number;
  readonly score: LowerBoundScore;
  /** Calibration subjects with C ≥ c0 (those the quantile is taken over). */
  readonly used: number;
  /** Their conformity scores, ascending. */
  readonly scores: Float64Array;
  /** Bounds for new subjects (predictions of the same model). */
  predict(prediction: LowerBoundPrediction, opts?: PredictLowerBoundOptions): LowerBoundPredictionResult;
}

const TOL = 1e-12;

/** q̂_τ(x) of each curve: the first grid time with Ŝ ≤ 1 − τ (Infinity when the curve stays above). */
function curveQuantiles(curves: SurvivalCurves, tau: number): Float64Array {
  const out = new Float64Array(curves.n).fill(Infinity);
  for (let i = 0; i < curves.n; i++) {
    for (let k = 0; k < curves.m; k++) {
      if (curves.get(i, k) <= 1 - tau) {
        out[i] = curves.times[k] as number;
        break;
      }
    }
  }
  return out;
}

/** inf{t : Ŝ(t−) ≤ η} of a step curve: 0 when η ≥ 1, the first grid time with Ŝ ≤ η, Infinity when none. */
function stepInverse(curves: SurvivalCurves, i: number, eta: number): number {
  if (eta >= 1) return 0;
  for (let k = 0; k < curves.m; k++) if (curves.get(i, k) <= eta) return curves.times[k] as number;
  return Infinity;
}

function probs(fn: string, arg: string, p: number | ArrayLike<number> | undefined, n: number): Float64Array | null {
  if (p === undefined) return null;
  if (typeof p === 'number') {
    assertNumberOption(fn, arg, p, { min: 0, max: 1, minExclusive: true });
    return null;
  }
  const v = toFloat64(fn, arg, p);
  if (v.length !== n) throw survkitError('lengthMismatch', fn, arg, v.length, 'predictions', n);
  v.forEach((x, i) => {
    if (!(x > 0 && x <= 1)) throw survkitError('optionRange', fn, `${arg}[${i}]`, 'a probability in (0, 1]', x);
  });
  return v;
}

/**
 * Fits lower predictive bounds on the event time (Candès, Lei & Ren 2023) on
 * calibration subjects the model was not trained on. Of the n calibration
 * subjects only those with C_i ≥ c0 are used; for them min(T̃_i, c0) = min(T_i, c0)
 * is known. Each gets a conformity score V_i (see {@link LowerBoundScore}) and
 * the weight w_i = 1/P(C ≥ c0 | X_i). For a new subject with weight w, η is the
 * 1 − α quantile of Σ_i p_i δ_{V_i} + p δ_{+∞}, p_i = w_i/(Σ w + w), p = w/(Σ w + w):
 * the smallest V_(k) with Σ_{j≤k} p_(j) ≥ 1 − α (as cfsurvival's `get_calibration`).
 * The bound is
 * - quantile score: max(0, min(q̂(x), c0) − η), at most c0;
 * - distribution score: min(c0, inf{t : Ŝ(t− | x) ≤ η}) on the curves read as right-continuous steps.
 *
 * Guarantee: when the calibration and new subjects are i.i.d., C is independent
 * of T given X, and the weights are the true 1/P(C ≥ c0 | X) (or the
 * censoring is independent of X and one constant is used), P(T ≥ bound) ≥ 1 − α
 * (in fact P(min(T, c0) ≥ bound) ≥ 1 − α). With estimated weights the coverage
 * is approximately 1 − α when either the weights or the model are good (the
 * paper's double robustness).
 *
 * @param prediction the model's curves (n subjects) or its predicted τ-quantile of T per subject
 * @param calibration observed times and censoring times of the same n subjects
 * @param opts α, c0, score, quantile level, P(C ≥ c0 | X)
 * @returns a {@link ConformalLowerBound}; `.predict(newPrediction, { censoringProb })` gives the bounds
 * @throws {SurvkitError} for mismatched lengths, times above their censoring time, negative or non-finite times,
 *   options out of range, or no calibration subject with C ≥ c0
 * @example
 * const cal = { time: [1, 2, 3, 4, 5, 6, 7, 8, 9], censoringTime: [9, 9, 9, 9, 9, 9, 9, 9, 9] };
 * const lb = fitConformalLowerBound([2, 2, 2, 2, 2, 2, 2, 2, 2], cal, { alpha: 0.2, c0: 9 });
 * lb.predict([5]).lower; // Float64Array [5]: the scores 2 − T are 1, 0, …, −7; η = the 8th smallest (⌈0.8·10⌉ = 8), 0
 * @see Candès, Lei & Ren (2023), Conformalized survival analysis, JRSS-B 85(1):24–45; R package cfsurvival
 * @see Tibshirani, Barber, Candès & Ramdas (2019), Conformal prediction under covariate shift, NeurIPS
 */
export function fitConformalLowerBound(
  prediction: LowerBoundPrediction,
  calibration: LowerBoundCalibration,
  opts: ConformalLowerBoundOptions,
): ConformalLowerBound {
  const fn = 'fitConformalLowerBound';
  const alpha = assertNumberOption(fn, 'alpha', opts?.alpha, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const c0 = assertNumberOption(fn, 'c0', opts.c0, { min: 0, minExclusive: true });
  const isCurves = prediction instanceof SurvivalCurves;
  const score = assertChoice(fn, 'score', opts.score ?? (isCurves ? 'distribution' : 'quantile'), ['quantile', 'distribution'] as const);
  if (!isCurves && score === 'distribution') throw survkitError('notInstance', fn, 'prediction', "SurvivalCurves (score 'distribution')", prediction);
  const tau = assertNumberOption(fn, 'quantileLevel', opts.quantileLevel ?? alpha, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const cal = (calibration ?? {}) as Partial<LowerBoundCalibration>;
  const time = toFloat64(fn, 'calibration.time', cal.time);
  const n = time.length;
  const cRaw = censoringTimes(fn, cal.censoringTime);
  if (cRaw.length !== n) throw survkitError('lengthMismatch', fn, 'calibration.censoringTime', cRaw.length, 'calibration.time', n);
  const nPred = isCurves ? prediction.n : prediction.length;
  if (nPred !== n) throw survkitError('lengthMismatch', fn, 'prediction', nPred, 'calibration.time', n);
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    if (!(t >= 0)) throw survkitError('negative', fn, 'calibration.time', i, t);
    if (t > (cRaw[i] as number)) throw survkitError('lowerBoundCensoring', fn, i, t, cRaw[i] as number);
  }
  const w = probs(fn, 'censoringProb', opts.censoringProb, n);
  const calW = typeof opts.censoringProb === 'number' ? 1 / opts.censoringProb : 1;
  const q = score === 'quantile' ? (isCurves ? curveQuantiles(prediction, tau) : toFloat64(fn, 'prediction', prediction)) : null;
  if (q !== null)
    q.forEach((v, i) => {
      if (Number.isNaN(v)) throw survkitError('optionRange', fn, `prediction[${i}]`, 'a number (a predicted quantile)', v);
    });
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if ((cRaw[i] as number) < c0) continue;
    const tc = Math.min(time[i] as number, c0);
    const v = q !== null ? Math.min(q[i] as number, c0) - tc : stepLeft(prediction as SurvivalCurves, i, tc);
    pairs.push([v, w === null ? calW : 1 / (w[i] as number)]);
  }
  if (pairs.length === 0) throw survkitError('lowerBoundNoCalibration', fn, c0);
  pairs.sort((a, b) => a[0] - b[0]);
  const scores = Float64Array.from(pairs, (p) => p[0]);
  const cum = new Float64Array(pairs.length);
  let acc = 0;
  pairs.forEach((p, j) => (cum[j] = acc += p[1]));
  const m = pairs.length;
  const weighted = w !== null;

  /** η for a new subject of weight wNew; with equal weights exactly the ⌈(1 − α)(m + 1)⌉-th smallest score. */
  const etaFor = (wNew: number): number => {
    if (!weighted && wNew === calW) {
      const k = Math.ceil((1 - alpha) * (m + 1) - 1e-9);
      return k > m ? Infinity : (scores[k - 1] as number);
    }
    const target = (1 - alpha) * (acc + wNew) * (1 - TOL);
    const k = searchSorted(cum, target, 'left');
    return k >= m ? Infinity : (scores[k] as number);
  };

  return Object.freeze({
    alpha,
    c0,
    score,
    used: m,
    scores,
    predict(pred: LowerBoundPrediction, popts: PredictLowerBoundOptions = {}): LowerBoundPredictionResult {
      const pfn = 'ConformalLowerBound.predict';
      const curves = pred instanceof SurvivalCurves;
      if (score === 'distribution' && !curves) throw survkitError('notInstance', pfn, 'prediction', "SurvivalCurves (score 'distribution')", pred);
      if (score === 'quantile' && curves !== isCurves) {
        throw survkitError('notInstance', pfn, 'prediction', isCurves ? 'SurvivalCurves (as at fit)' : 'an array of predicted quantiles (as at fit)', pred);
      }
      const nNew = curves ? pred.n : pred.length;
      const wNew = probs(pfn, 'censoringProb', popts.censoringProb, nNew);
      if (weighted && popts.censoringProb === undefined) throw survkitError('lowerBoundTestWeights', pfn);
      const constW = typeof popts.censoringProb === 'number' ? 1 / popts.censoringProb : calW;
      const qNew = score === 'quantile' ? (curves ? curveQuantiles(pred, tau) : toFloat64(pfn, 'prediction', pred)) : null;
      const lower = new Float64Array(nNew);
      const eta = new Float64Array(nNew);
      for (let i = 0; i < nNew; i++) {
        const e = etaFor(wNew === null ? constW : 1 / (wNew[i] as number));
        eta[i] = e;
        let b: number;
        if (qNew !== null) {
          const qi = qNew[i] as number;
          if (Number.isNaN(qi)) throw survkitError('optionRange', pfn, `prediction[${i}]`, 'a number (a predicted quantile)', qi);
          b = Math.min(qi, c0) - e;
        } else b = e === Infinity ? 0 : stepInverse(pred as SurvivalCurves, i, e);
        lower[i] = Math.min(c0, Math.max(0, b));
      }
      return { lower, eta };
    },
  });
}

/** Censoring times: finite numbers or Infinity (followed for ever), not NaN. */
function censoringTimes(fn: string, values: unknown): Float64Array {
  const arg = 'calibration.censoringTime';
  const raw = values as ArrayLike<unknown> | undefined;
  if (typeof raw !== 'object' || raw === null || typeof raw.length !== 'number') return toFloat64(fn, arg, values);
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (typeof v !== 'number' || Number.isNaN(v) || v === -Infinity) throw survkitError('optionRange', fn, `${arg}[${i}]`, 'a time >= 0 or Infinity', v);
    out[i] = v;
  }
  return out;
}

/** Ŝ_i(t−) of a step curve: the value at the last grid time < t, 1 before the grid. */
function stepLeft(curves: SurvivalCurves, i: number, t: number): number {
  const k = searchSorted(curves.times, t, 'left') - 1;
  return k < 0 ? 1 : curves.get(i, k);
}
