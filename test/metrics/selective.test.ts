import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { predictiveEntropy } from '../../src/metrics/proper-scores.js';
import { aurc, coverageAtRisk, excessAurc, riskAtCoverage, riskCoverageCurve, type SelectiveOutcome } from '../../src/metrics/selective.js';
import { topLabel } from '../../src/metrics/top-label.js';
import { conventions, digits, maxRelErr, relErr, synthetic, type SelectiveRef, type SyntheticSelective } from './classification-fixtures.js';

const TOL = 1e-12;

/** `thresholdTol` > 0 where the scores are recomputed here (entropy: a different summation order). */
function expectSelective(u: ArrayLike<number>, outcome: SelectiveOutcome, ref: SelectiveRef, thresholdTol = 0): void {
  expect(relErr(aurc(u, outcome), ref.aurc)).toBeLessThanOrEqual(TOL);
  expect(Math.abs(excessAurc(u, outcome) - ref.excessAurc)).toBeLessThanOrEqual(TOL * ref.aurc);
  for (const { coverage, risk } of ref.riskAtCoverage) expect(relErr(riskAtCoverage(u, outcome, coverage), risk)).toBeLessThanOrEqual(TOL);
  for (const { risk, coverage } of ref.coverageAtRisk) {
    if (coverage === null) expect(() => coverageAtRisk(u, outcome, risk)).toThrow(SurvkitError);
    else expect(coverageAtRisk(u, outcome, risk)).toBe(coverage);
  }
  const curve = riskCoverageCurve(u, outcome);
  expect(maxRelErr(curve.coverage, ref.curve.coverage)).toBe(0);
  expect(maxRelErr(curve.thresholds, ref.curve.thresholds)).toBeLessThanOrEqual(thresholdTol);
  expect(maxRelErr(curve.risk, ref.curve.risk)).toBeLessThanOrEqual(TOL);
}

describe('selective prediction: torch-uncertainty AURC definition (numpy re-computation)', () => {
  const d = digits();
  const conv = conventions();
  const t = topLabel(d.probs, d.labels);
  const oneMinus = t.confidence.map((c) => 1 - c);

  it('digits, uncertainty 1 − max p: AURC, E-AURC, RiskAtxCov, CovAtxRisk, curve', () => {
    expect(relErr(aurc(oneMinus, { correct: t.correct }), conv.digits.torch_uncertainty_aurc_1_minus_maxp)).toBeLessThanOrEqual(TOL);
    expectSelective(oneMinus, { correct: t.correct }, conv.digits.selective_1_minus_maxp);
    // the same with losses 1 − correct and boolean outcomes
    expectSelective(oneMinus, { loss: Array.from(t.correct, (c) => 1 - c) }, conv.digits.selective_1_minus_maxp);
    expectSelective(oneMinus, { correct: Array.from(t.correct, (c) => c === 1) }, conv.digits.selective_1_minus_maxp);
  });

  it('digits, uncertainty = predictive entropy', () => {
    expectSelective(predictiveEntropy(d.rows), { correct: t.correct }, conv.digits.selective_entropy, 1e-12);
  });

  it("tied uncertainties: equals the average of torch-uncertainty's AURC over every order of the tied cases", () => {
    const c = synthetic<SyntheticSelective>('tied-uncertainty');
    expect(c.permutations).toBe(24);
    expect(relErr(aurc(c.uncertainty, { loss: c.loss }), c.tu_expected_aurc!)).toBeLessThanOrEqual(TOL);
    expectSelective(c.uncertainty, { loss: c.loss }, c);
    expectSelective(c.uncertainty, { correct: c.loss.map((l) => 1 - l) }, c);
  });

  it('continuous losses with ties (n = 200)', () => {
    const c = synthetic<SyntheticSelective>('continuous-loss');
    expectSelective(c.uncertainty, { loss: c.loss }, c);
  });

  it('Dirichlet K = 5 and edge cases', () => {
    for (const name of ['dirichlet-k5', 'edges-ties-and-ones']) {
      const c = synthetic<{ probs: number[][]; labels: number[]; selective_1_minus_maxp: SelectiveRef; selective_entropy: SelectiveRef }>(name);
      const tl = topLabel(c.probs, c.labels);
      expectSelective(
        tl.confidence.map((x) => 1 - x),
        { correct: tl.correct },
        c.selective_1_minus_maxp,
      );
      expectSelective(predictiveEntropy(c.probs), { correct: tl.correct }, c.selective_entropy, 1e-12);
    }
  });
});

/** Binary probabilities p of class 1 as torch-uncertainty's tests pass them: rows [1 − p, p]. */
function binaryCase(p: number[], targets: number[]): { u: Float64Array; correct: Uint8Array } {
  const t = topLabel(
    p.map((x) => [1 - x, x]),
    targets,
  );
  return { u: t.confidence.map((c) => 1 - c), correct: t.correct };
}

describe('selective prediction: torch-uncertainty 0.8.0 test-suite values (tests/metrics/classification/test_risk_coverage.py)', () => {
  it('AURC', () => {
    const p = [0.1, 0.2, 0.3, 0.4, 0.2];
    const value = (0 * 0.4 + (0.25 * 0.2) / 2 + 0.25 * 0.2 + (0.15 * 0.2) / 2) / 0.8;
    for (const [targets, want] of [
      [[1, 1, 1, 1, 1], 1],
      [[0, 0, 0, 0, 0], 0],
      [[0, 0, 1, 1, 0], value],
    ] as const) {
      const { u, correct } = binaryCase(p, [...targets]);
      expect(aurc(u, { correct })).toBeCloseTo(want, 15);
    }
    const t = topLabel(
      [
        [0.1, 0.9],
        [0.2, 0.8],
        [0.3, 0.7],
        [0.4, 0.6],
        [0.2, 0.8],
      ],
      [1, 1, 0, 0, 1],
    );
    expect(
      aurc(
        t.confidence.map((c) => 1 - c),
        { correct: t.correct },
      ),
    ).toBeCloseTo(value, 15);
  });

  it('CovAtxRisk', () => {
    const a = binaryCase([0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.48, 0.49], [1, 0, 1, 1, 1, 0, 0, 0, 1]);
    expect(coverageAtRisk(a.u, { correct: a.correct }, 0.55)).toBeCloseTo(8 / 9, 15);
    const b = binaryCase([0.1, 0.2, 0.3, 0.4, 0.2], [0, 0, 1, 1, 1]);
    expect(coverageAtRisk(b.u, { correct: b.correct }, 0.5)).toBe(4 / 5);
    const c = binaryCase([0.1, 0.2, 0.3, 0.4, 0.2], [0, 0, 1, 1, 0]);
    expect(coverageAtRisk(c.u, { correct: c.correct }, 0.5)).toBe(1);
    // torch-uncertainty returns NaN when no coverage reaches the risk; survkit throws
    const d = binaryCase([0.1, 0.2, 0.3, 0.4, 0.2], [1, 1, 1, 1, 1]);
    expect(() => coverageAtRisk(d.u, { correct: d.correct }, 0.5)).toThrow(messages.unreachableRisk('coverageAtRisk', 'risk', 0.5, 1, 1));
  });

  it('RiskAtxCov', () => {
    const a = binaryCase([0.1, 0.2, 0.3, 0.4, 0.2], [1, 1, 1, 1, 1]);
    expect(riskAtCoverage(a.u, { correct: a.correct }, 0.5)).toBe(1);
    const b = binaryCase([0.1, 0.2, 0.3, 0.4, 0.2], [0, 0, 1, 1, 1]);
    expect(riskAtCoverage(b.u, { correct: b.correct }, 0.5)).toBeCloseTo(1 / 3, 15);
    const c = binaryCase([0.1, 0.19, 0.3, 0.15, 0.4, 0.2], [0, 0, 1, 0, 1, 1]);
    expect(riskAtCoverage(c.u, { correct: c.correct }, 0.5)).toBe(0);
    const d = binaryCase([0.1, 0.2, 0.3, 0.15, 0.4, 0.2], [0, 0, 1, 0, 1, 1]);
    expect(riskAtCoverage(d.u, { correct: d.correct }, 0.55)).toBe(1 / 4);
  });
});

describe('selective prediction: named cases', () => {
  it('hand-computed values', () => {
    const u = [0.1, 0.2, 0.3, 0.4];
    expect(aurc(u, { correct: [1, 1, 0, 1] })).toBeCloseTo(11 / 72, 15);
    expect(excessAurc(u, { correct: [1, 1, 1, 0] })).toBe(0);
    expect(coverageAtRisk(u, { correct: [1, 1, 0, 1] }, 0.25)).toBe(1);
    expect(coverageAtRisk(u, { correct: [1, 1, 0, 1] }, 0.2)).toBe(0.5);
    expect(riskAtCoverage(u, { correct: [1, 1, 0, 1] }, 0.5)).toBe(0);
    expect(riskAtCoverage(u, { correct: [1, 1, 0, 1] }, 0.51)).toBeCloseTo(1 / 3, 15);
    const curve = riskCoverageCurve([0.1, 0.4, 0.4, 0.9], { correct: [1, 1, 0, 0] });
    expect(Array.from(curve.coverage)).toEqual([0.25, 0.75, 1]);
    expect(Array.from(curve.risk)).toEqual([0, 1 / 3, 0.5]);
    expect(Array.from(curve.thresholds)).toEqual([0.1, 0.4, 0.9]);
  });

  it('0.07 of 100 cases keeps 7 (n·coverage = 7.000000000000001 in float64)', () => {
    const u = Array.from({ length: 100 }, (_, i) => i);
    const loss = u.map((i) => (i < 7 ? 0 : 1));
    expect(100 * 0.07).toBeGreaterThan(7);
    expect(riskAtCoverage(u, { loss }, 0.07)).toBe(0);
    expect(riskAtCoverage(u, { loss }, 0.0701)).toBe(1 / 8);
  });

  it('all correct or all wrong', () => {
    expect(aurc([3, 1, 2], { correct: [1, 1, 1] })).toBe(0);
    expect(aurc([3, 1, 2], { correct: [0, 0, 0] })).toBe(1);
    expect(excessAurc([3, 1, 2], { correct: [0, 0, 0] })).toBe(0);
  });

  const bad: [string, () => unknown, string][] = [
    ['one case', () => aurc([0.5], { correct: [1] }), messages.tooFewValues('aurc', 'uncertainty', 2, 1)],
    ['empty', () => riskCoverageCurve([], { correct: [] }), messages.empty('riskCoverageCurve', 'uncertainty')],
    ['length', () => aurc([0.1, 0.2], { correct: [1, 0, 1] }), messages.lengthMismatch('aurc', 'correct', 3, 'uncertainty', 2)],
    ['loss length', () => excessAurc([0.1, 0.2], { loss: [1] }), messages.lengthMismatch('excessAurc', 'loss', 1, 'uncertainty', 2)],
    ['correct 2', () => aurc([0.1, 0.2], { correct: [1, 2] }), messages.notBinaryOutcome('aurc', 'correct', 1, 2)],
    ['NaN score', () => aurc([0.1, NaN], { correct: [1, 0] }), messages.notFinite('aurc', 'uncertainty', 1, NaN)],
    ['Infinity loss', () => aurc([0.1, 0.2], { loss: [1, Infinity] }), messages.notFinite('aurc', 'loss', 1, Infinity)],
    [
      'both outcomes',
      () => aurc([0.1, 0.2], { correct: [1, 0], loss: [0, 1] } as never),
      messages.selectiveOutcome('aurc', 'outcome', { correct: [1, 0], loss: [0, 1] }),
    ],
    [
      'coverage 0',
      () => riskAtCoverage([0.1, 0.2], { correct: [1, 0] }, 0),
      messages.optionRange('riskAtCoverage', 'coverage', 'a finite number > 0 and <= 1', 0),
    ],
    [
      'coverage 1.5',
      () => riskAtCoverage([0.1, 0.2], { correct: [1, 0] }, 1.5),
      messages.optionRange('riskAtCoverage', 'coverage', 'a finite number > 0 and <= 1', 1.5),
    ],
    ['risk NaN', () => coverageAtRisk([0.1, 0.2], { correct: [1, 0] }, NaN), messages.optionRange('coverageAtRisk', 'risk', 'a finite number', NaN)],
    ['unreachable risk', () => coverageAtRisk([0.1, 0.2, 0.3], { correct: [0, 1, 1] }, 0.2), messages.unreachableRisk('coverageAtRisk', 'risk', 0.2, 1 / 3, 1)],
  ];
  for (const [name, run, message] of bad) {
    it(`rejects: ${name}`, () => {
      expect(run).toThrow(SurvkitError);
      expect(run).toThrow(message);
    });
  }
});

const casesArb = fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.boolean(), fc.integer({ min: 0, max: 100 })), { minLength: 2, maxLength: 120 });

describe('selective prediction: properties', () => {
  it('AURC is invariant to strictly increasing transforms of the uncertainty', () => {
    fc.assert(
      fc.property(
        casesArb,
        fc.constantFrom(
          (x: number) => Math.exp(x / 10),
          (x: number) => x * x * x + 7 * x,
          (x: number) => Math.atan(x / 20),
        ),
        (cases, f) => {
          const u = cases.map(([x]) => x);
          const correct = cases.map(([, c]) => c);
          const loss = cases.map(([, , l]) => l / 10);
          const v = u.map(f);
          expect(aurc(v, { correct })).toBe(aurc(u, { correct }));
          expect(aurc(v, { loss })).toBe(aurc(u, { loss }));
          expect(excessAurc(v, { loss })).toBe(excessAurc(u, { loss }));
          expect(riskCoverageCurve(v, { loss }).risk).toEqual(riskCoverageCurve(u, { loss }).risk);
        },
      ),
    );
  });

  it('a perfect ranking has AURC = optimal AURC (excess 0); any ranking has excess >= 0', () => {
    fc.assert(
      fc.property(casesArb, (cases) => {
        const loss = cases.map(([, , l]) => l / 10);
        const correct = cases.map(([, c]) => (c ? 1 : 0));
        // uncertainty = loss (ties only among equal losses) → the oracle order
        expect(excessAurc(loss, { loss })).toBeLessThanOrEqual(1e-12);
        expect(
          excessAurc(
            correct.map((c) => 1 - c),
            { correct },
          ),
        ).toBe(0);
        const u = cases.map(([x]) => x);
        expect(excessAurc(u, { loss })).toBeGreaterThanOrEqual(0);
        const a = aurc(u, { correct });
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('the curve ends at coverage 1 with the overall risk; riskAtCoverage(1) and coverageAtRisk(overall) agree', () => {
    fc.assert(
      fc.property(casesArb, (cases) => {
        const u = cases.map(([x]) => x);
        const loss = cases.map(([, , l]) => l);
        const mean = loss.reduce((a, b) => a + b, 0) / loss.length;
        const curve = riskCoverageCurve(u, { loss });
        expect(curve.coverage[curve.coverage.length - 1]).toBe(1);
        expect(curve.risk[curve.risk.length - 1]).toBeCloseTo(mean, 10);
        expect(riskAtCoverage(u, { loss }, 1)).toBeCloseTo(mean, 10);
        expect(coverageAtRisk(u, { loss }, curve.risk[curve.risk.length - 1]!)).toBe(1);
        for (let g = 1; g < curve.coverage.length; g++) expect(curve.thresholds[g]!).toBeGreaterThan(curve.thresholds[g - 1]!);
      }),
    );
  });

  it('AURC does not depend on the order of the cases (ties included)', () => {
    fc.assert(
      fc.property(casesArb, fc.integer(), (cases, seed) => {
        const perm = cases.map((_, i) => i).sort((a, b) => ((a * 48271 + seed) % 97) - ((b * 48271 + seed) % 97) || a - b);
        const u = cases.map(([x]) => x);
        const loss = cases.map(([, , l]) => l);
        expect(
          aurc(
            perm.map((i) => u[i]!),
            { loss: perm.map((i) => loss[i]!) },
          ),
        ).toBeCloseTo(aurc(u, { loss }), 10);
      }),
    );
  });
});
