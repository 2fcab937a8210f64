/**
 * Accelerated-failure-time likelihoods for deep parametric heads: Weibull
 * (torchsurv's `neg_log_likelihood_weibull`) and log-normal, as TF.js losses
 * and float64 host references with closed-form survival functions.
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { assertFiniteTensor, eventCodes } from './inputs.js';

/** AFT distributions of {@link aftLoss}. */
export type AftDistribution = 'weibull' | 'lognormal';

/** Options of {@link aftLoss}. */
export interface AftLossOptions {
  /** `'mean'` (default, torchsurv) or `'sum'` (R `survreg`'s −loglik). */
  reduction?: 'mean' | 'sum';
  /** read `params` back and reject NaN/±Infinity (default true) */
  validate?: boolean;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function logTimes(fn: string, time: unknown, n: number): Float64Array {
  const t = toFloat64(fn, 'time', time);
  if (t.length !== n) throw survkitError('lengthMismatch', fn, 'time', t.length, 'params', n);
  return t.map((v, i) => {
    if (!(v > 0)) throw survkitError('positiveTime', fn, 'time', i, v);
    return Math.log(v);
  });
}

/** log(1 − Φ(z)) as a tensor: log(½ erfc(z/√2)) for z ≤ 3, the Mills-ratio continued fraction above (float32-accurate tails). */
function logNormalSf(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const above = tf.step(tf.sub(z, 3));
    const lo = tf.minimum(z, 3);
    const a = tf.log(tf.mul(0.5, tf.sub(1, tf.erf(tf.mul(lo, Math.SQRT1_2)))));
    const hi = tf.maximum(z, 3);
    let r: tf.Tensor = hi;
    for (let k = 40; k >= 1; k--) r = tf.add(hi, tf.div(k, r));
    const b = tf.sub(tf.neg(tf.add(tf.mul(0.5, tf.square(hi)), HALF_LOG_2PI)), tf.log(r));
    return tf.add(tf.mul(above, b), tf.mul(tf.sub(1, above), a));
  });
}

/**
 * Negative log-likelihood of an accelerated-failure-time model with per-subject parameters:
 *
 * `'weibull'` — params [log λ, log k] (log scale, log shape; one column: k = 1, exponential), as torchsurv
 * `neg_log_likelihood_weibull`: log h(t) = log k − log λ + (k − 1)(log t − log λ), H(t) = (t/λ)^k,
 * nll_i = −(δ_i log h(T_i) − H(T_i)).
 * `'lognormal'` — params [μ, log σ] of log T ~ N(μ, σ²), z = (log t − μ)/σ:
 * nll_i = δ_i (log t + log σ + ½ log 2π + z²/2) − (1 − δ_i) log(1 − Φ(z)).
 *
 * Both are the time-scale likelihoods R `survreg(dist = 'weibull' | 'lognormal')` maximises
 * (Weibull: λ = e^μ, k = 1/σ). Mean (default) or sum over subjects.
 *
 * @param params [n, 2] (or [n, 1] for the Weibull: log λ only)
 * @param time T_i > 0
 * @param event 1 = event, 0 = censored
 * @example
 * const nll = aftLoss('weibull', tf.tensor2d([[0.5, 0.2], [1, -0.3]]), [1, 2], [1, 0]);
 * @throws {SurvkitError} on a bad shape, a time ≤ 0, lengths that differ, event codes other than 0/1,
 *   an unknown distribution or reduction, or NaN/±Infinity in `params`
 * @see Kalbfleisch & Prentice (2002) §2.2–3; torchsurv `loss/weibull.py` (Monod et al. 2024, JOSS)
 */
export function aftLoss(
  distribution: AftDistribution,
  params: tf.Tensor,
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  opts: AftLossOptions = {},
): tf.Scalar {
  const fn = 'aftLoss';
  const dist = assertChoice(fn, 'distribution', distribution, ['weibull', 'lognormal'] as const);
  const reduction = assertChoice(fn, 'reduction', opts.reduction ?? 'mean', ['mean', 'sum'] as const);
  const cols = params.rank === 2 ? (params.shape[1] as number) : 0;
  if (params.rank !== 2 || params.shape[0] < 1 || !(cols === 2 || (cols === 1 && dist === 'weibull'))) {
    throw survkitError('shapeMismatch', fn, 'params', dist === 'weibull' ? '[n, 2] or [n, 1]' : '[n, 2]', `[${params.shape.join(', ')}]`);
  }
  const n = params.shape[0];
  const logT = logTimes(fn, time, n);
  const d = eventCodes(fn, 'event', event, 'params', n, 1);
  assertFiniteTensor(fn, 'params', params, opts.validate);
  return tf.tidy(() => {
    const lt = tf.tensor1d(Float32Array.from(logT));
    const dt = tf.tensor1d(Float32Array.from(d));
    const a = tf.reshape(tf.slice(params, [0, 0], [n, 1]), [n]);
    const b = cols === 2 ? tf.reshape(tf.slice(params, [0, 1], [n, 1]), [n]) : tf.zeros([n]);
    let nll: tf.Tensor;
    if (dist === 'weibull') {
      const u = tf.sub(lt, a); // log t − log λ
      const logH = tf.add(tf.sub(b, a), tf.mul(tf.expm1(b), u));
      const H = tf.exp(tf.mul(tf.exp(b), u));
      nll = tf.sub(H, tf.mul(dt, logH));
    } else {
      const z = tf.div(tf.sub(lt, a), tf.exp(b));
      const ev = tf.add(tf.add(tf.add(lt, b), HALF_LOG_2PI), tf.mul(0.5, tf.square(z)));
      nll = tf.sub(tf.mul(dt, ev), tf.mul(tf.sub(1, dt), logNormalSf(z)));
    }
    return reduction === 'mean' ? tf.mean<tf.Scalar>(nll) : tf.sum<tf.Scalar>(nll);
  });
}

/** log(1 − Φ(z)) in float64: erf series for |z| ≤ 3, the Mills-ratio continued fraction beyond. */
export function logNormalSurvival(z: number): number {
  const tail = (x: number): number => {
    let r = x;
    for (let k = 200; k >= 1; k--) r = x + k / r;
    return -0.5 * x * x - HALF_LOG_2PI - Math.log(r); // log Φc(x), x > 3
  };
  if (z > 3) return tail(z);
  if (z < -3) return Math.log1p(-Math.exp(tail(-z)));
  const x = z * Math.SQRT1_2;
  let term = x;
  let sum = x;
  for (let k = 1; k < 200 && Math.abs(term) > 1e-18; k++) {
    term *= (-x * x) / k;
    sum += term / (2 * k + 1);
  }
  return Math.log(0.5 * (1 - (2 / Math.sqrt(Math.PI)) * sum));
}

/**
 * The float64 host reference of {@link aftLoss} (per-subject parameters as row-major n × 2, or n × 1 for the Weibull).
 *
 * @example
 * aftLossFloat64('weibull', [0.5, 0.2, 1, -0.3], [1, 2], [1, 0], { reduction: 'sum' });
 * @throws {SurvkitError} as {@link aftLoss}
 */
export function aftLossFloat64(
  distribution: AftDistribution,
  params: ArrayLike<number>,
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  opts: { reduction?: 'mean' | 'sum' } = {},
): number {
  const fn = 'aftLossFloat64';
  const dist = assertChoice(fn, 'distribution', distribution, ['weibull', 'lognormal'] as const);
  const reduction = assertChoice(fn, 'reduction', opts.reduction ?? 'mean', ['mean', 'sum'] as const);
  const p = toFloat64(fn, 'params', params);
  const t = toFloat64(fn, 'time', time);
  const n = t.length;
  const cols = p.length / n;
  if (!(cols === 2 || (cols === 1 && dist === 'weibull'))) throw survkitError('shapeMismatch', fn, 'params', `${n} × 2 values`, `${p.length} values`);
  const logT = logTimes(fn, t, n);
  const d = eventCodes(fn, 'event', event, 'time', n, 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = p[i * cols] as number;
    const b = cols === 2 ? (p[i * cols + 1] as number) : 0;
    const lt = logT[i] as number;
    if (dist === 'weibull') {
      const u = lt - a;
      total += Math.exp(Math.exp(b) * u) - (d[i] as number) * (b - a + Math.expm1(b) * u);
    } else {
      const z = (lt - a) / Math.exp(b);
      total += d[i] === 1 ? lt + b + HALF_LOG_2PI + 0.5 * z * z : -logNormalSurvival(z);
    }
  }
  return reduction === 'mean' ? total / n : total;
}

/**
 * Closed-form survival S(t) of AFT parameters on a grid, row-major n × m, float64:
 * Weibull exp(−(t/λ)^k); log-normal 1 − Φ((log t − μ)/σ) (S(0) = 1).
 *
 * @example
 * aftSurvival('weibull', [0, 0], [0.5, 1, 2]); // λ = k = 1: e^{−t}
 * @throws {SurvkitError} on non-finite parameters or negative times
 */
export function aftSurvival(distribution: AftDistribution, params: ArrayLike<number>, times: ArrayLike<number>, cols = 2): Float64Array {
  const fn = 'aftSurvival';
  const p = toFloat64(fn, 'params', params);
  const t = toFloat64(fn, 'times', times);
  const n = p.length / cols;
  const out = new Float64Array(n * t.length);
  for (let i = 0; i < n; i++) {
    const a = p[i * cols] as number;
    const b = cols === 2 ? (p[i * cols + 1] as number) : 0;
    t.forEach((tk, k) => {
      if (!(tk >= 0)) throw survkitError('positiveTime', fn, 'times', k, tk);
      if (tk === 0) return void (out[i * t.length + k] = 1);
      const lt = Math.log(tk);
      out[i * t.length + k] = distribution === 'weibull' ? Math.exp(-Math.exp(Math.exp(b) * (lt - a))) : Math.exp(logNormalSurvival((lt - a) / Math.exp(b)));
    });
  }
  return out;
}
