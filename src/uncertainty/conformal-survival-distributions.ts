/**
 * Conformalized survival distributions: a post-process that makes any model's survival curves
 * D-calibrated on a held-out calibration set while keeping each subject's curve shape (CSD: Qi, Yu &
 * Greiner, ICML 2024) or the ranking by any survival probability (CSD-iPOT: Qi, Yu & Greiner, NeurIPS 2024).
 *
 * The semantics follow the authors' code (GitHub shi-ang/MakeSurvivalCalibratedAgain, `icp.ConformalSurvDist`
 * with `QuantileRegressionNC`, and `icp.CSDiPOT` with `SurvivalPredictionNC`): percentile levels
 * k/(K+1), k = 1..K; curves read as quantiles by PCHIP of time against 1 − S (with (0, 1) prepended when the
 * grid starts after 0, and the line from the origin through the last point beyond the curve's last CDF value);
 * the conformal quantile of the scores at index ⌈(1 − level)(n + 1)⌉ − 1 of the sorted scores.
 * Plain TypeScript on Float64Array.
 */
import { toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { labelsArg, type LabelsInput } from '../data/labels.js';
import { SurvivalCurves } from '../estimators/survival-curves.js';

/** Which conformalization. */
export type CsdMethod = 'csd' | 'csd-ipot';

/** Options of {@link fitConformalSurvival}. */
export interface ConformalSurvivalOptions {
  /** 'csd' (default): shift each predicted percentile time; 'csd-ipot': re-map the percentile levels by the survival probability at the observed time. */
  method?: CsdMethod;
  /** Number K of percentile levels 1/(K+1), …, K/(K+1) (default 9: 0.1, …, 0.9). */
  percentiles?: number;
  /**
   * How censored calibration subjects enter. 'csd': 'uncensored' (default; drop them) or 'margin' (replace a censoring
   * time c by the Kaplan–Meier conditional mean c + ∫_c S / S(c) of `kmLabels`, trapezoids, with the authors' linear
   * tail), as the authors' options of those names. 'csd-ipot': only 'sampling' (default), the authors' deterministic variant: an event subject's score counts
   * `nSample` times, a censored subject's score S(c) is replaced by the grid S(c)·j/(nSample − 1), j = 0..nSample − 1.
   */
  decensor?: 'uncensored' | 'margin' | 'sampling';
  /**
   * 'margin' only: the labels of the Kaplan–Meier curve whose conditional mean survival replaces a censored time
   * (the authors use the model's training set; default: the calibration labels).
   */
  kmLabels?: LabelsInput;
  /** 'csd-ipot' only: the number of grid points per censored subject (default 1000). */
  nSample?: number;
  /** 'csd' only: how crossing percentile times are made monotone: running maximum 'ceil' (default) or running minimum from the right 'floor'. */
  monotone?: 'ceil' | 'floor';
}

/** Post-processed curves as percentile times per subject. */
export interface ConformalSurvivalPrediction {
  /** Levels 0, 1/(K+1), …, K/(K+1): the CDF value at each column of `quantiles`. */
  readonly levels: Float64Array;
  /** n × (K + 1) row-major percentile times; column 0 is time 0. */
  readonly quantiles: Float64Array;
  readonly n: number;
  /**
   * Survival curves on a shared grid: S = 1 − level read off each subject's percentile times by PCHIP ('pchip',
   * default, as the authors evaluate them) or linearly, and past the last percentile time on the line from (0, 1)
   * through the last point, floored at 0.
   */
  toCurves(times: ArrayLike<number>, opts?: { interpolation?: 'pchip' | 'linear' }): SurvivalCurves;
}

/** A fitted post-processing map. */
export interface ConformalSurvival {
  readonly method: CsdMethod;
  /** The nominal levels 1/(K+1), …, K/(K+1). */
  readonly levels: Float64Array;
  /** 'csd': the conformal shift subtracted from each percentile time; 'csd-ipot': the adjusted CDF levels 1 − score. */
  readonly adjustment: Float64Array;
  /** Calibration subjects used (after dropping censored ones for 'csd'). */
  readonly nCalibration: number;
  /** Applies the map to new curves. */
  predict(curves: SurvivalCurves): ConformalSurvivalPrediction;
}

const FN = 'fitConformalSurvival';

/** numpy.linspace(1/(K+1), K/(K+1), K) exactly as numpy computes it. */
function percentileLevels(k: number): Float64Array {
  const start = 1 / (k + 1);
  const stop = k / (k + 1);
  const out = new Float64Array(k);
  if (k === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (k - 1);
  for (let i = 0; i < k; i++) out[i] = i * step + start;
  out[k - 1] = stop;
  return out;
}

function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function pchipEdge(h0: number, h1: number, m0: number, m1: number): number {
  const d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
  if (sign(d) !== sign(m0)) return 0;
  if (sign(m0) !== sign(m1) && Math.abs(d) > 3 * Math.abs(m0)) return 3 * m0;
  return d;
}

/**
 * A PCHIP interpolant as scipy.interpolate.PchipInterpolator builds it (same derivatives, same piecewise
 * polynomial coefficients, same evaluation order; the end pieces extrapolate).
 * @internal
 */
export function pchip(x: Float64Array, y: Float64Array): (t: number) => number {
  const n = x.length;
  const h = new Float64Array(n - 1);
  const m = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    h[i] = (x[i + 1] as number) - (x[i] as number);
    m[i] = ((y[i + 1] as number) - (y[i] as number)) / (h[i] as number);
  }
  const d = new Float64Array(n);
  if (n === 2) {
    d[0] = m[0] as number;
    d[1] = m[0] as number;
  } else {
    for (let k = 1; k < n - 1; k++) {
      const w1 = 2 * (h[k] as number) + (h[k - 1] as number);
      const w2 = (h[k] as number) + 2 * (h[k - 1] as number);
      const cond = sign(m[k] as number) !== sign(m[k - 1] as number) || m[k] === 0 || m[k - 1] === 0;
      d[k] = cond ? 0 : 1 / ((w1 / (m[k - 1] as number) + w2 / (m[k] as number)) / (w1 + w2));
    }
    d[0] = pchipEdge(h[0] as number, h[1] as number, m[0] as number, m[1] as number);
    d[n - 1] = pchipEdge(h[n - 2] as number, h[n - 3] as number, m[n - 2] as number, m[n - 3] as number);
  }
  // scipy CubicHermiteSpline → PPoly coefficients c0·s³ + c1·s² + c2·s + c3
  const c0 = new Float64Array(n - 1);
  const c1 = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    const t = ((d[i] as number) + (d[i + 1] as number) - 2 * (m[i] as number)) / (h[i] as number);
    c0[i] = t / (h[i] as number);
    c1[i] = ((m[i] as number) - (d[i] as number)) / (h[i] as number) - t;
  }
  return (t: number): number => {
    let i: number;
    if (t < (x[0] as number)) i = 0;
    else if (t >= (x[n - 1] as number)) i = n - 2;
    else {
      let lo = 0;
      let hi = n - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if ((x[mid] as number) <= t) lo = mid;
        else hi = mid;
      }
      i = lo;
    }
    const s = t - (x[i] as number);
    // scipy _ppoly.evaluate_poly1: increasing powers
    let res = y[i] as number;
    let z = s;
    res += (d[i] as number) * z;
    z *= s;
    res += (c1[i] as number) * z;
    z *= s;
    res += (c0[i] as number) * z;
    return res;
  };
}

/** Grid and survival of curve i with (0, 1) prepended when the grid starts after 0 (the authors' predict_nc). */
function paddedCurve(curves: SurvivalCurves, i: number): { t: Float64Array; s: Float64Array } {
  const pad = curves.times[0] !== 0 ? 1 : 0;
  const t = new Float64Array(curves.m + pad);
  const s = new Float64Array(curves.m + pad);
  if (pad) s[0] = 1;
  for (let k = 0; k < curves.m; k++) {
    t[k + pad] = curves.times[k] as number;
    s[k + pad] = curves.values[i * curves.m + k] as number;
  }
  return { t, s };
}

/** The authors' survival_to_quantile (Pchip) for one padded curve. */
function curveQuantiles(fn: string, arg: string, i: number, t: Float64Array, s: Float64Array, levels: Float64Array): Float64Array {
  const len = t.length;
  const slope = (1 - (s[len - 1] as number)) / (t[len - 1] as number);
  // numpy.unique of the CDF keeping the first occurrence (the CDF is non-decreasing)
  const cx: number[] = [];
  const ty: number[] = [];
  for (let k = 0; k < len; k++) {
    const c = 1 - (s[k] as number);
    if (cx.length === 0 || c > (cx[cx.length - 1] as number)) {
      cx.push(c);
      ty.push(t[k] as number);
    }
  }
  if (cx.length < 2) throw survkitError('csdFlatCurve', fn, arg, i);
  const f = pchip(Float64Array.from(cx), Float64Array.from(ty));
  const last = cx[cx.length - 1] as number;
  const out = new Float64Array(levels.length);
  for (let j = 0; j < levels.length; j++) out[j] = (levels[j] as number) > last ? (levels[j] as number) / slope : f(levels[j] as number);
  return out;
}

/** The authors' predict_prob_from_curve (Pchip): S at time u, past the grid on the line through (0, 1). */
function probAt(t: Float64Array, s: Float64Array, u: number): number {
  const f = pchip(t, s);
  const maxTime = t[t.length - 1] as number;
  const slope = (1 - f(maxTime)) / (0 - maxTime);
  return u > maxTime ? Math.max(slope * u + 1, 0) : f(u);
}

/** Index ⌈(1 − level)(n + 1)⌉ − 1 clipped to [0, n − 1], as the authors' apply_inverse. */
function conformalIndex(level: number, n: number): number {
  const idx = Math.ceil((1 - level) * (n + 1)) - 1;
  return Math.min(Math.max(idx, 0), n - 1);
}

function intOption(v: unknown, name: string, lo: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo) throw survkitError('optionRange', FN, name, `an integer >= ${lo}`, v);
  return v;
}

function prediction(levels: Float64Array, q: Float64Array, n: number): ConformalSurvivalPrediction {
  const w = levels.length;
  return {
    levels,
    quantiles: q,
    n,
    toCurves(times: ArrayLike<number>, opts: { interpolation?: 'pchip' | 'linear' } = {}): SurvivalCurves {
      const fn = 'ConformalSurvivalPrediction.toCurves';
      const interp = opts.interpolation ?? 'pchip';
      if (interp !== 'pchip' && interp !== 'linear') throw survkitError('optionRange', fn, 'interpolation', "'pchip' or 'linear'", interp);
      const grid = toFloat64(fn, 'times', times);
      const out = new Float64Array(n * grid.length);
      const surv = new Float64Array(w);
      for (let j = 0; j < w; j++) surv[j] = 1 - (levels[j] as number);
      for (let i = 0; i < n; i++) {
        const qt = q.subarray(i * w, (i + 1) * w);
        const f = interp === 'pchip' ? pchip(qt, surv) : null;
        const at = (u: number): number => {
          if (f) return f(u);
          let k = 0;
          while (k < w - 2 && (qt[k + 1] as number) < u) k++;
          return (
            (surv[k] as number) + (((surv[k + 1] as number) - (surv[k] as number)) * (u - (qt[k] as number))) / ((qt[k + 1] as number) - (qt[k] as number))
          );
        };
        const maxTime = qt[w - 1] as number;
        const slope = (1 - at(maxTime)) / (0 - maxTime);
        let prev = 1;
        for (let k = 0; k < grid.length; k++) {
          const u = grid[k] as number;
          let v = u > maxTime ? Math.max(slope * u + 1, 0) : at(u);
          // rounding of the cubic pieces: keep the curve in [0, 1] and non-increasing
          v = Math.min(Math.max(v, 0), prev);
          out[i * grid.length + k] = v;
          prev = v;
        }
      }
      return new SurvivalCurves(grid, out);
    },
  };
}

/**
 * Fits the conformal post-processing map on calibration curves and their labels (a set not used to train the
 * model). `predict` then turns any curves of the same model into D-calibrated ones, returned as percentile times
 * (`toCurves` puts them on a grid).
 *
 * 'csd' keeps each curve's shape and shifts its percentile times by the conformal quantile of the calibration
 * errors; 'csd-ipot' keeps each curve and re-maps its percentile levels by the conformal quantile of S_i(t_i),
 * so the order of subjects by survival probability at any time is unchanged.
 *
 * @throws {SurvkitError} `optionRange` for a bad option; `lengthMismatch` when labels and curves differ in
 *   length; `noEvents` for 'csd' without an event; `csdFlatCurve` when a curve stays at 1 over its whole grid
 * @example
 * const cal = new SurvivalCurves([1, 2, 3], [0.9, 0.6, 0.3, 0.8, 0.5, 0.2, 0.95, 0.7, 0.4]);
 * const map = fitConformalSurvival(cal, { time: [1.5, 2.5, 2], event: [1, 1, 0] });
 * map.predict(cal).quantiles.length; // 3 subjects × 10 levels
 */
export function fitConformalSurvival(curves: SurvivalCurves, labels: LabelsInput, opts: ConformalSurvivalOptions = {}): ConformalSurvival {
  if (!(curves instanceof SurvivalCurves)) throw survkitError('csdCurves', FN, 'curves', typeof curves);
  const y = labelsArg(FN, 'labels', labels);
  if (y.time.length !== curves.n) throw survkitError('lengthMismatch', FN, 'labels.time', y.time.length, 'curves', curves.n);
  const method = opts.method ?? 'csd';
  if (method !== 'csd' && method !== 'csd-ipot') throw survkitError('optionRange', FN, 'method', "'csd' or 'csd-ipot'", method);
  const K = intOption(opts.percentiles, 'percentiles', 1, 9);
  const levels = percentileLevels(K);
  const decensor = opts.decensor ?? (method === 'csd' ? 'uncensored' : 'sampling');
  if (method === 'csd' && decensor !== 'uncensored' && decensor !== 'margin') {
    throw survkitError('optionRange', FN, 'decensor', "'uncensored' or 'margin' with method 'csd'", decensor);
  }
  if (method === 'csd-ipot' && decensor !== 'sampling') throw survkitError('optionRange', FN, 'decensor', "'sampling' with method 'csd-ipot'", decensor);
  const monotone = opts.monotone ?? 'ceil';
  if (monotone !== 'ceil' && monotone !== 'floor') throw survkitError('optionRange', FN, 'monotone', "'ceil' or 'floor'", monotone);
  const nSample = intOption(opts.nSample, 'nSample', 2, 1000);

  if (method === 'csd') {
    const rows: number[] = [];
    let target: Float64Array = y.time;
    if (decensor === 'margin') {
      const km = opts.kmLabels === undefined ? y : labelsArg(FN, 'kmLabels', opts.kmLabels);
      target = marginTimes(y.time, y.event, km.time, km.event);
      for (let i = 0; i < curves.n; i++) rows.push(i);
    } else {
      for (let i = 0; i < curves.n; i++) if (y.event[i] === 1) rows.push(i);
    }
    if (rows.length === 0) throw survkitError('noEvents', FN, 'labels.event');
    const n = rows.length;
    const cols = Array.from({ length: K }, () => new Float64Array(n));
    rows.forEach((i, r) => {
      const { t, s } = paddedCurve(curves, i);
      const q = curveQuantiles(FN, 'curves', i, t, s, levels);
      for (let j = 0; j < K; j++) (cols[j] as Float64Array)[r] = (q[j] as number) - (target[i] as number);
    });
    const shift = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      const sorted = (cols[j] as Float64Array).sort();
      shift[j] = sorted[conformalIndex(levels[j] as number, n)] as number;
    }
    return {
      method,
      levels,
      adjustment: shift,
      nCalibration: n,
      predict(test: SurvivalCurves): ConformalSurvivalPrediction {
        const pfn = 'ConformalSurvival.predict';
        if (!(test instanceof SurvivalCurves)) throw survkitError('csdCurves', pfn, 'curves', typeof test);
        const w = K + 1;
        const out = new Float64Array(test.n * w);
        for (let i = 0; i < test.n; i++) {
          const { t, s } = paddedCurve(test, i);
          const q = curveQuantiles(pfn, 'curves', i, t, s, levels);
          const row = new Float64Array(w);
          for (let j = 0; j < K; j++) row[j + 1] = Math.max((q[j] as number) - (shift[j] as number), 0);
          if (monotone === 'ceil') for (let j = 1; j < w; j++) row[j] = Math.max(row[j] as number, row[j - 1] as number);
          else for (let j = w - 2; j >= 0; j--) row[j] = Math.min(row[j] as number, row[j + 1] as number);
          for (let j = 0; j < w; j++) out[i * w + j] = (row[j] as number) + j * 1e-10;
        }
        return prediction(withZero(levels), out, test.n);
      },
    };
  }

  // CSD-iPOT
  const nCal = curves.n;
  const scores = new Float64Array(nCal * nSample);
  const step = 1 / (nSample - 1);
  let p = 0;
  for (let i = 0; i < nCal; i++) {
    const { t, s } = paddedCurve(curves, i);
    const v = probAt(t, s, y.time[i] as number);
    if (y.event[i] === 1) for (let j = 0; j < nSample; j++) scores[p++] = v;
    else for (let j = 0; j < nSample; j++) scores[p++] = (j === nSample - 1 ? 1 : j * step) * v;
  }
  scores.sort();
  const adj = new Float64Array(K);
  for (let j = 0; j < K; j++) adj[j] = 1 - (scores[conformalIndex(levels[j] as number, scores.length)] as number);
  return {
    method,
    levels,
    adjustment: adj,
    nCalibration: nCal,
    predict(test: SurvivalCurves): ConformalSurvivalPrediction {
      const pfn = 'ConformalSurvival.predict';
      if (!(test instanceof SurvivalCurves)) throw survkitError('csdCurves', pfn, 'curves', typeof test);
      const w = K + 1;
      const q = new Float64Array(test.n * K);
      let strict = true;
      for (let i = 0; i < test.n; i++) {
        const { t, s } = paddedCurve(test, i);
        const row = curveQuantiles(pfn, 'curves', i, t, s, adj);
        q.set(row, i * K);
        for (let j = 1; j < K; j++) if (!((row[j] as number) - (row[j - 1] as number) > 0)) strict = false;
      }
      const out = new Float64Array(test.n * w);
      for (let i = 0; i < test.n; i++) {
        for (let j = 0; j < K; j++) out[i * w + j + 1] = strict ? (q[i * K + j] as number) : (q[i * K + j] as number) + j * 1e-10;
      }
      return prediction(withZero(levels), out, test.n);
    },
  };
}

function withZero(levels: Float64Array): Float64Array {
  const out = new Float64Array(levels.length + 1);
  out.set(levels, 1);
  return out;
}

/**
 * The authors' 'margin' decensoring: each censoring time c becomes SurvivalEVAL's KaplanMeierArea.best_guess(c) of
 * the Kaplan–Meier curve of (kmTime, kmEvent), or stays c past the curve's linear zero; event times are kept.
 */
function marginTimes(time: Float64Array, event: Int32Array, kmTime: Float64Array, kmEvent: Int32Array): Float64Array {
  const order = Array.from(kmTime.keys()).sort((a, b) => (kmTime[a] as number) - (kmTime[b] as number));
  const times: number[] = [];
  const counts: number[] = [];
  const events: number[] = [];
  for (const i of order) {
    const u = kmTime[i] as number;
    if (times.length === 0 || u !== times[times.length - 1]) {
      times.push(u);
      counts.push(0);
      events.push(0);
    }
    counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    events[events.length - 1] = (events[events.length - 1] as number) + (kmEvent[i] === 1 ? 1 : 0);
  }
  const probs: number[] = [];
  let atRisk = order.length;
  let prod = 1;
  for (let k = 0; k < times.length; k++) {
    prod *= 1 - (events[k] as number) / atRisk;
    probs.push(prod);
    atRisk -= counts[k] as number;
  }
  if ((times[0] as number) > 0) {
    times.unshift(0);
    probs.unshift(1);
  }
  const last = times.length - 1;
  const maxTime = times[last] as number;
  const minProb = Math.min(...probs);
  // KaplanMeierArea: trapezoid areas to the right of each knot, with the linear zero appended when S does not reach 0
  const areaTimes = times.slice();
  const areaProbs = probs.slice();
  const linearZero = maxTime / (1 - (probs[last] as number));
  if (probs[last] !== 0) {
    areaTimes.push(linearZero);
    areaProbs.push(0);
  }
  const pieces = areaTimes.length - 1;
  const area = new Float64Array(pieces + 1);
  let acc = 0;
  for (let k = pieces - 1; k >= 0; k--) {
    acc += ((areaTimes[k + 1] as number) - (areaTimes[k] as number)) * (((areaProbs[k] as number) + (areaProbs[k + 1] as number)) / 2);
    area[k] = acc;
  }
  areaTimes.push(Infinity);
  const slope = (1 - minProb) / (0 - maxTime);
  let kmZero = -1 / ((1 - minProb) / (0 - maxTime));
  if (!Number.isFinite(kmZero)) kmZero = maxTime;
  const out = Float64Array.from(time);
  for (let i = 0; i < time.length; i++) {
    if (event[i] === 1) continue;
    const c = time[i] as number;
    if (c > kmZero) continue;
    let sp: number;
    if (c <= maxTime) {
      let k = -1;
      while (k + 1 < times.length && (times[k + 1] as number) <= c) k++;
      sp = k < 0 ? 1 : (probs[k] as number);
    } else sp = 1 + c * slope;
    sp = Math.max(sp, 1e-10);
    // numpy.digitize(c, areaTimes): the first index with areaTimes[idx] > c
    let idx = 0;
    while (idx < areaTimes.length && (areaTimes[idx] as number) <= c) idx++;
    let cArea = 0;
    if (idx <= areaTimes.length - 2) {
      cArea = ((areaTimes[idx] as number) - c) * ((areaProbs[idx] as number) + sp) * 0.5;
      cArea += area[idx] as number;
    }
    out[i] = c + cArea / sp;
  }
  return out;
}
