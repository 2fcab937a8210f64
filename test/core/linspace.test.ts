import { describe, expect, it } from 'vitest';
import { linspace } from '../../src/core/linspace.js';

describe('core/linspace (numpy.linspace)', () => {
  it('numpy endpoints and spacing', () => {
    expect(Array.from(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const g = linspace(0.1, 13.6, 100);
    expect(g[0]).toBe(0.1);
    expect(g[99]).toBe(13.6);
    expect(g[1]).toBe(0.1 + (13.6 - 0.1) / 99);
  });

  it('one point is the start; equal ends repeat the start (numpy)', () => {
    expect(Array.from(linspace(2, 5, 1))).toEqual([2]);
    expect(Array.from(linspace(3, 3, 4))).toEqual([3, 3, 3, 3]);
  });

  it('descending grids: numpy.linspace(1, 0, 11)[3] = 0.7 and [7] = 0.29999999999999993 (numpy 2.4)', () => {
    const g = linspace(1, 0, 11);
    expect(g[3]).toBe(0.7);
    expect(g[7]).toBe(0.29999999999999993);
    expect(g[10]).toBe(0);
  });
});
