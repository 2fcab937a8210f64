import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { syntheticImageSurvival, type SyntheticImageOptions } from '../../src/data/synthetic-images.js';
import { BRIGHT, DIM } from '../../src/data/synthetic-shapes.js';
import { concordanceIndex } from '../../src/metrics/index.js';

const meanIntensity = (d: ReturnType<typeof syntheticImageSurvival>): Float64Array => {
  const px = d.shape[1] * d.shape[2];
  return Float64Array.from({ length: d.time.length }, (_, i) => {
    let s = 0;
    for (let p = 0; p < px; p++) s += d.images[i * px + p] as number;
    return s / px;
  });
};

describe('syntheticImageSurvival', () => {
  it('returns [n, size, size, 1] images with labels, the true log-risk and what was drawn', () => {
    const d = syntheticImageSurvival({ n: 50, size: 24, seed: 3 });
    expect(d.shape).toEqual([50, 24, 24, 1]);
    expect(d.images).toBeInstanceOf(Float32Array);
    expect(d.images.length).toBe(50 * 24 * 24);
    for (const a of [d.time, d.trueLogRisk, d.discArea]) expect(a).toBeInstanceOf(Float64Array);
    expect(d.event).toBeInstanceOf(Int32Array);
    expect(d.discs).toBeInstanceOf(Int32Array);
    expect([d.time, d.event, d.trueLogRisk, d.discs, d.discArea].every((a) => a.length === 50)).toBe(true);
  });

  it('is deterministic: same seed, same data; another seed, other data', () => {
    const a = syntheticImageSurvival({ n: 30, seed: 7 });
    const b = syntheticImageSurvival({ n: 30, seed: 7 });
    const c = syntheticImageSurvival({ n: 30, seed: 8 });
    expect(a).toEqual(b);
    expect(Array.from(a.images)).not.toEqual(Array.from(c.images));
  });

  it.each([0.1, 0.3, 0.6])('censors the requested fraction %s (within 1/n)', (censoring) => {
    const d = syntheticImageSurvival({ n: 400, seed: 1, censoring });
    const censored = d.event.reduce((a, e) => a + (e === 0 ? 1 : 0), 0) / 400;
    expect(Math.abs(censored - censoring)).toBeLessThanOrEqual(1 / 400 + 1e-12);
  });

  it('censoring 0: every event observed, times are the Weibull event times', () => {
    const d = syntheticImageSurvival({ n: 100, seed: 2, censoring: 0 });
    expect(Array.from(d.event).every((e) => e === 1)).toBe(true);
    expect(Array.from(d.time).every((t) => t > 0 && Number.isFinite(t))).toBe(true);
  });

  it('the log-risk is β times the bright-disc area, centred; β = 0 gives no signal', () => {
    const d = syntheticImageSurvival({ n: 60, seed: 4, beta: 2 });
    const e = syntheticImageSurvival({ n: 60, seed: 4, beta: 0.5 });
    for (let i = 1; i < 60; i++) {
      expect(d.trueLogRisk[i]! - d.trueLogRisk[0]!).toBeCloseTo(2 * (d.discArea[i]! - d.discArea[0]!), 12);
      expect(e.trueLogRisk[i]! - e.trueLogRisk[0]!).toBeCloseTo(0.5 * (e.discArea[i]! - e.discArea[0]!), 12);
    }
    const zero = syntheticImageSurvival({ n: 60, seed: 4, beta: 0 });
    expect(Array.from(zero.trueLogRisk).every((v) => v === 0)).toBe(true);
  });

  it('the hazard follows what is drawn, not the mean intensity (distractors carry as much intensity)', () => {
    const d = syntheticImageSurvival({ n: 2000, size: 32, seed: 1 });
    const oracle = concordanceIndex(d.time, d.event, d.trueLogRisk).cIndex;
    const brightness = concordanceIndex(d.time, d.event, meanIntensity(d)).cIndex;
    expect(oracle).toBeGreaterThan(0.82);
    expect(brightness).toBeLessThan(oracle - 0.08);
    expect(brightness).toBeGreaterThan(0.5);
  });

  it('property: without noise, pixels are 0, DIM or BRIGHT (no overlaps) and the bright pixels are the disc area', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 16, max: 40 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom('dim' as const, 'none' as const),
        (seed, size, maxShapes, distractors) => {
          const d = syntheticImageSurvival({ n: 5, size, seed, noise: 0, maxShapes, distractors });
          const px = size * size;
          const ref = Math.PI * (size / 10) ** 2;
          const allowed = new Set([0, Math.fround(DIM), BRIGHT]);
          for (let i = 0; i < 5; i++) {
            let bright = 0;
            let other = 0;
            for (let p = 0; p < px; p++) {
              const v = d.images[i * px + p] as number;
              if (!allowed.has(v)) other++;
              if (v === BRIGHT) bright++;
            }
            expect(other).toBe(0);
            expect(bright / ref).toBeCloseTo(d.discArea[i] as number, 10);
            expect(d.discs[i]).toBeLessThanOrEqual(maxShapes);
            expect(d.discs[i] === 0).toBe(bright === 0);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it.each<[string, Partial<SyntheticImageOptions>, string]>([
    ['n', { n: 0 }, messages.optionRange('syntheticImageSurvival', 'n', 'an integer >= 1', 0)],
    ['size', { n: 5, size: 8 }, messages.optionRange('syntheticImageSurvival', 'size', 'an integer >= 16 and <= 4096', 8)],
    ['censoring', { n: 5, censoring: 1 }, messages.optionRange('syntheticImageSurvival', 'censoring', 'a finite number >= 0 and <= 0.95', 1)],
    [
      'distractors',
      { n: 5, distractors: 'stars' as never },
      messages.optionRange('syntheticImageSurvival', 'distractors', "one of 'dim', 'squares', 'none'", 'stars'),
    ],
    ['weibullShape', { n: 5, weibullShape: 0 }, messages.optionRange('syntheticImageSurvival', 'weibullShape', 'a finite number > 0', 0)],
  ])('rejects a bad %s', (_arg, opts, message) => {
    expect(() => syntheticImageSurvival(opts as SyntheticImageOptions)).toThrow(message);
  });
});
