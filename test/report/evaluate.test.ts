import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateFile, evaluatePredictions, type EvaluateReport } from '../../src/report/evaluate.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { take } from '../../src/core/take.js';
import { SurvivalCurves } from '../../src/estimators/survival-curves.js';
import { readLabels, readPredictions } from '../../src/io/predictions.js';
import { bootstrap } from '../../src/metrics/bootstrap.js';
import { brierScore } from '../../src/metrics/brier.js';
import { concordanceIndex } from '../../src/metrics/concordance-harrell.js';
import { concordanceTd } from '../../src/metrics/concordance-td.js';
import { concordanceIndexIpcw } from '../../src/metrics/concordance-uno.js';
import { cumulativeDynamicAuc } from '../../src/metrics/cumulative-dynamic-auc.js';
import { dCalibration } from '../../src/metrics/d-calibration.js';
import { integratedBrierScore, integratedNbll } from '../../src/metrics/integrated.js';
import { tempDir } from '../helpers/temp-dir.js';

const CURVES = 'datasets/example-predictions.csv';
const RISK = 'datasets/example-risk.csv';
const TRAIN = 'datasets/example-train.csv';

const tmp = tempDir('survkit-eval-');
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** −∫_0^{t_m} S dt by the step rule, written out independently of the CLI. */
function minusRmst(c: SurvivalCurves): Float64Array {
  return Float64Array.from({ length: c.n }, (_, i) => {
    let area = 0;
    let prevT = 0;
    let prevS = 1;
    for (let k = 0; k < c.m; k++) {
      area += prevS * ((c.times[k] as number) - prevT);
      prevT = c.times[k] as number;
      prevS = c.get(i, k);
    }
    return -area;
  });
}

const arr = (x: unknown): number[] => Array.from(x as Float64Array);
const metric = (r: EvaluateReport, k: string): Record<string, unknown> =>
  (r as unknown as Record<string, Record<string, unknown>>)[k] as Record<string, unknown>;

describe('evaluateFile: curves format equals the metric functions on the parsed file', () => {
  const p = readPredictions(CURVES);
  if (p.format !== 'curves') throw new Error('fixture');
  const { labels, curves } = p;
  const train = readLabels(TRAIN);
  const r = evaluateFile(CURVES, { train: TRAIN });
  const lo = Math.min(...labels.time);
  const hi = Math.max(...labels.time);
  const grid = Float64Array.from({ length: 100 }, (_, k) => (k === 99 ? hi : lo + k * ((hi - lo) / 99))); // numpy linspace
  const trainMax = Math.max(...train.time);
  const kept = grid.filter((t) => t < trainMax);

  it('meta', () => {
    expect(r.meta).toMatchObject({ file: CURVES, format: 'curves', n: 300, convention: 'pycox', tau: null, bootstrap: null, backendFree: true });
    expect(r.meta.events + r.meta.censored).toBe(300);
    expect(r.meta.train).toEqual({ source: TRAIN, n: 600, events: train.event.reduce((a, b) => a + b, 0) });
    expect(arr(r.meta.grid)).toEqual(arr(grid));
    expect(arr(r.meta.curveTimes)).toEqual(arr(curves.times));
  });

  it('the concordance indices (Harrell and Uno on −RMST)', () => {
    const risk = minusRmst(curves);
    expect(metric(r, 'concordanceIndex')).toEqual({ ...concordanceIndex(labels.time, labels.event, risk) });
    expect(metric(r, 'concordanceIndexIpcw')).toEqual({ ...concordanceIndexIpcw(train, labels, risk) });
    expect(metric(r, 'concordanceTd')).toEqual({ ...concordanceTd(curves, labels) });
  });

  it('Brier, IBS, NBLL at the grid times before the last training time', () => {
    expect(kept.length).toBeLessThan(100);
    const opts = { convention: 'pycox' as const, train };
    const bs = metric(r, 'brierScore');
    const direct = brierScore(curves, labels, kept, opts);
    expect(arr(bs.times)).toEqual(arr(direct.times));
    expect(arr(bs.values)).toEqual(arr(direct.values));
    expect(bs.droppedTimes).toEqual(arr(grid.filter((t) => t >= trainMax)));
    expect(metric(r, 'integratedBrierScore')).toEqual({ value: integratedBrierScore(curves, labels, kept, opts) });
    expect(metric(r, 'integratedNbll')).toEqual({ value: integratedNbll(curves, labels, kept, opts) });
  });

  it('cumulative/dynamic AUC on the curves, and D-calibration', () => {
    const auc = metric(r, 'cumulativeDynamicAuc');
    const times = kept.filter((t) => t < hi);
    const direct = cumulativeDynamicAuc(train, labels, curves, times);
    expect(arr(auc.auc)).toEqual(arr(direct.auc));
    expect(auc.meanAuc).toBe(direct.meanAuc);
    expect(metric(r, 'dCalibration')).toEqual({ ...dCalibration(curves, labels) });
  });

  it('invariants: C in [0, 1], IBS in [0, 1], p-value in [0, 1]', () => {
    for (const k of ['concordanceIndex', 'concordanceIndexIpcw', 'concordanceTd']) {
      const c = metric(r, k).cIndex as number;
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
    expect(metric(r, 'integratedBrierScore').value).toBeGreaterThanOrEqual(0);
    expect(metric(r, 'integratedBrierScore').value).toBeLessThanOrEqual(1);
    expect(metric(r, 'dCalibration').pValue).toBeGreaterThanOrEqual(0);
  });
});

describe('evaluateFile: risk format', () => {
  const p = readPredictions(RISK);
  if (p.format !== 'risk') throw new Error('fixture');
  const r = evaluateFile(RISK);

  it('has exactly the risk-format metrics, with the evaluated labels for IPCW', () => {
    expect(Object.keys(r)).toEqual(['meta', 'concordanceIndex', 'concordanceIndexIpcw', 'cumulativeDynamicAuc', 'groups']);
    expect(r.meta.train.source).toMatch(/^the evaluated labels/);
    expect(metric(r, 'concordanceIndex')).toEqual({ ...concordanceIndex(p.labels.time, p.labels.event, p.risk) });
    expect(metric(r, 'concordanceIndexIpcw')).toEqual({ ...concordanceIndexIpcw(p.labels, p.labels, p.risk) });
  });

  it('passes --tau to Uno', () => {
    const withTau = evaluateFile(RISK, { tau: 5 });
    expect(metric(withTau, 'concordanceIndexIpcw')).toEqual({ ...concordanceIndexIpcw(p.labels, p.labels, p.risk, { tau: 5 }) });
    expect(withTau.meta.tau).toBe(5);
  });

  it('explicit --times are used as given where the AUC is defined', () => {
    const withTimes = evaluateFile(RISK, { times: [1, 2, 4] });
    expect(arr(withTimes.meta.grid)).toEqual([1, 2, 4]);
    const auc = metric(withTimes, 'cumulativeDynamicAuc');
    expect(arr(auc.auc)).toEqual(arr(cumulativeDynamicAuc(p.labels, p.labels, p.risk, [1, 2, 4]).auc));
    expect(auc.droppedTimes).toEqual([]);
  });

  it('each group is evaluated like a file holding only its rows', () => {
    const text = readFileSync(RISK, 'utf8').trim().split('\n');
    for (const g of ['A', 'B']) {
      const sub = file(`group-${g}.csv`, [text[0], ...text.slice(1).filter((l) => l.endsWith(`,${g}`))].join('\n'));
      const alone = evaluateFile(sub);
      const { meta, ...metrics } = r.groups?.[g] ?? { meta: undefined };
      const { meta: aloneMeta, groups: _g, ...aloneMetrics } = alone;
      expect(metrics).toEqual(aloneMetrics);
      expect(meta).toEqual({ n: aloneMeta.n, events: aloneMeta.events, censored: aloneMeta.censored, grid: aloneMeta.grid });
    }
  });
});

describe('evaluateFile: metrics the data do not allow are skipped, not fatal', () => {
  it('no comparable pairs and one distinct time', () => {
    const path = file('ties.csv', 'time,event,risk\n2,1,0.5\n2,1,0.1\n');
    const r = evaluateFile(path);
    expect(metric(r, 'concordanceIndex')).toEqual({ skipped: messages.noComparablePairs('concordanceIndex') });
    expect(metric(r, 'concordanceIndexIpcw')).toEqual({ skipped: messages.noComparablePairs('concordanceIndexIpcw') });
    expect((metric(r, 'cumulativeDynamicAuc').skipped as string).startsWith("evaluate: 'time' must be spread over at least two values")).toBe(true);
    expect(r.meta.grid.length).toBe(0);
  });

  it('no events at all', () => {
    const r = evaluateFile(file('censored.csv', 'time,event,1,2\n1,0,0.9,0.8\n2,0,0.8,0.5\n'));
    expect(metric(r, 'concordanceIndex')).toEqual({ skipped: messages.noEvents('concordanceIndex', 'event') });
    expect(metric(r, 'concordanceTd')).toEqual({ skipped: messages.noEvents('concordanceTd', 'labels.event') });
    expect(metric(r, 'dCalibration').skipped).toMatch(/^dCalibration: option 'bins'/); // 10 bins, 2 subjects
  });
});

describe('evaluateFile: sksurv convention', () => {
  it('drops evaluation times at or after the largest evaluated time (scikit-survival requires t < max T)', () => {
    const r = evaluateFile(CURVES, { convention: 'sksurv' });
    const hi = r.meta.grid[r.meta.grid.length - 1] as number;
    expect(metric(r, 'brierScore').droppedTimes).toEqual([hi]);
    expect(arr(metric(r, 'brierScore').times)).toEqual(arr(r.meta.grid.slice(0, 99)));
  });
});

describe('evaluateFile: bootstrap', () => {
  const p = readPredictions(RISK);
  if (p.format !== 'risk') throw new Error('fixture');
  const r = evaluateFile(RISK, { bootstrap: 50, seed: 3 });

  it("the CI of Harrell's C equals bootstrap() over take()-resampled subjects", () => {
    const b = bootstrap((idx) => concordanceIndex(take(p.labels.time, idx), take(p.labels.event, idx), take(p.risk, idx)).cIndex, p.labels.time.length, {
      replicates: 50,
      seed: 3,
    });
    expect(metric(r, 'concordanceIndex').ci).toEqual({
      lower: b.lower,
      upper: b.upper,
      se: b.se,
      level: 0.95,
      replicates: b.replicates.length,
      skippedResamples: b.skipped,
    });
    expect(b.estimate).toBe(metric(r, 'concordanceIndex').cIndex);
  });

  it('every scalar metric gets a CI; same seed, same CI; groups too', () => {
    for (const k of ['concordanceIndex', 'concordanceIndexIpcw', 'cumulativeDynamicAuc']) {
      const ci = metric(r, k).ci as Record<string, number>;
      expect(ci.lower).toBeLessThanOrEqual(ci.upper as number);
      expect(ci.se).toBeGreaterThan(0);
    }
    expect(evaluateFile(RISK, { bootstrap: 50, seed: 3 })).toEqual(r);
    expect((r.groups?.A as Record<string, Record<string, unknown>>).concordanceIndex?.ci).toBeDefined();
    expect(r.meta.bootstrap).toEqual({ replicates: 50, seed: 3, level: 0.95 });
  });
});

describe('evaluateFile: option errors', () => {
  const cases: [string, Parameters<typeof evaluateFile>[1], string][] = [
    ['grid < 2', { grid: 1 }, messages.optionRange('evaluateFile', 'grid', 'an integer >= 2', 1)],
    ['times and grid', { times: [1], grid: 5 }, messages.optionRange('evaluateFile', 'grid', 'absent when times are given', 5)],
    ['times not ascending', { times: [2, 1] }, messages.notAscending('evaluateFile', 'times', 1)],
    ['tau <= 0', { tau: 0 }, messages.optionRange('evaluateFile', 'tau', 'a finite number > 0', 0)],
    ['unknown convention', { convention: 'pec' as 'pycox' }, messages.optionRange('evaluateFile', 'convention', "one of 'pycox', 'sksurv'", 'pec')],
    ['bootstrap 1', { bootstrap: 1 }, messages.optionRange('evaluateFile', 'bootstrap', 'an integer >= 2', 1)],
  ];
  for (const [name, opts, message] of cases) {
    it(name, () => {
      expect(() => evaluateFile(RISK, opts)).toThrow(SurvkitError);
      expect(() => evaluateFile(RISK, opts)).toThrow(message);
    });
  }
});

describe('helpers', () => {
  it('evaluatePredictions takes labels objects as train', () => {
    const p = readPredictions(RISK);
    const train = readLabels(TRAIN);
    const r = evaluatePredictions(p, { train });
    expect(r.meta.train.source).toBe('the given training labels');
    expect(metric(r, 'concordanceIndexIpcw')).toEqual(metric(evaluateFile(RISK, { train: TRAIN }), 'concordanceIndexIpcw'));
  });
});
