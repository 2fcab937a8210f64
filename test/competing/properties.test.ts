/**
 * Properties on random competing-risks data with tied times and tied predictions: the O(n log n) sweeps equal
 * their definitions written as plain double loops (pec's ccr pair rule; the infinitesimal jackknife as the
 * explicit n × m influence recursion), and the concordance is invariant under monotone transforms of the CIF.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aalenJohansen } from '../../src/estimators/aalen-johansen.js';
import { censoringKaplanMeier } from '../../src/estimators/censoring.js';
import { CifCurves } from '../../src/estimators/cif-curves.js';
import { cumulativeDynamicAucCr } from '../../src/metrics/cif-scores.js';
import { concordanceIndexCr } from '../../src/metrics/concordance-cr.js';

const subjects = fc.array(fc.record({ t: fc.integer({ min: 1, max: 8 }), e: fc.integer({ min: 0, max: 2 }), f: fc.integer({ min: 0, max: 5 }) }), {
  minLength: 4,
  maxLength: 40,
});

/** pec's ccr loop for one time τ (marginal KM censoring, events first in ties). */
function naiveWolbers(time: number[], event: number[], f: number[], tau: number): number {
  const G = censoringKaplanMeier({ time, event });
  const gl = (t: number) => G.at(t, { side: 'left' });
  let num = 0;
  let den = 0;
  for (let i = 0; i < time.length; i++) {
    if (!(time[i]! <= tau && event[i] === 1)) continue;
    for (let j = 0; j < time.length; j++) {
      if (j === i) continue;
      let w = 0;
      if (time[i]! < time[j]! || (time[j] === time[i] && event[j] === 0)) w = 1 / (gl(time[i]!) * G.at(time[i]!));
      else if (event[j] !== 0 && event[j] !== 1) w = 1 / (gl(time[i]!) * gl(time[j]!));
      den += w;
      num += f[i]! > f[j]! ? w : f[i] === f[j] ? w / 2 : 0;
    }
  }
  return num / den;
}

/** The explicit IJ recursion over subjects (R survival's definition) for cause k. */
function naiveIjSe(time: number[], event: number[], k: number): number[] {
  const n = time.length;
  const ut = [...new Set(time)].sort((a, b) => a - b);
  const U0 = new Array<number>(n).fill(0);
  const Uk = new Array<number>(n).fill(0);
  let p0 = 1;
  return ut.map((u) => {
    const risk = time.map((t): number => (t >= u ? 1 : 0));
    const nr = risk.reduce((a, b) => a + b, 0);
    const d = time.filter((t, i) => t === u && event[i] !== 0).length;
    const dk = time.filter((t, i) => t === u && event[i] === k).length;
    const lam = d / nr;
    const lk = dk / nr;
    for (let i = 0; i < n; i++) {
      const dl = ((time[i] === u && event[i] !== 0 ? 1 : 0) - risk[i]! * lam) / nr;
      const dlk = ((time[i] === u && event[i] === k ? 1 : 0) - risk[i]! * lk) / nr;
      const u0 = U0[i]!;
      Uk[i] = Uk[i]! + u0 * lk + p0 * dlk;
      U0[i] = u0 * (1 - lam) - p0 * dl;
    }
    p0 *= 1 - lam;
    return Math.sqrt(Uk.reduce((a, b) => a + b * b, 0));
  });
}

describe('competing-risks properties', () => {
  it('concordanceIndexCr equals the pairwise definition and is invariant under monotone transforms', () => {
    fc.assert(
      fc.property(subjects, (s) => {
        const time = s.map((x) => x.t);
        const event = s.map((x) => x.e);
        const f = s.map((x) => x.f / 10);
        const firstCase = Math.min(...time.filter((_t, i) => event[i] === 1));
        const last = Math.max(...time);
        if (!Number.isFinite(firstCase) || firstCase >= last) return;
        const G = censoringKaplanMeier({ time, event });
        if (time.some((t, i) => event[i] !== 0 && t <= last && G.at(t) === 0)) return; // pec divides by 0 there
        const want = naiveWolbers(time, event, f, last - 0.5);
        if (!Number.isFinite(want)) return;
        const cif = CifCurves.fromRows(
          [1],
          f.map((v) => [v]),
        );
        const got = concordanceIndexCr({ time, event }, cif, { times: [last - 0.5] }).cIndex[0]!;
        expect(got).toBeCloseTo(want, 12);
        const squashed = CifCurves.fromRows(
          [1],
          f.map((v) => [v * v]),
        );
        expect(concordanceIndexCr({ time, event }, squashed, { times: [last - 0.5] }).cIndex[0]).toBeCloseTo(got, 12);
        expect(got).toBeGreaterThanOrEqual(0);
        expect(got).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('aalenJohansen standard errors equal the explicit influence recursion', () => {
    fc.assert(
      fc.property(subjects, (s) => {
        const time = s.map((x) => x.t);
        const event = s.map((x) => x.e);
        const aj = aalenJohansen({ time, event });
        for (const k of [1, 2]) {
          const c = aj.causes[k - 1];
          if (c === undefined) continue;
          naiveIjSe(time, event, k).forEach((v, j) => expect(c.stdErr[j]).toBeCloseTo(v, 12));
        }
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it('AUC is in [0, 1] and 1 − AUC for the reversed prediction', () => {
    fc.assert(
      fc.property(subjects, (s) => {
        const time = s.map((x) => x.t);
        const event = s.map((x) => x.e);
        const f = s.map((x) => x.f / 10);
        const tau = Math.max(...time) - 0.5;
        const cases = time.filter((t, i) => t <= tau && event[i] === 1).length;
        const controls = time.filter((t, i) => t > tau || (event[i] === 2 && t <= tau)).length;
        const G = censoringKaplanMeier({ time, event });
        if (cases === 0 || controls === 0 || time.some((t, i) => event[i] !== 0 && G.at(t, { side: 'left' }) === 0)) return;
        const a = cumulativeDynamicAucCr(
          { time, event },
          CifCurves.fromRows(
            [1],
            f.map((v) => [v]),
          ),
          { times: [tau] },
        ).auc[0]!;
        const b = cumulativeDynamicAucCr(
          { time, event },
          CifCurves.fromRows(
            [1],
            f.map((v) => [0.5 - v]),
          ),
          { times: [tau] },
        ).auc[0]!;
        expect(a + b).toBeCloseTo(1, 12);
      }),
      { numRuns: 150, seed: 13 },
    );
  });
});
