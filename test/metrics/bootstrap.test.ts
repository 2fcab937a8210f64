import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { survkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { bootstrap } from '../../src/metrics/bootstrap.js';

const sample = [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1, 3.9, 4.7, 2.2, 3.6, 5.1, 4.0, 3.1];
const meanOf = (idx: Int32Array) => {
  let s = 0;
  for (const i of idx) s += sample[i]!;
  return s / idx.length;
};

/** numpy.quantile(x, p) (linear, type 7), written independently. */
function quantile7(x: ArrayLike<number>, p: number): number {
  const s = Float64Array.from(x).sort();
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

describe('bootstrap', () => {
  it('is reproducible with the same seed and changes with the seed', () => {
    const a = bootstrap(meanOf, sample.length, { replicates: 200, seed: 3 });
    const b = bootstrap(meanOf, sample.length, { replicates: 200, seed: 3 });
    const c = bootstrap(meanOf, sample.length, { replicates: 200, seed: 4 });
    expect(Array.from(b.replicates)).toEqual(Array.from(a.replicates));
    expect([b.lower, b.upper, b.se]).toEqual([a.lower, a.upper, a.se]);
    expect(Array.from(c.replicates)).not.toEqual(Array.from(a.replicates));
  });

  it('resamples n of n with replacement, drawn by Random(seed)', () => {
    const seen: Int32Array[] = [];
    bootstrap((idx) => (seen.push(idx.slice()), 0), 9, { replicates: 5, seed: 11 });
    expect(Array.from(seen[0]!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]); // the original sample first
    const rng = new Random(11);
    for (let b = 1; b <= 5; b++) expect(Array.from(seen[b]!)).toEqual(Array.from(rng.sampleWithReplacement(9)));
  });

  it('percentile CI of the mean: type-7 quantiles of the replicates, contains the sample mean', () => {
    const r = bootstrap(meanOf, sample.length, { replicates: 2000, seed: 1, level: 0.9 });
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
    expect(r.estimate).toBeCloseTo(mean, 14);
    expect(r.lower).toBe(quantile7(r.replicates, 0.05));
    expect(r.upper).toBe(quantile7(r.replicates, 0.95));
    expect(r.lower).toBeLessThan(mean);
    expect(r.upper).toBeGreaterThan(mean);
    expect(r.level).toBe(0.9);
    // se: the sample standard deviation of the replicates, close to s/√n for the mean
    const m = r.replicates.reduce((a, b) => a + b, 0) / r.replicates.length;
    const sd = Math.sqrt(r.replicates.reduce((a, v) => a + (v - m) ** 2, 0) / (r.replicates.length - 1));
    expect(r.se).toBeCloseTo(sd, 12);
    const s = Math.sqrt(sample.reduce((a, v) => a + (v - mean) ** 2, 0) / sample.length);
    expect(Math.abs(r.se / (s / Math.sqrt(sample.length)) - 1)).toBeLessThan(0.1);
  });

  it('counts skipped (undefined) resamples, for any seed and replicate count', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 60 }), (seed, reps) => {
        // undefined (throws) when the resample misses subject 0: skipped and counted
        let undefinedDraws = 0;
        const stat = (idx: Int32Array) => {
          if (!idx.includes(0)) {
            undefinedDraws++;
            throw survkitError('noEvents', 'stat', 'labels');
          }
          return meanOf(idx);
        };
        let r;
        try {
          r = bootstrap(stat, sample.length, { replicates: reps, seed });
        } catch (err) {
          expect(String(err)).toContain(messages.statisticUndefined('bootstrap', 'statistic', undefinedDraws, reps));
          return;
        }
        expect(r.skipped).toBe(undefinedDraws);
        expect(r.replicates.length + r.skipped).toBe(reps);
        expect(r.lower).toBeLessThanOrEqual(r.upper);
      }),
    );
  });

  it('counts NaN / ±Infinity replicates as skipped', () => {
    let k = 0;
    const r = bootstrap((idx) => (k++ % 4 === 3 ? NaN : meanOf(idx)), sample.length, { replicates: 100, seed: 2 });
    expect(r.skipped).toBe(25);
    expect(r.replicates.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(r.lower) && Number.isFinite(r.upper) && Number.isFinite(r.se)).toBe(true);
  });

  it('throws when most resamples are undefined', () => {
    let calls = 0;
    const stat = (idx: Int32Array) => {
      if (calls++ > 0 && calls % 3 !== 0) throw survkitError('noEvents', 'stat', 'labels');
      return meanOf(idx);
    };
    expect(() => bootstrap(stat, sample.length, { replicates: 30, seed: 0 })).toThrow(messages.statisticUndefined('bootstrap', 'statistic', 20, 30));
  });

  it('lets other errors through and rejects a non-finite estimate', () => {
    expect(() =>
      bootstrap(() => {
        throw new RangeError('boom');
      }, 5),
    ).toThrow(RangeError);
    expect(() => bootstrap(() => NaN, 5)).toThrow(messages.statisticNotFinite('bootstrap', 'statistic', NaN));
  });

  it('rejects bad options', () => {
    expect(() => bootstrap(meanOf, 0)).toThrow(messages.optionRange('bootstrap', 'n', 'an integer >= 1', 0));
    expect(() => bootstrap(meanOf, 2.5)).toThrow(messages.optionRange('bootstrap', 'n', 'an integer >= 1', 2.5));
    expect(() => bootstrap(meanOf, 5, { replicates: 1 })).toThrow(messages.optionRange('bootstrap', 'replicates', 'an integer >= 2', 1));
    expect(() => bootstrap(meanOf, 5, { seed: 0.5 })).toThrow(messages.optionRange('bootstrap', 'seed', 'an integer', 0.5));
    expect(() => bootstrap(meanOf, 5, { level: 1 })).toThrow(messages.optionRange('bootstrap', 'level', 'a finite number > 0 and < 1', 1));
  });
});
