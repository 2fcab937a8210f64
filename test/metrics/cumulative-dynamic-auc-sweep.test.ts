import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cumulativeDynamicAuc } from '../../src/metrics/cumulative-dynamic-auc.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { Random } from '../../src/core/random.js';
import { SurvkitError } from '../../src/core/errors.js';
import { cumulativeDynamicAucReference } from './cumulative-dynamic-auc-reference.js';

interface Data {
  time: number[];
  event: number[];
  risk: number[];
  times: number[];
  curves: number[][];
}

/**
 * Labels with tied times, risks with exact ties and near-ties (within and beyond the default tolerance 1e-8),
 * 1..6 evaluation times inside the follow-up, and 3-column survival curves.
 */
const dataArb: fc.Arbitrary<Data> = fc
  .integer({ min: 2, max: 40 })
  .chain((n) =>
    fc.record({
      time: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: n, maxLength: n }),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      risk: fc.array(
        fc.tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0, 0, 1e-9, 3e-8, 0.37)).map(([a, b]) => a + b),
        { minLength: n, maxLength: n },
      ),
      fs: fc.uniqueArray(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 6 }),
      curves: fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }), { minLength: n, maxLength: n }),
    }),
  )
  .map((r) => {
    const lo = Math.min(...r.time);
    const hi = Math.max(...r.time);
    const times = [...new Set(r.fs.map((f) => lo + f * (hi - lo)))].sort((a, b) => a - b);
    // non-increasing curves with values in {1, .75, .5, .25, 0}
    const curves = r.curves.map((c) => {
      const s = [...c].sort((a, b) => a - b);
      return s.map((v) => 1 - v / 4);
    });
    return { time: r.time, event: r.event, risk: r.risk, times, curves };
  })
  .filter((d) => Math.max(...d.time) > Math.min(...d.time) && d.event.includes(1));

/** The result, or the error code where the function throws. */
function outcome(f: () => { auc: Float64Array; meanAuc: number }): { auc: number[]; meanAuc: number } | string {
  try {
    const r = f();
    return { auc: Array.from(r.auc), meanAuc: r.meanAuc };
  } catch (e) {
    if (e instanceof SurvkitError) return e.code;
    throw e;
  }
}

function expectSame(a: ReturnType<typeof outcome>, b: ReturnType<typeof outcome>): void {
  if (typeof a === 'string' || typeof b === 'string') {
    expect(a).toEqual(b);
    return;
  }
  expect(a.auc.length).toBe(b.auc.length);
  a.auc.forEach((v, k) => expect(Math.abs(v - (b.auc[k] as number))).toBeLessThanOrEqual(1e-13));
  expect(Math.abs(a.meanAuc - b.meanAuc)).toBeLessThanOrEqual(1e-13);
}

describe('cumulativeDynamicAuc: the Fenwick-tree sweep equals the former O(m·n) implementation', () => {
  it('risk scores and survival curves, both conventions, ties within and beyond tiedTol', () => {
    fc.assert(
      fc.property(dataArb, fc.constantFrom<'sksurv' | 'riskRegression'>('sksurv', 'riskRegression'), (d, convention) => {
        const y = { time: d.time, event: d.event };
        const opts = { times: d.times, convention };
        expectSame(
          outcome(() => cumulativeDynamicAuc(y, d.risk, opts)),
          outcome(() => cumulativeDynamicAucReference(y, d.risk, opts)),
        );
        const curves = SurvivalCurves.fromRows([1.5, 3.5, 6], d.curves);
        expectSame(
          outcome(() => cumulativeDynamicAuc(y, curves, opts)),
          outcome(() => cumulativeDynamicAucReference(y, curves, opts)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('10^4 subjects with continuous risks and a 100-point grid', () => {
    const r = new Random(11);
    const n = 10_000;
    const time: number[] = [];
    const event: number[] = [];
    const risk: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      time.push(Math.round((-Math.log(1 - r.next()) / Math.exp(0.7 * x)) * 100) / 100);
      event.push(r.next() < 0.7 ? 1 : 0);
      risk.push(x + 0.5 * r.normal());
    }
    const sorted = [...time].sort((a, b) => a - b);
    const times = Array.from({ length: 100 }, (_, k) => sorted[Math.floor(((k + 1) / 102) * n)] as number).filter(
      (v, k, a) => k === 0 || v > (a[k - 1] as number),
    );
    const y = { time, event };
    expectSame(
      outcome(() => cumulativeDynamicAuc(y, risk, { times })),
      outcome(() => cumulativeDynamicAucReference(y, risk, { times })),
    );
  });
});

/** Minimum over repetitions of the CPU-bound wall time of f (ms): robust to other load on the machine. */
function minTime(f: () => void, reps: number): number {
  let best = Infinity;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function sample(n: number, seed: number): { y: { time: Float64Array; event: Int32Array }; risk: Float64Array } {
  const r = new Random(seed);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const risk = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    time[i] = -Math.log(1 - r.next()) / Math.exp(0.7 * x);
    event[i] = r.next() < 0.7 ? 1 : 0;
    risk[i] = x + 0.5 * r.normal();
  }
  return { y: { time, event }, risk };
}

function grid(time: Float64Array, m: number): number[] {
  const s = Float64Array.from(time).sort();
  return Array.from({ length: m }, (_, k) => s[Math.floor(((k + 1) / (m + 2)) * s.length)] as number);
}

describe('cumulativeDynamicAuc: complexity (ratios of times, no absolute timings)', () => {
  it('time(8m)/time(m) stays far below 8 at fixed n (the former per-time pass over all subjects grew with m)', () => {
    const { y, risk } = sample(100_000, 3);
    const few = grid(y.time, 25);
    const many = grid(y.time, 200);
    cumulativeDynamicAuc(y, risk, { times: many }); // warm-up
    const ratio = minTime(() => cumulativeDynamicAuc(y, risk, { times: many }), 7) / minTime(() => cumulativeDynamicAuc(y, risk, { times: few }), 7);
    expect(ratio).toBeLessThan(3);
  }, 120_000);

  it('time(2n)/time(n) below 3.5 with a 100-point grid (4 for a quadratic cost)', () => {
    const a = sample(100_000, 5);
    const b = sample(200_000, 6);
    cumulativeDynamicAuc(a.y, a.risk, { times: grid(a.y.time, 100) }); // warm-up
    const ratio =
      minTime(() => cumulativeDynamicAuc(b.y, b.risk, { times: grid(b.y.time, 100) }), 7) /
      minTime(() => cumulativeDynamicAuc(a.y, a.risk, { times: grid(a.y.time, 100) }), 7);
    expect(ratio).toBeLessThan(3.5);
  }, 120_000);
});
