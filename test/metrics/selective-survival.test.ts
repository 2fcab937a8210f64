import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { take } from '../../src/core/take.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { integratedBrierScore } from '../../src/metrics/integrated.js';
import { selectiveSurvivalTable } from '../../src/metrics/selective-survival.js';

const fn = 'selectiveSurvivalTable';

/** Exponential curves S_i(t) = exp(−t·e^{r_i}) on a grid. */
function curvesOf(risk: ArrayLike<number>, grid: number[]): SurvivalCurves {
  const v: number[] = [];
  for (const r of Array.from(risk)) for (const t of grid) v.push(Math.exp(-t * Math.exp(r)));
  return new SurvivalCurves(grid, v);
}

describe('selectiveSurvivalTable', () => {
  // 4 subjects; scores rank them 0, 1, 3, 2 (most certain first).
  const labels = { time: [1, 2, 3, 4], event: [1, 1, 1, 0] };
  const risk = [4, 3, 1, 2];
  const score = [0.1, 0.2, 0.9, 0.3];
  const grid = [0.5, 1, 1.5, 2, 2.5, 3, 3.5];
  const curves = curvesOf([0.4, 0.3, 0.1, 0.2], grid);

  it('named case: counts and Harrell C of kept and flagged groups by hand', () => {
    const { rows } = selectiveSurvivalTable(score, labels, risk, curves, { coverages: [1, 0.75, 0.5], times: grid });
    expect(rows.map((r) => [r.coverage, r.kept, r.flagged, r.threshold])).toEqual([
      [1, 4, 0, 0.9],
      [0.75, 3, 1, 0.3],
      [0.5, 2, 2, 0.2],
    ]);
    // all 4: pairs (1,2) (1,3) (1,4) (2,3) (2,4) (3,4) comparable; (3,4) discordant (risk 1 < 2) → 5/6
    expect(rows[0]?.keptC).toBeCloseTo(5 / 6, 15);
    expect(rows[0]?.flaggedC).toBeNull();
    expect(rows[0]?.flaggedIbs).toBeNull();
    // kept {0, 1, 3}: three concordant pairs; flagged {2}: no pair
    expect(rows[1]?.keptC).toBe(1);
    expect(rows[1]?.flaggedC).toBeNull();
    // kept {0, 1}: concordant; flagged {3, 2}: the event at 3 has the lower risk → 0
    expect(rows[2]?.keptC).toBe(1);
    expect(rows[2]?.flaggedC).toBe(0);
  });

  it('IBS of each group = integratedBrierScore on the subset with Ĝ from all subjects', () => {
    const { rows, times } = selectiveSurvivalTable(score, labels, risk, curves, { coverages: [0.5], times: grid });
    expect(Array.from(times)).toEqual(grid);
    const g = (idx: number[]) =>
      integratedBrierScore(curves.subset(idx), { time: idx.map((i) => labels.time[i] as number), event: idx.map((i) => labels.event[i] as number) }, grid, {
        train: labels,
      });
    expect(rows[0]?.keptIbs).toBe(g([0, 1]));
    expect(rows[0]?.flaggedIbs).toBe(g([3, 2]));
  });

  it('default times: 100 points from min to max observed time; default coverages 1 … 0.5', () => {
    const { rows, times } = selectiveSurvivalTable(score, labels, risk, curves);
    expect(times.length).toBe(100);
    expect(times[0]).toBe(1);
    expect(times[99]).toBe(4);
    expect(rows.map((r) => r.coverage)).toEqual([1, 0.9, 0.8, 0.7, 0.6, 0.5]);
  });

  it('rejects bad input with catalogue messages', () => {
    expect(() => selectiveSurvivalTable([0.1, 0.2], labels, risk, curves)).toThrow(messages.lengthMismatch(fn, 'score', 2, 'labels.time', 4));
    expect(() => selectiveSurvivalTable(score, labels, [1, 2], curves)).toThrow(messages.lengthMismatch(fn, 'score', 4, 'risk', 2));
    expect(() => selectiveSurvivalTable(score, labels, risk, curves.subset([0]))).toThrow(
      messages.shapeMismatch(fn, 'curves', '4 subjects (one per score)', '1 subjects'),
    );
    expect(() => selectiveSurvivalTable(score, labels, risk, curves, { coverages: [0] })).toThrow(
      messages.optionRange(fn, 'coverages', 'a finite number > 0 and <= 1', 0),
    );
    expect(() => selectiveSurvivalTable(score, labels, risk, curves, { coverages: [] })).toThrow(/option 'coverages' must be a non-empty array/);
    expect(() => selectiveSurvivalTable([0.1, NaN, 0.2, 0.3], labels, risk, curves)).toThrow(messages.notFinite(fn, 'score', 1, NaN));
    expect(() => selectiveSurvivalTable(score, { time: labels.time, event: [1, 2, 0, 0] }, risk, curves)).toThrow(
      messages.notBinaryEvent(fn, 'labels.event', 1, 2),
    );
  });

  it('property: kept + flagged = n, kept = ⌈n·c⌉ most certain, metrics equal the direct computations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 40 }), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (n, seed, c) => {
        const rng = new Random(seed);
        const risk = Float64Array.from({ length: n }, () => rng.normal());
        const time = Float64Array.from(risk, (r) => Math.round((-Math.log(1 - rng.next()) / Math.exp(r)) * 10 + 1) / 10);
        const event = Int32Array.from({ length: n }, (_, i) => (i === 0 || rng.next() < 0.7 ? 1 : 0));
        const score = Float64Array.from({ length: n }, () => Math.round(rng.next() * 5)); // ties on purpose
        const grid = [0.1, 0.5, 1, 2, 4];
        const cv = curvesOf(risk, grid);
        const { rows } = selectiveSurvivalTable(score, { time, event }, risk, cv, { coverages: [c], times: [0.2, 0.6, 1.2] });
        const row = rows[0];
        expect(row?.kept).toBe(Math.min(n, Math.max(1, Math.ceil(n * c - 1e-9 * n))));
        expect((row?.kept ?? 0) + (row?.flagged ?? 0)).toBe(n);
        const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (score[x] as number) - (score[y] as number) || x - y);
        const kept = order.slice(0, row?.kept);
        expect(row?.threshold).toBe(score[kept.at(-1) as number]);
        expect(Math.max(...kept.map((i) => score[i] as number))).toBeLessThanOrEqual(
          Math.min(...order.slice(row?.kept).map((i) => score[i] as number), Infinity),
        );
        let direct: number | null = null;
        try {
          direct = concordanceIndex(take(time, kept), take(event, kept), take(risk, kept)).cIndex;
        } catch {
          direct = null;
        }
        expect(row?.keptC).toBe(direct);
      }),
      { numRuns: 100 },
    );
  });
});
