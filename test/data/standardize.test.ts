import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { Standardizer } from '../../src/data/standardize.js';

describe('Standardizer', () => {
  it('named case: mean and population sd of the training rows; binary columns left as they are', () => {
    // rows 0..3 are the training rows; row 4 is not used for the statistics
    const x = Float64Array.from([50, 1, 3, 70, 0, 3, 60, 1, 3, 40, 1, 3, 1000, 5, 9]);
    const s = Standardizer.fit(['age', 'treated', 'const'], x, [0, 1, 2, 3]);
    const sd = Math.sqrt(((50 - 55) ** 2 + (70 - 55) ** 2 + (60 - 55) ** 2 + (40 - 55) ** 2) / 4);
    expect(s.columns).toEqual([
      { name: 'age', standardized: true, mean: 55, std: sd },
      { name: 'treated', standardized: false, mean: 0, std: 1 },
      { name: 'const', standardized: true, mean: 3, std: 1 },
    ]);
    expect(Array.from(s.transform(x, 5))).toEqual(Array.from(Float32Array.from([-5 / sd, 1, 0, 15 / sd, 0, 0, 5 / sd, 1, 0, -15 / sd, 1, 0, 945 / sd, 5, 6])));
    expect(s.summary()).toEqual({ standardized: ['age', 'const'], leftAsIs: ['treated'] });
  });

  it('a two-valued column that is not 0/1 is also left as it is (pycox: exactly two distinct values)', () => {
    const s = Standardizer.fit(['sex'], [1, 2, 2, 1]);
    expect(s.columns[0]?.standardized).toBe(false);
  });

  it('round-trips through JSON and rejects other JSON', () => {
    const s = Standardizer.fit(['a', 'b'], [1, 0, 2, 1, 4, 0]);
    const again = Standardizer.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(again.columns).toEqual(s.columns);
    expect(() => Standardizer.fromJSON({ type: 'TimeScaler' })).toThrow(
      messages.savedJson('Standardizer.fromJSON', 'json', 'Standardizer', { type: 'TimeScaler' }),
    );
  });

  it('errors name the function and argument', () => {
    expect(() => Standardizer.fit(['a', 'b'], [1, 2, 3])).toThrow(messages.rowMajorWidth('Standardizer.fit', 'x', 2, 3));
    expect(() => Standardizer.fit(['a'], [1, 2], [])).toThrow(messages.empty('Standardizer.fit', 'rows'));
    expect(() => Standardizer.fit(['a'], [1, 2]).transform([1, 2, 3], 2)).toThrow(messages.rowMajorSize('Standardizer.transform', 'x', 2, 1, 3));
  });

  it('property: standardised training columns have mean 0 and population sd 1 (or are constant)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 40 }), (col) => {
        const s = Standardizer.fit(['v'], col);
        const z = Array.from(s.transform(col, col.length), Number);
        const c = s.columns[0];
        if (!c?.standardized) return new Set(col).size === 2;
        const m = z.reduce((a, b) => a + b, 0) / z.length;
        const v = z.reduce((a, b) => a + (b - m) ** 2, 0) / z.length;
        const constant = c.std === 1 && Math.sqrt(col.reduce((a, b) => a + (b - c.mean) ** 2, 0) / col.length) < 10 * Number.EPSILON;
        return Math.abs(m) < 1e-4 && (constant ? v < 1e-20 : Math.abs(v - 1) < 1e-3);
      }),
    );
  });
});
