import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaults, grid, makeExample } from '../../datasets/make-example.js';
import { readLabels, readPredictions } from '../../src/io/predictions.js';

describe('datasets/make-example.ts', () => {
  const files = makeExample();

  it('reproduces the committed example files byte for byte', () => {
    for (const name of ['example-predictions.csv', 'example-risk.csv', 'example-train.csv']) {
      expect(readFileSync(`datasets/${name}`, 'utf8')).toBe(files[name]);
    }
  });

  it('has the documented shape: 300 test and 600 training subjects, ~35 % censored, ties, two groups', () => {
    const c = readPredictions('datasets/example-predictions.csv');
    const r = readPredictions('datasets/example-risk.csv');
    const train = readLabels('datasets/example-train.csv');
    expect(c.labels.time.length).toBe(defaults.nTest);
    expect(train.time.length).toBe(defaults.nTrain);
    for (const y of [c.labels, train]) {
      const censored = y.event.filter((e) => e === 0).length / y.event.length;
      expect(censored).toBeGreaterThan(0.25);
      expect(censored).toBeLessThan(0.45);
      expect(new Set(y.time).size).toBeLessThan(y.time.length); // times rounded to 0.1 tie
      for (const t of y.time) expect(Math.abs(t * 10 - Math.round(t * 10))).toBeLessThan(1e-9);
    }
    expect(new Set(c.group)).toEqual(new Set(['A', 'B']));
    expect(r.group).toEqual(c.group);
    if (c.format !== 'curves') throw new Error('curves format expected');
    expect(Array.from(c.curves.times)).toEqual(grid);
  });

  it('the seed matters, and the miscalibration knob changes only the curves', () => {
    expect(makeExample({ ...defaults, seed: 1 })['example-train.csv']).not.toBe(files['example-train.csv']);
    const mis = makeExample({ ...defaults, miscalibration: 0.5 });
    expect(mis['example-risk.csv']).toBe(files['example-risk.csv']);
    expect(mis['example-predictions.csv']).not.toBe(files['example-predictions.csv']);
  });
});
