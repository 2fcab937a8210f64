import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { binEdges, dCalibration } from '../../src/metrics/d-calibration.js';
import { calibrationCases, goldenCalibration, maxRelErr, metabric, relErr, syntheticCurves, type DCalRef, type Model } from './calibration-fixtures.js';

const TOL = 1e-10;
const models: Model[] = ['deephit', 'logistichazard'];

/** Compares with a SurvivalEVAL result (its histogram runs from S = 1 down to S = 0). */
function expectMatches(r: ReturnType<typeof dCalibration>, ref: DCalRef): void {
  expect(maxRelErr(Array.from(r.counts).reverse(), ref.histogram)).toBeLessThanOrEqual(TOL);
  expect(relErr(r.statistic, ref.statistic)).toBeLessThanOrEqual(TOL);
  expect(relErr(r.pValue, ref.p_value)).toBeLessThanOrEqual(TOL);
}

describe('dCalibration: SurvivalEVAL golden values (METABRIC)', () => {
  for (const model of models) {
    it(`${model}, 10 bins (shared golden file)`, () => {
      const { curves, time, event } = metabric(model);
      const gold = goldenCalibration(model);
      const r = dCalibration(curves, { time, event });
      expectMatches(r, gold.d_calibration);
      expect(r.df).toBe(9);
      expect(r.bins).toBe(10);
      expect(r.expectedPerBin).toBeCloseTo(381 / 10, 12);
    });
    it(`${model}, 5 and 20 bins (generated cases)`, () => {
      const { curves, time, event } = metabric(model);
      for (const ref of calibrationCases().metabric[model].d_calibration) {
        const r = dCalibration(curves, { time, event }, { bins: ref.bins as number });
        expectMatches(r, ref);
        expect(r.df).toBe((ref.bins as number) - 1);
      }
    });
  }
});

describe('dCalibration: SurvivalEVAL on synthetic cases', () => {
  for (const c of calibrationCases().synthetic) {
    it(c.name, () => {
      for (const ref of c.d_calibration) {
        const r = dCalibration(syntheticCurves(c), { time: c.time, event: c.event }, { bins: ref.bins as number });
        expectMatches(r, ref);
      }
    });
  }
});

describe('dCalibration: named cases', () => {
  // one grid time 1; T = 1 reads S_i(1) = p_i, T = 0.5 reads 1 (before the grid)
  const oneStep = (p: number[]) =>
    SurvivalCurves.fromRows(
      [1],
      p.map((v) => [v]),
    );

  it('an event adds 1 to its bin; a censored subject spreads over [0, p]', () => {
    const r = dCalibration(oneStep([0.5, 0.6]), { time: [1, 1], event: [1, 0] }, { bins: 2 });
    // censored p = 0.6: bin [0.5, 1] gets (0.6 − 0.5)/0.6, bin [0, 0.5) gets 1/(2·0.6)
    expect(r.counts[0]).toBeCloseTo(1 / 1.2, 15);
    expect(r.counts[1]).toBeCloseTo(1 + 0.1 / 0.6, 15);
    expect(r.expectedPerBin).toBe(1);
    const stat = (r.counts[0]! - 1) ** 2 + (r.counts[1]! - 1) ** 2;
    expect(r.statistic).toBeCloseTo(stat, 15);
    // scipy 1.17: chi2.sf(1/18, 1)
    expect(relErr(r.pValue, 0.8136637157667919)).toBeLessThanOrEqual(1e-13);
  });

  it('p exactly on an edge, p = 0 and p = 1', () => {
    // events: 0 → first bin, 0.5 → upper bin (bins are closed below), 1 → last bin
    const ev = dCalibration(oneStep([0, 0.5, 0.7]), { time: [1, 1, 0.5], event: [1, 1, 1] }, { bins: 2 });
    expect(Array.from(ev.counts)).toEqual([1, 2]);
    // censored: p = 0 → all mass in the first bin; p = 1 → 1/B per bin; p = 0.5 → 0 + 1/(2·0.5)
    const ce = dCalibration(oneStep([0, 0.5, 0.7]), { time: [1, 1, 0.5], event: [0, 0, 0] }, { bins: 2 });
    expect(Array.from(ce.counts)).toEqual([1 + 1 + 0.5, 0 + 0.5]);
  });

  it('bin edges are numpy.linspace(1, 0, B + 1) reversed, bit for bit', () => {
    // values printed by numpy 2.4: np.linspace(1, 0, 8)[::-1]
    expect(Array.from(binEdges(7))).toEqual([
      0, 0.1428571428571429, 0.2857142857142858, 0.4285714285714286, 0.5714285714285714, 0.7142857142857143, 0.8571428571428572, 1,
    ]);
    expect(binEdges(10)[3]).toBe(0.29999999999999993); // np.linspace(1, 0, 11)[7]
    expect(binEdges(10)[7]).toBe(0.7);
  });

  it('stratified uniform draws from the true curves give χ² ≈ 0 and p ≈ 1 (deterministic)', () => {
    const r = calibratedSample(2000, 10, 1, 1);
    expect(r.statistic).toBeLessThan(1e-18);
    expect(r.pValue).toBeCloseTo(1, 12);
    // the same data judged by curves with twice the hazard
    const bad = calibratedSample(2000, 10, 2, 1);
    expect(bad.pValue).toBeLessThan(1e-12);
  });

  it('random draws from the true curves with independent censoring: p-value not tiny (seed 7)', () => {
    const rng = new Random(7);
    const n = 4000;
    const grid = Array.from({ length: 400 }, (_, k) => (k + 1) * 0.01);
    const rows: number[][] = [];
    const time: number[] = [];
    const event: number[] = [];
    for (let i = 0; i < n; i++) {
      const lam = Math.exp(rng.normal() * 0.5);
      const tEv = -Math.log(1 - rng.next()) / lam;
      const c = 4 * rng.next();
      // observed time on the grid (rounded down), so Ŝ_i(T_i) is read exactly at T_i
      const tObs = Math.max(0.01, Math.floor(Math.min(tEv, c) * 100) / 100);
      rows.push(grid.map((g) => Math.exp(-lam * g)));
      time.push(tObs);
      event.push(tEv <= c ? 1 : 0);
    }
    const r = dCalibration(SurvivalCurves.fromRows(grid, rows), { time, event });
    expect(r.pValue).toBeGreaterThan(1e-3);
  });
});

/**
 * n subjects with S_i(t) = exp(−λ_i t); T_i chosen so that S_i(T_i) = (i + ½)/n exactly
 * on a grid made of the T_i, i.e. the p_i are the midpoints of n equal strata. The curves
 * given to dCalibration use hazard `scale`·λ_i.
 */
function calibratedSample(n: number, bins: number, scale: number, seed: number) {
  const rng = new Random(seed);
  const lam = Array.from({ length: n }, () => Math.exp(rng.normal()));
  const time = lam.map((l, i) => -Math.log((i + 0.5) / n) / l);
  const grid = Float64Array.from(time).sort();
  const rows = lam.map((l) => Array.from(grid, (g) => Math.exp(-scale * l * g)));
  return dCalibration(SurvivalCurves.fromRows(grid, rows), { time, event: time.map(() => 1) }, { bins });
}

/** The histogram of Haider et al. with bins [b/B, (b+1)/B), written independently. */
function naiveCounts(p: number[], event: number[], B: number): number[] {
  const c = new Array<number>(B).fill(0);
  p.forEach((pi, i) => {
    const b = Math.min(B - 1, Math.floor(pi * B));
    if (event[i] === 1) c[b]! += 1;
    else {
      c[b]! += (pi - b / B) / pi;
      for (let k = 0; k < b; k++) c[k]! += 1 / (B * pi);
    }
  });
  return c;
}

describe('dCalibration: properties', () => {
  const subject = fc.record({
    p: fc.double({ min: 0.001, max: 1, noNaN: true }),
    event: fc.integer({ min: 0, max: 1 }),
  });
  const data = fc.record({ bins: fc.integer({ min: 2, max: 12 }), subjects: fc.array(subject, { minLength: 12, maxLength: 80 }) });

  it('counts are >= 0, sum to n, equal the Haider et al. histogram away from edges; p-value in [0, 1]', () => {
    fc.assert(
      fc.property(data, ({ bins, subjects }) => {
        // keep p off the bin edges by 1e-9 so both edge conventions agree
        const p = subjects.map((s) => {
          const b = Math.round(s.p * bins);
          return Math.abs(s.p * bins - b) < 1e-7 ? Math.min(1, Math.max(0.001, (b + 0.5) / bins)) : s.p;
        });
        const event = subjects.map((s) => s.event);
        const curves = SurvivalCurves.fromRows(
          [1],
          p.map((v) => [v]),
        );
        const r = dCalibration(curves, { time: p.map(() => 1), event }, { bins });
        let sum = 0;
        for (const c of r.counts) {
          expect(c).toBeGreaterThanOrEqual(0);
          sum += c;
        }
        expect(Math.abs(sum - p.length)).toBeLessThanOrEqual(1e-9);
        expect(maxRelErr(r.counts, naiveCounts(p, event, bins))).toBeLessThanOrEqual(1e-9);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.statistic).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('does not depend on the order of the subjects', () => {
    fc.assert(
      fc.property(data, fc.integer(), ({ bins, subjects }, seed) => {
        const p = subjects.map((s) => s.p);
        const event = subjects.map((s) => s.event);
        const perm = new Random(seed).permutation(p.length);
        const a = dCalibration(
          SurvivalCurves.fromRows(
            [1],
            p.map((v) => [v]),
          ),
          { time: p.map(() => 1), event },
          { bins },
        );
        const pp = Array.from(perm, (i) => p[i] as number);
        const b = dCalibration(
          SurvivalCurves.fromRows(
            [1],
            pp.map((v) => [v]),
          ),
          { time: pp.map(() => 1), event: Array.from(perm, (i) => event[i] as number) },
          { bins },
        );
        expect(maxRelErr(b.counts, a.counts)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(b.statistic - a.statistic)).toBeLessThanOrEqual(1e-9 * Math.max(1, a.statistic));
      }),
    );
  });
});

describe('dCalibration: errors', () => {
  const curves = SurvivalCurves.fromRows(
    [1, 2],
    [
      [0.9, 0.5],
      [0.8, 0.4],
      [0.7, 0.3],
    ],
  );
  const labels = { time: [1, 2, 2], event: [1, 0, 1] };
  it('rejects bad bins', () => {
    expect(() => dCalibration(curves, labels, { bins: 1 })).toThrow(messages.optionRange('dCalibration', 'bins', 'an integer >= 2', 1));
    expect(() => dCalibration(curves, labels, { bins: 2.5 })).toThrow(messages.optionRange('dCalibration', 'bins', 'an integer >= 2', 2.5));
    expect(() => dCalibration(curves, labels, { bins: 4 })).toThrow(messages.tooFewSubjects('dCalibration', 'bins', 4, 3));
  });
  it('rejects mismatched lengths, competing risks and non-curves', () => {
    expect(() => dCalibration(curves, { time: [1, 2], event: [1, 0] }, { bins: 2 })).toThrow(messages.lengthMismatch('dCalibration', 'curves', 3, 'labels', 2));
    expect(() => dCalibration(curves, { time: [1, 2, 2], event: [1, 2, 0] }, { bins: 2 })).toThrow(
      messages.notBinaryEvent('dCalibration', 'labels.event', 1, 2),
    );
    expect(() => dCalibration([[0.5]] as unknown as SurvivalCurves, labels)).toThrow(
      messages.notInstance('dCalibration', 'curves', 'SurvivalCurves object', [[0.5]]),
    );
    expect(() => dCalibration(curves, { time: [1, -2, 2], event: [1, 0, 1] }, { bins: 2 })).toThrow(messages.negative('dCalibration', 'time', 1, -2));
  });
});
