/**
 * Temperature scaling (Guo et al. 2017): one scalar T > 0 divides the logits
 * of a trained classifier, fitted on validation data by minimising the
 * negative log-likelihood. The fit is plain float64 TypeScript.
 */
import { assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { minimizeScalar } from '../core/minimize-scalar.js';
import { predictionFromProbs, softmaxRows, type ClassPrediction } from './class-prediction.js';
import { classLabels, type ClassIndexInput } from '../data/class-labels.js';

/** Logits: n×K row-major (with `classes`), or n rows of K. */
export type LogitsInput = ArrayLike<number> | readonly ArrayLike<number>[];

/** Options of {@link fitTemperature}. */
export interface FitTemperatureOptions {
  /** K, required when `logits` is flat. */
  classes?: number;
  /** Search interval of T (default [0.01, 100]); the search runs on log T. */
  bounds?: readonly [number, number];
  /** Absolute tolerance on log T (default 1e-8). */
  tol?: number;
}

/** Result of {@link fitTemperature}. */
export interface TemperatureFit {
  /** The fitted temperature T (1 when no T in the interval beats T = 1). */
  temperature: number;
  /** Mean validation NLL at T = 1. */
  nllBefore: number;
  /** Mean validation NLL at the fitted T (≤ nllBefore). */
  nllAfter: number;
  /** Function evaluations used. */
  evaluations: number;
}

/** Flat float64 logits and K from {@link LogitsInput}. */
export function logitMatrix(fn: string, logits: unknown, classes: number | undefined): { z: Float64Array; n: number; k: number } {
  if (Array.isArray(logits) && logits.length > 0 && typeof logits[0] === 'object') {
    const rows = logits as ArrayLike<number>[];
    const k = rows[0]?.length ?? 0;
    if (classes !== undefined && classes !== k) throw survkitError('optionRange', fn, 'classes', `${k} (the width of the logit rows)`, classes);
    const z = new Float64Array(rows.length * k);
    rows.forEach((r, i) => {
      if (r.length !== k) throw survkitError('raggedRows', fn, 'logits', i, r.length, k);
      z.set(toFloat64(fn, `logits[${i}]`, r), i * k);
    });
    return { z, n: rows.length, k: assertNumberOption(fn, 'classes', k, { min: 2, integer: true }) };
  }
  const z = toFloat64(fn, 'logits', logits);
  if (classes === undefined) throw survkitError('optionRange', fn, 'classes', 'the number of classes K (required for flat logits)', classes);
  const k = assertNumberOption(fn, 'classes', classes, { min: 2, integer: true });
  if (z.length % k !== 0) throw survkitError('rowMajorWidth', fn, 'logits', k, z.length, 'class');
  return { z, n: z.length / k, k };
}

/**
 * Mean NLL of softmax(z / T) at the labels, float64: per row
 * (m − z_y/T) + log1p(Σ_{j ≠ j*} e^{z_j/T − m}) with m = max_j z_j/T at j*
 * (log1p keeps the tiny NLL of confident correct rows, so that it still
 * decreases as T → 0 on separable data).
 */
export function temperatureNll(z: Float64Array, y: Int32Array, n: number, k: number, temperature: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    let top = 0;
    for (let j = 0; j < k; j++) {
      const v = (z[i * k + j] as number) / temperature;
      if (v > m) {
        m = v;
        top = j;
      }
    }
    let rest = 0;
    for (let j = 0; j < k; j++) if (j !== top) rest += Math.exp((z[i * k + j] as number) / temperature - m);
    total += m - (z[i * k + (y[i] as number)] as number) / temperature + Math.log1p(rest);
  }
  return total / n;
}

/**
 * Fits the temperature T on validation logits z and labels y by minimising
 * the mean negative log-likelihood NLL(T) = (1/n) Σ_i [logΣ_j e^{z_ij/T} − z_{i,y_i}/T]
 * in float64: Brent's method on s = log T over `bounds` (NLL is convex in
 * 1/T, hence unimodal in log T), then T = 1 is kept if it is at least as
 * good — so the validation NLL never increases. An optimum at an end of the
 * interval (e.g. perfectly separated data, T → 0) returns that end.
 *
 * @param logits validation logits, n×K
 * @param labels n class indices 0 … K−1
 * @example
 * const { temperature } = fitTemperature([[2, 0], [0, 3], [1, 1.5]], [0, 1, 0]);
 * @throws {SurvkitError} for malformed logits, labels out of range or a length mismatch, or bad bounds
 * @see Guo, Pleiss, Sun & Weinberger (2017), On Calibration of Modern Neural Networks, ICML; netcal `TemperatureScaling`
 */
export function fitTemperature(logits: LogitsInput, labels: ClassIndexInput, opts: FitTemperatureOptions = {}): TemperatureFit {
  const fn = 'fitTemperature';
  const { z, n, k } = logitMatrix(fn, logits, opts.classes);
  const y = classLabels(fn, 'labels', labels, n, k, 'logits', 'columns of logits');
  const [lo, hi] = opts.bounds ?? [0.01, 100];
  assertNumberOption(fn, 'bounds[0]', lo, { min: 0, minExclusive: true });
  assertNumberOption(fn, 'bounds[1]', hi, { min: lo, minExclusive: true });
  const tol = assertNumberOption(fn, 'tol', opts.tol ?? 1e-8, { min: 0, minExclusive: true });
  const f = (s: number): number => temperatureNll(z, y, n, k, Math.exp(s));
  const r = minimizeScalar(f, Math.log(lo), Math.log(hi), { xtol: tol });
  const nllBefore = temperatureNll(z, y, n, k, 1);
  const better = r.fx < nllBefore;
  return { temperature: better ? Math.exp(r.x) : 1, nllBefore, nllAfter: better ? r.fx : nllBefore, evaluations: r.evaluations + 1 };
}

/**
 * Class probabilities softmax(z / T), n×K row-major float64, as a
 * {@link ClassPrediction} (uncertainty = 1 − max p, as the softmax baseline).
 *
 * @example
 * temperatureScale([[2, 0]], 2).probs; // softmax([1, 0]) = [0.731…, 0.268…]
 * @throws {SurvkitError} for malformed logits or a temperature that is not > 0
 */
export function temperatureScale(logits: LogitsInput, temperature: number, opts: { classes?: number } = {}): ClassPrediction {
  const fn = 'temperatureScale';
  const t = assertNumberOption(fn, 'temperature', temperature, { min: 0, minExclusive: true });
  const { z, n, k } = logitMatrix(fn, logits, opts.classes);
  return predictionFromProbs(softmaxRows(z, n, k, t), n, k);
}
