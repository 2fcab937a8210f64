import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { censoringKaplanMeier, type CensoringTies } from '../../src/estimators/censoring.js';
import { kaplanMeier } from '../../src/estimators/kaplan-meier.js';
import { StepFunction } from '../../src/estimators/step-function.js';
import { messages } from '../../src/core/messages.js';
import { expectAllClose, km, type KmCase } from './km-fixture.js';
import type { FixtureProvenance } from '../fixtures/provenance.js';

interface PycoxCensorKm {
  provenance: FixtureProvenance;
  time_grid: number[];
  censor_km: number[];
}
const pycox = JSON.parse(readFileSync(new URL('../fixtures/km/pycox_censor_km_metabric.json', import.meta.url), 'utf8')) as PycoxCensorKm;

describe("censoringKaplanMeier 'together' = R survfit(Surv(time, 1 - event)) (golden)", () => {
  it.each(Object.keys(km.cases))('%s', (name) => {
    const c = km.cases[name] as KmCase;
    const g = censoringKaplanMeier(c, { ties: 'together' });
    expect(Array.from(g.times)).toEqual(c.reverse_survfit.time);
    expectAllClose(g.values, c.reverse_survfit.surv, 1e-12, 1e-300, 'G');
  });

  it("pycox 0.3.0 EvalSurv(censor_surv='km') on METABRIC test shows the 'together' convention", () => {
    expect(pycox.provenance.reference).toMatch(/^pycox 0\.3\.0/);
    const c = km.cases.metabric_test as KmCase;
    const together = censoringKaplanMeier(c, { ties: 'together' }).at(pycox.time_grid);
    expectAllClose(together, pycox.censor_km, 1e-12, 1e-300, 'pycox G');
    // ... and not the events-first one (they differ by ~2e-4 on this grid).
    const first = censoringKaplanMeier(c, { ties: 'events-first' }).at(pycox.time_grid);
    const diff = Math.max(...pycox.censor_km.map((v, k) => Math.abs(v - (first[k] as number))));
    expect(diff).toBeGreaterThan(1e-4);
  });
});

describe("censoringKaplanMeier 'events-first' = prodlim reverse KM as pec / riskRegression use (golden)", () => {
  const withProdlim = Object.keys(km.cases).filter((k) => km.cases[k]?.reverse_prodlim !== undefined);
  it.each(withProdlim)('%s', (name) => {
    const c = km.cases[name] as KmCase;
    const p = c.reverse_prodlim as NonNullable<KmCase['reverse_prodlim']>;
    const g = censoringKaplanMeier(c); // default 'events-first'
    expect(Array.from(g.times)).toEqual(p.time);
    expectAllClose(g.values, p.surv, 1e-12, 1e-300, 'G');
  });

  it('hand_mixed_last: events leave first, so the tied censorings at the last time take G to 0', () => {
    const c = km.cases.hand_mixed_last as KmCase;
    expect(censoringKaplanMeier(c).at(3)).toBe(0);
    expect(censoringKaplanMeier(c, { ties: 'together' }).at(3)).toBeCloseTo(0.35, 14);
  });
});

describe('censoringKaplanMeier named cases and errors', () => {
  it('the doc example', () => {
    const G = censoringKaplanMeier({ time: [1, 2, 3], event: [1, 0, 1] });
    expect(G).toBeInstanceOf(StepFunction);
    expect(G.at(2)).toBe(0.5);
    expect(G.at(0)).toBe(1);
  });

  it('hand tie at t = 2 (1 event, 1 censoring, 3 at risk)', () => {
    const y = { time: [1, 2, 2, 4], event: [1, 1, 0, 0] };
    expect(censoringKaplanMeier(y).at(2)).toBe(1 - 1 / 2); // events-first: at risk 3 − 1
    expect(censoringKaplanMeier(y, { ties: 'together' }).at(2)).toBe(1 - 1 / 3);
  });

  it('errors', () => {
    expect(() => censoringKaplanMeier({ time: [1], event: [1] }, { ties: 'before' as CensoringTies })).toThrow(
      messages.optionRange('censoringKaplanMeier', 'ties', "one of 'events-first', 'together'", 'before'),
    );
    expect(() => censoringKaplanMeier({ time: [1, 2], event: [1] })).toThrow(messages.lengthMismatch('censoringKaplanMeier', 'time', 2, 'event', 1));
    expect(() => censoringKaplanMeier([1, 2] as never)).toThrow(messages.notLabels('censoringKaplanMeier', 'labels', [1, 2]));
  });
});

describe('censoringKaplanMeier properties (fast-check)', () => {
  const labelsArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.boolean()), { minLength: 1, maxLength: 50 })
    .map((rows) => ({ time: rows.map((r) => r[0]), event: rows.map((r) => (r[1] ? 1 : 0)) }));

  it("'together' is the KM of the flipped indicator; 'events-first' <= 'together'", () => {
    fc.assert(
      fc.property(labelsArb, (y) => {
        const together = censoringKaplanMeier(y, { ties: 'together' });
        const flipped = kaplanMeier(
          y.time,
          y.event.map((e) => 1 - e),
        );
        expectAllClose(together.values, Array.from(flipped.values), 1e-14, 1e-300);
        const first = censoringKaplanMeier(y);
        for (let k = 0; k < first.values.length; k++) {
          expect(first.values[k]).toBeLessThanOrEqual((together.values[k] as number) * (1 + 1e-14));
        }
      }),
    );
  });

  it('without tied event/censoring times both conventions agree', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (time, ev) => {
          const y = { time, event: time.map((_, i) => (ev[i] ? 1 : 0)) };
          expect(Array.from(censoringKaplanMeier(y).values)).toEqual(Array.from(censoringKaplanMeier(y, { ties: 'together' }).values));
        },
      ),
    );
  });
});
