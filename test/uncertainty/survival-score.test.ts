import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { survivalBands } from '../../src/uncertainty/survival-bands.js';
import { survivalBandWidth } from '../../src/uncertainty/survival-score.js';

// Subject 0: S(1) in {0.9, …, 0.5}, S(2) in {0.3, …, 0.05} → 5–95 % band [0.52, 0.88] then [0.01, 0.28].
// Subject 1: every member 0.6 then 0.4 → zero width.
const a = [0.9, 0.7, 0.8, 0.6, 0.5];
const b = [0.3, 0.1, 0.2, 0.0, 0.05];
const bands = survivalBands(
  a.map((v, p) => new SurvivalCurves([1, 2], [v, b[p] as number, 0.6, 0.4])),
  { at: 1.5 },
);
const fn = 'survivalBandWidth';

describe('survivalBandWidth', () => {
  it('width at t: U(t) − L(t) read as steps, 0 before the grid', () => {
    const w = survivalBandWidth(bands, { at: 1.5 });
    expect(w[0]).toBeCloseTo(0.36, 12);
    expect(w[1]).toBe(0);
    expect(survivalBandWidth(bands, { at: 2 })[0]).toBeCloseTo(0.27, 12);
    expect(Array.from(survivalBandWidth(bands, { at: 0.5 }))).toEqual([0, 0]);
  });

  it('integrated width over [from, to] divided by its length, exact for steps', () => {
    // [0, 1): 0, [1, 2): 0.36, [2, 3): 0.27 → 0.63 / 3
    expect(survivalBandWidth(bands, { from: 0, to: 3 })[0]).toBeCloseTo(0.21, 12);
    // [1.5, 2.5]: 0.5·0.36 + 0.5·0.27
    expect(survivalBandWidth(bands, { from: 1.5, to: 2.5 })[0]).toBeCloseTo(0.315, 12);
  });

  it('cloglog scale: log(−log L) − log(−log U)', () => {
    const w = survivalBandWidth(bands, { at: 1, scale: 'cloglog' });
    expect(w[0]).toBeCloseTo(Math.log(-Math.log(0.52)) - Math.log(-Math.log(0.88)), 10);
    expect(w[1]).toBe(0);
    // a band reaching S = 0 is clipped at 1e-300, not infinite
    const zero = survivalBands([new SurvivalCurves([1], [0]), new SurvivalCurves([1], [0.5])], { quantiles: [0, 1] });
    expect(survivalBandWidth(zero, { at: 1, scale: 'cloglog' })[0]).toBeCloseTo(Math.log(-Math.log(1e-300)) - Math.log(Math.log(2)), 10);
  });

  it('risk band width', () => {
    const w = survivalBandWidth(bands, { risk: true });
    expect(w[0]).toBeCloseTo(0.36, 12);
    expect(w[1]).toBe(0);
  });

  it('rejects malformed options with catalogue messages', () => {
    const forms = 'exactly one of { at }, { from, to } or { risk: true }';
    expect(() => survivalBandWidth(bands, {} as never)).toThrow(messages.optionRange(fn, 'opts', forms, {}));
    expect(() => survivalBandWidth(bands, { at: 1, from: 0, to: 2 } as never)).toThrow(/exactly one of/);
    expect(() => survivalBandWidth(bands, { at: -1 })).toThrow(messages.optionRange(fn, 'at', 'a finite number >= 0', -1));
    expect(() => survivalBandWidth(bands, { from: 2, to: 2 })).toThrow(messages.optionRange(fn, 'to', 'a finite number > 2', 2));
    expect(() => survivalBandWidth(bands, { at: 1, scale: 'log' as never })).toThrow(messages.optionRange(fn, 'scale', "one of 'survival', 'cloglog'", 'log'));
    expect(() => survivalBandWidth(bands, { risk: true, scale: 'cloglog' } as never)).toThrow(/'scale' must be omitted/);
    expect(() => survivalBandWidth(null as never, { at: 1 })).toThrow(
      messages.resultOf(
        'survivalBandWidth',
        'bands',
        'survivalBands, SurvivalEnsemble.predictBands or survivalMcDropout',
        null,
        'an object with upper and lower',
      ),
    );
  });

  it('property: the integrated width is the mean of the width at t over a fine grid (Riemann sum)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 2, maxLength: 5 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        (decay, from, len) => {
          const members = decay.map((d) => new SurvivalCurves([0.5, 1, 2], [Math.exp(-0.5 * d), Math.exp(-d), Math.exp(-2 * d)]));
          const bd = survivalBands(members);
          for (const scale of ['survival', 'cloglog'] as const) {
            const exact = survivalBandWidth(bd, { from, to: from + len, scale })[0] as number;
            const K = 4000;
            let sum = 0;
            let max = 0;
            for (let k = 0; k < K; k++) {
              const w = survivalBandWidth(bd, { at: from + ((k + 0.5) * len) / K, scale })[0] as number;
              sum += w;
              max = Math.max(max, w);
            }
            expect(exact).toBeGreaterThanOrEqual(0);
            // at most 3 jumps, each misplaced by < len/K in the midpoint sum
            expect(Math.abs(exact - sum / K)).toBeLessThanOrEqual((3 * max) / K + 1e-12);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
