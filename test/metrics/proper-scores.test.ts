import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { logLoss, multiclassBrier, predictiveEntropy } from '../../src/metrics/proper-scores.js';
import { topLabel } from '../../src/metrics/top-label.js';
import { conventions, digits, goldenClassif, maxRelErr, relErr, synthetic, type SyntheticClassif } from './classification-fixtures.js';

describe('proper scores: golden values (digits, 360 × 10)', () => {
  const d = digits();
  const gold = goldenClassif();

  it('multiclass Brier equals the shared oracle (numpy definition)', () => {
    expect(relErr(multiclassBrier(d.probs, d.labels), gold.brier_multiclass)).toBeLessThanOrEqual(1e-12);
  });

  it('log loss equals scikit-learn 1.2.1 log_loss (clip + renormalise)', () => {
    expect(relErr(logLoss(d.rows, d.labels), gold.sklearn.log_loss)).toBeLessThanOrEqual(1e-12);
  });

  it('mean predictive entropy equals the oracle; per-case entropies equal the numpy re-computation', () => {
    const h = predictiveEntropy(d.probs, { classes: d.k });
    expect(relErr(h.reduce((a, b) => a + b, 0) / d.n, gold.mean_entropy)).toBeLessThanOrEqual(1e-12);
    expect(maxRelErr(h, conventions().digits.entropy)).toBeLessThanOrEqual(1e-12);
    expect(predictiveEntropy(d.rows)).toEqual(h);
  });

  it('accuracy of topLabel equals scikit-learn accuracy_score', () => {
    const t = topLabel(d.probs, d.labels);
    expect(t.correct.reduce((a, b) => a + b, 0) / d.n).toBe(gold.sklearn.accuracy);
  });

  it('synthetic cases (edge confidences, Dirichlet K = 5)', () => {
    for (const name of ['edges-ties-and-ones', 'dirichlet-k5']) {
      const c = synthetic<SyntheticClassif>(name);
      expect(relErr(multiclassBrier(c.probs, c.labels), c.brier)).toBeLessThanOrEqual(1e-12);
      expect(relErr(logLoss(c.probs, c.labels), c.logLoss)).toBeLessThanOrEqual(1e-12);
      expect(maxRelErr(predictiveEntropy(c.probs), c.entropy)).toBeLessThanOrEqual(1e-12);
    }
  });
});

describe('proper scores: named cases', () => {
  it('hand-computed values', () => {
    expect(
      multiclassBrier(
        [
          [0.8, 0.2],
          [0.3, 0.7],
        ],
        [0, 0],
      ),
    ).toBeCloseTo(0.53, 15);
    expect(
      logLoss(
        [
          [0.8, 0.2],
          [0.3, 0.7],
        ],
        [0, 1],
      ),
    ).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    expect(
      predictiveEntropy([
        [0.5, 0.5],
        [1, 0],
      ]),
    ).toEqual(Float64Array.from([Math.LN2, 0]));
    expect(predictiveEntropy(new Float64Array([0.25, 0.25, 0.25, 0.25]), { classes: 4 })[0]).toBeCloseTo(Math.log(4), 15);
  });

  it('a zero probability for the true class gives the clipped log loss −log(ε), not Infinity', () => {
    // sklearn: clip 0 → ε, 1 → 1 − ε, renormalise by (1 − ε + ε) = 1
    expect(logLoss([[1, 0]], [1])).toBeCloseTo(-Math.log(Number.EPSILON), 12);
  });

  it('perfect predictions: Brier 0, entropy 0, log loss −log(1 − ε)', () => {
    expect(
      multiclassBrier(
        [
          [0, 1, 0],
          [1, 0, 0],
        ],
        [1, 0],
      ),
    ).toBe(0);
    expect(Array.from(predictiveEntropy([[0, 1, 0]]))).toEqual([0]);
    expect(logLoss([[0, 1, 0]], [1])).toBeLessThan(1e-15);
  });

  const bad: [string, () => unknown, string][] = [
    ['row sum', () => multiclassBrier([[0.5, 0.6]], [0]), messages.probRowSum('multiclassBrier', 'probs', 0, 1.1, 1e-6)],
    ['label', () => logLoss([[0.5, 0.5]], [2]), messages.classLabel('logLoss', 'labels', 0, 2, 2)],
    [
      'flat without classes',
      () => predictiveEntropy([0.5, 0.5]),
      messages.shapeMismatch('predictiveEntropy', 'probs', 'n·K with K = (pass option classes)', 'a flat array of length 2'),
    ],
    [
      'flat length',
      () => predictiveEntropy([0.5, 0.5, 1], { classes: 2 }),
      messages.shapeMismatch('predictiveEntropy', 'probs', 'n·K with K = 2', 'a flat array of length 3'),
    ],
    [
      'classes vs rows',
      () => predictiveEntropy([[0.5, 0.5]], { classes: 3 }),
      messages.shapeMismatch('predictiveEntropy', 'probs', 'n × 3 (option classes)', 'rows of 2'),
    ],
    ['classes 0', () => predictiveEntropy([0.5, 0.5], { classes: 0 }), messages.optionRange('predictiveEntropy', 'classes', 'an integer >= 1', 0)],
    ['out of range', () => predictiveEntropy([[1.5, -0.5]]), messages.probRange('predictiveEntropy', 'probs', 0, 0, 1.5)],
    ['empty', () => predictiveEntropy([]), messages.empty('predictiveEntropy', 'probs')],
    ['not numbers', () => multiclassBrier([['a', 1]] as never, [0]), messages.notNumber('multiclassBrier', 'probs', 0, 'a')],
  ];
  for (const [name, run, message] of bad) {
    it(`rejects: ${name}`, () => {
      expect(run).toThrow(SurvkitError);
      expect(run).toThrow(message);
    });
  }
});

describe('proper scores: properties', () => {
  const probsArb = fc.integer({ min: 2, max: 6 }).chain((k) =>
    fc
      .array(fc.tuple(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: k, maxLength: k }), fc.integer({ min: 0, max: k - 1 })), {
        minLength: 1,
        maxLength: 50,
      })
      .map((rows) => ({
        k,
        probs: rows.map(([w]) => {
          const s = w.reduce((a, b) => a + b, 0);
          return s === 0 ? w.map(() => 1 / k) : w.map((x) => x / s);
        }),
        labels: rows.map(([, y]) => y),
      })),
  );

  it('Brier in [0, 2], entropy in [0, log K], log loss >= 0; Brier = 1 − 2 p_y + Σ p² per case', () => {
    fc.assert(
      fc.property(probsArb, ({ k, probs, labels }) => {
        const bs = multiclassBrier(probs, labels);
        expect(bs).toBeGreaterThanOrEqual(0);
        expect(bs).toBeLessThanOrEqual(2);
        const direct = probs.reduce((s, row, i) => s + 1 - 2 * row[labels[i]!]! + row.reduce((a, p) => a + p * p, 0), 0) / probs.length;
        expect(bs).toBeCloseTo(direct, 12);
        for (const h of predictiveEntropy(probs)) {
          expect(h).toBeGreaterThanOrEqual(0);
          expect(h).toBeLessThanOrEqual(Math.log(k) * (1 + 1e-12));
        }
        expect(logLoss(probs, labels)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
