import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { chiSquareSf } from '../core/chi-square.js';
import { survkitError } from '../core/errors.js';
import { normalUpperTail } from '../core/normal-tail.js';
import type { LabelsInput } from '../data/labels.js';
import { chinv2, cholesky2, chsolve2, quadraticInverse } from './cholesky.js';
import { coxData, groupCodes, type CovariatesInput, type GroupInput } from './cox-data.js';
import { coxExactDerivatives } from './cox-exact.js';
import { coxDerivatives, type CoxDerivatives } from './cox-likelihood.js';
import { collapse, scoreResiduals } from './cox-residuals.js';
import { registerFit } from './cox-fit-state.js';
import { weightedConcordance } from './weighted-concordance.js';

/** How {@link coxph} handles tied event times. */
export type CoxphTies = 'efron' | 'breslow' | 'exact';

/** Options of {@link coxph}. */
export interface CoxphOptions {
  /**
   * Handling of tied event times: `'efron'` (default, as R), `'breslow'`, or `'exact'` (the exact partial likelihood,
   * R's `ties = "exact"`: the discrete-time / conditional logistic model; no case weights and no robust SE, as R).
   */
  ties?: CoxphTies;
  /** Stratum of each subject: a separate baseline hazard per stratum (R `strata()`). */
  strata?: GroupInput;
  /** Case weights, > 0 (R `weights`). */
  weights?: ArrayLike<number>;
  /** A known term added to the linear predictor (R `offset()`). */
  offset?: ArrayLike<number>;
  /** Sandwich (robust) standard errors (R `robust = TRUE`). */
  robust?: boolean;
  /** Cluster of each subject for the sandwich variance (R `cluster()`); implies `robust`. */
  cluster?: GroupInput;
  /** Covariate names when `covariates` are rows (default x1, x2, …). */
  names?: readonly string[];
  /** Confidence level of the hazard-ratio intervals (default 0.95). */
  conf?: number;
  /** Most Newton–Raphson iterations (default 20, R `iter.max`). */
  maxIter?: number;
  /** Convergence: stop when |1 − ℓ_old/ℓ_new| <= eps (default 1e-9, R `eps`). */
  eps?: number;
}

/** One row of the coefficient table. */
export interface CoxphCoefficient {
  name: string;
  coef: number;
  /** Model-based standard error √(I⁻¹)_kk. */
  se: number;
  /** Sandwich standard error, when `robust` or `cluster` was given (then z, p, lower, upper use it, as R's summary does). */
  robustSe?: number;
  hazardRatio: number;
  lower: number;
  upper: number;
  z: number;
  p: number;
}

/** A χ² test. */
export interface ChiSquareTest {
  statistic: number;
  df: number;
  p: number;
}

/** Result of {@link coxph}. */
export interface CoxphResult {
  coefficients: CoxphCoefficient[];
  /** Log partial likelihood of the null model (β = 0) and of the fit. */
  loglik: [number, number];
  tests: { wald: ChiSquareTest; score: ChiSquareTest; likelihoodRatio: ChiSquareTest; robustScore?: ChiSquareTest };
  /** Harrell's C of the linear predictor (R coxph's `concordance`: strata, case weights, tied risks ½). */
  concordance: number;
  /** The variance matrix of β (the sandwich one when robust), p × p rows. */
  variance: number[][];
  /**
   * Linear predictor as R's `linear.predictors` (survival 3.5): Σ β_k (x_k − x̄_k) + offset − mean(offset), in input
   * order, with x̄_k the weighted mean of covariate k, or 0 for a covariate whose values are all −1, 0 or 1 (R's `nocenter`).
   */
  linearPredictor: Float64Array;
  n: number;
  events: number;
  iterations: number;
  ties: CoxphTies;
  conf: number;
}

/** R's `.Machine$double.eps^0.75`, the Cholesky tolerance of `coxph.control`. */
const TOLER_CHOL = Math.pow(2, -52 * 0.75);

/**
 * Cox proportional-hazards regression by Newton–Raphson, as R survival's
 * `coxph` fits it: covariates centred and scaled, start at β = 0, a full
 * Newton step each iteration, step halving while the log partial likelihood
 * falls, stop when |1 − ℓ_old/ℓ_new| <= 1e-9 (at most 20 iterations). Efron
 * or Breslow ties, or the exact partial likelihood (R's `coxexact`), strata, case weights, offsets and sandwich standard errors
 * (summed within clusters) as R computes them; O(n·p²) per iteration.
 *
 * Tests: Wald βᵀV⁻¹β, score U(0)ᵀI(0)⁻¹U(0) and likelihood ratio 2(ℓ(β̂) − ℓ(0)),
 * each on p degrees of freedom; with `robust`, the Wald test uses the sandwich
 * variance and a robust score test is added, as R does.
 *
 * @param labels survival labels `{ time, event }` (event 0/1)
 * @param covariates named columns `{ age: [...], sex: [...] }` or rows `[[...], …]`
 *   (then `names`); factors one-hot encoded beforehand
 * @param opts {@link CoxphOptions}
 * @returns {@link CoxphResult}
 * @throws {SurvkitError} on bad input; `coxphCollinear` naming the covariate
 *   that is a linear combination of the others; `coxphDiverged` naming the
 *   covariates whose coefficients grow without bound (monotone likelihood,
 *   separation); `coxphNoConvergence` when 'maxIter' iterations do not converge
 * @example
 * const fit = coxph({ time: [5, 8, 12, 3, 9, 14, 7, 11], event: [1, 1, 0, 1, 1, 0, 1, 1] }, { x: [1, 0, 0, 1, 1, 0, 0, 1] });
 * fit.coefficients[0]?.hazardRatio; // e^β of x
 * @see Cox (1972), J. R. Stat. Soc. B 34:187–220; Efron (1977), JASA 72:557–565; Gail, Lubin & Rubinstein (1981), Biometrika 68:703–707;
 *   Lin & Wei (1989), JASA 84:1074–1078 (robust variance); Therneau & Grambsch (2000), Modeling Survival Data
 */
export function coxph(labels: LabelsInput, covariates: CovariatesInput, opts: CoxphOptions = {}): CoxphResult {
  const fn = 'coxph';
  const ties = assertChoice(fn, 'ties', opts.ties ?? 'efron', ['efron', 'breslow', 'exact'] as const);
  const conf = assertNumberOption(fn, 'conf', opts.conf ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const maxIter = assertNumberOption(fn, 'maxIter', opts.maxIter ?? 20, { min: 1, integer: true });
  const eps = assertNumberOption(fn, 'eps', opts.eps ?? 1e-9, { min: 0, minExclusive: true });
  const data = coxData(fn, labels, covariates, { strata: opts.strata, weights: opts.weights, offset: opts.offset, names: opts.names });
  const cluster = opts.cluster === undefined ? undefined : groupCodes(fn, 'cluster', opts.cluster, data.n);
  const robust = opts.robust === true || cluster !== undefined;
  const efron = ties === 'efron';
  const exact = ties === 'exact';
  // as R: coxexact.fit has no case weights, and residuals.coxph has no score residuals (so no sandwich) for "exact"
  if (exact && data.weighted) throw survkitError('coxphExactUnsupported', fn, 'weights');
  if (exact && robust) throw survkitError('coxphExactUnsupported', fn, opts.cluster === undefined ? 'robust' : 'cluster');
  const derivatives = (b: Float64Array): CoxDerivatives => (exact ? coxExactDerivatives(data, xs, b) : coxDerivatives(data, xs, b, efron));
  const { n, p, weight } = data;

  // centre and scale as coxfit6 does (Newton–Raphson is invariant to both; they keep exp() in range)
  let sumw = 0;
  for (const w of weight) sumw += w;
  const means = new Float64Array(p);
  const scale = new Float64Array(p);
  // R's nocenter = c(-1, 0, 1): covariates with only these values are neither centred nor scaled
  const xs = data.x.map((col, k) => {
    let zeroOne = true;
    for (let i = 0; i < n && zeroOne; i++) zeroOne = col[i] === -1 || col[i] === 0 || col[i] === 1;
    if (zeroOne) {
      scale[k] = 1;
      return Float64Array.from(col);
    }
    let m = 0;
    for (let i = 0; i < n; i++) m += (weight[i] as number) * (col[i] as number);
    m /= sumw;
    means[k] = m;
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = (col[i] as number) - m;
    let s = 0;
    for (let i = 0; i < n; i++) s += (weight[i] as number) * Math.abs(c[i] as number);
    const f = s > 0 && Number.isFinite(sumw / s) ? sumw / s : 1; // a constant (or all but constant) covariate keeps scale 1
    scale[k] = f;
    for (let i = 0; i < n; i++) c[i] = (c[i] as number) * f;
    return c;
  });
  // offsets enter centred at their (unweighted) mean, as R's coxph does
  let meanOffset = 0;
  for (const o of data.offset) meanOffset += o;
  meanOffset /= n;
  for (let i = 0; i < n; i++) {
    data.offset[i] = (data.offset[i] as number) - meanOffset;
    // as R: "offsets must lead to a finite risk score"
    if (!Number.isFinite(Math.exp(data.offset[i] as number)))
      throw survkitError('coxphOffset', fn, `offset[${data.order[i] as number}]`, meanOffset, (data.offset[i] as number) + meanOffset);
  }
  const checkRank = (imat: Float64Array): void => {
    const rank = cholesky2(imat, p, TOLER_CHOL);
    if (Math.abs(rank) < p) {
      const k = [...Array(p).keys()].find((i) => imat[i * p + i] === 0) ?? p - 1;
      throw survkitError('coxphCollinear', fn, 'covariates', data.names[k] as string, data.names.slice(0, k));
    }
  };

  // iteration 0 at β = 0: the null log-likelihood and the score test
  let beta = new Float64Array(p);
  const d0 = derivatives(beta);
  if (!Number.isFinite(d0.loglik)) {
    // the exact term sums over all C(n, d) subsets of the risk set: beyond ~1e308 it overflows (R's coxexact too)
    if (exact) throw survkitError('coxphExactOverflow', fn, 'labels');
    throw survkitError('coxphNoConvergence', fn, 'covariates', 0, data.names);
  }
  const u0 = Float64Array.from(d0.u);
  checkRank(d0.imat);
  const a = Float64Array.from(u0);
  chsolve2(d0.imat, p, a);
  let sctest = 0;
  for (let i = 0; i < p; i++) sctest += (u0[i] as number) * (a[i] as number);
  const loglik0 = d0.loglik;
  let best = loglik0;
  let newbeta = beta.map((b, i) => b + (a[i] as number));
  let halving = 0;
  let final: { loglik: number; u: Float64Array; imat: Float64Array } | undefined;
  let iter = 1;
  for (; iter <= maxIter; iter++) {
    const d = derivatives(newbeta);
    let finite = Number.isFinite(d.loglik);
    for (const v of d.u) if (!Number.isFinite(v)) finite = false;
    for (const v of d.imat) if (!Number.isFinite(v)) finite = false;
    if (finite) checkRank(d.imat);
    // coxexact (R) also requires that the step was not a halving one
    if (finite && Math.abs(1 - best / d.loglik) <= eps && !(exact && halving > 0)) {
      final = d;
      beta = newbeta;
      break;
    }
    if (!finite || d.loglik < best) {
      halving++;
      const h = exact ? 1 : halving; // coxexact halves towards the last good β; coxfit6 moves ever closer to it
      newbeta = newbeta.map((nb, i) => (nb + h * (beta[i] as number)) / (h + 1));
    } else {
      halving = 0;
      best = d.loglik;
      const step = Float64Array.from(d.u);
      chsolve2(d.imat, p, step);
      beta = newbeta;
      newbeta = beta.map((b, i) => b + (step[i] as number));
    }
  }
  const coef = Float64Array.from(beta, (b, i) => b * (scale[i] as number));
  if (final === undefined) {
    const big = data.names.filter(
      (_, k) => Math.abs(coef[k] as number) > 1e-8 && Math.abs((newbeta[k] as number) - (beta[k] as number)) > 1e-6 * Math.abs(beta[k] as number),
    );
    throw survkitError('coxphNoConvergence', fn, 'covariates', maxIter, big.length > 0 ? big : data.names);
  }
  // the variance I⁻¹ on the original scale
  const inv = chinv2(final.imat, p);
  const naive = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) naive[i * p + j] = (inv[i * p + j] as number) * (scale[i] as number) * (scale[j] as number);
  // monotone likelihood: the next Newton step is still large (R's "coefficient may be infinite")
  const diverged: string[] = [];
  for (let k = 0; k < p; k++) {
    let step = 0;
    for (let j = 0; j < p; j++) step += ((final.u[j] as number) / (scale[j] as number)) * (naive[j * p + k] as number);
    step = Math.abs(step);
    if (!Number.isFinite(final.u[k]) || (step > eps && step > Math.sqrt(eps) * Math.abs(coef[k] as number))) diverged.push(data.names[k] as string);
  }
  if (diverged.length > 0) throw survkitError('coxphDiverged', fn, 'covariates', diverged);

  // linear predictor (centred, sorted order) for residuals and concordance
  const lpSorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = data.offset[i] as number;
    for (let k = 0; k < p; k++) z += (coef[k] as number) * (((data.x[k] as Float64Array)[i] as number) - (means[k] as number));
    lpSorted[i] = z;
  }
  const linearPredictor = new Float64Array(n);
  for (let s = 0; s < n; s++) linearPredictor[data.order[s] as number] = lpSorted[s] as number;
  const xc = data.x.map((col, k) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = (col[i] as number) - (means[k] as number);
    return c;
  });

  let variance: Float64Array = naive;
  let robustScore: ChiSquareTest | undefined;
  if (robust) {
    const nc = cluster === undefined ? n : cluster.levels.length;
    const resid = collapse(data, scoreResiduals(data, xc, lpSorted, efron), cluster?.codes, nc);
    // dfbeta = resid · V; robust V = dfbetaᵀ dfbeta
    const dfb = new Float64Array(nc * p);
    for (let r = 0; r < nc; r++)
      for (let k = 0; k < p; k++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += (resid[r * p + j] as number) * (naive[j * p + k] as number);
        dfb[r * p + k] = s;
      }
    variance = crossprod(dfb, nc, p);
    // robust score test at β = 0 (R sets the linear predictor to 0 there)
    const r0 = collapse(data, scoreResiduals(data, xc, new Float64Array(n), efron), cluster?.codes, nc);
    const usum = new Float64Array(p);
    for (let r = 0; r < nc; r++) for (let k = 0; k < p; k++) usum[k] = (usum[k] as number) + (r0[r * p + k] as number);
    const stat = quadraticInverse(crossprod(r0, nc, p), p, usum, TOLER_CHOL);
    robustScore = { statistic: stat, df: p, p: chiSquareSf(stat, p) };
  }
  const wald = quadraticInverse(variance, p, coef, TOLER_CHOL);
  const lr = 2 * (final.loglik - loglik0);
  const zq = normalQuantile(1 - (1 - conf) / 2, 0, 1);
  const coefficients = data.names.map((name, k): CoxphCoefficient => {
    const b = coef[k] as number;
    const se = Math.sqrt(naive[k * p + k] as number);
    const used = Math.sqrt(variance[k * p + k] as number);
    const z = b / used;
    const row: CoxphCoefficient = {
      name,
      coef: b,
      se,
      hazardRatio: Math.exp(b),
      lower: Math.exp(b - zq * used),
      upper: Math.exp(b + zq * used),
      z,
      p: 2 * normalUpperTail(Math.abs(z)),
    };
    if (robust) row.robustSe = used;
    return row;
  });
  let events = 0;
  for (const e of data.event) events += e;
  const tests: CoxphResult['tests'] = {
    wald: { statistic: wald, df: p, p: chiSquareSf(wald, p) },
    score: { statistic: sctest, df: p, p: chiSquareSf(sctest, p) },
    likelihoodRatio: { statistic: lr, df: p, p: chiSquareSf(lr, p) },
  };
  if (robustScore !== undefined) tests.robustScore = robustScore;
  const result: CoxphResult = {
    coefficients,
    loglik: [loglik0, final.loglik],
    tests,
    concordance: weightedConcordance(data, lpSorted).concordance,
    variance: Array.from({ length: p }, (_, i) => Array.from(variance.subarray(i * p, i * p + p))),
    linearPredictor,
    n,
    events,
    iterations: iter,
    ties,
    conf,
  };
  registerFit(result, { data, coef, naive, lpSorted, ties });
  return result;
}

/** DᵀD of an r × p row-major matrix. */
function crossprod(d: Float64Array, r: number, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < p; j++) {
      const v = d[i * p + j] as number;
      if (v === 0) continue;
      for (let k = 0; k < p; k++) out[j * p + k] = (out[j * p + k] as number) + v * (d[i * p + k] as number);
    }
  return out;
}
