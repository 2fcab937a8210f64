import { describe, expect, it } from 'vitest';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { normalUpperTail } from '../../src/core/normal-tail.js';

describe('core/normal-tail', () => {
  it('matches reference values of 1 − Φ(z) (scipy 1.17 stats.norm.sf)', () => {
    const cases: [number, number][] = [
      [0, 0.5],
      [1, 0.15865525393145707],
      [1.959963984540054, 0.025],
      [-1, 0.8413447460685429],
      [5, 2.866515718791933e-7],
      [10, 7.61985302416047e-24],
    ];
    for (const [z, p] of cases) expect(Math.abs(normalUpperTail(z) - p) / p).toBeLessThan(1e-12);
  });
  it('inverts the normal quantile', () => {
    for (const p of [1e-10, 0.001, 0.2, 0.5, 0.9]) expect(normalUpperTail(normalQuantile(1 - p, 0, 1))).toBeCloseTo(p, 12);
  });
});
