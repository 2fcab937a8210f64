/**
 * Seed derivation shared by every seeded layer and backbone (pure, no TF.js).
 */

/**
 * A distinct, reproducible seed for the `k`-th random draw of a layer seeded
 * with `seed` (so that two layers of the same shape do not get the same
 * weights). `undefined` stays `undefined` (unseeded).
 */
export function deriveSeed(seed: number | undefined, k: number): number | undefined {
  if (seed === undefined) return undefined;
  let z = (Math.trunc(seed) ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return ((z ^ (z >>> 16)) >>> 0) % 2147483647;
}
