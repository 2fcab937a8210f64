/**
 * Bounded one-dimensional minimisation by Brent's method (golden-section
 * search with parabolic interpolation), as in Forsythe, Malcolm & Moler's
 * `fmin` and SciPy's `optimize.fminbound`. Plain float64 TypeScript.
 */

/** Options of {@link minimizeScalar}. */
export interface MinimizeScalarOptions {
  /** Absolute tolerance on the minimiser x (default 1e-10; a relative √ε·|x| is always added). */
  xtol?: number;
  /** Maximum number of function evaluations (default 500). */
  maxEvaluations?: number;
}

/** Result of {@link minimizeScalar}. */
export interface MinimizeScalarResult {
  /** The minimiser found, in [lo, hi]. */
  x: number;
  /** f(x). */
  fx: number;
  /** Number of evaluations of f. */
  evaluations: number;
  /** Whether the tolerance was met before `maxEvaluations`. */
  converged: boolean;
}

const GOLDEN = 0.5 * (3 - Math.sqrt(5));
const SQRT_EPS = Math.sqrt(Number.EPSILON);

/**
 * Minimises f on [lo, hi] with Brent's method. For a unimodal f it returns
 * the minimiser to within about xtol + √ε·|x| (√ε ≈ 1.5e-8, the accuracy to
 * which a smooth minimum can be located in float64); the interval's ends are
 * approached, not evaluated exactly. NaN values of f are treated as +∞.
 *
 * @param f the objective (float64)
 * @param lo lower end of the search interval
 * @param hi upper end (> lo)
 * @example
 * minimizeScalar((x) => (x - 2) ** 2, 0, 5).x; // ≈ 2
 * @see Brent (1973), Algorithms for Minimization without Derivatives, ch. 5;
 *   Forsythe, Malcolm & Moler (1977), Computer Methods for Mathematical Computations, `fmin`
 */
export function minimizeScalar(f: (x: number) => number, lo: number, hi: number, opts: MinimizeScalarOptions = {}): MinimizeScalarResult {
  const tol = opts.xtol ?? 1e-10;
  const maxEvaluations = opts.maxEvaluations ?? 500;
  const g = (x: number): number => {
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  let a = lo;
  let b = hi;
  let x = a + GOLDEN * (b - a);
  let w = x;
  let v = x;
  let fx = g(x);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  let evaluations = 1;
  let converged = false;
  while (evaluations < maxEvaluations) {
    const xm = 0.5 * (a + b);
    const tol1 = SQRT_EPS * Math.abs(x) + tol / 3;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) {
      converged = true;
      break;
    }
    let parabolic = false;
    if (Math.abs(e) > tol1) {
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      r = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm >= x ? tol1 : -tol1;
        parabolic = true;
      }
    }
    if (!parabolic) {
      e = (x < xm ? b : a) - x;
      d = GOLDEN * e;
    }
    const u = x + (Math.abs(d) >= tol1 ? d : d >= 0 ? tol1 : -tol1);
    const fu = g(u);
    evaluations++;
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, fx, evaluations, converged };
}
