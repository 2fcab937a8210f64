import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { concordanceIndexIpcw } from '../../src/metrics/concordance-uno.js';
import { metabricCox, readJson } from './concordance-fixtures.js';
import { naiveHarrell, naiveUno, tiedData } from './naive-concordance.js';

const fn = 'concordanceIndexIpcw';
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

interface RBlock {
  concordance: number;
  concordant: number;
  discordant: number;
  tied_x: number;
}

describe('concordanceIndexIpcw — golden values', () => {
  const d = metabricCox();
  const y = { time: d.time, event: d.event };

  it('METABRIC, tau = 200: scikit-survival 0.21 concordance_index_ipcw (censoring KM from the input)', () => {
    const g = readJson<{ sksurv: { uno: Record<string, number> } }>('golden/expected/cindex_py_metabric_coxph.json').sksurv.uno;
    const r = concordanceIndexIpcw(y, y, d.risk, { tau: 200 });
    expect(relErr(r.cIndex, g.cindex as number)).toBeLessThanOrEqual(1e-10);
    // sksurv's counts are unweighted over all events, whatever tau
    expect([r.concordant, r.discordant, r.tiedRisk, r.tiedTime]).toEqual([g.concordant, g.discordant, g.tied_risk, g.tied_time]);
  });

  it('METABRIC: R survival 3.5.3 timewt "n/G2", with and without ymax = 200 (weighted counts)', () => {
    const R = readJson<Record<string, RBlock>>('golden/expected/cindex_R_metabric_coxph.json');
    for (const [tau, block] of [
      [undefined, R.uno_n_over_G2],
      [200, R.uno_n_over_G2_tau],
    ] as const) {
      const r = concordanceIndexIpcw(y, y, d.risk, { tau, convention: 'R' });
      const b = block as RBlock;
      expect(relErr(r.cIndex, b.concordance)).toBeLessThanOrEqual(1e-10);
      expect(relErr(r.weightedConcordant, b.concordant)).toBeLessThanOrEqual(1e-10);
      expect(relErr(r.weightedDiscordant, b.discordant)).toBeLessThanOrEqual(1e-10);
      expect(r.weightedTiedRisk).toBe(b.tied_x);
    }
  });

  it('R "n/G2" on lung, veteran and heavy-tie data; an event exactly at tau counts (R keeps T <= ymax)', () => {
    const R = readJson<{ cases: Record<string, { time: number[]; event: number[]; risk: number[]; tau: number; uno: RBlock; uno_tau: RBlock }> }>(
      'concordance/r_concordance.json',
    );
    for (const c of Object.values(R.cases)) {
      const y2 = { time: c.time, event: c.event };
      for (const [tau, b] of [
        [undefined, c.uno],
        [c.tau, c.uno_tau],
      ] as const) {
        const r = concordanceIndexIpcw(y2, y2, c.risk, { tau, convention: 'R', tiedTol: 0 });
        expect(relErr(r.cIndex, b.concordance)).toBeLessThanOrEqual(1e-10);
        expect(relErr(r.weightedConcordant, b.concordant)).toBeLessThanOrEqual(1e-10);
        expect(relErr(r.weightedTiedRisk, b.tied_x)).toBeLessThanOrEqual(1e-10);
      }
    }
  });

  it('named case: no censoring → weights 1 → Harrell; doc example', () => {
    const t = [1, 2, 3, 4, 5];
    const e = [1, 1, 1, 1, 1];
    const r = [2, 5, 1, 4, 3];
    expect(concordanceIndexIpcw({ time: t, event: e }, { time: t, event: e }, r).cIndex).toBe(concordanceIndex(t, e, r).cIndex);
    const y2 = { time: [1, 2, 3, 4, 5], event: [1, 0, 1, 1, 0] };
    expect(concordanceIndexIpcw(y2, y2, [5, 4, 3, 2, 1]).cIndex).toBe(1);
  });

  it('the censoring distribution comes from train (weights change, counts do not)', () => {
    const test = { time: [1, 2, 3, 4, 6], event: [1, 1, 0, 1, 0] };
    const train = { time: [1, 1.5, 2, 3, 5, 7, 8], event: [0, 1, 0, 1, 0, 1, 0] };
    const risk = [3, 1, 2, 2.5, 0];
    const a = concordanceIndexIpcw(train, test, risk);
    expect(a.cIndex).toBeCloseTo(naiveUno(train, test, risk), 14);
    expect(a.cIndex).not.toBeCloseTo(concordanceIndexIpcw(test, test, risk, { clipWeights: 0.01 }).cIndex, 6);
  });
});

describe('concordanceIndexIpcw — errors', () => {
  const train = { time: [2, 4, 6, 8, 10, 11, 15, 19], event: [0, 1, 0, 1, 0, 0, 0, 1] };
  const test = { time: [1, 3, 5, 7, 12, 13, 19], event: [1, 0, 0, 1, 1, 0, 1] };
  const risk = [5, 8, 13, 11, 9, 7, 4];

  it('G = 0 at a weighted event time throws censoringZero; clipWeights floors G instead', () => {
    const tr = { ...train, event: [0, 1, 0, 1, 0, 0, 0, 0] }; // last training time censored → G(19) = 0
    expect(() => concordanceIndexIpcw(tr, test, risk)).toThrow(messages.censoringZero(fn, 19, 'clipWeights'));
    const clipped = concordanceIndexIpcw(tr, test, risk, { clipWeights: 0.05 });
    expect(clipped.cIndex).toBeGreaterThan(0);
    // tau before 19 avoids it
    expect(() => concordanceIndexIpcw(tr, test, risk, { tau: 19 })).not.toThrow();
  });

  it('a weighted test event after the last training time throws timeOutsideTrain (scikit-survival)', () => {
    const te = { ...test, time: [1, 3, 5, 7, 12, 13, 20] };
    expect(() => concordanceIndexIpcw(train, te, risk)).toThrow(messages.timeOutsideTrain(fn, 'test.time', 20, 19));
    expect(() => concordanceIndexIpcw(train, te, risk, { tau: 20 })).not.toThrow();
  });

  it('rejects bad inputs and options', () => {
    expect(() => concordanceIndexIpcw(train, test, [1, 2])).toThrow(messages.lengthMismatch(fn, 'test.time', 7, 'risk', 2));
    expect(() => concordanceIndexIpcw(train, { time: [1, -1], event: [1, 0] }, [1, 2])).toThrow(messages.negative(fn, 'time', 1, -1));
    expect(() =>
      concordanceIndexIpcw(
        train,
        test,
        risk.map((x, i) => (i === 2 ? NaN : x)),
      ),
    ).toThrow(messages.notFinite(fn, 'risk', 2, NaN));
    expect(() => concordanceIndexIpcw(train, { ...test, event: [0, 0, 0, 0, 0, 0, 0] }, risk)).toThrow(messages.noEvents(fn, 'test.event'));
    expect(() => concordanceIndexIpcw({ ...train, event: train.event.map(() => 0) }, test, risk)).toThrow(messages.noEvents(fn, 'train.event'));
    expect(() => concordanceIndexIpcw(train, { ...test, event: [2, 0, 0, 1, 1, 0, 1] }, risk)).toThrow(messages.notBinaryEvent(fn, 'test.event', 0, 2));
    expect(() => concordanceIndexIpcw(train, test, risk, { tau: 0.5 })).toThrow(messages.noComparablePairs(fn));
    expect(() => concordanceIndexIpcw(train, test, risk, { tau: -1 })).toThrow(messages.optionRange(fn, 'tau', 'a finite number > 0', -1));
    expect(() => concordanceIndexIpcw(train, test, risk, { clipWeights: 2 })).toThrow(
      messages.optionRange(fn, 'clipWeights', 'a finite number > 0 and <= 1', 2),
    );
    expect(() => concordanceIndexIpcw(train, test, risk, { convention: 'x' as 'R' })).toThrow(
      messages.optionRange(fn, 'convention', "one of 'sksurv', 'R'", 'x'),
    );
  });
});

describe('concordanceIndexIpcw — properties', () => {
  it('equals the naive O(n²) IPCW sum (both conventions, with and without tau) on heavy ties', () => {
    fc.assert(
      fc.property(
        tiedData(),
        fc.constantFrom(undefined, 2, 3.5, 6),
        fc.constantFrom('sksurv' as const, 'R' as const),
        ({ time, event, risk }, tau, convention) => {
          const y = { time: time.map((t) => t + 1), event };
          if (!event.includes(1)) return;
          const expected = naiveUno(y, y, risk, tau ?? Infinity, convention, 1e-8, 1e-3);
          if (Number.isNaN(expected)) {
            // no weighted comparable pairs: the naive ratio is 0/0
            expect(() => concordanceIndexIpcw(y, y, risk, { tau, convention, clipWeights: 1e-3 })).toThrow(messages.noComparablePairs(fn));
            return;
          }
          const r = concordanceIndexIpcw(y, y, risk, { tau, convention, clipWeights: 1e-3 });
          expect(r.cIndex).toBeCloseTo(expected, 12);
          const h = naiveHarrell(y.time, event, risk);
          expect([r.concordant, r.discordant, r.tiedRisk, r.tiedTime]).toEqual([h.concordant, h.discordant, h.tiedRisk, h.tiedTime]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
