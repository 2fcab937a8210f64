/**
 * The data behind a report's figures that the metrics do not already carry:
 * the data summary (follow-up), Kaplan–Meier of the labels and of the
 * censoring distribution, KM by predicted-risk tertile with numbers at risk,
 * and calibration at chosen times. Plain JSON (number arrays), so that
 * `--format json` carries it and `survkit report` rebuilds the page from it.
 */
import { SurvkitError, survkitError } from '../core/errors.js';
import { argsort } from '../core/sort.js';
import { countEvents, subsetLabels, type SurvivalLabels } from '../data/labels.js';
import { censoringKaplanMeier } from '../estimators/censoring.js';
import { kaplanMeier, type KaplanMeier } from '../estimators/kaplan-meier.js';
import type { StepFunction } from '../estimators/step-function.js';
import { calibrationAt, type CalibrationAtResult } from '../metrics/calibration-at.js';
import { riskOf, type EvalData } from './metric-definitions.js';

/** Largest number of step points stored per drawn curve (longer curves are read at evenly spaced ranks of their times). */
export const MAX_CURVE_POINTS = 400;

/** A right-continuous step curve as drawn: value (and band) from each time on; 1 before the first time. */
export interface StepCurve {
  times: number[];
  values: number[];
  lower?: number[];
  upper?: number[];
}

/** The data summary of a set of subjects. */
export interface DataSummary {
  n: number;
  events: number;
  censored: number;
  /** Smallest, median and largest observed time. */
  minTime: number;
  medianTime: number;
  maxTime: number;
  /** Median follow-up by the reverse Kaplan–Meier method (null when the censoring KM never reaches 0.5). */
  medianFollowUp: number | null;
}

/** KM curves of the subjects split into thirds by predicted risk, with numbers at risk. */
export interface TertileFigure {
  groups: { label: string; n: number; events: number; curve: StepCurve }[];
  /** Numbers at risk (T >= t) of each group at `times`. */
  atRisk: { times: number[]; counts: number[][] };
}

/** Calibration at one time, or why it could not be computed. */
export type CalibrationFigure = CalibrationAtResult | { t: number; skipped: string };

/** What {@link reportFigures} returns. */
export interface ReportFigures {
  summary: DataSummary;
  km: StepCurve;
  /** Reverse Kaplan–Meier Ĝ(t) of the labels the censoring weights come from. */
  censoringKm: StepCurve;
  /** Which labels `censoringKm` is of. */
  censoringSource: string;
  tertiles: TertileFigure | { skipped: string };
  /** Calibration at the chosen times (predicted curves only). */
  calibration: CalibrationFigure[] | { skipped: string };
  /** Per group (when the predictions have a group column). */
  groups?: Record<string, Omit<ReportFigures, 'groups'>>;
}

/** Options of {@link reportFigures}. */
export interface ReportFiguresOptions {
  /** Times of the calibration plots. Default: the 25 %, 50 % and 75 % quantiles of the event times. */
  calibrationTimes?: readonly number[];
  /** Risk groups per calibration plot (default 10, deciles). */
  calibrationGroups?: number;
  /** Labels of the censoring distribution (IPCW); default the evaluated labels. */
  train?: SurvivalLabels;
  /** Ties of the censoring KM: pycox's 'together' (default) or scikit-survival's 'events-first'. */
  convention?: 'pycox' | 'sksurv';
}

/** A step function as at most {@link MAX_CURVE_POINTS} points (the exact steps when it has no more). */
export function stepCurve(f: StepFunction): StepCurve {
  const m = f.times.length;
  const idx =
    m <= MAX_CURVE_POINTS
      ? Array.from({ length: m }, (_, k) => k)
      : Array.from({ length: MAX_CURVE_POINTS }, (_, j) => Math.round((j * (m - 1)) / (MAX_CURVE_POINTS - 1)));
  const km = f as Partial<KaplanMeier>;
  const out: StepCurve = { times: idx.map((k) => f.times[k] as number), values: idx.map((k) => f.values[k] as number) };
  if (km.lower instanceof Float64Array && km.upper instanceof Float64Array) {
    out.lower = idx.map((k) => (km.lower as Float64Array)[k] as number);
    out.upper = idx.map((k) => (km.upper as Float64Array)[k] as number);
  }
  return out;
}

/** Quantile (type 7, linear interpolation) of sorted values. */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

function summary(labels: SurvivalLabels, g: StepFunction): DataSummary {
  const sorted = Float64Array.from(labels.time).sort();
  const events = countEvents(labels);
  const k = g.values.findIndex((v) => v <= 0.5);
  return {
    n: sorted.length,
    events,
    censored: sorted.length - events,
    minTime: sorted[0] as number,
    medianTime: quantile(sorted, 0.5),
    maxTime: sorted[sorted.length - 1] as number,
    medianFollowUp: k < 0 ? null : (g.times[k] as number),
  };
}

/** Six evenly spaced times from 0 to the largest observed time, rounded to 3 significant digits. */
function atRiskTimes(maxTime: number): number[] {
  return Array.from({ length: 6 }, (_, j) => Number(((j * maxTime) / 5).toPrecision(3))).filter((t, j, a) => j === 0 || t > (a[j - 1] as number));
}

function tertiles(d: EvalData, maxTime: number): TertileFigure {
  const risk = riskOf(d);
  const n = risk.length;
  if (n < 3) throw survkitError('reportTertiles', 'report', n);
  const order = argsort(risk); // ascending risk, ties in input order
  const sizes = [Math.ceil(n / 3), Math.ceil((n - Math.ceil(n / 3)) / 2)];
  sizes.push(n - (sizes[0] as number) - (sizes[1] as number));
  const names = ['low risk (lowest third)', 'medium risk (middle third)', 'high risk (highest third)'];
  const times = atRiskTimes(maxTime);
  let start = 0;
  const groups: TertileFigure['groups'] = [];
  const counts: number[][] = [];
  sizes.forEach((size, j) => {
    const idx = Int32Array.from(order.subarray(start, start + size));
    start += size;
    const labels = subsetLabels(d.labels, idx);
    groups.push({ label: names[j] as string, n: size, events: countEvents(labels), curve: stepCurve(kaplanMeier(labels)) });
    counts.push(times.map((t) => labels.time.reduce((c, x) => (x >= t ? c + 1 : c), 0)));
  });
  return { groups, atRisk: { times, counts } };
}

function defaultCalibrationTimes(labels: SurvivalLabels): number[] {
  const ev = Float64Array.from(labels.time.filter((_, i) => labels.event[i] !== 0)).sort();
  if (ev.length === 0) return [];
  return [...new Set([0.25, 0.5, 0.75].map((p) => Number(quantile(ev, p).toPrecision(4))))];
}

const skippedOf = (err: unknown): { skipped: string } => {
  if (err instanceof SurvkitError) return { skipped: err.message };
  throw err;
};

/**
 * The figure data of a report on `d` (see {@link ReportFigures}). O(n log n)
 * plus O(n) per calibration time; a figure the data do not allow is `{ skipped: reason }`.
 *
 * @example
 * const f = reportFigures({ labels, curves }, { calibrationTimes: [365] });
 * f.summary.medianFollowUp;
 */
export function reportFigures(d: EvalData, opts: ReportFiguresOptions = {}): Omit<ReportFigures, 'groups'> {
  const reverse = censoringKaplanMeier(d.labels, { ties: 'together' }); // the reverse KM of the median follow-up
  const s = summary(d.labels, reverse);
  const ties = opts.convention === 'sksurv' ? 'events-first' : 'together';
  const g = opts.train === undefined && ties === 'together' ? reverse : censoringKaplanMeier(opts.train ?? d.labels, { ties });
  let tert: ReportFigures['tertiles'];
  try {
    tert = tertiles(d, s.maxTime);
  } catch (err) {
    tert = skippedOf(err);
  }
  let calibration: ReportFigures['calibration'];
  if (d.curves === undefined)
    calibration = { skipped: 'the predictions are risk scores, not survival curves: calibration needs predicted survival probabilities' };
  else {
    const times = opts.calibrationTimes ?? defaultCalibrationTimes(d.labels);
    const curves = d.curves;
    calibration =
      times.length === 0
        ? { skipped: 'no events: no calibration times' }
        : times.map((t) => {
            try {
              return calibrationAt(d.labels, curves, { t, groups: Math.min(opts.calibrationGroups ?? 10, d.labels.time.length) });
            } catch (err) {
              return { t, ...skippedOf(err) };
            }
          });
  }
  return {
    summary: s,
    km: stepCurve(kaplanMeier(d.labels)),
    censoringKm: stepCurve(g),
    censoringSource: opts.train === undefined ? 'the evaluated labels' : 'the training labels (--train)',
    tertiles: tert,
    calibration,
  };
}
