import { assertChoice, assertNumberOption } from '../core/assert.js';
import { chiSquareSf } from '../core/chi-square.js';
import { survkitError } from '../core/errors.js';
import { normalUpperTail } from '../core/normal-tail.js';
import { labelsArg, type LabelsInput } from '../data/labels.js';
import { chinv2, cholesky2, chsolve2 } from './cholesky.js';
import { columns, type CovariatesInput } from './cox-data.js';
import type { ChiSquareTest } from './coxph.js';

/** The error distribution of {@link survreg} (R `survreg(dist = …)`). */
export type SurvregDistribution = 'weibull' | 'exponential' | 'lognormal' | 'loglogistic';

/** Options of {@link survreg}. */
export interface SurvregOptions {
  /** 'weibull' (default), 'exponential' (Weibull with scale 1), 'lognormal' or 'loglogistic'. */
  dist?: SurvregDistribution;
  /** Covariate names when `covariates` are rows (default x1, x2, …). */
  names?: readonly string[];
  /** Most Newton–Raphson iterations (default 30, R `survreg.control(maxiter)`). */
  maxIter?: number;
  /** Convergence: stop when |1 − ℓ_old/ℓ_new| <= eps (default 1e-12; R's default `rel.tolerance` is 1e-9). */
  eps?: number;
}

/** One row of the {@link survreg} table (as R's `summary(survreg)`: Value, Std. Error, z, p). */
export interface SurvregCoefficient {
  name: string;
  coef: number;
  se: number;
  z: number;
  p: number;
}

/** Result of {@link survreg}. */
export interface SurvregResult {
  dist: SurvregDistribution;
  /** `(Intercept)`, the covariates, and `Log(scale)` (except for 'exponential'), as R prints them. */
  coefficients: SurvregCoefficient[];
  /** σ (1 for 'exponential'). */
  scale: number;
  /** Log-likelihood of the intercept-only model and of the fit (R `fit$loglik`, with the Jacobian of log t). */
  loglik: [number, number];
  /** Likelihood-ratio test of the covariates, 2(ℓ − ℓ₀) on p degrees of freedom (R's "Chisq= … on p degrees of freedom"). */
  tests: { likelihoodRatio: ChiSquareTest };
  /** Variance matrix of (β, log σ) (R `vcov`), rows. */
  variance: number[][];
  /** Linear predictor x'β of each subject (R `linear.predictors`). */
  linearPredictor: Float64Array;
  n: number;
  events: number;
  iterations: number;
}

interface Pieces {
  /** log f(z) or log S(z) and its first two derivatives in z. */
  (z: number, event: boolean): [number, number, number];
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Q(z) = log P(Z > z) and the inverse Mills ratio φ(z)/Q(z) of the standard normal. */
function normalTail(z: number): [number, number] {
  const logPhi = -0.5 * z * z - LOG_SQRT_2PI;
  const q = normalUpperTail(z);
  if (q > 1e-300) {
    const logQ = Math.log(q);
    return [logQ, Math.exp(logPhi - logQ)];
  }
  // far tail: Q(z) ~ φ(z)/z (1 − 1/z² + 3/z⁴ − 15/z⁶)
  const z2 = z * z;
  const series = 1 - 1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2);
  const logQ = logPhi - Math.log(z) + Math.log(series);
  return [logQ, Math.exp(logPhi - logQ)];
}

const PIECES: Record<'extreme' | 'logistic' | 'gaussian', Pieces> = {
  // minimum extreme value: f = exp(z − e^z), S = exp(−e^z)
  extreme: (z, event) => {
    const ez = Math.exp(z);
    return event ? [z - ez, 1 - ez, -ez] : [-ez, -ez, -ez];
  },
  // logistic: F = 1/(1 + e^−z)
  logistic: (z, event) => {
    const F = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    const log1pez = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    return event ? [z - 2 * log1pez, 1 - 2 * F, -2 * F * (1 - F)] : [-log1pez, -F, -F * (1 - F)];
  },
  gaussian: (z, event) => {
    if (event) return [-0.5 * z * z - LOG_SQRT_2PI, -z, -1];
    const [logQ, lambda] = normalTail(z);
    return [logQ, -lambda, -lambda * (lambda - z)];
  },
};

interface Fit {
  theta: Float64Array;
  loglik: number;
  grad: Float64Array;
  /** −Hessian, row-major. */
  info: Float64Array;
}

/** Log-likelihood of log T = Xβ + σW (without the Jacobian), its gradient and −Hessian in θ = (β, log σ). */
function evaluate(x: Float64Array[], y: Float64Array, ev: Int32Array, theta: Float64Array, fixedScale: boolean, pieces: Pieces): Fit {
  const n = y.length;
  const p = x.length;
  const q = fixedScale ? p : p + 1;
  const s = fixedScale ? 0 : (theta[p] as number);
  const sigma = Math.exp(s);
  let loglik = 0;
  const grad = new Float64Array(q);
  const info = new Float64Array(q * q);
  const dEta = new Float64Array(n);
  const dS = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let k = 0; k < p; k++) eta += (x[k] as Float64Array)[i]! * (theta[k] as number);
    const z = ((y[i] as number) - eta) / sigma;
    const event = ev[i] === 1;
    const [l, l1, l2] = pieces(z, event);
    loglik += l - (event ? s : 0);
    // d/dη, d/ds and the second derivatives (z = (y − η)e^−s)
    const gEta = -l1 / sigma;
    const gS = -z * l1 - (event ? 1 : 0);
    const hEtaEta = l2 / (sigma * sigma);
    const hEtaS = (l2 * z + l1) / sigma;
    const hSS = z * l1 + z * z * l2;
    dEta[i] = gEta;
    dS[i] = gS;
    for (let a = 0; a < p; a++) {
      const xa = (x[a] as Float64Array)[i]!;
      grad[a] = (grad[a] as number) + gEta * xa;
      for (let b = 0; b <= a; b++) info[a * q + b] = (info[a * q + b] as number) - hEtaEta * xa * (x[b] as Float64Array)[i]!;
      if (!fixedScale) info[p * q + a] = (info[p * q + a] as number) - hEtaS * xa;
    }
    if (!fixedScale) {
      grad[p] = (grad[p] as number) + gS;
      info[p * q + p] = (info[p * q + p] as number) - hSS;
    }
  }
  for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) info[b * q + a] = info[a * q + b] as number;
  return { theta, loglik, grad, info };
}

/** Newton–Raphson with step halving from `start`. */
function newton(
  fn: string,
  names: readonly string[],
  x: Float64Array[],
  y: Float64Array,
  ev: Int32Array,
  start: Float64Array,
  fixedScale: boolean,
  pieces: Pieces,
  maxIter: number,
  eps: number,
): { fit: Fit; iterations: number } {
  const q = start.length;
  let fit = evaluate(x, y, ev, start, fixedScale, pieces);
  for (let iter = 1; iter <= maxIter; iter++) {
    // far from the maximum −H need not be positive definite: add a ridge λI (Levenberg–Marquardt) until it is
    let m = Float64Array.from(fit.info);
    let maxDiag = 0;
    for (let k = 0; k < q; k++) maxDiag = Math.max(maxDiag, Math.abs(fit.info[k * q + k] as number));
    for (let lambda = 0; cholesky2(m, q, 1e-9) !== q; lambda = lambda === 0 ? 1e-6 * maxDiag : lambda * 10) {
      if (lambda > 1e6 * maxDiag) throw survkitError('coxphNoConvergence', fn, 'covariates', iter, names);
      m = Float64Array.from(fit.info);
      for (let k = 0; k < q; k++) m[k * q + k] = (m[k * q + k] as number) + lambda;
    }
    const step = Float64Array.from(fit.grad);
    chsolve2(m, q, step);
    let t = 1;
    let next: Fit | undefined;
    for (let h = 0; h < 30; h++, t /= 2) {
      const theta = fit.theta.map((v, k) => v + t * (step[k] as number));
      const cand = evaluate(x, y, ev, theta, fixedScale, pieces);
      if (Number.isFinite(cand.loglik) && cand.loglik >= fit.loglik - 1e-12 * Math.abs(fit.loglik)) {
        next = cand;
        break;
      }
    }
    if (next === undefined) break;
    const done = Math.abs(1 - fit.loglik / next.loglik) <= eps;
    fit = next;
    if (done) return { fit, iterations: iter };
  }
  throw survkitError('coxphNoConvergence', fn, 'covariates', maxIter, names);
}

/**
 * Parametric accelerated-failure-time regression, as R survival's `survreg`:
 * log T = β₀ + xᵀβ + σW with W standard minimum extreme value (Weibull; σ = 1:
 * exponential), normal (log-normal) or logistic (log-logistic), right-censored
 * data, fitted by Newton–Raphson on (β, log σ) with step halving. Returns the
 * coefficient table R's `summary` prints (Value, Std. Error, z, p, with the
 * `Log(scale)` row), the scale, the log-likelihoods of the intercept-only model
 * and of the fit (R's `loglik`, which includes −Σ log tᵢ over the events) and
 * the likelihood-ratio test. Plain TypeScript in float64, no TensorFlow.js.
 *
 * @param labels `{ time, event }`, times > 0, events 0/1
 * @param covariates named columns or rows (with `names`); factors one-hot encoded beforehand
 * @example
 * const fit = survreg({ time: [5, 8, 12, 3, 9, 14, 7, 11], event: [1, 1, 0, 1, 1, 0, 1, 1] }, { x: [1, 0, 0, 1, 1, 0, 0, 1] });
 * fit.scale; // σ
 * @throws {SurvkitError} for times <= 0, event codes other than 0/1, no event, collinear covariates, or no convergence
 * @see Kalbfleisch & Prentice (2002), The Statistical Analysis of Failure Time Data, ch. 3; R survival `survreg`
 */
export function survreg(labels: LabelsInput, covariates: CovariatesInput | null, opts: SurvregOptions = {}): SurvregResult {
  const fn = 'survreg';
  const dist = assertChoice(fn, 'dist', opts.dist ?? 'weibull', ['weibull', 'exponential', 'lognormal', 'loglogistic'] as const);
  const maxIter = assertNumberOption(fn, 'maxIter', opts.maxIter ?? 30, { min: 1, integer: true });
  const eps = assertNumberOption(fn, 'eps', opts.eps ?? 1e-12, { min: 0, minExclusive: true });
  const lab = labelsArg(fn, 'labels', labels);
  const n = lab.time.length;
  const y = new Float64Array(n);
  const ev = new Int32Array(n);
  let events = 0;
  let jacobian = 0;
  for (let i = 0; i < n; i++) {
    const t = lab.time[i] as number;
    if (!(t > 0)) throw survkitError('positiveTime', fn, 'labels.time', i, t);
    const e = lab.event[i] as number;
    if (e !== 0 && e !== 1) throw survkitError('optionRange', fn, `labels.event[${i}]`, '0 (censored) or 1 (event)', e);
    y[i] = Math.log(t);
    ev[i] = e;
    if (e === 1) {
      events++;
      jacobian -= y[i] as number;
    }
  }
  if (events === 0) throw survkitError('optionRange', fn, 'labels.event', 'a set with at least one event', 0);
  const cov = covariates === null ? { names: [] as string[], cols: [] as Float64Array[] } : columns(fn, covariates, opts.names, n);
  const one = new Float64Array(n).fill(1);
  const x = [one, ...cov.cols];
  const names = ['(Intercept)', ...cov.names];
  const p = x.length;
  const xtx = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) for (let i = 0; i < n; i++) xtx[a * p + b] = (xtx[a * p + b] as number) + x[a]![i]! * x[b]![i]!;
  if (cholesky2(xtx, p, 1e-9) < p) {
    const k = [...Array(p).keys()].find((i) => xtx[i * p + i] === 0) ?? p - 1;
    throw survkitError('coxphCollinear', fn, 'covariates', names[k] as string, names.slice(0, k));
  }
  const fixedScale = dist === 'exponential';
  const pieces = PIECES[dist === 'lognormal' ? 'gaussian' : dist === 'loglogistic' ? 'logistic' : 'extreme'];
  // start: the mean and sd of log t (R starts from an intercept-only fit; the maximum is the same)
  let mean = 0;
  for (const v of y) mean += v;
  mean /= n;
  let sd = 0;
  for (const v of y) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / Math.max(1, n - 1)) || 1;
  const start0 = fixedScale ? Float64Array.of(mean) : Float64Array.of(mean, Math.log(sd));
  const nullFit = newton(fn, ['(Intercept)'], [one], y, ev, start0, fixedScale, pieces, maxIter, eps).fit;
  const start = new Float64Array(fixedScale ? p : p + 1);
  start[0] = nullFit.theta[0] as number;
  if (!fixedScale) start[p] = nullFit.theta[1] as number;
  const { fit, iterations } = p === 1 ? { fit: nullFit, iterations: 0 } : newton(fn, names, x, y, ev, start, fixedScale, pieces, maxIter, eps);
  const q = start.length;
  const m = Float64Array.from(fit.info);
  cholesky2(m, q, 1e-9);
  const inv = chinv2(m, q);
  const allNames = fixedScale ? names : [...names, 'Log(scale)'];
  const coefficients = allNames.map((name, k) => {
    const coef = fit.theta[k] as number;
    const se = Math.sqrt(inv[k * q + k] as number);
    const z = coef / se;
    return { name, coef, se, z, p: 2 * normalUpperTail(Math.abs(z)) };
  });
  const loglik: [number, number] = [nullFit.loglik + jacobian, fit.loglik + jacobian];
  const df = p - 1;
  const lr = 2 * (loglik[1] - loglik[0]);
  const linearPredictor = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < p; k++) linearPredictor[i] = (linearPredictor[i] as number) + (x[k] as Float64Array)[i]! * (fit.theta[k] as number);
  return {
    dist,
    coefficients,
    scale: fixedScale ? 1 : Math.exp(fit.theta[p] as number),
    loglik,
    tests: { likelihoodRatio: { statistic: lr, df, p: df > 0 ? chiSquareSf(lr, df) : 1 } },
    variance: Array.from({ length: q }, (_, a) => Array.from({ length: q }, (_, b) => inv[a * q + b] as number)),
    linearPredictor,
    n,
    events,
    iterations,
  };
}
