/**
 * Numerical integration of sampled values y_k = f(x_k) on possibly uneven
 * grids: the trapezoid rule, Simpson's rule exactly as SciPy 1.10
 * `scipy.integrate.simps` / `simpson` computes it (including its `even`
 * handling of an even number of points), and the integral of the
 * right-continuous step function through the samples. Pure helpers: O(N),
 * no allocation beyond the inputs' copies.
 */
import { assertSameLength, toFloat64 } from './assert.js';
import { survkitError } from './errors.js';

/** How SciPy 1.10 `simpson(..., even=)` treats an even number of samples. */
export type SimpsonEven = 'avg' | 'first' | 'last';

function inputs(fn: string, y: ArrayLike<number>, x: ArrayLike<number>): [Float64Array, Float64Array] {
  const yy = toFloat64(fn, 'y', y);
  const xx = toFloat64(fn, 'x', x);
  assertSameLength(fn, 'y', yy.length, 'x', xx.length);
  if (yy.length < 2) throw survkitError('tooFewTimes', fn, 'x', 2, yy.length);
  return [yy, xx];
}

/**
 * Trapezoid rule, Σ_k (x_{k+1} − x_k)(y_k + y_{k+1})/2 (numpy `trapezoid`).
 * Exact for polynomials of degree ≤ 1 on any grid.
 *
 * @param y N >= 2 sampled values
 * @param x N sample positions (uneven allowed)
 * @throws {SurvkitError} on non-finite input, unequal lengths or N < 2
 * @example
 * trapezoid([0, 1, 4], [0, 1, 2]); // 3
 */
export function trapezoid(y: ArrayLike<number>, x: ArrayLike<number>): number {
  const [yy, xx] = inputs('trapezoid', y, x);
  return trapezoidRange(yy, xx, 0, yy.length - 1);
}

/** Trapezoid over samples lo..hi (inclusive). */
function trapezoidRange(y: Float64Array, x: Float64Array, lo: number, hi: number): number {
  let s = 0;
  for (let k = lo; k < hi; k++) s += (((x[k + 1] as number) - (x[k] as number)) * ((y[k] as number) + (y[k + 1] as number))) / 2;
  return s;
}

/**
 * Integral of the right-continuous step function through the samples,
 * Σ_{k<N−1} y_k (x_{k+1} − x_k): the value at x_k holds on [x_k, x_{k+1}).
 * This is how R pec `crps` and riskRegression's integrated Brier score
 * integrate a Brier curve. Exact for constants only.
 *
 * @param y N >= 2 sampled values
 * @param x N sample positions (uneven allowed)
 * @throws {SurvkitError} on non-finite input, unequal lengths or N < 2
 * @example
 * stepIntegral([1, 2, 9], [0, 1, 3]); // 1*1 + 2*2 = 5
 */
export function stepIntegral(y: ArrayLike<number>, x: ArrayLike<number>): number {
  const [yy, xx] = inputs('stepIntegral', y, x);
  let s = 0;
  for (let k = 0; k + 1 < yy.length; k++) s += (yy[k] as number) * ((xx[k + 1] as number) - (xx[k] as number));
  return s;
}

/**
 * Composite Simpson's rule on uneven panels [x_j, x_{j+1}, x_{j+2}] for
 * j = start, start+2, … < stop: SciPy 1.10 `_basic_simpson` (the parabola
 * through each triple, integrated exactly; zero-width intervals contribute
 * 0 as SciPy's guarded divisions make them).
 */
function basicSimpson(y: Float64Array, x: Float64Array, start: number, stop: number): number {
  let s = 0;
  for (let j = start; j < stop; j += 2) {
    const h0 = (x[j + 1] as number) - (x[j] as number);
    const h1 = (x[j + 2] as number) - (x[j + 1] as number);
    const hsum = h0 + h1;
    const hprod = h0 * h1;
    const h0divh1 = h1 !== 0 ? h0 / h1 : 0;
    const inv = h0divh1 !== 0 ? 1 / h0divh1 : 0;
    const mid = hprod !== 0 ? hsum / hprod : 0;
    s += (hsum / 6) * ((y[j] as number) * (2 - inv) + (y[j + 1] as number) * (hsum * mid) + (y[j + 2] as number) * (2 - h0divh1));
  }
  return s;
}

/**
 * Simpson's rule as SciPy 1.10 `scipy.integrate.simps(y, x, even=...)`
 * computes it — the rule pycox's `integrated_brier_score` uses (SciPy ≥ 1.11
 * changed the even-N default, so pycox's numbers depend on SciPy 1.10).
 *
 * - N odd: composite Simpson on the panels (x_0,x_1,x_2), (x_2,x_3,x_4), …
 *   Exact for polynomials of degree ≤ 2 on any grid, and of degree 3 when
 *   x_{2j+1} is the midpoint of every panel (e.g. an even grid).
 * - N even: `'first'` = Simpson on the first N−1 points + trapezoid on the
 *   last interval; `'last'` = trapezoid on the first interval + Simpson on
 *   the last N−1 points; `'avg'` (default, SciPy 1.10's) = their mean. The
 *   trapezoid interval makes these exact only for degree ≤ 1 in general.
 * - N = 2: the trapezoid rule.
 *
 * @param y N >= 2 sampled values
 * @param x N sample positions (uneven allowed)
 * @param opts.even rule for even N, default `'avg'`
 * @throws {SurvkitError} on non-finite input, unequal lengths, N < 2 or an unknown `even`
 * @example
 * simpson([0, 1, 4], [0, 1, 2]); // 8/3 (x² exactly)
 * @see SciPy 1.10 `scipy/integrate/_quadrature.py` (`simpson`, `_basic_simpson`)
 */
export function simpson(y: ArrayLike<number>, x: ArrayLike<number>, opts: { even?: SimpsonEven } = {}): number {
  const fn = 'simpson';
  const [yy, xx] = inputs(fn, y, x);
  const even = opts.even ?? 'avg';
  if (even !== 'avg' && even !== 'first' && even !== 'last') {
    throw survkitError('optionRange', fn, 'even', "one of 'avg', 'first', 'last'", even);
  }
  const n = yy.length;
  if (n % 2 === 1) return basicSimpson(yy, xx, 0, n - 2);
  if (n === 2) return trapezoidRange(yy, xx, 0, 1);
  // Same order of operations as SciPy 1.10: trapezoid ends in `val`, Simpson parts in `result`.
  let val = 0;
  let result = 0;
  if (even === 'avg' || even === 'first') {
    val += trapezoidRange(yy, xx, n - 2, n - 1);
    result = basicSimpson(yy, xx, 0, n - 3);
  }
  if (even === 'avg' || even === 'last') {
    val += trapezoidRange(yy, xx, 0, 1);
    result += basicSimpson(yy, xx, 1, n - 2);
  }
  if (even === 'avg') {
    val /= 2;
    result /= 2;
  }
  return result + val;
}
