/**
 * Vega-Lite specs for calibration: the survival calibration plot at a time t
 * (from `calibrationAt`) and the classifier reliability diagram (from
 * `reliabilityDiagram`).
 */
import { survkitError } from '../core/errors.js';
import type { CalibrationAtResult } from '../metrics/calibration-at.js';
import type { ReliabilityBin } from '../metrics/reliability-diagram.js';
import { finite, nonEmpty, panelSize, topLevel, type PlotOptions, type PlotSpec } from './common.js';

const DIAGONAL = {
  data: { values: [{ d: 0 }, { d: 1 }] },
  mark: { type: 'line', color: '#888', strokeDash: [4, 4] },
  encoding: { x: { field: 'd', type: 'quantitative' }, y: { field: 'd', type: 'quantitative' } },
};

/** Options of {@link calibrationSpec}. */
export interface CalibrationSpecOptions extends PlotOptions {
  /** Draw the groups' Kaplan–Meier confidence intervals (default true). */
  intervals?: boolean;
}

/**
 * A survival calibration plot at time t: for each group of subjects (sorted
 * by predicted survival), the mean predicted Ŝ(t) (x) against the group's
 * Kaplan–Meier estimate at t (y) with its confidence interval, and the
 * diagonal y = x of perfect calibration. Both axes span [0, 1]. The
 * subtitle reports t and the grouped ICI (`meanAbsDiff`).
 *
 * @param result the output of `calibrationAt(labels, curves, { t, groups })`
 * @example
 * const spec = calibrationSpec(calibrationAt(labels, curves, { t: 365, groups: 10 }), { title: '1-year calibration' });
 * @throws {SurvkitError} when `result` has no groups or a non-finite value
 * @see Austin, Harrell & van Klaveren (2020) Stat Med 39:2714–2742
 */
export function calibrationSpec(result: CalibrationAtResult, opts: CalibrationSpecOptions = {}): PlotSpec {
  const fn = 'calibrationSpec';
  if (result === null || typeof result !== 'object') throw survkitError('resultOf', fn, 'result', 'calibrationAt', result);
  const groups = nonEmpty<CalibrationAtResult['groups'][number]>(fn, 'result.groups', result.groups);
  const rows = groups.map((g, i) => ({
    group: i + 1,
    n: g.n,
    predicted: finite(fn, `result.groups[${i}].predicted`, g.predicted),
    observed: finite(fn, `result.groups[${i}].observed`, g.observed),
    lower: finite(fn, `result.groups[${i}].lower`, g.lower),
    upper: finite(fn, `result.groups[${i}].upper`, g.upper),
  }));
  const { width, height } = panelSize(fn, { width: opts.width ?? 320, height: opts.height ?? 320 });
  const x = { field: 'predicted', type: 'quantitative', title: `Predicted survival at t = ${result.t}`, scale: { domain: [0, 1] } };
  const y = { field: 'observed', type: 'quantitative', title: 'Observed (Kaplan–Meier)', scale: { domain: [0, 1] } };
  const layers: object[] = [DIAGONAL];
  if (opts.intervals ?? true)
    layers.push({
      data: { values: rows },
      mark: { type: 'rule', color: '#4c78a8' },
      encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' } },
    });
  layers.push({
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 50, color: '#4c78a8' },
    encoding: { x, y, tooltip: ['group', 'n', 'predicted', 'observed'].map((field) => ({ field, type: 'quantitative' })) },
  });
  const top = topLevel(opts);
  return {
    ...top,
    title: {
      text: opts.title ?? 'Calibration',
      subtitle: `t = ${result.t}; grouped ICI ${result.meanAbsDiff.toFixed(3)}, max ${result.maxAbsDiff.toFixed(3)}`,
    },
    width,
    height,
    layer: layers,
  } as PlotSpec;
}

/** Options of {@link reliabilitySpec}. */
export interface ReliabilitySpecOptions extends PlotOptions {
  /** Subtitle, e.g. the ECE (default none). */
  subtitle?: string;
}

/**
 * A reliability diagram: one bar per non-empty confidence bin, spanning the
 * bin [lower, upper) with height = accuracy of its cases, a point at each
 * bin's (mean confidence, accuracy), and the diagonal of perfect calibration (accuracy
 * = confidence). Gaps between the bar tops and the diagonal are
 * miscalibration; the count-weighted mean gap is the ECE.
 *
 * @param bins the output of `reliabilityDiagram({ labels }, probs, { bins })`
 * @example
 * const spec = reliabilitySpec(reliabilityDiagram({ labels }, pred.probs, { bins: 15 }), { title: 'Softmax', subtitle: 'ECE 0.021' });
 * @throws {SurvkitError} when `bins` is empty or has no case at all
 * @see Guo, Pleiss, Sun & Weinberger (2017), ICML
 */
export function reliabilitySpec(bins: readonly ReliabilityBin[], opts: ReliabilitySpecOptions = {}): PlotSpec {
  const fn = 'reliabilitySpec';
  const list = nonEmpty<ReliabilityBin>(fn, 'bins', bins);
  const rows = list.flatMap((b, i) =>
    b.count > 0 && b.accuracy !== null && b.confidence !== null
      ? [
          {
            lower: finite(fn, `bins[${i}].lower`, b.lower),
            upper: finite(fn, `bins[${i}].upper`, b.upper),
            accuracy: b.accuracy,
            confidence: b.confidence,
            count: b.count,
          },
        ]
      : [],
  );
  if (rows.length === 0) throw survkitError('empty', fn, 'bins (every bin has count 0)');
  const { width, height } = panelSize(fn, { width: opts.width ?? 320, height: opts.height ?? 320 });
  const x = { field: 'lower', type: 'quantitative', title: 'Confidence (top-label probability)', scale: { domain: [0, 1] } };
  const y = { field: 'accuracy', type: 'quantitative', title: 'Accuracy', scale: { domain: [0, 1] } };
  const tooltip = ['lower', 'upper', 'count', 'confidence', 'accuracy'].map((field) => ({ field, type: 'quantitative' }));
  return {
    ...topLevel(opts),
    title: { text: opts.title ?? 'Reliability diagram', ...(opts.subtitle === undefined ? {} : { subtitle: opts.subtitle }) },
    width,
    height,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'rect', color: '#4c78a8', opacity: 0.75, stroke: 'white' },
        encoding: { x, x2: { field: 'upper' }, y, y2: { datum: 0 }, tooltip },
      },
      DIAGONAL,
      {
        data: { values: rows },
        mark: { type: 'point', color: '#e45756', filled: true, size: 25 },
        encoding: { x: { field: 'confidence', type: 'quantitative' }, y },
      },
    ],
  } as PlotSpec;
}
