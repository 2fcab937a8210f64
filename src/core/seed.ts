/**
 * Seed derivation shared by every seeded layer and backbone (pure, no TF.js).
 */

/**
 * A distinct, reproducible seed for the `k`-th random draw of a layer seeded
 * with `seed` (so that two layers of the same shape do not get the same
 * weights). `undefined` stays `undefined` (unseeded).
 */
export function deriveSeed(seed: number | undefined, k: number): number | undefined {
  return seed === undefined ? undefined : mixSeed(seed, k + 1);
}

/**
 * The 32-bit finaliser of MurmurHash3 (`fmix32`): a bijection of the
 * unsigned 32-bit integers that spreads every input bit over the output.
 */
export function fmix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * One reproducible seed in [0, 2³¹ − 1) from `seed` and a counter `k`:
 * fmix32(trunc(seed) XOR k·0x9e3779b9) mod (2³¹ − 1). Streams that must not
 * collide offset `k` by their own constant (the dropout layers do).
 */
export function mixSeed(seed: number, k: number): number {
  return fmix32((Math.trunc(seed) ^ Math.imul(k, 0x9e3779b9)) >>> 0) % 2147483647;
}
