import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSf } from '../../src/core/chi-square.js';
import { Random } from '../../src/core/random.js';

const ref = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'random', 'xoshiro128ss.json'), 'utf8')) as Record<string, number[]>;

/** A generator whose xoshiro128** state is set directly. */
function withState(s: [number, number, number, number]): Random {
  const r = new Random(0);
  Object.assign(r as unknown as Record<string, number>, { s0: s[0], s1: s[1], s2: s[2], s3: s[3] });
  return r;
}

/** Pearson χ² p-value of counts against equal expected counts. */
function uniformPValue(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return chiSquareSf(
    counts.reduce((a, c) => a + (c - e) ** 2 / e, 0),
    counts.length - 1,
  );
}

describe('Random: reference outputs (C reference code, test/fixtures/generators/xoshiro128ss.c)', () => {
  it('xoshiro128** from fixed states', () => {
    const a = withState([1, 2, 3, 4]);
    expect(Array.from({ length: 12 }, () => a.nextUint32())).toEqual(ref.state_1_2_3_4);
    const b = withState([0x9e3779b9, 0x243f6a88, 0xb7e15162, 0xdeadbeef]);
    expect(Array.from({ length: 12 }, () => b.nextUint32())).toEqual(ref.state_9e3779b9_243f6a88_b7e15162_deadbeef);
  });
  it('seeding (SplitMix32-style hash of the seed)', () => {
    for (const seed of [0, 1, 42, -7, 2147483647]) {
      const r = new Random(seed);
      expect(Array.from({ length: 8 }, () => r.nextUint32())).toEqual(ref[`seed_${seed}`]);
    }
  });
});

describe('Random: reproducibility', () => {
  it('the same seed gives the same streams of every kind', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const draw = (r: Random) => [r.next(), r.nextUint32(), r.int(10), r.normal(), ...r.permutation(5), ...r.sampleWithReplacement(7, 3)];
        expect(draw(new Random(seed))).toEqual(draw(new Random(seed)));
      }),
    );
  });
  it('different seeds give different streams', () => {
    const firsts = new Set<string>();
    for (let seed = -500; seed < 500; seed++) {
      const r = new Random(seed);
      firsts.add([r.nextUint32(), r.nextUint32()].join(','));
    }
    expect(firsts.size).toBe(1000);
  });
});

describe('Random: distributions (fixed seeds, so deterministic)', () => {
  it('next() is uniform on [0, 1): χ² over 20 bins, 200 000 draws', () => {
    const r = new Random(12345);
    const counts = new Array<number>(20).fill(0);
    let oddLowBit = 0;
    let outside = 0;
    for (let i = 0; i < 200_000; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      else counts[Math.floor(u * 20)]! += 1;
      if ((u * 2 ** 53) % 2 === 1) oddLowBit++;
    }
    expect(outside).toBe(0);
    expect(uniformPValue(counts)).toBeGreaterThan(1e-3);
    // 53 random bits: the last bit is set about half the time
    expect(oddLowBit / 200_000).toBeGreaterThan(0.49);
    expect(oddLowBit / 200_000).toBeLessThan(0.51);
  });
  it('int(n) is uniform on {0, …, n−1} for n not a power of two, and for n > 2^32', () => {
    const r = new Random(99);
    const counts = new Array<number>(7).fill(0);
    let bad = 0;
    for (let i = 0; i < 70_000; i++) {
      const k = r.int(7);
      if (Number.isInteger(k) && k >= 0 && k < 7) counts[k]! += 1;
      else bad++;
    }
    expect(uniformPValue(counts)).toBeGreaterThan(1e-3);
    const big = 3 * 2 ** 32;
    const halves = [0, 0];
    for (let i = 0; i < 10_000; i++) {
      const k = r.int(big);
      if (!(Number.isInteger(k) && k >= 0 && k < big)) bad++;
      halves[k < big / 2 ? 0 : 1]! += 1;
    }
    expect(uniformPValue(halves)).toBeGreaterThan(1e-3);
    expect(bad).toBe(0);
  });
  it('normal() has mean ≈ 0, variance ≈ 1 and P(|Z| > 1.96) ≈ 5 %', () => {
    const r = new Random(2024);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let tails = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 1.959963984540054) tails++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(tails / n - 0.05)).toBeLessThan(0.004);
  });
  it('permutation() is a permutation with uniform positions', () => {
    const r = new Random(5);
    const pos = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
    let notPerm = 0;
    for (let i = 0; i < 12_000; i++) {
      const p = r.permutation(6);
      if ([...p].sort().join() !== '0,1,2,3,4,5') notPerm++;
      p.forEach((v, k) => (pos[v]![k]! += 1));
    }
    expect(notPerm).toBe(0);
    for (const row of pos) expect(uniformPValue(row)).toBeGreaterThan(1e-4);
  });
  it('sampleWithReplacement(n, k) draws k indices in [0, n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 60 }), fc.integer(), (n, k, seed) => {
        const s = new Random(seed).sampleWithReplacement(n, k);
        expect(s.length).toBe(k);
        for (const v of s) expect(v >= 0 && v < n).toBe(true);
      }),
    );
  });
});
