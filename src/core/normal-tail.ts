import gammainc from '@stdlib/math-base-special-gammainc';

/**
 * Upper tail of the standard normal distribution, P(Z > z), accurate in the
 * far tails: for z >= 0 it is ½·erfc(z/√2) = ½·Q(½, z²/2) with Q the
 * regularized upper incomplete gamma function.
 *
 * @example
 * normalUpperTail(1.959963984540054); // ≈ 0.025
 */
export function normalUpperTail(z: number): number {
  const q = 0.5 * gammainc((z * z) / 2, 0.5, true, true);
  return z >= 0 ? q : 1 - q;
}
