import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discretize, DiscreteTimeTransform, type CutScheme } from '../../src/data/discretize.js';
import { messages } from '../../src/core/messages.js';
import { readJson } from '../losses/reference.js';

interface DiscreteCase {
  name: string;
  kind: 'discrete';
  cuts_arg: number | number[];
  scheme: CutScheme;
  min: number;
  dtype: string;
  time: number[];
  event: number[];
  cuts: number[];
  idx: number[];
  event_out: number[];
  test_time?: number[];
  test_event?: number[];
  test_idx?: number[];
  test_event_out?: number[];
}

const oracle = readJson<{ cases: (DiscreteCase | { kind: 'coxtime' })[] }>('label-transforms/pycox_label_transforms.json');
const cases = oracle.cases.filter((c): c is DiscreteCase => c.kind === 'discrete');

describe('discretize: pycox 0.3.0 LabTransDiscreteTime (golden)', () => {
  it('has the cases', () => expect(cases.length).toBe(8));
  for (const c of cases) {
    it(c.name, () => {
      const dtype = c.dtype === 'float32' ? 'float32' : 'float64';
      const opts = typeof c.cuts_arg === 'number' ? { n: c.cuts_arg, scheme: c.scheme, min: c.min, dtype } : { cuts: c.cuts_arg, dtype };
      const lt = new DiscreteTimeTransform(opts as ConstructorParameters<typeof DiscreteTimeTransform>[0]);
      const out = lt.fitTransform({ time: c.time, event: c.event });
      expect(Array.from(out.cuts)).toEqual(c.cuts);
      expect(Array.from(out.idx)).toEqual(c.idx);
      expect(Array.from(out.event)).toEqual(c.event_out);
      expect(lt.outFeatures).toBe(c.cuts.length);
      if (c.test_time !== undefined) {
        const held = lt.transform({ time: c.test_time, event: c.test_event as number[] });
        expect(Array.from(held.idx)).toEqual(c.test_idx);
        expect(Array.from(held.event)).toEqual(c.test_event_out);
      }
    });
  }
  it('quantile cuts can be fewer than asked for when the KM curve has few steps (pycox warns)', () => {
    const c = cases.find((x) => x.name === 'quantiles_12_ties') as DiscreteCase;
    expect(c.cuts.length).toBeLessThan(12);
  });
});

describe('discretize: rules and invariants', () => {
  it('the documented example', () => {
    const { cuts, idx, event } = discretize({ time: [1, 2.5, 4], event: [1, 0, 1] }, { n: 3 });
    expect(Array.from(cuts)).toEqual([0, 2, 4]);
    expect(Array.from(idx)).toEqual([1, 1, 2]);
    expect(Array.from(event)).toEqual([1, 0, 1]);
  });

  it('keeps competing-risk cause codes, and censors them beyond the last cut', () => {
    const out = discretize({ time: [1, 3, 9], event: [2, 1, 2] }, { cuts: [0, 2, 4, 6] });
    expect(Array.from(out.idx)).toEqual([1, 2, 3]);
    expect(Array.from(out.event)).toEqual([2, 1, 0]);
  });

  it('property: indices in range; events never move left and censorings never move right', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.integer({ min: 0, max: 2 })), { minLength: 2, maxLength: 60 }),
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom<CutScheme>('equidistant', 'quantiles'),
        (rows, n, scheme) => {
          const time = rows.map((r) => r[0]);
          const event = rows.map((r) => r[1]);
          if (Math.max(...time) <= 0) return;
          const { cuts, idx, event: ev } = discretize({ time, event }, { n, scheme });
          const last = cuts[cuts.length - 1] as number;
          for (let i = 0; i < time.length; i++) {
            const k = idx[i] as number;
            expect(k >= 0 && k < cuts.length).toBe(true);
            const t = time[i] as number;
            if (t > last) {
              expect([k, ev[i]]).toEqual([cuts.length - 1, 0]);
            } else if (event[i] !== 0) {
              expect(cuts[k]).toBeGreaterThanOrEqual(t); // right cut
              if (k > 0) expect(cuts[k - 1]).toBeLessThan(t);
              expect(ev[i]).toBe(event[i]);
            } else {
              expect(cuts[k]).toBeLessThanOrEqual(t); // left cut
              if (k + 1 < cuts.length) expect(cuts[k + 1]).toBeGreaterThan(t);
            }
          }
        },
      ),
    );
  });

  it('toJSON / fromJSON round-trips fitted and fixed transforms exactly', () => {
    const y = { time: [0.3, 1.7, 2.2, 5.9, 8.1, 3.3], event: [1, 0, 1, 1, 0, 1] };
    for (const lt of [new DiscreteTimeTransform({ n: 4, scheme: 'quantiles', dtype: 'float32' }).fit(y), new DiscreteTimeTransform({ cuts: [0, 1, 5] })]) {
      const back = DiscreteTimeTransform.fromJSON(JSON.parse(JSON.stringify(lt)) as ReturnType<DiscreteTimeTransform['toJSON']>);
      expect(Array.from(back.cuts)).toEqual(Array.from(lt.cuts));
      expect(back.transform(y)).toEqual(lt.transform(y));
      expect(back.toJSON()).toEqual(lt.toJSON());
    }
  });

  it('errors name the function and argument', () => {
    expect(() => new DiscreteTimeTransform({ n: 4 }).transform({ time: [1], event: [1] })).toThrow(
      messages.transformNotFitted('DiscreteTimeTransform.transform', 'the grid of cut points'),
    );
    expect(() => discretize({ time: [1], event: [1] }, { n: 3, cuts: [0, 1] })).toThrow(
      messages.optionRange('DiscreteTimeTransform', 'cuts', "given exactly when 'n' is not (fixed cut points, or a number of cuts to fit)", [0, 1]),
    );
    expect(() => discretize({ time: [1], event: [1] }, { n: 1 })).toThrow(messages.optionRange('DiscreteTimeTransform', 'n', 'an integer >= 2', 1));
    expect(() => discretize({ time: [1], event: [1] }, { cuts: [0, 2, 2] })).toThrow(messages.notAscending('DiscreteTimeTransform', 'cuts', 2));
    expect(() => discretize({ time: [0.5, 2], event: [0, 1] }, { cuts: [1, 2] })).toThrow(
      messages.censoredBeforeFirstCut('DiscreteTimeTransform.transform', 'labels.time[0]', 1, 0.5),
    );
    expect(() => discretize({ time: [0, 0], event: [1, 1] }, { n: 3 })).toThrow(/DiscreteTimeTransform.fit: 'cuts' must be strictly ascending/);
    // linspace(min 0, max T 0, 3) = [0, 0, 0]: cut 1 does not exceed cut 0.
    expect(() => discretize({ time: [0, 0], event: [1, 1] }, { n: 3, scheme: 'equidistant' })).toThrow(
      messages.cutsNotDistinct('DiscreteTimeTransform.fit', 'cuts', 1, 0, 0, 0, 0),
    );
    expect(() => DiscreteTimeTransform.fromJSON({ type: 'TimeScaler' } as never)).toThrow(
      messages.savedJson('DiscreteTimeTransform.fromJSON', 'json', 'DiscreteTimeTransform', { type: 'TimeScaler' }),
    );
  });
});
