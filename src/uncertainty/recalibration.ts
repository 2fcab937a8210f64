/**
 * Post-hoc recalibration of class probabilities beyond temperature scaling:
 * vector and matrix scaling (Guo et al. 2017), Platt scaling (Platt 1999),
 * beta calibration (Kull, Silva Filho & Flach 2017), histogram binning
 * (Zadrozny & Elkan 2001) and isotonic regression (Zadrozny & Elkan 2002),
 * with netcal's conventions, and {@link recalibrate}, which picks one by
 * validation NLL. Float64, TensorFlow-free.
 */
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { classLabels } from '../data/class-labels.js';
import { expectedCalibrationError } from '../metrics/calibration-error.js';
import { probMatrix, type ProbsInput } from '../metrics/top-label.js';
import { lbfgs } from './lbfgs.js';
import { fitTemperature } from './temperature-scaling.js';
import { softmaxRows } from './class-prediction.js';

/** The recalibration maps. */
export type RecalibrationMethod = 'temperature' | 'vector' | 'matrix' | 'platt' | 'beta' | 'histogram' | 'isotonic';

export const RECALIBRATION_METHODS: readonly RecalibrationMethod[] = ['temperature', 'vector', 'matrix', 'platt', 'beta', 'histogram', 'isotonic'];

/** Options of {@link fitRecalibration}. */
export interface RecalibrationOptions {
  /**
   * Inverse ridge strength of the logistic fits (vector, matrix, Platt, beta), scikit-learn's C: the fit
   * minimises C·Σ NLL + ½‖w‖² over the weights w (intercepts not penalised). Default 1 (scikit-learn's default); Infinity for the plain MLE
   * (which diverges when a one-vs-all class is separable).
   */
  C?: number;
  /** Histogram binning: number of equal-width bins (default 10, netcal's default). */
  bins?: number;
}

/** A fitted recalibration map. */
export interface Recalibration {
  method: RecalibrationMethod;
  classes: number;
  /** Recalibrated probabilities of new cases, n×K row-major. */
  apply(probs: ProbsInput): Float64Array;
  /** Fitted parameters (per method: temperature; w, b; W, b; per-class a, b(, c); bin values; isotonic knots). */
  params: Record<string, unknown>;
}

/** netcal's clipping constant: float64 machine epsilon. */
const EPS = 2.220446049250313e-16;
const clip = (p: number): number => Math.min(Math.max(p, EPS), 1 - EPS);

/** Weighted pool-adjacent-violators on sorted unique x; returns scikit-learn's knots (redundant interior points dropped). */
export function isotonicKnots(x: Float64Array, y: Float64Array): { x: Float64Array; y: Float64Array } {
  const order = Array.from(x.keys()).sort((a, b) => (x[a] as number) - (x[b] as number));
  const ux: number[] = [];
  const sumY: number[] = [];
  const w: number[] = [];
  for (const i of order) {
    const xi = x[i] as number;
    if (ux.length > 0 && ux[ux.length - 1] === xi) {
      sumY[sumY.length - 1] = (sumY[sumY.length - 1] as number) + (y[i] as number);
      w[w.length - 1] = (w[w.length - 1] as number) + 1;
    } else {
      ux.push(xi);
      sumY.push(y[i] as number);
      w.push(1);
    }
  }
  // PAVA on block means
  const val: number[] = [];
  const wt: number[] = [];
  const len: number[] = [];
  for (let i = 0; i < ux.length; i++) {
    val.push((sumY[i] as number) / (w[i] as number));
    wt.push(w[i] as number);
    len.push(1);
    while (val.length > 1 && (val[val.length - 2] as number) >= (val[val.length - 1] as number)) {
      const v2 = val.pop() as number;
      const w2 = wt.pop() as number;
      const l2 = len.pop() as number;
      const j = val.length - 1;
      const wsum = (wt[j] as number) + w2;
      val[j] = ((val[j] as number) * (wt[j] as number) + v2 * w2) / wsum;
      wt[j] = wsum;
      len[j] = (len[j] as number) + l2;
    }
  }
  const fitted: number[] = [];
  val.forEach((v, b) => {
    for (let k = 0; k < (len[b] as number); k++) fitted.push(Math.min(1, Math.max(0, v)));
  });
  // keep the first and last point of each constant run (scikit-learn's _make_unique / keep_data)
  const kx: number[] = [];
  const ky: number[] = [];
  for (let i = 0; i < ux.length; i++) {
    const yi = fitted[i] as number;
    if (i > 0 && i < ux.length - 1 && yi === fitted[i - 1] && yi === fitted[i + 1]) continue;
    kx.push(ux[i] as number);
    ky.push(yi);
  }
  return { x: Float64Array.from(kx), y: Float64Array.from(ky) };
}

/** Linear interpolation through the knots, clipped to the end values outside (np.interp). */
export function interpolateKnots(kx: Float64Array, ky: Float64Array, v: number): number {
  const m = kx.length;
  if (v <= (kx[0] as number)) return ky[0] as number;
  if (v >= (kx[m - 1] as number)) return ky[m - 1] as number;
  let lo = 0;
  let hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((kx[mid] as number) <= v) lo = mid;
    else hi = mid;
  }
  const x0 = kx[lo] as number;
  const x1 = kx[hi] as number;
  const y0 = ky[lo] as number;
  const y1 = ky[hi] as number;
  return y0 + ((v - x0) * (y1 - y0)) / (x1 - x0);
}

/** netcal HistogramBinning (binary): equal-width edges, bin means of y, empty bins at their midpoint. */
function histogramFit(x: Float64Array, y: Float64Array, bins: number): Float64Array {
  const sum = new Float64Array(bins);
  const cnt = new Float64Array(bins);
  for (let i = 0; i < x.length; i++) {
    const v = clip(x[i] as number);
    // [e_b, e_{b+1}) with the last bin closed, as scipy's binned_statistic_dd on linspace edges
    let b = Math.floor(v * bins);
    while (b > 0 && v < b / bins) b--;
    while (b < bins - 1 && v >= (b + 1) / bins) b++;
    b = Math.min(Math.max(b, 0), bins - 1);
    sum[b] = (sum[b] as number) + (y[i] as number);
    cnt[b] = (cnt[b] as number) + 1;
  }
  return Float64Array.from(sum, (s, b) => ((cnt[b] as number) > 0 ? s / (cnt[b] as number) : (b / bins + (b + 1) / bins) / 2));
}

/** netcal's transform bin: np.digitize(x, edges, right=True) − 1, clamped to 0 … B−1. */
function histogramBin(v: number, bins: number): number {
  // smallest i with v <= e_i, minus 1
  let i = Math.ceil(v * bins);
  while (i > 0 && v <= (i - 1) / bins) i--;
  while (i <= bins && v > i / bins) i++;
  return Math.min(Math.max(i - 1, 0), bins - 1);
}

/** Binary logistic fit of y on features (n×f), objective C·Σ NLL + ½‖w‖² (intercept free); returns [w..., b]. */
function logisticFit(feat: Float64Array, f: number, y: Float64Array, cInv: number): Float64Array {
  const n = y.length;
  const obj = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let z = theta[f] as number;
      for (let j = 0; j < f; j++) z += (theta[j] as number) * (feat[i * f + j] as number);
      const yi = y[i] as number;
      // NLL = log(1 + e^z) − y z, stable
      total += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - yi * z;
      const r = 1 / (1 + Math.exp(-z)) - yi;
      for (let j = 0; j < f; j++) grad[j] = (grad[j] as number) + r * (feat[i * f + j] as number);
      grad[f] = (grad[f] as number) + r;
    }
    // scaled by 1/n: mean NLL + ‖w‖²/(2 C n)
    let pen = 0;
    for (let j = 0; j < f; j++) {
      pen += (theta[j] as number) ** 2;
      grad[j] = (grad[j] as number) / n + (cInv * (theta[j] as number)) / n;
    }
    grad[f] = (grad[f] as number) / n;
    return total / n + (cInv * pen) / (2 * n);
  };
  const x0 = new Float64Array(f + 1);
  x0.fill(1, 0, f);
  return lbfgs(obj, x0, { gtol: 1e-11 }).x;
}

/** Multinomial fit of softmax(W·x + b) on features x = log p (vector: W diagonal). */
function softmaxFit(lp: Float64Array, y: Int32Array, n: number, k: number, diagonal: boolean, cInv: number): { W: Float64Array; b: Float64Array } {
  const nw = diagonal ? k : k * k;
  const weight = (theta: Float64Array, r: number, c: number): number => (diagonal ? (r === c ? (theta[r] as number) : 0) : (theta[r * k + c] as number));
  const z = new Float64Array(k);
  const obj = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let r = 0; r < k; r++) {
        let s = theta[nw + r] as number;
        if (diagonal) s += (theta[r] as number) * (lp[i * k + r] as number);
        else for (let c = 0; c < k; c++) s += weight(theta, r, c) * (lp[i * k + c] as number);
        z[r] = s;
        if (s > m) m = s;
      }
      let se = 0;
      for (let r = 0; r < k; r++) se += Math.exp((z[r] as number) - m);
      const lse = m + Math.log(se);
      const yi = y[i] as number;
      total += lse - (z[yi] as number);
      for (let r = 0; r < k; r++) {
        const g = Math.exp((z[r] as number) - lse) - (r === yi ? 1 : 0);
        grad[nw + r] = (grad[nw + r] as number) + g;
        if (diagonal) grad[r] = (grad[r] as number) + g * (lp[i * k + r] as number);
        else for (let c = 0; c < k; c++) grad[r * k + c] = (grad[r * k + c] as number) + g * (lp[i * k + c] as number);
      }
    }
    let pen = 0;
    for (let j = 0; j < nw; j++) {
      pen += (theta[j] as number) ** 2;
      grad[j] = (grad[j] as number) / n + (cInv * (theta[j] as number)) / n;
    }
    for (let r = 0; r < k; r++) grad[nw + r] = (grad[nw + r] as number) / n;
    return total / n + (cInv * pen) / (2 * n);
  };
  const x0 = new Float64Array(nw + k);
  for (let r = 0; r < k; r++) x0[diagonal ? r : r * k + r] = 1;
  const theta = lbfgs(obj, x0, { gtol: 1e-11 }).x;
  return { W: theta.slice(0, nw), b: theta.slice(nw) };
}

/** Normalises one-vs-all values per row (netcal); a row of zeros becomes uniform. */
function normaliseRows(q: Float64Array, n: number, k: number): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += q[i * k + j] as number;
    for (let j = 0; j < k; j++) q[i * k + j] = s > 0 ? (q[i * k + j] as number) / s : 1 / k;
  }
  return q;
}

/**
 * Fits one recalibration map on validation probabilities and labels:
 *
 * - `temperature`: softmax(log p / T) ({@link fitTemperature} on log p);
 * - `vector` / `matrix`: softmax(W·log p + b) with W diagonal / full (log p clipped at machine epsilon), fitted
 *   by minimising C·Σ NLL + ½‖W‖² (scikit-learn's multinomial LogisticRegression objective);
 * - `platt` / `beta`: one-vs-all per class, σ(a·logit p_k + b) / σ(a·log p_k − b·log(1 − p_k) + c), same objective,
 *   then rows normalised (netcal's one-vs-all convention);
 * - `histogram`: one-vs-all equal-width binning (netcal HistogramBinning: bin means, empty bins at their midpoint);
 * - `isotonic`: one-vs-all isotonic regression (netcal IsotonicRegression = scikit-learn's, y in [0, 1],
 *   linear interpolation between knots, clipped outside).
 *
 * One-vs-all methods skip classes absent from the labels (their column becomes 0, as netcal).
 *
 * @param probs validation probabilities, n×K
 * @param labels n class indices
 * @param method which map
 * @example
 * const fit = fitRecalibration([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], [0, 1, 1, 0], 'histogram', { bins: 2 });
 * fit.apply([[0.95, 0.05]]); // class 0: bin [0.5, 1] → 2/3 right; class 1: bin [0, 0.5) → 1/3 → normalised [2/3, 1/3]
 * @throws {SurvkitError} for malformed probabilities or labels, an unknown method, or C / bins out of range
 * @see netcal 1.3.6 (EFS-OpenSource/calibration-framework); Kull, Silva Filho & Flach (2017), Beta calibration, AISTATS
 */
export function fitRecalibration(probs: ProbsInput, labels: ArrayLike<number>, method: RecalibrationMethod, opts: RecalibrationOptions = {}): Recalibration {
  const fn = 'fitRecalibration';
  const m = probMatrix(fn, 'probs', probs, { n: (labels as ArrayLike<unknown> | undefined)?.length });
  const { n, k, p } = m;
  const y = classLabels(fn, 'labels', labels, n, k, 'probs', 'columns of probabilities');
  const meth = assertChoice(fn, 'method', method, RECALIBRATION_METHODS);
  const C = opts.C ?? 1;
  if (!(C === Infinity || (typeof C === 'number' && C > 0 && Number.isFinite(C)))) throw survkitError('optionRange', fn, 'C', 'a number > 0 or Infinity', C);
  const cInv = 1 / C;
  const bins = assertNumberOption(fn, 'bins', opts.bins ?? 10, { min: 1, integer: true });
  const logp = (q: Float64Array, rows: number): Float64Array => Float64Array.from(q.subarray(0, rows * k), (v) => Math.log(clip(v)));
  const input = (fnName: string, x: ProbsInput): { q: Float64Array; rows: number } => {
    const mm = probMatrix(fnName, 'probs', x, { classes: k });
    return { q: mm.p, rows: mm.n };
  };
  const present = Array.from({ length: k }, (_, j) => y.some((v) => v === j));
  const oneVsAll = (j: number): Float64Array => Float64Array.from(y, (v) => (v === j ? 1 : 0));
  const column = (q: Float64Array, rows: number, j: number): Float64Array => Float64Array.from({ length: rows }, (_, i) => q[i * k + j] as number);

  if (meth === 'temperature') {
    const t = fitTemperature(logp(p, n), y, { classes: k }).temperature;
    return {
      method: meth,
      classes: k,
      params: { temperature: t },
      apply: (x) => ((v) => softmaxRows(logp(v.q, v.rows), v.rows, k, t))(input('Recalibration.apply', x)),
    };
  }
  if (meth === 'vector' || meth === 'matrix') {
    const diagonal = meth === 'vector';
    const { W, b } = softmaxFit(logp(p, n), y, n, k, diagonal, cInv);
    const apply = (x: ProbsInput): Float64Array => {
      const { q, rows } = input('Recalibration.apply', x);
      const lp = logp(q, rows);
      const z = new Float64Array(rows * k);
      for (let i = 0; i < rows; i++) {
        for (let r = 0; r < k; r++) {
          let s = b[r] as number;
          if (diagonal) s += (W[r] as number) * (lp[i * k + r] as number);
          else for (let c = 0; c < k; c++) s += (W[r * k + c] as number) * (lp[i * k + c] as number);
          z[i * k + r] = s;
        }
      }
      return softmaxRows(z, rows, k);
    };
    return { method: meth, classes: k, params: { W, b }, apply };
  }
  // one-vs-all maps: per class a function of p_k
  const maps: ((v: number) => number)[] = [];
  const params: unknown[] = [];
  for (let j = 0; j < k; j++) {
    if (!present[j]) {
      maps.push(() => 0);
      params.push(null);
      continue;
    }
    const x = column(p, n, j);
    const t = oneVsAll(j);
    if (meth === 'platt') {
      const feat = Float64Array.from(x, (v) => Math.log(clip(v)) - Math.log1p(-clip(v)));
      const [a, c] = logisticFit(feat, 1, t, cInv) as unknown as [number, number];
      maps.push((v) => 1 / (1 + Math.exp(-(a * (Math.log(clip(v)) - Math.log1p(-clip(v))) + c))));
      params.push({ a, b: c });
    } else if (meth === 'beta') {
      const feat = new Float64Array(2 * n);
      x.forEach((v, i) => {
        feat[2 * i] = Math.log(clip(v));
        feat[2 * i + 1] = -Math.log1p(-clip(v));
      });
      const [a, b, c] = logisticFit(feat, 2, t, cInv) as unknown as [number, number, number];
      maps.push((v) => 1 / (1 + Math.exp(-(a * Math.log(clip(v)) - b * Math.log1p(-clip(v)) + c))));
      params.push({ a, b, c });
    } else if (meth === 'histogram') {
      const values = histogramFit(x, t, bins);
      maps.push((v) => Math.min(1, Math.max(0, values[histogramBin(clip(v), bins)] as number)));
      params.push({ bins: values });
    } else {
      const knots = isotonicKnots(x, t);
      maps.push((v) => interpolateKnots(knots.x, knots.y, v));
      params.push(knots);
    }
  }
  const apply = (x: ProbsInput): Float64Array => {
    const { q, rows } = input('Recalibration.apply', x);
    const out = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = (maps[j] as (v: number) => number)(q[i * k + j] as number);
    return normaliseRows(out, rows, k);
  };
  return { method: meth, classes: k, params: { perClass: params }, apply };
}

/** Mean NLL −log max(p_y, 1e-12) (the floor keeps histogram/isotonic zeros finite). */
export function meanNll(p: Float64Array, y: Int32Array, k: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(p[i * k + (y[i] as number)] as number, 1e-12));
  return s / y.length;
}

/** Options of {@link recalibrate}. */
export interface RecalibrateOptions extends RecalibrationOptions {
  /** Candidate methods (default all of {@link RECALIBRATION_METHODS}). */
  methods?: readonly RecalibrationMethod[];
  /** Held-out cases to choose on; otherwise the given cases are split in halves at random (`seed`). */
  validation?: { probs: ProbsInput; labels: ArrayLike<number> };
  /** Seed of the split (default 0). */
  seed?: number;
  /** ECE bins (default 15, equal width). */
  eceBins?: number;
}

/** Result of {@link recalibrate}. */
export interface RecalibrateResult {
  /** The method with the smallest validation NLL (the identity map 'none' when no method beats the input). */
  method: RecalibrationMethod | 'none';
  /** The chosen map, fitted on the fitting cases (undefined for 'none'). */
  recalibration?: Recalibration;
  /** Validation NLL per candidate, and of the unchanged probabilities. */
  nll: Record<string, number>;
  /** Validation ECE (top-label, equal-width bins) before and after the chosen map. */
  eceBefore: number;
  eceAfter: number;
  nllBefore: number;
  nllAfter: number;
}

/**
 * Fits every candidate recalibration on the fitting cases and keeps the one with
 * the smallest NLL on the validation cases (given, or the other half of a seeded
 * random split), reporting validation NLL and top-label ECE before and after. The
 * unchanged probabilities compete as 'none', so the validation NLL never gets worse.
 *
 * @param probs n×K probabilities of held-out (not training) cases
 * @param labels n class indices
 * @example
 * const probs = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? [0.6, 0.4] : [0.95, 0.05]));
 * const labels = probs.map((_, i) => (i % 2 === 0 ? 0 : 1));
 * const r = recalibrate(probs, labels, { methods: ['temperature', 'histogram'] });
 * // r.method, r.nll, r.eceBefore → r.eceAfter
 * @throws {SurvkitError} for malformed probabilities or labels, fewer than 4 cases without a validation set, or bad options
 */
export function recalibrate(probs: ProbsInput, labels: ArrayLike<number>, opts: RecalibrateOptions = {}): RecalibrateResult {
  const fn = 'recalibrate';
  const m = probMatrix(fn, 'probs', probs, { n: (labels as ArrayLike<unknown> | undefined)?.length });
  const y = classLabels(fn, 'labels', labels, m.n, m.k, 'probs', 'columns of probabilities');
  const { n, k, p } = m;
  const methods: readonly RecalibrationMethod[] = opts.methods ?? RECALIBRATION_METHODS;
  if (typeof methods !== 'object' || methods === null || methods.length === 0)
    throw survkitError('optionRange', fn, 'methods', `a non-empty list of ${RECALIBRATION_METHODS.join(', ')}`, methods);
  for (const meth of methods) assertChoice(fn, 'methods[]', meth, RECALIBRATION_METHODS);
  const eceBins = assertNumberOption(fn, 'eceBins', opts.eceBins ?? 15, { min: 1, integer: true });
  let fitP: Float64Array;
  let fitY: Int32Array;
  let valP: Float64Array;
  let valY: Int32Array;
  if (opts.validation !== undefined) {
    const v = opts.validation as { probs?: unknown; labels?: unknown };
    const vm = probMatrix(fn, 'validation.probs', v.probs, { n: (v.labels as ArrayLike<unknown> | undefined)?.length, classes: k });
    valY = classLabels(fn, 'validation.labels', v.labels, vm.n, k, 'validation.probs', 'columns of probabilities');
    valP = vm.p;
    fitP = p;
    fitY = y;
  } else {
    if (n < 4) throw survkitError('optionRange', fn, 'probs', 'at least 4 cases to split into fitting and validation halves (or pass validation)', n);
    const rng = new Random(assertNumberOption(fn, 'seed', opts.seed ?? 0, { integer: true }));
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
    }
    const half = Math.floor(n / 2);
    const take = (rows: number[]): { q: Float64Array; yy: Int32Array } => ({
      q: Float64Array.from(rows.flatMap((i) => Array.from(p.subarray(i * k, i * k + k)))),
      yy: Int32Array.from(rows, (i) => y[i] as number),
    });
    const a = take(idx.slice(0, half));
    const b = take(idx.slice(half));
    fitP = a.q;
    fitY = a.yy;
    valP = b.q;
    valY = b.yy;
  }
  const ece = (q: Float64Array): number => expectedCalibrationError({ labels: valY }, q, { bins: eceBins }).value;
  const nllBefore = meanNll(valP, valY, k);
  const nll: Record<string, number> = { none: nllBefore };
  let best: { method: RecalibrationMethod | 'none'; fit?: Recalibration; probs: Float64Array; nll: number } = { method: 'none', probs: valP, nll: nllBefore };
  for (const meth of methods) {
    const fit = fitRecalibration(fitP, fitY, meth, opts);
    const q = fit.apply(valP);
    const v = meanNll(q, valY, k);
    nll[meth] = v;
    if (v < best.nll) best = { method: meth, fit, probs: q, nll: v };
  }
  return { method: best.method, recalibration: best.fit, nll, eceBefore: ece(valP), eceAfter: ece(best.probs), nllBefore, nllAfter: best.nll };
}
