import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cumulativeDynamicAuc } from '../../src/metrics/cumulative-dynamic-auc.js';
import { censoringKaplanMeier } from '../../src/estimators/censoring.js';

interface Data {
  time: number[];
  event: number[];
  risk: number[];
  t: number;
}

/** Labels with ties (integer times 0..6), integer risks with ties, and a time with cases and controls. */
const dataArb: fc.Arbitrary<Data> = fc
  .integer({ min: 2, max: 30 })
  .chain((n) =>
    fc.record({
      time: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      risk: fc.array(fc.integer({ min: -4, max: 4 }), { minLength: n, maxLength: n }),
      f: fc.double({ min: 0, max: 0.999, noNaN: true }),
    }),
  )
  .map((r) => {
    const lo = Math.min(...r.time);
    const hi = Math.max(...r.time);
    return { time: r.time, event: r.event, risk: r.risk, t: lo + r.f * (hi - lo) };
  })
  .filter((d) => d.t < Math.max(...d.time) && d.time.some((ti, i) => ti <= d.t && d.event[i] === 1));

/** O(n²) weighted pair count with 1/Ĝ(T_i) (sksurv) or 1/Ĝ(T_i−) (riskRegression) — a test oracle. */
function naive(d: Data, side: 'right' | 'left'): number {
  const G = censoringKaplanMeier(d, { ties: 'events-first' });
  let num = 0;
  let den = 0;
  d.time.forEach((ti, i) => {
    if (!(ti <= d.t && d.event[i] === 1)) return;
    const w = 1 / G.at(ti, { side });
    d.time.forEach((tj, j) => {
      if (!(tj > d.t)) return;
      const ri = d.risk[i] as number;
      const rj = d.risk[j] as number;
      num += w * (ri > rj ? 1 : ri === rj ? 0.5 : 0);
      den += w;
    });
  });
  return num / den;
}

describe('cumulativeDynamicAuc: properties', () => {
  it('equals the O(n²) weighted pair count (both conventions)', () => {
    fc.assert(
      fc.property(dataArb, (d) => {
        expect(cumulativeDynamicAuc(d, d, d.risk, [d.t]).auc[0]).toBeCloseTo(naive(d, 'right'), 12);
        expect(cumulativeDynamicAuc(d, d, d.risk, [d.t], { convention: 'riskRegression' }).auc[0]).toBeCloseTo(naive(d, 'left'), 12);
      }),
    );
  });
  it('lies in [0, 1], and AUC(r) + AUC(−r) = 1', () => {
    fc.assert(
      fc.property(dataArb, (d) => {
        const a = cumulativeDynamicAuc(d, d, d.risk, [d.t]).auc[0] as number;
        const b = cumulativeDynamicAuc(
          d,
          d,
          d.risk.map((r) => -r),
          [d.t],
        ).auc[0] as number;
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1 + 1e-15);
        expect(a + b).toBeCloseTo(1, 12);
      }),
    );
  });
  it('is invariant under strictly increasing transforms of the risk', () => {
    fc.assert(
      fc.property(dataArb, (d) => {
        const a = cumulativeDynamicAuc(d, d, d.risk, [d.t]).auc[0] as number;
        const b = cumulativeDynamicAuc(
          d,
          d,
          d.risk.map((r) => Math.exp(r / 2) * 3 + 1),
          [d.t],
        ).auc[0] as number;
        expect(b).toBeCloseTo(a, 12);
      }),
    );
  });
});
