import gammainc from '@stdlib/math-base-special-gammainc';

/**
 * Upper tail of the χ² distribution, P(X ≥ x) for X ~ χ²(df), computed as
 * the regularised upper incomplete gamma function Q(df/2, x/2) (stdlib
 * `gammainc` with `upper = true`), so small p-values keep their relative
 * precision (no `1 − cdf` cancellation). Equals scipy's `chi2.sf(x, df)`.
 *
 * @param x statistic (values <= 0 give 1)
 * @param df degrees of freedom, > 0
 * @returns the p-value in [0, 1]
 * @example
 * chiSquareSf(3.841458820694124, 1); // ≈ 0.05
 */
export function chiSquareSf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
