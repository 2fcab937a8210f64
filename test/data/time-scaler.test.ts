import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeScaler } from '../../src/data/time-scaler.js';
import { messages } from '../../src/core/messages.js';
import { expectClose, readJson } from '../losses/reference.js';

interface CoxTimeCase {
  name: string;
  kind: 'coxtime';
  log1p: boolean;
  time: number[];
  scaled_float32: number[];
  mean: number;
  scale: number;
}

const oracle = readJson<{ cases: (CoxTimeCase | { kind: 'discrete' })[] }>('label-transforms/pycox_label_transforms.json');
const cases = oracle.cases.filter((c): c is CoxTimeCase => c.kind === 'coxtime');

describe('TimeScaler: pycox 0.3.0 LabTransCoxTime (golden)', () => {
  it('has the cases', () => expect(cases.length).toBe(3));
  for (const c of cases) {
    it(c.name, () => {
      // pycox casts the durations to float32 before scikit-learn's StandardScaler (float64 statistics)
      const t32 = c.time.map(Math.fround);
      const ts = new TimeScaler({ log1p: c.log1p }).fit(t32);
      if (!c.log1p) {
        expect(Math.abs(ts.mean - c.mean)).toBeLessThanOrEqual(1e-12 * Math.abs(c.mean));
        expect(Math.abs(ts.scale - c.scale)).toBeLessThanOrEqual(1e-12 * c.scale);
      } else {
        // numpy takes log1p in float32 there; survkit in float64
        expect(Math.abs(ts.mean - c.mean)).toBeLessThanOrEqual(1e-6 * Math.abs(c.mean));
        expect(Math.abs(ts.scale - c.scale)).toBeLessThanOrEqual(1e-6 * c.scale);
      }
      expectClose(ts.transform(c.time), c.scaled_float32, 0, 2e-6);
    });
  }
});

describe('TimeScaler: invariants', () => {
  it('standardises to mean 0 and population sd 1, and inverts exactly', () => {
    fc.assert(
      // Subnormal times (< 2.2e-308) carry fewer than 53 significant bits, so their
      // spread cannot be standardised to 1e-9; they are mapped to 0. Normal but tiny
      // times (1e-300) are kept: the variance must not underflow.
      fc.property(
        fc.array(
          fc.double({ min: 0, max: 1e4, noNaN: true }).map((v) => (v < 1e-300 ? 0 : v)),
          { minLength: 2, maxLength: 50 },
        ),
        fc.boolean(),
        (t, log1p) => {
          const ts = new TimeScaler({ log1p });
          const z = ts.fitTransform(t);
          expectClose(ts.inverse(z), t, 1e-9, 1e-9);
          if (ts.scale !== 1) {
            const mean = z.reduce((a, b) => a + b, 0) / z.length;
            const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
            expect(Math.abs(mean)).toBeLessThan(1e-9);
            expect(Math.abs(sd - 1)).toBeLessThan(1e-9);
          }
        },
      ),
    );
  });

  it('standardises tiny and huge times without under- or overflow of the variance', () => {
    for (const t of [
      [3.1434555694052576e-162, 0],
      [1e-300, 3e-300, 2e-300],
      [1e300, -1e300, 0],
    ]) {
      const z = new TimeScaler().fitTransform(t);
      const sd = Math.sqrt(z.reduce((a, b) => a + b * b, 0) / z.length);
      expect(Math.abs(sd - 1)).toBeLessThan(1e-12);
    }
  });

  it('a hand example; constant times get scale 1 (scikit-learn); options off', () => {
    const ts = new TimeScaler().fit([1, 2, 3, 4]);
    expect(ts.mean).toBe(2.5);
    expect(ts.scale).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(new TimeScaler().fit([7, 7, 7]).scale).toBe(1);
    const raw = new TimeScaler({ withMean: false, withStd: false }).fit([1, 5]);
    expect(Array.from(raw.transform([3]))).toEqual([3]);
  });

  it('toJSON / fromJSON round-trip; errors', () => {
    const ts = new TimeScaler({ log1p: true }).fit([1, 10, 100]);
    const back = TimeScaler.fromJSON(JSON.parse(JSON.stringify(ts)) as ReturnType<TimeScaler['toJSON']>);
    expect(Array.from(back.transform([5, 50]))).toEqual(Array.from(ts.transform([5, 50])));
    expect(() => new TimeScaler().transform([1])).toThrow(messages.transformNotFitted('TimeScaler.transform', 'the scale'));
    expect(() => new TimeScaler({ log1p: true }).fit([1, -2])).toThrow(messages.log1pDomain('TimeScaler.fit', 'time[1]', -2));
    expect(() => new TimeScaler().fit([1, NaN])).toThrow(messages.notFinite('TimeScaler.fit', 'time', 1, NaN));
  });

  it('fromJSON rejects other JSON and a bad mean or scale', () => {
    const json = new TimeScaler().fit([1, 2, 3]).toJSON();
    expect(() => TimeScaler.fromJSON({ type: 'Standardizer' } as never)).toThrow(
      messages.savedJson('TimeScaler.fromJSON', 'json', 'TimeScaler', { type: 'Standardizer' }),
    );
    expect(() => TimeScaler.fromJSON({ ...json, mean: Number.NaN })).toThrow(messages.finiteNumber('TimeScaler.fromJSON', 'json.mean', Number.NaN));
    expect(() => TimeScaler.fromJSON({ ...json, scale: 0 })).toThrow(messages.positiveNumber('TimeScaler.fromJSON', 'json.scale', 0));
    expect(() => TimeScaler.fromJSON({ ...json, scale: Infinity })).toThrow(messages.positiveNumber('TimeScaler.fromJSON', 'json.scale', Infinity));
  });
});
