/**
 * The outcome-first forms of the classifier metrics, `metric({ labels }, probs, opts)`,
 * and the labels-first `selectiveSurvivalTable(labels, { score, risk, curves }, opts)`
 * give bit-identical results — and the same error messages — as the deprecated
 * probs-first / score-first forms, on random inputs (valid and invalid); the
 * deprecated forms themselves are tested by the other test files, which keep
 * calling them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { adaptiveCalibrationError, expectedCalibrationError, maxCalibrationError } from '../../src/metrics/calibration-error.js';
import { isClassOutcome } from '../../src/metrics/call-forms.js';
import { logLoss, multiclassBrier } from '../../src/metrics/proper-scores.js';
import { reliabilityDiagram } from '../../src/metrics/reliability-diagram.js';
import { selectiveSurvivalTable } from '../../src/metrics/selective-survival.js';
import { topLabel } from '../../src/metrics/top-label.js';

/** The result of `f`, or the message it threw. */
function outcome<T>(f: () => T): { value: T } | { message: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { message: (e as Error).message };
  }
}

/** How many comparisons ran, and how many of them compared results (not two errors). */
const compared = { total: 0, values: 0 };

/** Both return strictly equal results (after `wrap` of the old one), or both throw the same message. */
function expectSame<T, U>(oldForm: () => T, newForm: () => U, wrap: (r: T) => unknown = (r) => r): void {
  const a = outcome(oldForm);
  const b = outcome(newForm);
  compared.total++;
  if ('message' in a) {
    expect(b).toStrictEqual(a);
    return;
  }
  expect('value' in b).toBe(true);
  if ('value' in b) expect(b.value).toStrictEqual(wrap(a.value));
  compared.values++;
}

const NUM_RUNS = 120;

/**
 * n cases, K classes: probabilities as rows or as a flat Float64Array, class
 * labels, and now and then an invalid input (a negative probability, a row
 * that does not sum to 1, a label out of range or not an integer, one label
 * too many).
 */
const classData = fc
  .record({ n: fc.integer({ min: 1, max: 20 }), k: fc.integer({ min: 2, max: 4 }) })
  .chain(({ n, k }) =>
    fc.record({
      k: fc.constant(k),
      raw: fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: k, maxLength: k }), { minLength: n, maxLength: n }),
      labels: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }),
      flat: fc.boolean(),
      fault: fc.constantFrom(...new Array<string>(14).fill('none'), 'negative', 'rowSum', 'labelRange', 'labelFraction', 'extraLabel', 'empty'),
    }),
  )
  .map(({ k, raw, labels, flat, fault }) => {
    const rows = raw.map((r) => {
      const s = r.reduce((a, b) => a + b, 0);
      return s === 0 ? r.map(() => 1 / k) : r.map((v) => v / s);
    });
    const y: number[] = [...labels];
    if (fault === 'negative') rows[0] = [-0.5, 1.5, ...new Array<number>(k - 2).fill(0)];
    if (fault === 'rowSum') rows[0] = new Array<number>(k).fill(0.4);
    if (fault === 'labelRange') y[0] = k;
    if (fault === 'labelFraction') y[0] = 0.5;
    if (fault === 'extraLabel') y.push(0);
    if (fault === 'empty') y.length = 0;
    const probs = flat ? Float64Array.from(rows.flat()) : rows;
    return { probs, labels: y };
  });

/** Bin options, valid or not. */
const binOpts = fc.record(
  {
    bins: fc.constantFrom(1, 2, 3, 4, 5, 6, 8, 10, 0, 2.5),
    binning: fc.constantFrom('equal-width', 'equal-mass', 'equal-width', 'equal-mass', 'bogus'),
    norm: fc.constantFrom('l1', 'l2', 'max', 'l1', 'l2', 'max', 'bogus'),
  },
  { requiredKeys: [] },
);

describe('outcome-first classifier metrics equal the deprecated probs-first forms bit for bit', () => {
  it('expectedCalibrationError, maxCalibrationError, adaptiveCalibrationError: { value } of the old number', () => {
    fc.assert(
      fc.property(classData, binOpts, ({ probs, labels }, opts) => {
        const value = (v: number) => ({ value: v });
        expectSame(
          () => expectedCalibrationError(probs, labels, opts as never),
          () => expectedCalibrationError({ labels }, probs, opts as never),
          value,
        );
        const { norm: _, ...noNorm } = opts;
        expectSame(
          () => maxCalibrationError(probs, labels, noNorm as never),
          () => maxCalibrationError({ labels }, probs, noNorm as never),
          value,
        );
        expectSame(
          () => adaptiveCalibrationError(probs, labels, noNorm as never),
          () => adaptiveCalibrationError({ labels }, probs, noNorm as never),
          value,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('expectedCalibrationError and reliabilityDiagram without options', () => {
    fc.assert(
      fc.property(classData, ({ probs, labels }) => {
        expectSame(
          () => expectedCalibrationError(probs, labels),
          () => expectedCalibrationError({ labels }, probs),
          (v) => ({ value: v }),
        );
        expectSame(
          () => reliabilityDiagram(probs, labels),
          () => reliabilityDiagram({ labels }, probs),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reliabilityDiagram: the same bins', () => {
    fc.assert(
      fc.property(classData, binOpts, ({ probs, labels }, { bins, binning }) => {
        const opts = { bins, binning } as never;
        expectSame(
          () => reliabilityDiagram(probs, labels, opts),
          () => reliabilityDiagram({ labels }, probs, opts),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('multiclassBrier and logLoss: { value } of the old number; topLabel: the same arrays', () => {
    fc.assert(
      fc.property(classData, ({ probs, labels }) => {
        const value = (v: number) => ({ value: v });
        expectSame(
          () => multiclassBrier(probs, labels),
          () => multiclassBrier({ labels }, probs),
          value,
        );
        expectSame(
          () => logLoss(probs, labels),
          () => logLoss({ labels }, probs),
          value,
        );
        expectSame(
          () => topLabel(probs, labels),
          () => topLabel({ labels }, probs),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the outcome object is recognised only as a plain object with labels', () => {
    expect(isClassOutcome({ labels: [0] })).toBe(true);
    expect(isClassOutcome(Object.assign(Object.create(null) as object, { labels: [0] }))).toBe(true);
    expect(isClassOutcome([[0.5, 0.5]])).toBe(false);
    expect(isClassOutcome(Float64Array.of(0.5, 0.5))).toBe(false);
    expect(isClassOutcome({ probs: [0.5] })).toBe(false);
    expect(isClassOutcome(null)).toBe(false);
    // a tensor-like object is probabilities, even with a labels property
    expect(isClassOutcome({ labels: [0], rank: 2, shape: [1, 2], dataSync: () => Float32Array.of(0.5, 0.5) })).toBe(false);
  });
});

const GRID = [1, 2, 3, 4, 5, 6, 7, 8];

/** n subjects with tied integer times, tied risks and scores, proportional-hazards curves; now and then a fault. */
const survData = fc
  .integer({ min: 2, max: 16 })
  .chain((n) =>
    fc.record({
      time: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: n, maxLength: n }),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      risk: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: n, maxLength: n }),
      score: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
      coverages: fc.oneof(
        { weight: 6, arbitrary: fc.array(fc.constantFrom(1, 0.9, 0.75, 0.5, 0.3), { minLength: 1, maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constantFrom([0], [1.5], [0.5, Number.NaN], []) },
      ),
      times: fc.constantFrom<number[] | undefined>(undefined, [2, 4, 6], [1, 2, 3, 4, 5, 6, 7]),
      fault: fc.constantFrom(...new Array<string>(10).fill('none'), 'scoreLength', 'nanScore', 'riskLength', 'curves', 'multiRisk'),
    }),
  )
  .map(({ time, event, risk, score, coverages, times, fault }) => {
    const r = risk.map((v) => v / 4);
    const values: number[] = [];
    for (const ri of r) for (const t of GRID) values.push(Math.exp(-0.1 * t * Math.exp(ri)));
    let curves: SurvivalCurves = new SurvivalCurves(GRID, values);
    const s: number[] = score.map((v) => v / 5);
    const e = [...event];
    if (fault === 'scoreLength') s.push(0);
    if (fault === 'nanScore') s[0] = NaN;
    if (fault === 'riskLength') r.pop();
    if (fault === 'curves') curves = curves.subset([0]);
    if (fault === 'multiRisk') e[0] = 2;
    return { labels: { time, event: e }, risk: r, score: s, curves, opts: { coverages, ...(times === undefined ? {} : { times }) } };
  });

describe('labels-first selectiveSurvivalTable equals the deprecated score-first form bit for bit', () => {
  it('rows and times, or the same error', () => {
    fc.assert(
      fc.property(survData, ({ labels, risk, score, curves, opts }) => {
        expectSame(
          () => selectiveSurvivalTable(score, labels, risk, curves, opts),
          () => selectiveSurvivalTable(labels, { score, risk, curves }, opts),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('without options', () => {
    fc.assert(
      fc.property(survData, ({ labels, risk, score, curves }) => {
        expectSame(
          () => selectiveSurvivalTable(score, labels, risk, curves),
          () => selectiveSurvivalTable(labels, { score, risk, curves }),
        );
      }),
      { numRuns: 20 },
    );
  });

  it('compared results, not only errors', () => {
    // runs last: many comparisons must have compared values, and some must have compared errors
    expect(compared.values).toBeGreaterThan(compared.total / 3);
    expect(compared.values).toBeLessThan(compared.total);
  });
});
