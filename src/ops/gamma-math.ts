/**
 * log Γ and the polygamma functions in float64 for x > 0 (plain TS; the
 * TF.js ops in lgamma.ts / digamma.ts evaluate these and round once to
 * float32).
 *
 * Method: the recurrences Γ(x+1) = x·Γ(x) and ψ⁽ⁿ⁾(x+1) = ψ⁽ⁿ⁾(x) + (−1)ⁿ n!/x⁽ⁿ⁺¹⁾
 * shift x up to z ≥ 10 (+2n), where the Stirling / de Moivre asymptotic
 * series converge to double precision with Bernoulli terms up to B₁₆; for
 * tiny x this is the reflection-free ψ(x) = ψ(x+1) − 1/x. Near the zeros of
 * log Γ (x = 1, 2) a Taylor series in ζ(k) − 1, and near the zero of ψ
 * (x₀ ≈ 1.4616) its Taylor series about x₀, keep the relative accuracy (the
 * shifted form would lose it to cancellation).
 * Reference: Abramowitz & Stegun 6.1.41, 6.3.18, 6.4.11; DLMF 5.7.3, 5.11.1.
 *
 * Domain: x > 0. At x = 0: lgamma = +∞, digamma = −∞ (limit from the right),
 * ψ⁽ⁿ⁾ = +∞ for odd n, −∞ for even n ≥ 2. x < 0 and NaN give NaN; +∞ gives
 * +∞ for lgamma and digamma and 0 for n ≥ 1.
 */

/** Euler–Mascheroni constant γ. */
const EULER = 0.5772156649015329;
const HALF_LOG_2PI = 0.9189385332046728;

/** ζ(k) − 1 for k = 2 … 22 (scipy.special.zetac, SciPy 1.17.1). */
const ZETA_MINUS_1 = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993, 0.01734306198444914, 0.008349277381922827, 0.00407735619794434,
  0.0020083928260822143, 0.0009945751278180853, 0.0004941886041194645, 0.0002460865533080483, 0.00012271334757848915, 6.124813505870483e-5,
  3.058823630702049e-5, 1.528225940865187e-5, 7.637197637899763e-6, 3.81729326499984e-6, 1.908212716553939e-6, 9.539620338727962e-7, 4.769329867878064e-7,
  2.38450502727733e-7,
];

/** The positive zero of ψ, x₀ = X0_HI + X0_LO (mpmath 1.3.0, 50 digits). */
const X0_HI = 1.4616321449683622;
const X0_LO = 9.549995429965697e-17;
/** ψ⁽ᵏ⁾(x₀)/k! for k = 1 … 15 (mpmath 1.3.0): the Taylor series of ψ about its zero. */
const ROOT_SERIES = [
  0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652, 0.10782405069126237, -0.07219956125645471, 0.04880428816414311,
  -0.03316112647484736, 0.022597648232218104, -0.01542476590494896, 0.010538791616612175, -0.007204534386356869, 0.004926781395729853, -0.003369801655439328,
  0.002305126326734928,
];

/** Bernoulli numbers B₂, B₄, …, B₁₆. */
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510];

/** log Γ(1 + ε) − ε(1 − γ) + log1p(ε) for |ε| ≤ 1/4: Σ_{k≥2} (−1)ᵏ (ζ(k) − 1) εᵏ / k. */
function zetaSeries(eps: number): number {
  let sum = 0;
  let power = -eps; // (−ε)^k, starting at k = 1
  for (let k = 2; k < ZETA_MINUS_1.length + 2; k++) {
    power *= -eps;
    sum += ((ZETA_MINUS_1[k - 2] as number) * power) / k;
  }
  return sum;
}

/** Stirling's series for log Γ(z), z ≥ 10. */
function stirling(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  let series = 0;
  for (let j = BERNOULLI.length; j >= 1; j--) {
    // B_{2j} / (2j (2j − 1) z^{2j−1})
    series = series * r2 + (BERNOULLI[j - 1] as number) / (2 * j * (2 * j - 1));
  }
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + series * r;
}

/**
 * log Γ(x) in float64 for x ≥ 0 (see the module notes for the domain).
 *
 * @example
 * lgammaScalar(0.5); // 0.5723649429247001 = log √π
 */
export function lgammaScalar(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0 || x === Infinity) return Infinity;
  if (Math.abs(x - 1) <= 0.25) {
    const e = x - 1;
    return -Math.log1p(e) + e * (1 - EULER) + zetaSeries(e);
  }
  if (Math.abs(x - 2) <= 0.25) {
    const e = x - 2;
    return e * (1 - EULER) + zetaSeries(e);
  }
  if (x >= 10) return stirling(x);
  let prod = 1;
  let z = x;
  while (z < 10) {
    prod *= z;
    z += 1;
  }
  return stirling(z) - Math.log(prod);
}

/** (2j + n − 1)! / (2j)!, the factor of B_{2j} in the asymptotic series of ψ⁽ⁿ⁾. */
function risingFactor(j: number, n: number): number {
  let f = 1;
  for (let i = 2 * j + 1; i <= 2 * j + n - 1; i++) f *= i;
  return f;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/**
 * The polygamma function ψ⁽ⁿ⁾(x) = dⁿ⁺¹ log Γ(x) / dxⁿ⁺¹ in float64 for
 * integer n ≥ 0 (n = 0: digamma, n = 1: trigamma) and x ≥ 0.
 *
 * @example
 * polygammaScalar(1, 1); // 1.6449340668482264 = π²/6
 */
export function polygammaScalar(n: number, x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  const sign = n % 2 === 1 ? 1 : -1; // (−1)^{n+1}
  if (x === 0) return n === 0 ? -Infinity : sign * Infinity;
  if (x === Infinity) return n === 0 ? Infinity : 0;
  if (n === 0 && Math.abs(x - X0_HI) < 0.1) {
    // Next to the zero the shifted form cancels; sum the Taylor series in ε = x − x₀ instead.
    const eps = x - X0_HI - X0_LO;
    let sum = 0;
    for (let k = ROOT_SERIES.length - 1; k >= 0; k--) sum = sum * eps + (ROOT_SERIES[k] as number);
    return sum * eps;
  }
  const zMin = 10 + 2 * n;
  const nFact = factorial(n);
  let shift = 0;
  let z = x;
  while (z < zMin) {
    shift += n === 0 ? 1 / z : 1 / z ** (n + 1);
    z += 1;
  }
  const r = 1 / z;
  const r2 = r * r;
  if (n === 0) {
    let series = 0;
    for (let j = BERNOULLI.length; j >= 1; j--) series = series * r2 + (BERNOULLI[j - 1] as number) / (2 * j);
    return Math.log(z) - 0.5 * r - series * r2 - shift;
  }
  let series = 0;
  for (let j = BERNOULLI.length; j >= 1; j--) series = series * r2 + (BERNOULLI[j - 1] as number) * risingFactor(j, n);
  const asym = factorial(n - 1) * r ** n + 0.5 * nFact * r ** (n + 1) + series * r ** (n + 2);
  return sign * (asym + nFact * shift);
}

/**
 * ψ(x) = d log Γ(x) / dx in float64.
 *
 * @example
 * digammaScalar(1); // −0.5772156649015329 = −γ
 */
export function digammaScalar(x: number): number {
  return polygammaScalar(0, x);
}

/**
 * ψ′(x) = d² log Γ(x) / dx² in float64.
 *
 * @example
 * trigammaScalar(0.5); // 4.934802200544679 = π²/2
 */
export function trigammaScalar(x: number): number {
  return polygammaScalar(1, x);
}
