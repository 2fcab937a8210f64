/**
 * `survkit evaluate` on predictions already in memory: every metric their
 * format allows, per group too, with optional bootstrap confidence intervals
 * and the report's figure data, as one report object. Node-free (the file
 * reading is in evaluate.ts), so that it also runs in a browser.
 */
import { assertChoice, assertNumberOption, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { SurvkitError, survkitError } from '../core/errors.js';
import { messages } from '../core/messages.js';
import { take } from '../core/take.js';
import { labelsArg, countEvents, subsetLabels, type LabelsInput, type SurvivalLabels } from '../data/labels.js';
import type { PredictionColumns, Predictions } from '../io/predictions.js';
import { bootstrap, MAX_REPLICATES } from '../metrics/bootstrap.js';
import { CR_METRIC_NAMES, CR_METRICS, type CrMetricName } from './cr-metric-definitions.js';
import { evaluationTimes, METRIC_NAMES, METRICS, type EvalData, type EvalSettings, type MetricName } from './metric-definitions.js';
import { reportFigures, type ReportFigures } from './report-figures.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';

/** Options of `evaluateFile` and {@link evaluatePredictions} (the CLI flags, parsed). */
export interface EvaluateOptions {
  /** Labels for the censoring distribution (IPCW): a CSV / Parquet / Arrow path with `time,event`, or labels. Default: the evaluated labels. */
  train?: string | LabelsInput;
  /** Evaluation times of the Brier score, NBLL and AUC (strictly ascending, >= 0). Excludes `grid`. */
  times?: ArrayLike<number>;
  /** Number of evaluation times evenly spaced from min to max of the evaluated times (pycox). Default 100. */
  grid?: number;
  /** Truncation time τ of Uno's C. Default: none. */
  tau?: number;
  /** Brier / NBLL weighting and integration: `'pycox'` (default) or `'sksurv'`. */
  convention?: 'pycox' | 'sksurv';
  /** Bootstrap replicates for percentile CIs of the scalar metrics; absent = no CIs. */
  bootstrap?: number;
  /** Seed of the bootstrap resampling. Default 0. */
  seed?: number;
  /** Confidence level of the bootstrap intervals. Default 0.95. */
  level?: number;
  /** Column names, event coding, ignored columns and CSV dialect of the files (`--time-col` …). */
  columns?: PredictionColumns;
  /** Evaluation past the end of the predicted curves is an error instead of a warning. */
  strict?: boolean;
  /**
   * Also compute the data of the report's figures (`figures` of the result: follow-up, Kaplan–Meier curves, risk tertiles,
   * calibration): `true`, or the times (and number of risk groups, default 10) of the calibration plots.
   */
  figures?: boolean | { calibrationTimes?: readonly number[]; calibrationGroups?: number };
  /** Called after each bootstrap resample of each metric (`done` of `total`), e.g. for a progress line on a terminal. */
  onProgress?: (done: number, total: number) => void;
}

/** A metric that could not be computed on these data, with the reason. */
export interface Skipped {
  skipped: string;
}

/** A metric's result (the metric function's fields, arrays as Float64Array), or why it was skipped. */
export type MetricReport = Record<string, unknown> | Skipped;

/** The cause-k metrics of one cause, keyed by metric function name. */
export type CauseReports = Partial<Record<CrMetricName, MetricReport>>;

/**
 * The metrics of one set of subjects, keyed by metric function name; for a cif-format file (competing risks) the
 * single-risk metrics judge the event-free survival 1 − Σ_k F̂_k against any event, and `competingRisks` holds the
 * cause-k metrics per cause ("1", "2", …).
 */
export type MetricReports = Partial<Record<MetricName, MetricReport>> & { competingRisks?: Record<string, CauseReports> };

/** Description of the evaluated subjects and settings. */
export interface EvaluateMeta {
  file: string | undefined;
  format: 'risk' | 'curves' | 'cif';
  /** Number of competing causes K (cif format). */
  causes?: number;
  n: number;
  events: number;
  censored: number;
  convention: 'pycox' | 'sksurv';
  /** The evaluation times of the Brier score / NBLL / AUC (before per-metric dropping). */
  grid: Float64Array;
  /** Where `grid` comes from: `--times`, or `--grid N` (linspace of the evaluated times). */
  gridSource: string;
  /** The time grid of the predicted curves (curves format). */
  curveTimes?: Float64Array;
  /** Where the censoring distribution for IPCW comes from. */
  train: { source: string; n: number; events: number };
  /** The risk score used by concordanceIndex / concordanceIndexIpcw. */
  riskScore: string;
  tau: number | null;
  bootstrap: { replicates: number; seed: number; level: number } | null;
  /** Computed in plain TypeScript on Float64Array: no TensorFlow.js backend is loaded. */
  backendFree: true;
  /** Columns of the files that were ignored (`ignoreExtra`, an id column). */
  ignoredColumns?: string[];
  /** Things the user should know (printed on standard error by the CLI), e.g. evaluation past the end of the curves. */
  warnings?: string[];
}

/** A group's part of the report. */
export type GroupReport = { meta: { n: number; events: number; censored: number; grid: Float64Array } } & MetricReports;

/** What `evaluateFile` and {@link evaluatePredictions} return. */
export type EvaluateReport = { meta: EvaluateMeta; groups?: Record<string, GroupReport>; figures?: ReportFigures } & MetricReports;

/** How the curves format's risk score for Harrell's and Uno's C is defined (see `negativeRestrictedMean`). */
export const RMST_RISK = '-RMST = -∫_0^{t_m} S_i(t) dt, the restricted mean survival time up to the last grid time t_m, negated (steps)';

/** Reads training labels from a file (given by evaluate.ts; a browser has none). */
export type TrainReader = (path: string, columns: PredictionColumns) => { labels: SurvivalLabels; ignored: string[] };

/**
 * `evaluateFile` on predictions already read (risk or curves format, see `readPredictions`).
 *
 * @param pred the predictions: `{ format: 'risk', labels, risk, group, file }` or `{ format: 'curves', labels, curves, group, file }`
 * @param options see {@link EvaluateOptions}; `train` as a file path needs `readTrain` (evaluate.ts passes the CSV reader)
 * @example
 * const r = evaluatePredictions({ format: 'risk', file: 'in memory', labels, risk, group: undefined }, { figures: true });
 * @throws {SurvkitError} for invalid options; a metric the data do not allow is reported as `{ skipped: message }` instead
 */
export function evaluatePredictions(pred: Predictions, options: EvaluateOptions = {}, readTrain?: TrainReader): EvaluateReport {
  return evaluateWith(pred, validate(options, readTrain));
}

/** The validated settings and the ignored columns of the training file (for evaluate.ts). */
export function evaluateSettings(options: EvaluateOptions, readTrain?: TrainReader): Settings {
  return validate(options, readTrain);
}

/** {@link evaluatePredictions} with settings from {@link evaluateSettings}. */
export function evaluateWithSettings(pred: Predictions, settings: Settings): EvaluateReport {
  return evaluateWith(pred, settings);
}

/** Validated options. */
export interface Settings {
  eval: EvalSettings;
  trainSource: string;
  trainIgnored: string[];
  strict: boolean;
  onProgress: ((done: number, total: number) => void) | undefined;
  /** Bootstrap resample evaluations done and in all (set per evaluation). */
  progress: { done: number; total: number };
  bootstrap: { replicates: number; seed: number; level: number } | null;
  figures: { calibrationTimes?: readonly number[]; calibrationGroups?: number } | null;
}

/** Largest `grid`: pycox uses 100 points; the Brier score, NBLL and AUC cost O(n·grid) each. */
export const MAX_GRID = 10_000;

function validate(o: EvaluateOptions, readTrain: TrainReader | undefined): Settings {
  const fn = 'evaluateFile';
  if (o.times !== undefined && o.grid !== undefined) throw survkitError('optionRange', fn, 'grid', 'absent when times are given', o.grid);
  const grid = assertNumberOption(fn, 'grid', o.grid ?? 100, { min: 2, integer: true });
  if (grid > MAX_GRID) throw survkitError('sizeLimit', fn, 'grid', MAX_GRID, 'pycox uses 100 points; the metrics cost O(n·grid)', grid);
  let times: Float64Array | undefined;
  if (o.times !== undefined) {
    times = toFloat64(fn, 'times', o.times);
    assertStrictlyAscending(fn, 'times', times);
    if ((times[0] as number) < 0) throw survkitError('negative', fn, 'times', 0, times[0] as number);
  }
  const tau = o.tau === undefined ? undefined : assertNumberOption(fn, 'tau', o.tau, { min: 0, minExclusive: true });
  const convention = assertChoice(fn, 'convention', o.convention ?? 'pycox', ['pycox', 'sksurv'] as const);
  let bs: Settings['bootstrap'] = null;
  if (typeof o.bootstrap === 'number' && o.bootstrap > MAX_REPLICATES) {
    throw survkitError('sizeLimit', fn, 'bootstrap', MAX_REPLICATES, 'replicates; percentile limits are stable long before', o.bootstrap);
  }
  if (o.bootstrap !== undefined) {
    bs = {
      replicates: assertNumberOption(fn, 'bootstrap', o.bootstrap, { min: 2, integer: true }),
      seed: assertNumberOption(fn, 'seed', o.seed ?? 0, { integer: true }),
      level: assertNumberOption(fn, 'level', o.level ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true }),
    };
  }
  let train: SurvivalLabels | undefined;
  let trainSource = 'the evaluated labels (no --train given; as pycox does)';
  let trainIgnored: string[] = [];
  if (typeof o.train === 'string') {
    if (readTrain === undefined) throw survkitError('browserFile', fn, `the training labels file ${JSON.stringify(o.train)}`);
    const r = readTrain(o.train, o.columns ?? {});
    train = r.labels;
    trainIgnored = r.ignored;
    trainSource = o.train;
  } else if (o.train !== undefined) {
    train = labelsArg(fn, 'train', o.train);
    trainSource = 'the given training labels';
  }
  return {
    eval: { train, times, grid, tau, convention },
    trainSource,
    trainIgnored,
    strict: o.strict === true,
    onProgress: o.onProgress,
    progress: { done: 0, total: 0 },
    bootstrap: bs,
    figures: figureSettings(fn, o.figures),
  };
}

function figureSettings(fn: string, f: EvaluateOptions['figures']): Settings['figures'] {
  if (f === undefined || f === false) return null;
  if (f === true) return {};
  const out: NonNullable<Settings['figures']> = {};
  if (f.calibrationTimes !== undefined) {
    const t = toFloat64(fn, 'figures.calibrationTimes', f.calibrationTimes);
    assertStrictlyAscending(fn, 'figures.calibrationTimes', t);
    if (t.length > 0 && (t[0] as number) < 0) throw survkitError('negative', fn, 'figures.calibrationTimes', 0, t[0] as number);
    out.calibrationTimes = Array.from(t);
  }
  if (f.calibrationGroups !== undefined)
    out.calibrationGroups = assertNumberOption(fn, 'figures.calibrationGroups', f.calibrationGroups, { min: 1, integer: true });
  return out;
}

function evaluateWith(pred: Predictions, s: Settings): EvaluateReport {
  const data: EvalData =
    pred.format === 'risk'
      ? { labels: pred.labels, risk: pred.risk }
      : pred.format === 'cif'
        ? { labels: anyEvent(pred.labels), curves: pred.curves, cr: { labels: pred.labels, cif: pred.cif } }
        : { labels: pred.labels, curves: pred.curves };
  const labels = data.labels;
  const events = countEvents(labels);
  const trainLabels = s.eval.train ?? labels;
  let times: Float64Array = new Float64Array(0);
  try {
    times = evaluationTimes(data, s.eval);
  } catch (err) {
    if (!(err instanceof SurvkitError)) throw err;
  }
  const meta: EvaluateMeta = {
    file: pred.file,
    format: pred.format,
    ...(pred.format === 'cif' ? { causes: pred.cif.length } : {}),
    n: labels.time.length,
    events,
    censored: labels.time.length - events,
    convention: s.eval.convention,
    grid: times,
    gridSource: s.eval.times !== undefined ? '--times' : `--grid ${s.eval.grid}: linspace(min, max, ${s.eval.grid}) of the evaluated times`,
    ...(pred.format !== 'risk' ? { curveTimes: pred.curves.times } : {}),
    train: { source: s.trainSource, n: trainLabels.time.length, events: countEvents(trainLabels) },
    riskScore: pred.format === 'risk' ? 'the risk column' : pred.format === 'cif' ? `${RMST_RISK}, of the event-free survival 1 − Σ_k F_k` : RMST_RISK,
    tau: s.eval.tau ?? null,
    bootstrap: s.bootstrap,
    backendFree: true,
  };
  if (pred.format !== 'risk' && times.length > 0) {
    const last = pred.curves.times[pred.curves.times.length - 1] as number;
    const until = times[times.length - 1] as number;
    if (until > last) {
      const past = times.filter((t) => t > last).length;
      const how =
        `${past} of the ${times.length} evaluation times lie past it, where each curve is extended flat (S(t) = S(${last}), carried forward); ` +
        `choose times up to ${last} with --times, or predict curves on a longer grid (--strict makes this an error)`;
      if (s.strict) throw survkitError('curvesEnd', 'evaluateFile', last, until, how);
      meta.warnings = [messages.curvesEnd('survkit evaluate', last, until, how)];
    }
  }
  if (s.bootstrap !== null) {
    const scalars =
      METRIC_NAMES.filter((name) => METRICS[name].scalar !== undefined && (!METRICS[name].needsCurves || data.curves !== undefined)).length +
      (data.cr === undefined ? 0 : data.cr.cif.length * CR_METRIC_NAMES.filter((name) => CR_METRICS[name].scalar !== undefined).length);
    const parts = 1 + (pred.group === undefined ? 0 : new Set(pred.group).size);
    s.progress = { done: 0, total: (s.bootstrap.replicates + 1) * scalars * parts }; // + 1: the estimate on the sample itself
  }
  const report: EvaluateReport = { meta, ...metricsOf(data, s) };
  if (pred.group !== undefined) {
    const groups: Record<string, GroupReport> = {};
    for (const [name, idx] of groupIndices(pred.group)) {
      const sub = subset(data, idx);
      const ev = countEvents(sub.labels);
      let gt: Float64Array = new Float64Array(0);
      try {
        gt = evaluationTimes(sub, s.eval);
      } catch (err) {
        if (!(err instanceof SurvkitError)) throw err;
      }
      groups[name] = { meta: { n: idx.length, events: ev, censored: idx.length - ev, grid: gt }, ...metricsOf(sub, s) };
    }
    report.groups = groups;
  }
  if (s.figures !== null) report.figures = figuresOf(data, pred.group, s);
  return report;
}

/** The figure data of the whole set and of each group. */
function figuresOf(data: EvalData, group: readonly string[] | undefined, s: Settings): ReportFigures {
  const o = { ...s.figures, convention: s.eval.convention, ...(s.eval.train === undefined ? {} : { train: s.eval.train }) };
  const all: ReportFigures = reportFigures(data, o);
  if (group !== undefined) {
    const groups: NonNullable<ReportFigures['groups']> = {};
    for (const [name, idx] of groupIndices(group)) groups[name] = reportFigures(subset(data, idx), o);
    all.groups = groups;
  }
  return all;
}

/** Subjects grouped by label, groups sorted by name. */
function groupIndices(group: readonly string[]): Map<string, Int32Array> {
  const lists = new Map<string, number[]>();
  group.forEach((g, i) => {
    const l = lists.get(g);
    if (l) l.push(i);
    else lists.set(g, [i]);
  });
  const names = [...lists.keys()].sort();
  return new Map(names.map((g) => [g, Int32Array.from(lists.get(g) as number[])]));
}

/** The subjects `idx` (repeats allowed). */
export function subset(d: EvalData, idx: Int32Array): EvalData {
  const labels = subsetLabels(d.labels, idx);
  if (d.cr !== undefined) {
    const cr = { labels: subsetLabels(d.cr.labels, idx), cif: d.cr.cif.map((c) => c.subset(idx)) };
    return { labels, curves: (d.curves as SurvivalCurves).subset(idx), cr };
  }
  return d.curves !== undefined ? { labels, curves: d.curves.subset(idx) } : { labels, risk: take(d.risk as Float64Array, idx) };
}

/** Labels with every cause counted as the event (1). */
function anyEvent(y: SurvivalLabels): SurvivalLabels {
  return { time: y.time, event: Int32Array.from(y.event, (e) => (e > 0 ? 1 : 0)) };
}

function metricsOf(data: EvalData, s: Settings): MetricReports {
  const out: MetricReports = {};
  for (const name of METRIC_NAMES) {
    const def = METRICS[name];
    if (def.needsCurves && data.curves === undefined) continue;
    const r = oneMetric(data, s, (d) => def.compute(d, s.eval), def.scalar);
    if (r !== undefined) out[name] = r;
  }
  if (data.cr !== undefined) {
    const causes: Record<string, CauseReports> = {};
    data.cr.cif.forEach((_c, k) => {
      const part: CauseReports = {};
      for (const name of CR_METRIC_NAMES) {
        const def = CR_METRICS[name];
        part[name] = oneMetric(data, s, (d) => def.compute(d, s.eval, k + 1), def.scalar);
      }
      causes[String(k + 1)] = part;
    });
    out.competingRisks = causes;
  }
  return out;
}

/** One metric on the data, with its bootstrap CI when asked for, or why it was skipped. */
function oneMetric(
  data: EvalData,
  s: Settings,
  compute: (d: EvalData) => Record<string, unknown>,
  scalarOf: ((r: Record<string, unknown>) => number) | undefined,
): MetricReport {
  let result: Record<string, unknown>;
  try {
    result = compute(data);
  } catch (err) {
    if (!(err instanceof SurvkitError)) throw err;
    return { skipped: err.code === 'censoringZero' ? messages.censoringZeroCli(err.message) : err.message };
  }
  if (s.bootstrap !== null && scalarOf !== undefined) {
    const { replicates, seed, level } = s.bootstrap;
    try {
      const b = bootstrap(
        (idx) => {
          if (s.onProgress !== undefined) s.onProgress(++s.progress.done, s.progress.total);
          return scalarOf(compute(subset(data, idx)));
        },
        data.labels.time.length,
        { replicates, seed, level },
      );
      result.ci = { lower: b.lower, upper: b.upper, se: b.se, level, replicates: b.replicates.length, skippedResamples: b.skipped };
    } catch (err) {
      if (!(err instanceof SurvkitError)) throw err;
      result.ci = { skipped: err.message };
    }
  }
  return result;
}
