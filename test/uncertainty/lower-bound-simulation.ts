/**
 * Coverage simulation of the conformal lower bounds in the low-dimensional heteroscedastic setting of Candès, Lei &
 * Ren (2023, zhimeir/cfsurv_paper simulation/ld_heterosc.R): X ~ U(0, 4), log T ~ N(2 + β√X, ((5 + X)/5)²),
 * β = 20/√3000; censoring C ~ Exp(0.4) (independent of X, as the paper) or C ~ Exp(0.4·e^{0.25(X − 2)}) (depending on
 * X, with the exact weights 1/P(C ≥ c0 | X)); 1500 calibration subjects; c0 = 3 (the largest of the paper's
 * candidates; it is fixed here instead of being selected on a fitting fold). The model is a fixed, misspecified
 * log-normal (mean 2.3 + 0.1·X, σ = 1): the conformal step must correct it. Used by the tests and the bench.
 */
import { normalUpperTail } from '../../src/core/normal-tail.js';
import { Random } from '../../src/core/random.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { fitConformalLowerBound, type LowerBoundScore } from '../../src/uncertainty/conformal-lower-bound.js';

export interface LowerBoundSimulation {
  score: LowerBoundScore;
  censoring: 'independent' | 'covariate';
  repetitions: number;
  seed: number;
  alpha?: number;
  nCalibration?: number;
  c0?: number;
}

export interface LowerBoundCoverage {
  /** Repetitions whose one new subject had T >= bound. */
  hits: number;
  repetitions: number;
  /** Mean over repetitions of P(T >= bound | calibration set) (exact, integrated over X), and its standard error. */
  meanConditional: number;
  seConditional: number;
  /** Mean bound over X and repetitions. */
  meanBound: number;
  /** The same conditional coverage of the model's own α-quantile (no conformal step). */
  naiveConditional: number;
  /** Mean share of calibration subjects with C >= c0. */
  usedShare: number;
}

const BETA = 20 / Math.sqrt(3000);
const mu = (x: number): number => 2 + BETA * Math.sqrt(x);
const sigma = (x: number): number => (5 + x) / 5;
const rateOf = (x: number, censoring: 'independent' | 'covariate'): number => (censoring === 'independent' ? 0.4 : 0.4 * Math.exp(0.25 * (x - 2)));
/** The model: log T ~ N(2.3 + 0.1 x, 1). */
const modelMu = (x: number): number => 2.3 + 0.1 * x;
/** Φ⁻¹(α) for the model's quantile, by bisection on normalUpperTail. */
function zLower(alpha: number): number {
  let lo = -10;
  let hi = 0;
  for (let k = 0; k < 100; k++) {
    const mid = (lo + hi) / 2;
    if (normalUpperTail(-mid) < alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
const GRID = Float64Array.from({ length: 160 }, (_, k) => 0.025 * (k + 1));
function curves(xs: ArrayLike<number>): SurvivalCurves {
  const v = new Float64Array(xs.length * GRID.length);
  for (let i = 0; i < xs.length; i++) {
    const m = modelMu(xs[i] as number);
    for (let k = 0; k < GRID.length; k++) v[i * GRID.length + k] = normalUpperTail(Math.log(GRID[k] as number) - m);
  }
  return new SurvivalCurves(GRID, v);
}
/** P(T >= L | x) under the true law. */
const coverAt = (x: number, l: number): number => (l <= 0 ? 1 : normalUpperTail((Math.log(l) - mu(x)) / sigma(x)));

export function lowerBoundCoverage(s: LowerBoundSimulation): LowerBoundCoverage {
  const alpha = s.alpha ?? 0.1;
  const n = s.nCalibration ?? 1500;
  const c0 = s.c0 ?? 3;
  const rng = new Random(s.seed);
  const z = zLower(alpha);
  const xGrid = Float64Array.from({ length: 100 }, (_, k) => 0.04 * (k + 0.5));
  const pOf = (x: number): number => Math.exp(-rateOf(x, s.censoring) * c0);
  const gridCurves = s.score === 'distribution' ? curves(xGrid) : null;
  let hits = 0;
  let sum = 0;
  let sum2 = 0;
  let boundSum = 0;
  let naive = 0;
  let used = 0;
  const qOf = (x: number): number => Math.exp(modelMu(x) + z);
  for (let r = 0; r < s.repetitions; r++) {
    const x = new Float64Array(n);
    const time = new Float64Array(n);
    const cens = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const xi = 4 * rng.next();
      const t = Math.exp(mu(xi) + sigma(xi) * rng.normal());
      const c = -Math.log(1 - rng.next()) / rateOf(xi, s.censoring);
      x[i] = xi;
      time[i] = Math.min(t, c);
      cens[i] = c;
    }
    const weighted = s.censoring === 'covariate';
    // only subjects with C >= c0 enter the quantile: building the others' curves would change nothing
    const keep = Array.from({ length: n }, (_, i) => i).filter((i) => (cens[i] as number) >= c0);
    const xs = keep.map((i) => x[i] as number);
    const cal = { time: keep.map((i) => time[i] as number), censoringTime: keep.map((i) => cens[i] as number) };
    const opts = { alpha, c0, score: s.score, censoringProb: weighted ? xs.map(pOf) : undefined };
    const lb = fitConformalLowerBound(s.score === 'distribution' ? curves(xs) : xs.map(qOf), cal, opts);
    used += lb.used / n;
    const xNew = 4 * rng.next();
    const tNew = Math.exp(mu(xNew) + sigma(xNew) * rng.normal());
    const one = lb.predict(s.score === 'distribution' ? curves([xNew]) : [qOf(xNew)], { censoringProb: weighted ? [pOf(xNew)] : undefined });
    if (tNew >= (one.lower[0] as number)) hits++;
    const grid = lb.predict(gridCurves ?? Array.from(xGrid, qOf), { censoringProb: weighted ? Array.from(xGrid, pOf) : undefined });
    let cov = 0;
    let nv = 0;
    for (let j = 0; j < xGrid.length; j++) {
      const xj = xGrid[j] as number;
      cov += coverAt(xj, grid.lower[j] as number);
      boundSum += grid.lower[j] as number;
      nv += coverAt(xj, qOf(xj));
    }
    cov /= xGrid.length;
    sum += cov;
    sum2 += cov * cov;
    naive += nv / xGrid.length;
  }
  const R = s.repetitions;
  const mean = sum / R;
  return {
    hits,
    repetitions: R,
    meanConditional: mean,
    seConditional: Math.sqrt(Math.max(0, sum2 / R - mean * mean) / R),
    meanBound: boundSum / (R * xGrid.length),
    naiveConditional: naive / R,
    usedShare: used / R,
  };
}
