/**
 * The report builders: figure data checked against hand computations from
 * their definitions, the plan's figures and notes, the page's self-containment,
 * and the JSON round trip (a report rebuilt from --format json equals the original).
 */
import { describe, expect, it } from 'vitest';
import { formatJson, formatTable } from '../../src/cli/format.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { StepFunction } from '../../src/estimators/step-function.js';
import { evaluateFile, evaluatePredictions } from '../../src/report/evaluate.js';
import { evaluatePredictions as evaluateInMemory } from '../../src/report/evaluate-core.js';
import { MAX_CURVE_POINTS, reportFigures, stepCurve } from '../../src/report/report-figures.js';
import { buildReport, reportHtml, scopeSvgIds } from '../../src/report/report-html.js';
import { reportPlan } from '../../src/report/report-plan.js';

const CURVES = 'datasets/example-predictions.csv';
const RISK = 'datasets/example-risk.csv';
const TRAIN = 'datasets/example-train.csv';

// six subjects, risk decreasing with time: T = 1..6, events at 1, 3, 5
const labels = { time: Float64Array.from([1, 2, 3, 4, 5, 6]), event: Int32Array.from([1, 0, 1, 0, 1, 0]) };
const risk = Float64Array.from([6, 5, 4, 3, 2, 1]);

describe('reportFigures', () => {
  const f = reportFigures({ labels, risk });

  it('summarises the data: counts, observed times (type-7 median) and the reverse-KM median follow-up', () => {
    // reverse KM (censorings 2, 4, 6 as events, everyone with T >= u at risk): G(2) = 4/5, G(4) = 4/5 · 2/3 = 0.533, G(6) = 0
    expect(f.summary).toEqual({ n: 6, events: 3, censored: 3, minTime: 1, medianTime: 3.5, maxTime: 6, medianFollowUp: 6 });
  });

  it('Kaplan–Meier of the labels: S(1) = 5/6, S(3) = 5/6 · 3/4, S(5) = 5/6 · 3/4 · 1/2', () => {
    expect(f.km.times).toEqual([1, 2, 3, 4, 5, 6]);
    const expected = [5 / 6, 5 / 6, (5 / 6) * (3 / 4), (5 / 6) * (3 / 4), (5 / 6) * (3 / 4) * (1 / 2), (5 / 6) * (3 / 4) * (1 / 2)];
    f.km.values.forEach((v, k) => expect(v).toBeCloseTo(expected[k] as number, 14));
    expect(f.km.lower).toHaveLength(6);
    expect(f.censoringSource).toBe('the evaluated labels');
  });

  it('splits subjects into risk thirds and counts those at risk (T >= t) at 0, 1.2, 2.4, 3.6, 4.8, 6', () => {
    if (!('groups' in f.tertiles)) throw new Error('tertiles skipped');
    expect(f.tertiles.groups.map((g) => [g.n, g.events])).toEqual([
      [2, 1], // lowest risk: T = 6 (censored), 5 (event)
      [2, 1], // T = 4, 3
      [2, 1], // T = 2, 1
    ]);
    expect(f.tertiles.atRisk.times).toEqual([0, 1.2, 2.4, 3.6, 4.8, 6]);
    expect(f.tertiles.atRisk.counts).toEqual([
      [2, 2, 2, 2, 2, 1],
      [2, 2, 2, 1, 0, 0],
      [2, 1, 0, 0, 0, 0],
    ]);
  });

  it('explains what it cannot draw: calibration of risk scores, tertiles of fewer than 3 subjects', () => {
    expect(f.calibration).toEqual({ skipped: expect.stringContaining('risk scores') as unknown });
    const two = reportFigures({ labels: { time: Float64Array.from([1, 2]), event: Int32Array.from([1, 1]) }, risk: Float64Array.from([1, 2]) });
    expect(two.tertiles).toEqual({ skipped: messages.reportTertiles('report', 2) });
  });

  it('stepCurve keeps short curves exactly and reads long ones at most MAX_CURVE_POINTS times, ends included', () => {
    const m = 1000;
    const sf = new StepFunction(
      Float64Array.from({ length: m }, (_, k) => k + 1),
      Float64Array.from({ length: m }, (_, k) => 1 - (k + 1) / m),
    );
    const c = stepCurve(sf);
    expect(c.times).toHaveLength(MAX_CURVE_POINTS);
    expect([c.times[0], c.times.at(-1), c.values.at(-1)]).toEqual([1, m, 0]);
    c.times.forEach((t, j) => expect(c.values[j]).toBe(sf.at(t)));
  });

  it('calibration at the chosen times; a time outside the data is skipped with the reason', () => {
    const r = evaluateFile(CURVES, { figures: { calibrationTimes: [2, 500] } });
    const cal = r.figures?.calibration;
    if (!Array.isArray(cal)) throw new Error('calibration skipped');
    expect(cal.map((c) => c.t)).toEqual([2, 500]);
    expect('groups' in (cal[0] as object) && (cal[0] as { groups: unknown[] }).groups).toHaveLength(10);
    expect((cal[1] as { skipped: string }).skipped).toMatch(/^calibrationAt: /);
  });

  it('is computed only when asked for, and per group', () => {
    expect(evaluateFile(CURVES).figures).toBeUndefined();
    const r = evaluateFile(CURVES, { figures: true });
    expect(Object.keys(r.figures?.groups ?? {})).toEqual(['A', 'B']);
    expect(r.figures?.groups?.A?.summary.n).toBe(r.groups?.A?.meta.n);
  });

  it('the Node-free evaluate (the browser one) asks for labels instead of a training file path', () => {
    const pred = { format: 'risk' as const, file: 'f', labels, risk, group: undefined };
    expect(() => evaluateInMemory(pred, { train: 'train.csv' })).toThrow(messages.browserFile('evaluateFile', 'the training labels file "train.csv"'));
    expect(evaluateInMemory(pred, { train: labels }).concordanceIndex).toEqual(evaluatePredictions(pred, { train: labels }).concordanceIndex);
  });

  it('rejects calibration times that are not ascending', () => {
    expect(() => evaluateFile(CURVES, { figures: { calibrationTimes: [3, 2] } })).toThrow(SurvkitError);
  });
});

describe('reportPlan', () => {
  it('has every figure of the issue for a curves file with groups and training labels', () => {
    const plan = reportPlan(evaluateFile(CURVES, { train: TRAIN, figures: true }));
    const ids = plan.figures.map((f) => f.id);
    for (const id of ['km', 'censoring-km', 'brier', 'auc', 'calibration-t-1.5', 'calibration-t-2.65', 'calibration-t-4.2', 'd-calibration', 'risk-tertiles']) {
      expect(ids).toContain(id);
    }
    expect(ids).toContain('group-A-risk-tertiles');
    expect(ids).toContain('group-B-km');
    expect(plan.sections.map((s) => s.id)).toEqual(['data', 'metrics', 'figures', 'group-A', 'group-B', 'conventions']);
  });

  it('says what a risk-format file cannot show', () => {
    const plan = reportPlan(evaluateFile(RISK, { figures: true }));
    const text = JSON.stringify(plan.sections);
    expect(plan.figures.map((f) => f.id)).not.toContain('brier');
    expect(text).toContain('calibration needs predicted survival probabilities');
  });

  it('adds the training section, loss curves and the uncertainty figures when the source has them', () => {
    const ev = evaluateFile(CURVES, { figures: true });
    const { meta, ...rest } = ev;
    const train = {
      meta: { command: 'train', file: 'x.csv', model: 'coxph', seed: 0, split: 's', rows: {}, events: {}, settings: { batchSize: 256 }, evaluation: meta },
      ...rest,
      epochs: 3,
      bestEpoch: 2,
      history: { loss: [3, 2, 1], valLoss: [3, 2.5, 2.7] },
      uncertainty: {
        reliability: [{ lower: 0, upper: 0.5, count: 4, accuracy: 0.5, confidence: 0.4 }],
        riskCoverage: { coverage: [0.5, 1], risk: [0.1, 0.2] },
        ece: 0.1,
        aurc: 0.15,
      },
    };
    const plan = reportPlan(train);
    expect(plan.sections[0]?.id).toBe('training');
    expect(plan.figures.map((f) => f.id)).toEqual(expect.arrayContaining(['loss', 'reliability', 'risk-coverage']));
  });

  it('rejects what is not an evaluate or train output, naming the problem', () => {
    expect(() => reportPlan({})).toThrow(messages.reportInput('reportPlan', 'source', 'it has no "meta" object'));
    expect(() => reportPlan({ meta: {} })).toThrow(messages.reportInput('reportPlan', 'source', 'meta.n is missing'));
    expect(() => reportPlan({ meta: { command: 'train' } })).toThrow(messages.reportInput('reportPlan', 'source', 'meta.evaluation is missing'));
  });
});

describe('reportHtml and buildReport', () => {
  const report = evaluateFile(CURVES, { train: TRAIN, figures: true, bootstrap: 20, seed: 1 });

  it('is one self-contained page: no script, nothing loaded from elsewhere, unique ids, every figure inline', async () => {
    const { html, figures } = await buildReport(report);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<iframe|@import|src="(?!data:)|href="(?!#)|url\((?!#)/i);
    expect((html.match(/<svg/g) ?? []).length).toBe(figures.length);
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(html).toContain('95% CI');
  }, 120_000);

  it('shows each metric with the digits survkit evaluate prints', async () => {
    const { html } = await buildReport(report);
    const cells: Record<string, string> = Object.fromEntries([...html.matchAll(/data-metric="(\w+)">([^<]+)</g)].map((m) => [m[1] as string, m[2] as string]));
    const table = formatTable(report);
    expect(table).toMatch(new RegExp(`concordanceIndex \\(Harrell\\) +${(cells.concordanceIndex as string).replace('.', '\\.')} `));
    expect(table).toContain(` ${cells.concordanceIndexIpcw as string} `);
    expect(table).toContain(` ${cells.integratedBrierScore as string} `);
  }, 120_000);

  it('rebuilt from the --format json output, the page is the same', async () => {
    const direct = await buildReport(report);
    const again = await buildReport(JSON.parse(formatJson(report)));
    expect(again.html).toBe(direct.html);
  }, 120_000);

  it('without figure data (an older JSON) it still renders the metrics and says what is missing', async () => {
    const { html } = await buildReport(evaluatePredictions({ format: 'risk', file: 'f', labels, risk, group: undefined }));
    expect(html).toContain('carries no figure data');
    expect(html).toContain('data-metric="concordanceIndex"');
  }, 120_000);

  it('scopeSvgIds prefixes ids and their references', () => {
    expect(scopeSvgIds('<?xml version="1.0"?><svg><clipPath id="c1"/><g clip-path="url(#c1)"/><use href="#c1"/></svg>', 'f0-')).toBe(
      '<svg><clipPath id="f0-c1"/><g clip-path="url(#f0-c1)"/><use href="#f0-c1"/></svg>',
    );
  });

  it('reportHtml marks a figure that has no SVG', () => {
    const plan = reportPlan(evaluateFile(RISK, { figures: true }));
    expect(reportHtml(plan, {})).toContain('(figure not rendered)');
  });
});
