import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { fitConformalLowerBound } from '../../src/uncertainty/conformal-lower-bound.js';
import { fixtureDir } from '../metrics/classification-fixtures.js';
import { lowerBoundCoverage } from './lower-bound-simulation.js';

type Num = number | string;
interface Case {
  name: string;
  score: 'quantile' | 'distribution';
  alpha: number;
  c0: number;
  weights: 'true' | 'constant' | 'tiny';
  calibration_quantile?: number[];
  test_quantile?: number[];
  calibration_prob: number[];
  test_prob: number[];
  eta?: Num[];
  lower: number[];
}
interface Ref {
  grid: number[];
  scale: number;
  calibration: { time: number[]; censoring_time: number[]; lp: number[] };
  test: { time: number[]; lp: number[] };
  cases: Case[];
}
const ref = JSON.parse(readFileSync(join(fixtureDir, 'conformal', 'cfsurvival_lower_bounds.json'), 'utf8')) as Ref;
const num = (v: Num): number => (typeof v === 'string' ? Number(v) : v);
/** The Weibull survreg curves of the fixture, S(t | x) = exp(−(t/e^lp)^(1/scale)), on its grid. */
const curvesOf = (lp: number[]): SurvivalCurves =>
  SurvivalCurves.fromRows(
    ref.grid,
    lp.map((m) => ref.grid.map((t) => Math.exp(-Math.pow(t / Math.exp(m), 1 / ref.scale)))),
  );
const calCurves = curvesOf(ref.calibration.lp);
const testCurves = curvesOf(ref.test.lp);
const cal = { time: ref.calibration.time, censoringTime: ref.calibration.censoring_time };

describe('conformalized survival analysis against cfsurvival (zhimeir/cfsurvival)', () => {
  const aft = ref.cases.filter((c) => c.name.startsWith('aft_'));
  it.each(aft.map((c) => [c.name, c] as const))('%s: bounds equal aft_based on the same survreg quantiles and weights', (_name, c) => {
    const constant = c.weights === 'constant';
    const lb = fitConformalLowerBound(c.calibration_quantile!, cal, { alpha: c.alpha, c0: c.c0, censoringProb: constant ? 0.5 : c.calibration_prob });
    const got = lb.predict(c.test_quantile!, { censoringProb: constant ? 0.5 : c.test_prob }).lower;
    expect(got.length).toBe(c.lower.length);
    // same subtraction of the same quantile from the same quantile: bit-identical
    c.lower.forEach((v, i) => expect(got[i], `${c.name}[${i}]`).toBe(v));
  });

  it('the tiny-weight case really reaches eta = +Infinity (bound 0) for the test subjects of small P(C >= c0 | X)', () => {
    const c = ref.cases.find((k) => k.weights === 'tiny')!;
    const r = fitConformalLowerBound(c.calibration_quantile!, cal, { alpha: c.alpha, c0: c.c0, censoringProb: c.calibration_prob }).predict(c.test_quantile!, {
      censoringProb: c.test_prob,
    });
    expect(Array.from(r.eta.slice(0, 2))).toEqual([Infinity, Infinity]);
    expect(Array.from(r.lower.slice(0, 3))).toEqual([0, 0, 0]);
  });

  const curves = ref.cases.filter((c) => c.name.startsWith('curves_'));
  it.each(curves.map((c) => [c.name, c] as const))('%s: eta equals get_calibration and the bounds equal the definition', (_name, c) => {
    const constant = c.weights === 'constant';
    const lb = fitConformalLowerBound(calCurves, cal, { alpha: c.alpha, c0: c.c0, score: c.score, censoringProb: constant ? 0.5 : c.calibration_prob });
    const r = lb.predict(testCurves, { censoringProb: constant ? 0.5 : c.test_prob });
    // the curves are recomputed here from survreg's lp and scale (exp and pow may differ from R's in the last bit)
    c.eta!.map(num).forEach((v, i) => {
      const g = r.eta[i] as number;
      if (!Number.isFinite(v)) expect(g).toBe(v);
      else expect(Math.abs(g - v), `${c.name} eta[${i}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
    });
    c.lower.forEach((v, i) => expect(Math.abs((r.lower[i] as number) - v), `${c.name} lower[${i}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, v)));
  });
});

describe('fitConformalLowerBound: named cases', () => {
  const cal9 = { time: [1, 2, 3, 4, 5, 6, 7, 8, 9], censoringTime: [9, 9, 9, 9, 9, 9, 9, 9, 9] };
  it('unweighted quantile score: eta is the ceil((1 - alpha)(n + 1))-th smallest score', () => {
    // scores 2 − min(T, 9) = 1, 0, …, −7 sorted: −7 … 1; ⌈0.8·10⌉ = 8 → the 8th smallest is 0
    const lb = fitConformalLowerBound([2, 2, 2, 2, 2, 2, 2, 2, 2], cal9, { alpha: 0.2, c0: 9 });
    expect(Array.from(lb.scores)).toEqual([-7, -6, -5, -4, -3, -2, -1, 0, 1]);
    const r = lb.predict([5, 20]);
    expect(Array.from(r.eta)).toEqual([0, 0]);
    expect(Array.from(r.lower)).toEqual([5, 9]); // min(q, c0) − η, capped at c0
    // α = 0.05: ⌈0.95·10⌉ = 10 > 9 → η = +∞ and the bound is 0
    expect(Array.from(fitConformalLowerBound([2, 2, 2, 2, 2, 2, 2, 2, 2], cal9, { alpha: 0.05, c0: 9 }).predict([5]).lower)).toEqual([0]);
  });

  it('only calibration subjects with C >= c0 count; their times are truncated at c0', () => {
    const lb = fitConformalLowerBound([3, 3, 3, 3], { time: [1, 2, 2, 6], censoringTime: [5, 2, 7, 8] }, { alpha: 0.5, c0: 4 });
    expect(lb.used).toBe(3);
    expect(Array.from(lb.scores)).toEqual([-1, 1, 2]); // 3 − min(6, 4), 3 − 2, 3 − 1
  });

  it('distribution score on step curves: V = S(min(T, c0)−), bound = first grid time with S <= eta', () => {
    const curves = new SurvivalCurves([1, 2, 3], [0.9, 0.6, 0.2, 0.9, 0.6, 0.2, 0.9, 0.6, 0.2]);
    // times 1, 2.5, 3: S(1−) = 1, S(2.5−) = 0.6, S(3−) = 0.6; α = 0.25: ⌈0.75·4⌉ = 3 → η = 1 → bound 0
    const lb = fitConformalLowerBound(curves, { time: [1, 2.5, 3], censoringTime: [10, 10, 10] }, { alpha: 0.25, c0: 10 });
    expect(Array.from(lb.scores)).toEqual([0.6, 0.6, 1]);
    expect(Array.from(lb.predict(curves.subset([0])).lower)).toEqual([0]);
    // α = 0.5: ⌈0.5·4⌉ = 2 → η = 0.6 → first grid time with S <= 0.6 is 2
    const r = fitConformalLowerBound(curves, { time: [1, 2.5, 3], censoringTime: [10, 10, 10] }, { alpha: 0.5, c0: 10 }).predict(curves.subset([0]));
    expect(Array.from(r.lower)).toEqual([2]);
  });

  it('weights: a heavy calibration subject moves eta', () => {
    const q = [0, 0, 0, 0];
    const c = { time: [1, 2, 3, 4], censoringTime: [9, 9, 9, 9] };
    // scores −1 … −4 sorted −4, −3, −2, −1 with weights 1/p = 1, 1, 1, 10 (the subject with T = 1 is heavy), new weight 1:
    // cumulative 1, 2, 3, 13 of 14 ≥ 0.5·14 = 7 first at the 4th → η = −1
    const r = fitConformalLowerBound(q, c, { alpha: 0.5, c0: 9, censoringProb: [0.1, 1, 1, 1] }).predict([4], { censoringProb: [1] });
    expect(Array.from(r.eta)).toEqual([-1]);
    expect(Array.from(r.lower)).toEqual([5]);
  });

  it('errors name the function, the argument and what came', () => {
    const c = { time: [1, 2], censoringTime: [3, 1] };
    expect(() => fitConformalLowerBound([1, 1], c, { alpha: 0.1, c0: 1 })).toThrow(messages.lowerBoundCensoring('fitConformalLowerBound', 1, 2, 1));
    expect(() => fitConformalLowerBound([1, 1], { time: [1, 1], censoringTime: [2, 2] }, { alpha: 0.1, c0: 5 })).toThrow(
      messages.lowerBoundNoCalibration('fitConformalLowerBound', 5),
    );
    expect(() => fitConformalLowerBound([1, 1, 1], { time: [1, 1], censoringTime: [2, 2] }, { alpha: 0.1, c0: 1 })).toThrow(SurvkitError);
    expect(() => fitConformalLowerBound([1, 1], { time: [1, 1], censoringTime: [2, 2] }, { alpha: 1.5, c0: 1 })).toThrow(/alpha/);
    expect(() => fitConformalLowerBound([1, 1], { time: [1, 1], censoringTime: [2, 2] }, { alpha: 0.1, c0: 1, score: 'distribution' })).toThrow(
      /SurvivalCurves/,
    );
    const lb = fitConformalLowerBound([1, 1], { time: [1, 1], censoringTime: [2, 2] }, { alpha: 0.1, c0: 1, censoringProb: [0.5, 0.5] });
    expect(() => lb.predict([1])).toThrow(messages.lowerBoundTestWeights('ConformalLowerBound.predict'));
    expect(() => lb.predict([1], { censoringProb: [0] })).toThrow(/censoringProb\[0\]/);
  });
});

describe('coverage by simulation (200 repetitions, the paper’s low-dimensional setting)', () => {
  // One new subject per repetition: its indicator T >= bound is Bernoulli(p) with p >= 1 − α marginally, so the count of
  // 200 is Binomial(200, p) (scipy 1.10 binom): P(count <= 165 | p = 0.9) = 0.00078. With continuous scores and equal
  // weights p is also at most 1 − α + 1/(m + 1), about 0.9023 for the m ≈ 450 subjects with C >= c0:
  // P(count >= 194 | p = 0.9023) = 0.00021. So a valid, not over-conservative method lands in [166, 193].
  it.each([
    ['quantile score, independent censoring, unweighted', { score: 'quantile', censoring: 'independent' }],
    ['distribution score, independent censoring, unweighted', { score: 'distribution', censoring: 'independent' }],
    ['quantile score, censoring depending on X, true weights', { score: 'quantile', censoring: 'covariate' }],
    ['distribution score, censoring depending on X, true weights', { score: 'distribution', censoring: 'covariate' }],
  ] as const)('%s: P(T >= bound) within the binomial range of 0.9', (_label, setting) => {
    const r = lowerBoundCoverage({ ...setting, repetitions: 200, seed: 11 });
    expect(r.hits).toBeGreaterThanOrEqual(166);
    expect(r.hits).toBeLessThanOrEqual(193);
    // the conditional coverage given each calibration set, averaged over repetitions, is the exact marginal coverage
    expect(r.meanConditional).toBeGreaterThanOrEqual(0.9 - 3 * r.seConditional);
    expect(r.meanConditional).toBeLessThanOrEqual(0.9 + 1 / (0.29 * 1500) + 3 * r.seConditional);
    // the uncorrected model quantile (the misspecified log-normal's 10 % quantile) does not cover at 90 %
    expect(r.naiveConditional).toBeLessThan(0.85);
  });
});
