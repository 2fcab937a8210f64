import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { oodAuroc } from '../../src/metrics/ood.js';
import { predictiveEntropy } from '../../src/metrics/proper-scores.js';
import { topLabel } from '../../src/metrics/top-label.js';
import { digits, goldenClassif, relErr, synthetic, type SyntheticOod } from './classification-fixtures.js';

/** Splits scores into (correct, wrong) groups. */
function split(score: ArrayLike<number>, correct: Uint8Array): [number[], number[]] {
  const ok: number[] = [];
  const bad: number[] = [];
  for (let i = 0; i < correct.length; i++) (correct[i] === 1 ? ok : bad).push(score[i] as number);
  return [ok, bad];
}

describe('oodAuroc: golden values', () => {
  const d = digits();
  const gold = goldenClassif();
  const t = topLabel(d.probs, d.labels);

  it('misclassification AUROC of 1 − max p equals scikit-learn roc_auc_score', () => {
    const [ok, bad] = split(
      t.confidence.map((c) => 1 - c),
      t.correct,
    );
    expect(relErr(oodAuroc(ok, bad), gold.sklearn.auroc_misclassified_vs_1_minus_maxp)).toBeLessThanOrEqual(1e-12);
  });

  it('misclassification AUROC of the predictive entropy equals scikit-learn roc_auc_score', () => {
    const [ok, bad] = split(predictiveEntropy(d.rows), t.correct);
    expect(relErr(oodAuroc(ok, bad), gold.sklearn.auroc_misclassified_vs_entropy)).toBeLessThanOrEqual(1e-12);
  });

  it('tied scores count ½ (scipy mannwhitneyu U / (n_in n_out))', () => {
    const c = synthetic<SyntheticOod>('ood-ties');
    expect(relErr(oodAuroc(c.scoresIn, c.scoresOut), c.auroc)).toBeLessThanOrEqual(1e-15);
    expect(relErr(oodAuroc(c.scoresOut, c.scoresIn), c.auroc_swapped)).toBeLessThanOrEqual(1e-15);
  });
});

describe('oodAuroc: named cases', () => {
  it('hand-computed values', () => {
    expect(oodAuroc([0.1, 0.2, 0.3], [0.25, 0.9])).toBeCloseTo(5 / 6, 15);
    expect(oodAuroc([0, 1], [2, 3])).toBe(1);
    expect(oodAuroc([2, 3], [0, 1])).toBe(0);
    expect(oodAuroc([1, 1], [1])).toBe(0.5);
  });

  const bad: [string, () => unknown, string][] = [
    ['empty in', () => oodAuroc([], [1]), messages.empty('oodAuroc', 'scoresIn')],
    ['empty out', () => oodAuroc([1], []), messages.empty('oodAuroc', 'scoresOut')],
    ['NaN', () => oodAuroc([1, NaN], [1]), messages.notFinite('oodAuroc', 'scoresIn', 1, NaN)],
    ['not an array', () => oodAuroc([1], null as never), messages.notArray('oodAuroc', 'scoresOut', null)],
  ];
  for (const [name, run, message] of bad) {
    it(`rejects: ${name}`, () => {
      expect(run).toThrow(SurvkitError);
      expect(run).toThrow(message);
    });
  }
});

describe('oodAuroc: properties', () => {
  const scores = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 });

  it('oodAuroc(a, b) = 1 − oodAuroc(b, a), in [0, 1], equal to the O(n·m) pair count', () => {
    fc.assert(
      fc.property(scores, scores, (a, b) => {
        const x = oodAuroc(a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        expect(x + oodAuroc(b, a)).toBeCloseTo(1, 14);
        let pairs = 0;
        for (const i of a) for (const o of b) pairs += o > i ? 1 : o === i ? 0.5 : 0;
        expect(x).toBeCloseTo(pairs / (a.length * b.length), 14);
      }),
    );
  });

  it('invariant to strictly increasing transforms applied to both groups', () => {
    fc.assert(
      fc.property(scores, scores, (a, b) => {
        const f = (v: number): number => Math.exp(v / 5) - 3;
        expect(oodAuroc(a.map(f), b.map(f))).toBe(oodAuroc(a, b));
      }),
    );
  });
});
