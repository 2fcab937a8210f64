/**
 * The labels-first call forms, `metric(labels, prediction, options)`, give
 * bit-identical results to the deprecated forms of survkit 0.1 on random
 * inputs, for every metric and estimator; the deprecated forms themselves
 * are tested by the other test files, which keep calling them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { asLabels, survivalLabels } from '../../src/data/labels.js';
import { columnNames, getColumn } from '../../src/data/adapters.js';
import { kaplanMeier, kaplanMeierOf } from '../../src/estimators/kaplan-meier.js';
import { nelsonAalen } from '../../src/estimators/nelson-aalen.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { brierScore, nbll } from '../../src/metrics/brier.js';
import { calibrationAt } from '../../src/metrics/calibration-at.js';
import { compareConcordance } from '../../src/metrics/compare-concordance.js';
import { concordanceConfidenceInterval } from '../../src/metrics/concordance-ci.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { concordanceTd } from '../../src/metrics/concordance-td.js';
import { concordanceIndexIpcw } from '../../src/metrics/concordance-uno.js';
import { cumulativeDynamicAuc } from '../../src/metrics/cumulative-dynamic-auc.js';
import { dCalibration } from '../../src/metrics/d-calibration.js';
import { integratedBrierScore, integratedNbll } from '../../src/metrics/integrated.js';
import { oneCalibration } from '../../src/metrics/one-calibration.js';
import { aurc, coverageAtRisk, excessAurc, riskAtCoverage, riskCoverageCurve } from '../../src/metrics/selective.js';

/** The result of `f`, or the fact that it threw (the two forms may name arguments differently in messages). */
function outcome<T>(f: () => T): { value: T } | { threw: true } {
  try {
    return { value: f() };
  } catch {
    return { threw: true };
  }
}

/** Both throw, or both return results that are equal value for value (Object.is on every number, typed arrays element by element). */
function expectSame<T>(oldForm: () => T, newForm: () => T): void {
  const a = outcome(oldForm);
  const b = outcome(newForm);
  expect('threw' in b).toBe('threw' in a);
  compared.total++;
  if ('value' in a && 'value' in b) {
    expect(b.value).toStrictEqual(a.value);
    compared.values++;
  }
}

/** How many comparisons ran, and how many of them compared results (not two errors). */
const compared = { total: 0, values: 0 };

const GRID = [1, 2, 3, 4, 5, 6, 7, 8];

/** n subjects with tied integer times, at least one event, tied risks (quarters) and proportional-hazards curves on GRID. */
const data = fc
  .integer({ min: 4, max: 24 })
  .chain((n) =>
    fc.record({
      time: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: n, maxLength: n }),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      risk: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: n, maxLength: n }),
      riskB: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: n, maxLength: n }),
    }),
  )
  .map(({ time, event, risk, riskB }) => {
    event[0] = 1;
    const r = risk.map((v) => v / 4);
    const values: number[] = [];
    for (const ri of r) for (const t of GRID) values.push(Math.exp(-0.1 * t * Math.exp(ri)));
    return { time, event, risk: r, riskB: riskB.map((v) => v / 4), curves: new SurvivalCurves(GRID, values) };
  });

const NUM_RUNS = 60;

describe('labels-first forms equal the deprecated forms bit for bit', () => {
  it('concordanceIndex: { time, event }, a [time, event] pair and row records; direction', () => {
    fc.assert(
      fc.property(data, fc.constantFrom(0, 1e-8, 0.3), ({ time, event, risk }, tiedTol) => {
        const old = () => concordanceIndex(time, event, risk, { tiedTol });
        expectSame(old, () => concordanceIndex({ time, event }, risk, { tiedTol }));
        expectSame(old, () => concordanceIndex([time, event], risk, { tiedTol }));
        expectSame(old, () =>
          concordanceIndex(
            time.map((t, i) => ({ time: t, event: event[i] as number })),
            risk,
            { tiedTol },
          ),
        );
        expectSame(old, () => concordanceIndex(survivalLabels(time, event), risk, { tiedTol }));
        expectSame(
          () => concordanceIndex(time, event, risk, { direction: 'survival' }),
          () => concordanceIndex({ time, event }, risk, { direction: 'survival' }),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("concordanceIndexIpcw: train defaults to the labels; the shared 'direction' option negates the scores", () => {
    fc.assert(
      fc.property(data, fc.constantFrom(undefined, 5), fc.constantFrom<'sksurv' | 'R'>('sksurv', 'R'), ({ time, event, risk }, tau, convention) => {
        const y = { time, event };
        const old = () => concordanceIndexIpcw(y, y, risk, { tau, convention });
        expectSame(old, () => concordanceIndexIpcw(y, risk, { tau, convention }));
        expectSame(old, () => concordanceIndexIpcw([time, event], risk, { train: y, tau, convention }));
        const negated = risk.map((v) => -v);
        expectSame(old, () => concordanceIndexIpcw(y, negated, { tau, convention, direction: 'survival' }));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('concordanceIndexIpcw with separate training labels', () => {
    fc.assert(
      fc.property(data, data, ({ time, event, risk }, train) => {
        const tr = { time: train.time, event: train.event };
        expectSame(
          () => concordanceIndexIpcw(tr, { time, event }, risk),
          () => concordanceIndexIpcw({ time, event }, risk, { train: tr }),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('concordanceConfidenceInterval and compareConcordance (with direction on both scores)', () => {
    fc.assert(
      fc.property(data, fc.constantFrom<'noether' | 'conservative' | 'ij'>('noether', 'conservative', 'ij'), ({ time, event, risk, riskB }, method) => {
        expectSame(
          () => concordanceConfidenceInterval(time, event, risk, { method }),
          () => concordanceConfidenceInterval({ time, event }, risk, { method }),
        );
        const cm = method === 'conservative' ? 'bootstrap' : method;
        const opts = { method: cm, replicates: 50, seed: 3 } as const;
        const old = () => compareConcordance(time, event, risk, riskB, opts);
        expectSame(old, () => compareConcordance({ time, event }, risk, riskB, opts));
        const negA = risk.map((v) => -v);
        const negB = riskB.map((v) => -v);
        expectSame(old, () => compareConcordance([time, event], negA, negB, { ...opts, direction: 'survival' }));
      }),
      { numRuns: 30 },
    );
  });

  it('concordanceTd', () => {
    fc.assert(
      fc.property(data, fc.constantFrom<'antolini' | 'adjAntolini'>('antolini', 'adjAntolini'), ({ time, event, curves }, method) => {
        expectSame(
          () => concordanceTd(curves, { time, event }, { method }),
          () => concordanceTd({ time, event }, curves, { method }),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('brierScore, nbll, integratedBrierScore and integratedNbll (which return { value })', () => {
    fc.assert(
      fc.property(data, fc.constantFrom<'pycox' | 'sksurv' | 'pec'>('pycox', 'sksurv', 'pec'), ({ time, event, curves }, convention) => {
        const y = { time, event };
        const times = [Math.min(...time), (Math.min(...time) + Math.max(...time)) / 2, Math.max(...time) - 0.5];
        const opts = { convention };
        expectSame(
          () => brierScore(curves, y, times, opts),
          () => brierScore(y, curves, { ...opts, times }),
        );
        expectSame(
          () => nbll(curves, y, times, opts),
          () => nbll([time, event], curves, { ...opts, times }),
        );
        expectSame(
          () => ({ value: integratedBrierScore(curves, y, times, opts) }),
          () => integratedBrierScore(y, curves, { ...opts, times }),
        );
        expectSame(
          () => ({ value: integratedNbll(curves, y, times, { ...opts, train: y }) }),
          () => integratedNbll(y, curves, { ...opts, times, train: y }),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('cumulativeDynamicAuc on risk scores and on curves', () => {
    fc.assert(
      fc.property(data, fc.constantFrom<'sksurv' | 'riskRegression'>('sksurv', 'riskRegression'), ({ time, event, risk, curves }, convention) => {
        const y = { time, event };
        const times = [Math.min(...time), Math.max(...time) - 0.5];
        expectSame(
          () => cumulativeDynamicAuc(y, y, risk, times, { convention }),
          () => cumulativeDynamicAuc(y, risk, { times, convention }),
        );
        expectSame(
          () => cumulativeDynamicAuc(y, y, curves, times, { convention }),
          () => cumulativeDynamicAuc([time, event], curves, { times, convention, train: y }),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('dCalibration, oneCalibration and calibrationAt (t as an option)', () => {
    fc.assert(
      fc.property(data, ({ time, event, curves }) => {
        const y = { time, event };
        const t = Math.min(...time);
        expectSame(
          () => dCalibration(curves, y, { bins: 2 }),
          () => dCalibration(y, curves, { bins: 2 }),
        );
        expectSame(
          () => oneCalibration(curves, y, t, { bins: 2 }),
          () => oneCalibration(y, curves, { t, bins: 2 }),
        );
        expectSame(
          () => calibrationAt(curves, y, t, { groups: 2 }),
          () => calibrationAt([time, event], curves, { t, groups: 2 }),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('kaplanMeier (one entry point for kaplanMeierOf) and nelsonAalen', () => {
    fc.assert(
      fc.property(data, ({ time, event }) => {
        const old = () => kaplanMeier(time, event, { confType: 'log' });
        expectSame(old, () => kaplanMeier({ time, event }, { confType: 'log' }));
        expectSame(old, () => kaplanMeier([time, event], { confType: 'log' }));
        expectSame(old, () => kaplanMeierOf({ time, event }, { confType: 'log' }));
        expectSame(
          () => nelsonAalen(time, event),
          () => nelsonAalen({ time, event }),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('aurc, excessAurc, riskAtCoverage, coverageAtRisk ({ value }) and riskCoverageCurve take the outcome first', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 2, maxLength: 30 }), (cases) => {
        const u = cases.map(([v]) => v / 5);
        const correct = cases.map(([, c]) => c);
        expectSame(
          () => ({ value: aurc(u, { correct }) }),
          () => aurc({ correct }, u),
        );
        expectSame(
          () => ({ value: excessAurc(u, { loss: correct.map(Number) }) }),
          () => excessAurc({ loss: correct.map(Number) }, u),
        );
        expectSame(
          () => riskCoverageCurve(u, { correct }),
          () => riskCoverageCurve({ correct }, u),
        );
        for (const coverage of [0.3, 0.5, 1]) {
          expectSame(
            () => ({ value: riskAtCoverage(u, { correct }, coverage) }),
            () => riskAtCoverage({ correct }, u, { coverage }),
          );
        }
        for (const risk of [0, 0.25, 0.5]) {
          expectSame(
            () => ({ value: coverageAtRisk(u, { correct }, risk) }),
            () => coverageAtRisk({ correct }, u, { risk }),
          );
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('the properties compare results, not only errors', () => {
  it('most comparisons above compared two results', () => {
    expect(compared.total).toBeGreaterThan(1000);
    expect(compared.values / compared.total).toBeGreaterThan(0.6);
  });
});

describe('labels forms and call-form errors', () => {
  it('asLabels accepts what LabelsInput documents: { time, event }, a [time, event] pair, row records', () => {
    const expected = survivalLabels([3, 1, 2], [1, 0, 1]);
    expect(asLabels({ time: [3, 1, 2], event: [1, 0, 1] })).toStrictEqual(expected);
    expect(
      asLabels([
        [3, 1, 2],
        [true, false, true],
      ]),
    ).toStrictEqual(expected);
    expect(asLabels([new Float64Array([3, 1, 2]), new Int32Array([1, 0, 1])])).toStrictEqual(expected);
    expect(
      asLabels([
        { time: 3, event: 1 },
        { time: 1, event: 0 },
        { time: 2, event: 1 },
      ]),
    ).toStrictEqual(expected);
    expect(asLabels(expected)).toBe(expected);
  });

  it('asLabels errors name asLabels; the pair and the records are validated like any labels', () => {
    expect(() => asLabels([1, 2] as never)).toThrow(messages.notLabels('asLabels', 'labels', [1, 2]));
    expect(() => asLabels([[1, 2], [1]])).toThrow(messages.lengthMismatch('asLabels', 'time', 2, 'event', 1));
    expect(() =>
      asLabels([
        { time: 1, event: 1 },
        { time: -1, event: 0 },
      ]),
    ).toThrow(messages.negative('asLabels', 'time', 1, -1));
    expect(() =>
      asLabels([
        { time: 1, event: 1 },
        { t: 2, e: 0 },
      ] as never),
    ).toThrow(messages.notNumber('asLabels', 'time', 1, undefined));
  });

  it('getColumn and columnNames without the caller name', () => {
    const table = { t: [1, 2], e: [1, 0] };
    expect(getColumn(table, 't')).toEqual([1, 2]);
    expect(() => getColumn(table, 'x')).toThrow(messages.unknownColumn('getColumn', 'x', ['t', 'e']));
    expect(columnNames([{ t: 3, e: 1 }])).toEqual(['t', 'e']);
    expect(columnNames('myFn', table)).toEqual(['t', 'e']);
    expect(() => columnNames(null as never)).toThrow(messages.notTable('columnNames', 'table', null));
  });

  it('errors of the labels-first forms name the labels argument', () => {
    expect(() => concordanceIndex({ time: [1, 2] } as never, [1, 2])).toThrow(messages.notLabels('concordanceIndex', 'labels', { time: [1, 2] }));
    const y = { time: [1, 2, 3], event: [0, 0, 0] };
    expect(() => concordanceIndexIpcw(y, [1, 2, 3])).toThrow(messages.noEvents('concordanceIndexIpcw', 'labels.event'));
    expect(() => cumulativeDynamicAuc({ time: [1, 2, 3], event: [1, 0, 1] }, [1, 2], { times: [2] })).toThrow(
      messages.lengthMismatch('cumulativeDynamicAuc', 'labels.time', 3, 'risk', 2),
    );
    expect(() => concordanceIndexIpcw({ time: [1, 2, 3], event: [1, 2, 0] }, [1, 2, 3])).toThrow(
      messages.notBinaryEvent('concordanceIndexIpcw', 'labels.event', 1, 2),
    );
  });

  it('an argument given both positionally (deprecated form) and as an option is an error, not a silent choice', () => {
    const y = { time: [1, 2, 3, 4], event: [1, 0, 1, 0] };
    const curves = new SurvivalCurves([1, 2, 3, 4], [0.9, 0.8, 0.7, 0.6, 0.9, 0.8, 0.7, 0.6, 0.9, 0.8, 0.7, 0.6, 0.9, 0.8, 0.7, 0.6]);
    expect(() => brierScore(curves, y, [1, 2], { times: [1] } as never)).toThrow(messages.givenTwice('brierScore', 'times'));
    expect(() => concordanceIndexIpcw(y, y, [4, 3, 2, 1], { train: y })).toThrow(messages.givenTwice('concordanceIndexIpcw', 'train'));
    expect(() => cumulativeDynamicAuc(y, y, [4, 3, 2, 1], [2], { times: [2] })).toThrow(messages.givenTwice('cumulativeDynamicAuc', 'times'));
    expect(() => calibrationAt(curves, y, 2, { t: 2 })).toThrow(messages.givenTwice('calibrationAt', 't'));
  });

  it('a missing required option is named', () => {
    const y = { time: [1, 2, 3, 4], event: [1, 0, 1, 0] };
    const curves = new SurvivalCurves([1, 2], [0.9, 0.8, 0.9, 0.8, 0.9, 0.8, 0.9, 0.8]);
    expect(() => brierScore(y, curves, {} as never)).toThrow(messages.notArray('brierScore', 'times', undefined));
    expect(() => oneCalibration(y, curves, { bins: 2 } as never)).toThrow(messages.finiteNumber('oneCalibration', 't', undefined));
  });
});
