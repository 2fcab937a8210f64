/**
 * The metrics `survkit evaluate` computes, each as one procedure of the
 * evaluated subjects (labels + risk or curves) and the fixed settings, so the
 * same procedure runs on the whole file, on each group and on each bootstrap
 * resample.
 */
import { survkitError } from '../core/errors.js';
import { linspace } from '../core/linspace.js';
import type { SurvivalLabels } from '../data/labels.js';
import { negativeRestrictedMean } from '../estimators/risk-from-curves.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import type { CompetingData } from './cr-metric-definitions.js';
import { brierScore } from '../metrics/brier.js';
import { concordanceIndex } from '../metrics/concordance-harrell.js';
import { concordanceTd } from '../metrics/concordance-td.js';
import { concordanceIndexIpcw } from '../metrics/concordance-uno.js';
import { cumulativeDynamicAuc } from '../metrics/cumulative-dynamic-auc.js';
import { dCalibration } from '../metrics/d-calibration.js';
import { integratedBrierScore, integratedNbll } from '../metrics/integrated.js';

/** The evaluated subjects: labels and either one risk score or one curve each. */
export interface EvalData {
  labels: SurvivalLabels;
  risk?: Float64Array;
  curves?: SurvivalCurves;
  /** Competing risks (cif format): labels with codes 0..K and the CIF of each cause; `labels` then counts any event. */
  cr?: CompetingData;
}

/** Settings shared by every metric (already validated). */
export interface EvalSettings {
  /** Labels for the censoring distribution; undefined = the evaluated labels (pycox). */
  train: SurvivalLabels | undefined;
  /** Explicit evaluation times (`--times`), or undefined to use `grid`. */
  times: Float64Array | undefined;
  /** Number of evenly spaced evaluation times from min to max of the evaluated times. */
  grid: number;
  /** Truncation time of Uno's C. */
  tau: number | undefined;
  /** Weighting of the Brier score and NBLL. */
  convention: 'pycox' | 'sksurv';
}

/** The metric keys of the report, in report order. */
export const METRIC_NAMES = [
  'concordanceIndex',
  'concordanceIndexIpcw',
  'concordanceTd',
  'brierScore',
  'integratedBrierScore',
  'integratedNbll',
  'cumulativeDynamicAuc',
  'dCalibration',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** One metric: what it needs, how to compute it, and its scalar for a bootstrap CI. */
export interface MetricDef {
  needsCurves: boolean;
  compute(d: EvalData, s: EvalSettings): Record<string, unknown>;
  /** The number a bootstrap CI is given for; absent = no CI (vector or test results). */
  scalar?: (result: Record<string, unknown>) => number;
}

function range(x: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The evaluation times of `d`: `--times`, or `grid` points from min to max of the evaluated times. */
export function evaluationTimes(d: EvalData, s: EvalSettings): Float64Array {
  if (s.times !== undefined) return s.times;
  const [lo, hi] = range(d.labels.time);
  if (!(hi > lo)) throw survkitError('gridSpread', 'evaluate', 'time', lo);
  return linspace(lo, hi, s.grid);
}

/** The risk score for Harrell's and Uno's C: the given risk, or −RMST of the curves (`negativeRestrictedMean`). */
export function riskOf(d: EvalData): Float64Array {
  if (d.risk !== undefined) return d.risk;
  return negativeRestrictedMean(d.curves as SurvivalCurves);
}

/** Splits times into those kept (keep(t) true) and those dropped. */
function split(times: Float64Array, keep: (t: number) => boolean): { kept: Float64Array; dropped: number[] } {
  const kept: number[] = [];
  const dropped: number[] = [];
  for (const t of times) (keep(t) ? kept : dropped).push(t);
  return { kept: Float64Array.from(kept), dropped };
}

/** The last time the censoring distribution is estimated at: the largest training time with --train, else Infinity. */
function trainEnd(s: EvalSettings): number {
  return s.train === undefined ? Infinity : range(s.train.time)[1];
}

/**
 * Times at which the Brier/NBLL is defined: before the largest training time
 * when --train is given (Ĝ is unknown beyond it), and for 'sksurv' within
 * [min T, max T) of the evaluated subjects.
 */
function brierTimes(d: EvalData, s: EvalSettings): { kept: Float64Array; dropped: number[] } {
  const times = evaluationTimes(d, s);
  const [lo, hi] = s.convention === 'sksurv' ? range(d.labels.time) : [-Infinity, Infinity];
  const end = trainEnd(s);
  const r = split(times, (t) => t >= lo && t < hi && t < end);
  return r.kept.length > 0 ? r : { kept: times, dropped: [] }; // let the metric explain
}

/**
 * Times at which the cumulative/dynamic AUC is defined: within [min T, max T)
 * of the evaluated subjects, at or after the first event, and before the
 * largest training time when --train is given.
 */
function aucTimes(d: EvalData, s: EvalSettings): { kept: Float64Array; dropped: number[] } {
  const times = evaluationTimes(d, s);
  const [lo, hi] = range(d.labels.time);
  let firstEvent = Infinity;
  d.labels.time.forEach((t, i) => {
    if (d.labels.event[i] !== 0 && t < firstEvent) firstEvent = t;
  });
  const end = trainEnd(s);
  const r = split(times, (t) => t >= lo && t < hi && t >= firstEvent && t < end);
  return r.kept.length > 0 ? r : { kept: times, dropped: [] };
}

const trainOf = (d: EvalData, s: EvalSettings): SurvivalLabels => s.train ?? d.labels;
const num = (r: Record<string, unknown>, key: string): number => r[key] as number;

/** Every metric of the report. */
export const METRICS: Record<MetricName, MetricDef> = {
  concordanceIndex: {
    needsCurves: false,
    compute: (d) => ({ ...concordanceIndex(d.labels, riskOf(d)) }),
    scalar: (r) => num(r, 'cIndex'),
  },
  concordanceIndexIpcw: {
    needsCurves: false,
    compute: (d, s) => ({
      ...concordanceIndexIpcw(d.labels, riskOf(d), s.tau === undefined ? { train: trainOf(d, s) } : { train: trainOf(d, s), tau: s.tau }),
    }),
    scalar: (r) => num(r, 'cIndex'),
  },
  concordanceTd: {
    needsCurves: true,
    compute: (d) => ({ ...concordanceTd(d.labels, d.curves as SurvivalCurves) }),
    scalar: (r) => num(r, 'cIndex'),
  },
  brierScore: {
    needsCurves: true,
    compute: (d, s) => {
      const { kept, dropped } = brierTimes(d, s);
      const r = brierScore(d.labels, d.curves as SurvivalCurves, { ...brierOpts(s), times: kept });
      return { times: r.times, values: r.values, droppedTimes: dropped };
    },
  },
  integratedBrierScore: {
    needsCurves: true,
    compute: (d, s) => ({ ...integratedBrierScore(d.labels, d.curves as SurvivalCurves, { ...brierOpts(s), times: brierTimes(d, s).kept }) }),
    scalar: (r) => num(r, 'value'),
  },
  integratedNbll: {
    needsCurves: true,
    compute: (d, s) => ({ ...integratedNbll(d.labels, d.curves as SurvivalCurves, { ...brierOpts(s), times: brierTimes(d, s).kept }) }),
    scalar: (r) => num(r, 'value'),
  },
  cumulativeDynamicAuc: {
    needsCurves: false,
    compute: (d, s) => {
      const { kept, dropped } = aucTimes(d, s);
      const r = cumulativeDynamicAuc(d.labels, d.curves ?? (d.risk as Float64Array), { times: kept, train: trainOf(d, s) });
      return { times: r.times, auc: r.auc, meanAuc: r.meanAuc, droppedTimes: dropped };
    },
    scalar: (r) => num(r, 'meanAuc'),
  },
  dCalibration: {
    needsCurves: true,
    compute: (d) => ({ ...dCalibration(d.labels, d.curves as SurvivalCurves) }),
  },
};

function brierOpts(s: EvalSettings): { convention: 'pycox' | 'sksurv'; train?: SurvivalLabels } {
  return s.train === undefined ? { convention: s.convention } : { convention: s.convention, train: s.train };
}
