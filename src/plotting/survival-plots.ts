/**
 * Vega-Lite specs for survival functions: Kaplan–Meier curves with their
 * confidence band, and predicted survival curves of individual subjects.
 */
import { survkitError } from '../core/errors.js';
import type { KaplanMeier } from '../estimators/kaplan-meier.js';
import { StepFunction } from '../estimators/step-function.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';
import { nonEmpty, panelSize, topLevel, uniqueLabels, type PlotOptions, type PlotSpec } from './common.js';

/** One curve of {@link kaplanMeierSpec}. */
export interface LabelledCurve {
  label: string;
  /** A Kaplan–Meier estimate (band drawn from its `lower`/`upper`) or any survival step function. */
  curve: StepFunction;
}

/** Options of {@link kaplanMeierSpec}. */
export interface KaplanMeierSpecOptions extends PlotOptions {
  /** Draw the pointwise confidence band of curves that have one (default true). */
  band?: boolean;
  /** Mark censoring times with a '+' on the curve (default true; Kaplan–Meier curves only). */
  censorMarks?: boolean;
  /** Axis titles (defaults 'Time' and 'Survival probability'). */
  xTitle?: string;
  yTitle?: string;
}

interface KmRow {
  group: string;
  time: number;
  survival: number;
  lower?: number;
  upper?: number;
}

function isKm(c: StepFunction): c is KaplanMeier {
  const k = c as Partial<KaplanMeier>;
  return k.lower instanceof Float64Array && k.upper instanceof Float64Array && k.nCensored instanceof Float64Array;
}

/** Step points of one curve: (0, initial) when the first time is after 0, then (t_k, S(t_k)); band limits where known. */
function stepRows(group: string, c: StepFunction, band: boolean): KmRow[] {
  const km = isKm(c) && band ? c : undefined;
  const rows: KmRow[] = [];
  if (c.times.length === 0 || (c.times[0] as number) > 0)
    rows.push({ group, time: 0, survival: c.initial, ...(km ? { lower: c.initial, upper: c.initial } : {}) });
  c.times.forEach((t, k) => {
    rows.push({ group, time: t, survival: c.values[k] as number, ...(km ? { lower: km.lower[k], upper: km.upper[k] } : {}) });
  });
  return rows;
}

/**
 * A Kaplan–Meier plot: one right-continuous step curve per group
 * (Vega-Lite `line` with `interpolate: 'step-after'`, starting at S = 1 at
 * time 0), the pointwise confidence band of each {@link KaplanMeier} (its
 * `lower`/`upper`, e.g. log-log 95 % limits, as a step-after `area`), and
 * '+' marks at censoring times. Accepts any {@link StepFunction} (no band
 * for those).
 *
 * @param curves one curve, or `{ label, curve }` per group
 * @example
 * const km = kaplanMeier({ time, event });
 * const svg = await renderSvg(kaplanMeierSpec([{ label: 'all', curve: km }], { title: 'Overall survival' }));
 * @throws {SurvkitError} for an empty list, a curve that is not a StepFunction, or duplicate labels
 * @see Kaplan & Meier (1958) JASA 53:457–481
 */
export function kaplanMeierSpec(curves: StepFunction | readonly LabelledCurve[], opts: KaplanMeierSpecOptions = {}): PlotSpec {
  const fn = 'kaplanMeierSpec';
  const list = curves instanceof StepFunction ? [{ label: 'survival', curve: curves }] : nonEmpty<LabelledCurve>(fn, 'curves', curves);
  list.forEach((c, i) => {
    if (!(c?.curve instanceof StepFunction)) throw survkitError('notInstance', fn, `curves[${i}].curve`, 'StepFunction (e.g. from kaplanMeier)', c?.curve);
  });
  uniqueLabels(
    fn,
    'curves',
    list.map((c) => c.label),
  );
  const { width, height } = panelSize(fn, opts);
  const band = opts.band ?? true;
  const rows = list.flatMap((c) => stepRows(c.label, c.curve, band));
  const censored =
    (opts.censorMarks ?? true)
      ? list.flatMap((c) =>
          isKm(c.curve)
            ? Array.from(c.curve.times).flatMap((t, k) =>
                ((c.curve as KaplanMeier).nCensored[k] as number) > 0 ? [{ group: c.label, time: t, survival: c.curve.values[k] as number }] : [],
              )
            : [],
        )
      : [];
  const x = { field: 'time', type: 'quantitative' as const, title: opts.xTitle ?? 'Time' };
  const y = { field: 'survival', type: 'quantitative' as const, title: opts.yTitle ?? 'Survival probability', scale: { domain: [0, 1] } };
  const color = { field: 'group', type: 'nominal' as const, title: null, sort: list.map((c) => c.label) };
  const layers: object[] = [];
  if (rows.some((r) => r.lower !== undefined)) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lower)' }],
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.2 },
      encoding: { x, y: { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] } }, y2: { field: 'upper' }, color },
    });
  }
  layers.push({ mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y, color } });
  if (censored.length > 0) {
    layers.push({ data: { values: censored }, mark: { type: 'point', shape: 'cross', size: 30, filled: true }, encoding: { x, y, color } });
  }
  return { ...topLevel(opts), width, height, data: { values: rows }, layer: layers } as PlotSpec;
}

/** Options of {@link survivalCurvesSpec}. */
export interface SurvivalCurvesSpecOptions extends PlotOptions {
  /** Row indices of the subjects to draw (default the first min(n, 10)). */
  subjects?: readonly number[];
  /** Legend label of each drawn subject (default `subject <index>`). */
  labels?: readonly string[];
  /** 'step' (default, right-continuous as survkit reads curves) or 'linear'. */
  interpolation?: 'step' | 'linear';
  xTitle?: string;
  yTitle?: string;
}

/**
 * Predicted survival curves Ŝ_i(t) of chosen subjects (e.g. from a model's
 * `predictSurvival`), one line per subject, starting at 1 before the grid.
 *
 * @param curves n×m survival curves on a shared grid
 * @example
 * const spec = survivalCurvesSpec(model.predictSurvival(xTest), { subjects: [0, 1, 2], title: 'Test subjects' });
 * @throws {SurvkitError} for a subject index outside 0 … n−1, labels that do not match the subjects, or duplicates
 */
export function survivalCurvesSpec(curves: SurvivalCurves, opts: SurvivalCurvesSpecOptions = {}): PlotSpec {
  const fn = 'survivalCurvesSpec';
  if (curves === null || typeof curves !== 'object' || !(curves.times instanceof Float64Array))
    throw survkitError('notInstance', fn, 'curves', 'SurvivalCurves object (e.g. from predictSurvival)', curves);
  const subjects = opts.subjects ?? Array.from({ length: Math.min(curves.n, 10) }, (_, i) => i);
  nonEmpty(fn, 'subjects', subjects);
  subjects.forEach((s, j) => {
    if (!Number.isInteger(s) || s < 0 || s >= curves.n) throw survkitError('subjectIndex', fn, `subjects[${j}]`, curves.n, s);
  });
  const labels = opts.labels ?? subjects.map((s) => `subject ${s}`);
  if (labels.length !== subjects.length) throw survkitError('lengthMismatch', fn, 'labels', labels.length, 'subjects', subjects.length);
  uniqueLabels(
    fn,
    'labels',
    labels.map((l) => l),
  );
  const { width, height } = panelSize(fn, opts);
  const t0 = Math.min(0, curves.times[0] as number);
  const rows = subjects.flatMap((s, j) => {
    const label = labels[j] as string;
    const out = (curves.times[0] as number) > t0 ? [{ subject: label, time: t0, survival: 1 }] : [];
    for (let k = 0; k < curves.m; k++) out.push({ subject: label, time: curves.times[k] as number, survival: curves.get(s, k) });
    return out;
  });
  return {
    ...topLevel(opts),
    width,
    height,
    data: { values: rows },
    mark: { type: 'line', interpolate: (opts.interpolation ?? 'step') === 'step' ? 'step-after' : 'linear' },
    encoding: {
      x: { field: 'time', type: 'quantitative', title: opts.xTitle ?? 'Time' },
      y: { field: 'survival', type: 'quantitative', title: opts.yTitle ?? 'Predicted survival', scale: { domain: [0, 1] } },
      color: { field: 'subject', type: 'nominal', title: null, sort: [...labels] },
    },
  };
}
