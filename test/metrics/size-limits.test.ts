/** Size options have documented upper bounds (and the bootstrap loop reports progress and stops on an AbortSignal). */
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { adaptiveCalibrationError, expectedCalibrationError, maxCalibrationError } from '../../src/metrics/calibration-error.js';
import { reliabilityDiagram } from '../../src/metrics/reliability-diagram.js';
import { bootstrap, MAX_REPLICATES } from '../../src/metrics/bootstrap.js';
import { DiscreteTimeTransform } from '../../src/data/discretize.js';
import { interpolateCurves, MAX_INTERPOLATION } from '../../src/estimators/interpolate-curves.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';

// 13 cases, as in the report that found 200 s and 16 GB for bins: 1e9.
const probs = Array.from({ length: 13 }, (_, i) => [0.5 + i / 30, 0.5 - i / 30]);
const labels = probs.map((_, i) => i % 2);

describe('size limits', () => {
  it.each([
    ['expectedCalibrationError', expectedCalibrationError],
    ['maxCalibrationError', maxCalibrationError],
    ['adaptiveCalibrationError', adaptiveCalibrationError],
  ] as const)('%s: bins at most max(n, 100)', (name, f) => {
    expect(() => f(probs, labels, { bins: 1e9 })).toThrow(messages.tooManyBins(name, 1e9, 13, 100));
    expect(() => f(probs, labels, { bins: 101 })).toThrow(messages.tooManyBins(name, 101, 13, 100));
    expect(Number.isFinite(f(probs, labels, { bins: 100 }))).toBe(true);
  });
  it('reliabilityDiagram: the same bound', () => {
    expect(() => reliabilityDiagram(probs, labels, { bins: 1e9 })).toThrow(messages.tooManyBins('reliabilityDiagram', 1e9, 13, 100));
  });
  it('bootstrap: at most 1e6 replicates; progress callback and AbortSignal', () => {
    expect(() => bootstrap((idx) => idx.length, 10, { replicates: 1e8 })).toThrow(
      messages.sizeLimit('bootstrap', 'replicates', MAX_REPLICATES, 'percentile limits are stable long before', 1e8),
    );
    const seen: number[] = [];
    bootstrap((idx) => idx[0]!, 10, { replicates: 200, onProgress: (done, total) => (expect(total).toBe(200), seen.push(done)) });
    expect(seen.length).toBe(100);
    expect(seen[seen.length - 1]).toBe(200);
    const ctl = new AbortController();
    let calls = 0;
    expect(() =>
      bootstrap(
        (idx) => {
          if (++calls === 50) ctl.abort();
          return idx[0]!;
        },
        10,
        { replicates: 1e6, signal: ctl.signal },
      ),
    ).toThrow(messages.aborted('bootstrap', 49, 1e6));
  });
  it('DiscreteTimeTransform.fit: at most max(100, distinct event times) cuts', () => {
    const y = { time: [1, 2, 3, 4, 5], event: [1, 1, 0, 1, 1] };
    expect(() => new DiscreteTimeTransform({ n: 1e6 }).fit(y)).toThrow(messages.tooManyCuts('DiscreteTimeTransform.fit', 1e6, 4, 100));
    expect(new DiscreteTimeTransform({ n: 100 }).fit(y).cuts.length).toBe(100);
  });
  it('interpolateCurves: at most 1000 steps per interval', () => {
    const c = new SurvivalCurves([1, 2], [0.9, 0.5]);
    expect(() => interpolateCurves(c, 1e6)).toThrow(/'interpolation' must be at most 1000/);
    expect(interpolateCurves(c, MAX_INTERPOLATION).m).toBe(1001);
  });
});
