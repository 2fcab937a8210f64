import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kaplanMeier, kaplanMeierOf, KaplanMeier, type ConfType } from '../../src/estimators/kaplan-meier.js';
import { nelsonAalen } from '../../src/estimators/nelson-aalen.js';
import { survivalLabels } from '../../src/data/labels.js';
import { messages } from '../../src/core/messages.js';
import { expectAllClose, km, num, type KmCase } from './km-fixture.js';

/** R survfit and our KM are products of the same rationals: a few ulps apart. */
const RTOL = 1e-12;

const caseNames = Object.keys(km.cases);

/** Limits as R reports them, with R's NA/NaN replaced by survkit's documented values. */
function expectedLimits(c: KmCase, key: keyof KmCase['conf']): { lower: number[]; upper: number[] } {
  const s = c.survfit.surv;
  const fill = (v: (typeof c.conf)['log']['lower']) =>
    v.map((x, k) => {
      const r = num(x);
      if (!Number.isNaN(r)) return r;
      // R: NA for log-log where S = 1 and for log/log-log where S = 0, NaN for plain where S = 0.
      const sk = s[k] as number;
      if (sk === 1 || sk === 0) return sk;
      throw new Error(`unexpected R NA at ${k} with S = ${sk}`);
    });
  return { lower: fill(c.conf[key].lower), upper: fill(c.conf[key].upper) };
}

describe('kaplanMeier against R survival::survfit (golden)', () => {
  it('fixture provenance names R and survival versions', () => {
    expect(km.provenance.reference).toMatch(/^R 4\.\d+\.\d+, survival 3\.\d+[.-]\d+/);
    expect(caseNames).toEqual(['lung', 'veteran', 'metabric_test', 'hand_ties_to_zero', 'hand_mixed_last', 'hand_no_censoring']);
  });

  it.each(caseNames)('%s: times and risk-table counts equal survfit exactly', (name) => {
    const c = km.cases[name] as KmCase;
    const f = kaplanMeier(c.time, c.event);
    expect(Array.from(f.times)).toEqual(c.survfit.time);
    expect(Array.from(f.nRisk)).toEqual(c.survfit.n_risk);
    expect(Array.from(f.nEvents)).toEqual(c.survfit.n_event);
    expect(Array.from(f.nCensored)).toEqual(c.survfit.n_censor);
  });

  it.each(caseNames)('%s: Ŝ(t) and Greenwood std.err (SE of −log Ŝ) match survfit to 1e-12', (name) => {
    const c = km.cases[name] as KmCase;
    const f = kaplanMeier(c.time, c.event);
    expectAllClose(f.values, c.survfit.surv, RTOL, 1e-300, 'surv');
    expectAllClose(f.stdErr, c.survfit.std_err.map(num), RTOL, 1e-300, 'std.err');
  });

  const confKeys: [keyof KmCase['conf'], ConfType, number][] = [
    ['log-log', 'log-log', 0.95],
    ['log', 'log', 0.95],
    ['plain', 'plain', 0.95],
    ['log-log_0.9', 'log-log', 0.9],
  ];
  const confCases = caseNames.flatMap((name) => confKeys.map(([key, type, level]) => [name, key, type, level] as const));
  it.each(confCases)('%s: %s limits match survfit to 1e-12 (R NA → 1 at S = 1, 0 at S = 0)', (name, key, confType, confidence) => {
    const c = km.cases[name] as KmCase;
    const f = kaplanMeier(c.time, c.event, { confType, confidence });
    expect(f.confType).toBe(confType);
    expect(f.confidence).toBe(confidence);
    const want = expectedLimits(c, key);
    expectAllClose(f.lower, want.lower, RTOL, 1e-300, 'lower');
    expectAllClose(f.upper, want.upper, RTOL, 1e-300, 'upper');
  });

  it('the hand cases exercise the degenerate branches (S = 1 with R NA; S = 0 with std.err Inf)', () => {
    const mixed = km.cases.hand_mixed_last as KmCase;
    expect(mixed.conf['log-log'].lower.slice(0, 2)).toEqual(['NA', 'NA']);
    const f = kaplanMeier(mixed.time, mixed.event);
    expect(Array.from(f.lower.slice(0, 2))).toEqual([1, 1]);
    expect(Array.from(f.upper.slice(0, 2))).toEqual([1, 1]);
    const zero = km.cases.hand_ties_to_zero as KmCase;
    expect(zero.survfit.std_err.at(-1)).toBe('Inf');
    const g = kaplanMeier(zero.time, zero.event, { confType: 'plain' });
    expect(g.values.at(-1)).toBe(0);
    expect(g.stdErr.at(-1)).toBe(Infinity);
    expect([g.lower.at(-1), g.upper.at(-1)]).toEqual([0, 0]);
  });
});

describe('kaplanMeier named cases', () => {
  it('the doc example', () => {
    const f = kaplanMeier([1, 2, 2, 3], [1, 1, 0, 1]);
    expect(f.at(2)).toBe(0.5);
    expect(f).toBeInstanceOf(KaplanMeier);
    expect(Object.isFrozen(f)).toBe(true);
  });

  it('hand computation with ties: Π (1 − d/n) and Greenwood Σ d / (n (n − d))', () => {
    // times 1 (2 events, 1 censored), 2 (1 event), 4 (censored), 5 (event)
    const f = kaplanMeier([1, 1, 1, 2, 4, 5, 5], [1, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(f.times)).toEqual([1, 2, 4, 5]);
    expect(Array.from(f.nRisk)).toEqual([7, 4, 3, 2]);
    const s1 = 1 - 2 / 7;
    const s2 = s1 * (1 - 1 / 4);
    const s5 = s2 * (1 - 1 / 2);
    expectAllClose(f.values, [s1, s2, s2, s5], 1e-15);
    const g1 = 2 / (7 * 5);
    const g2 = g1 + 1 / (4 * 3);
    const g5 = g2 + 1 / (2 * 1);
    expectAllClose(f.stdErr, [g1, g2, g2, g5].map(Math.sqrt), 1e-15);
    expect(f.at(0.5)).toBe(1);
    expect(f.at(4.5)).toBe(f.values[1]);
  });

  it('kaplanMeierOf equals kaplanMeier on the same labels', () => {
    const y = survivalLabels([3, 1, 2, 2], [1, 0, 1, 1]);
    const a = kaplanMeierOf(y, { confType: 'log' });
    const b = kaplanMeier([3, 1, 2, 2], [1, 0, 1, 1], { confType: 'log' });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.lower)).toEqual(Array.from(b.lower));
  });

  it('competing causes (codes >= 2) count as events', () => {
    const a = kaplanMeier([1, 2, 3], [2, 0, 1]);
    const b = kaplanMeier([1, 2, 3], [1, 0, 1]);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  });

  it('all censored: Ŝ = 1, std.err 0, limits 1', () => {
    const f = kaplanMeier([1, 2, 3], [0, 0, 0]);
    expect(Array.from(f.values)).toEqual([1, 1, 1]);
    expect(Array.from(f.stdErr)).toEqual([0, 0, 0]);
    expect(Array.from(f.lower)).toEqual([1, 1, 1]);
  });
});

describe('kaplanMeier errors', () => {
  it('length mismatch', () => {
    expect(() => kaplanMeier([1, 2, 3], [1, 0])).toThrow(messages.lengthMismatch('kaplanMeier', 'time', 3, 'event', 2));
  });
  it('NaN, Infinity and negative times, also in typed arrays', () => {
    expect(() => kaplanMeier([1, NaN], [1, 0])).toThrow(messages.notFinite('kaplanMeier', 'time', 1, NaN));
    expect(() => kaplanMeier(new Float64Array([1, Infinity]), new Int32Array([1, 0]))).toThrow(messages.notFinite('kaplanMeier', 'time', 1, Infinity));
    expect(() => kaplanMeier(new Float64Array([1, -2]), new Int32Array([1, 0]))).toThrow(messages.negative('kaplanMeier', 'time', 1, -2));
  });
  it('bad event codes and empty input', () => {
    expect(() => kaplanMeier([1, 2], [1, 1.5])).toThrow(messages.badEventCode('kaplanMeier', 'event', 1, 1.5));
    expect(() => kaplanMeier([], [])).toThrow(messages.empty('kaplanMeier', 'time'));
  });
  it('options', () => {
    expect(() => kaplanMeier([1], [1], { confidence: 1 })).toThrow(messages.optionRange('kaplanMeier', 'confidence', 'a finite number > 0 and < 1', 1));
    expect(() => kaplanMeier([1], [1], { confType: 'arcsin' as ConfType })).toThrow(
      messages.optionRange('kaplanMeier', 'confType', "one of 'log-log', 'log', 'plain'", 'arcsin'),
    );
  });
  it('kaplanMeierOf rejects a non-labels object', () => {
    expect(() => kaplanMeierOf({ t: [1] } as never)).toThrow(messages.notLabels('kaplanMeier', 'labels', { t: [1] }));
  });
});

/** Labels with many ties and some censoring, from small integer times. */
const labelsArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 60 })
  .map((rows) => ({ time: rows.map((r) => r[0] / 4), event: rows.map((r) => (r[1] === 0 ? 0 : 1)) }));

describe('kaplanMeier properties (fast-check)', () => {
  it('Ŝ is non-increasing and in [0, 1]; limits bracket Ŝ within [0, 1]', () => {
    fc.assert(
      fc.property(labelsArb, fc.constantFrom<ConfType>('log-log', 'log', 'plain'), ({ time, event }, confType) => {
        const f = kaplanMeier(time, event, { confType });
        let prev = 1;
        for (let k = 0; k < f.values.length; k++) {
          const s = f.values[k] as number;
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(prev);
          prev = s;
          expect(f.lower[k]).toBeLessThanOrEqual(s + 1e-15);
          expect(f.upper[k]).toBeGreaterThanOrEqual(s - 1e-15);
          expect(f.lower[k]).toBeGreaterThanOrEqual(0);
          expect(f.upper[k]).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('without censoring Ŝ = 1 − empirical CDF at every observed time (1e-12)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 80 }), (time) => {
        const f = kaplanMeier(
          time,
          time.map(() => 1),
        );
        for (const t of time) {
          const ecdf = time.filter((u) => u <= t).length / time.length;
          expect(Math.abs(f.at(t) - (1 - ecdf))).toBeLessThanOrEqual(1e-12);
        }
      }),
    );
  });

  it('at() is right-continuous and side: left gives the value at the previous jump', () => {
    fc.assert(
      fc.property(labelsArb, ({ time, event }) => {
        const f = kaplanMeier(time, event);
        for (let k = 0; k < f.times.length; k++) {
          const t = f.times[k] as number;
          expect(f.at(t)).toBe(f.values[k]);
          const next = k + 1 < f.times.length ? (f.times[k + 1] as number) : t + 1;
          expect(f.at((t + next) / 2)).toBe(f.values[k]);
          expect(f.at(t, { side: 'left' })).toBe(k === 0 ? 1 : f.values[k - 1]);
        }
      }),
    );
  });

  it('exp(−Nelson–Aalen) >= Kaplan–Meier at every time', () => {
    fc.assert(
      fc.property(labelsArb, ({ time, event }) => {
        const f = kaplanMeier(time, event);
        const h = nelsonAalen(time, event);
        expect(Array.from(h.times)).toEqual(Array.from(f.times));
        for (let k = 0; k < f.times.length; k++) {
          expect(Math.exp(-(h.values[k] as number))).toBeGreaterThanOrEqual((f.values[k] as number) * (1 - 1e-15));
        }
      }),
    );
  });

  it('the KM is invariant under permutations of the subjects', () => {
    fc.assert(
      fc.property(labelsArb, fc.integer(), ({ time, event }, seed) => {
        const idx = time.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97) || a - b);
        const f = kaplanMeier(time, event);
        const g = kaplanMeier(
          idx.map((i) => time[i] as number),
          idx.map((i) => event[i] as number),
        );
        expect(Array.from(g.values)).toEqual(Array.from(f.values));
        expect(Array.from(g.stdErr)).toEqual(Array.from(f.stdErr));
      }),
    );
  });
});
