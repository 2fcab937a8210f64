/**
 * Vega-Lite spec of Sensoy et al.'s rotated-digit figure: class
 * probabilities and the uncertainty u of a classifier as one image is
 * rotated step by step, one panel per method, with the rotated images below.
 */
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { pngDataUrl } from './png.js';
import { finite, nonEmpty, panelSize, topLevel, uniqueLabels, type PlotOptions, type PlotSpec } from './common.js';

/** The prediction for one rotation angle. */
export interface RotationPoint {
  /** Rotation angle in degrees. */
  angle: number;
  /** K class probabilities. */
  probs: ArrayLike<number>;
  /** The method's uncertainty score (e.g. evidential u = K/S); omit for none. */
  uncertainty?: number | null;
}

/** One method (panel) of {@link rotatedDigitSpec}. */
export interface RotationSeries {
  label: string;
  points: readonly RotationPoint[];
}

/** Options of {@link rotatedDigitSpec}. */
export interface RotatedDigitSpecOptions extends PlotOptions {
  /** A class gets a line when its probability reaches this at some angle in some panel (default 0.2; the reference plots use 0.5). */
  threshold?: number;
  /** Names of the K classes (default '0' … 'K−1'). */
  classNames?: readonly string[];
  /** Legend name of the uncertainty line (default 'u = K/S'). */
  uncertaintyLabel?: string;
  /** The rotated images, one per angle (in the order of the first series' points), drawn as a strip under the panels. */
  images?: { height: number; width: number; pixels: readonly ArrayLike<number>[] };
}

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'];

/**
 * The rotated-digit figure of Sensoy, Kaplan & Kandemir (2018, Fig. 1/3):
 * one panel per method (e.g. evidential vs softmax), x = rotation angle,
 * y ∈ [0, 1]; a line with points for every class whose probability reaches
 * `threshold` somewhere, and a dashed black line for the method's
 * uncertainty where given. With `images`, a strip of the rotated inputs
 * (pixels above 0.02 as grey squares) runs under the panels.
 *
 * @param series `{ label, points: [{ angle, probs, uncertainty? }] }` per method
 * @example
 * const spec = rotatedDigitSpec([
 *   {
 *     label: 'evidential (MSE)',
 *     points: angles.map((a, i) => ({ angle: a, probs: edl.probs.subarray(10 * i, 10 * i + 10), uncertainty: edl.uncertainty[i] })),
 *   },
 *   { label: 'softmax', points: angles.map((a, i) => ({ angle: a, probs: sm.probs.subarray(10 * i, 10 * i + 10) })) },
 * ]);
 * @throws {SurvkitError} for no series, an empty series, duplicate labels, probability rows of different
 *   lengths, non-finite values, or images that do not match the angles
 * @see Sensoy, Kaplan & Kandemir (2018), Evidential Deep Learning to Quantify Classification Uncertainty, NeurIPS
 */
export function rotatedDigitSpec(series: readonly RotationSeries[], opts: RotatedDigitSpecOptions = {}): PlotSpec {
  const fn = 'rotatedDigitSpec';
  const list = nonEmpty<RotationSeries>(fn, 'series', series);
  uniqueLabels(
    fn,
    'series',
    list.map((s) => s.label),
  );
  const threshold = assertNumberOption(fn, 'threshold', opts.threshold ?? 0.2, { min: 0, max: 1 });
  const k = nonEmpty<RotationPoint>(fn, 'series[0].points', list[0]?.points)[0]?.probs.length ?? 0;
  if (k < 1) throw survkitError('empty', fn, 'series[0].points[0].probs');
  const names = opts.classNames ?? Array.from({ length: k }, (_, j) => String(j));
  if (names.length !== k) throw survkitError('lengthMismatch', fn, 'classNames', names.length, 'probs', k);
  const uName = opts.uncertaintyLabel ?? 'u = K/S';

  const shown = new Set<number>();
  list.forEach((s, i) => {
    nonEmpty<RotationPoint>(fn, `series[${i}].points`, s.points).forEach((p, a) => {
      finite(fn, `series[${i}].points[${a}].angle`, p.angle);
      if (p.probs?.length !== k)
        throw survkitError('lengthMismatch', fn, `series[${i}].points[${a}].probs`, p.probs?.length ?? 0, 'series[0].points[0].probs', k);
      for (let j = 0; j < k; j++) if (finite(fn, `series[${i}].points[${a}].probs`, p.probs[j]) >= threshold) shown.add(j);
      if (p.uncertainty !== undefined && p.uncertainty !== null) finite(fn, `series[${i}].points[${a}].uncertainty`, p.uncertainty);
    });
  });
  const classes = [...shown].sort((a, b) => a - b);
  const hasU = list.some((s) => s.points.some((p) => p.uncertainty !== undefined && p.uncertainty !== null));
  const domain = [...classes.map((j) => names[j] as string), ...(hasU ? [uName] : [])];
  const range = [...classes.map((j) => PALETTE[j % PALETTE.length] as string), ...(hasU ? ['black'] : [])];
  const { width, height } = panelSize(fn, { width: opts.width ?? 320, height: opts.height ?? 240 });
  const angles = list[0]?.points.map((p) => p.angle) ?? [];

  const panels = list.map((s) => {
    const rows = s.points.flatMap((p) => [
      ...classes.map((j) => ({ angle: p.angle, curve: names[j] as string, value: p.probs[j] as number, kind: 'probability' })),
      ...(p.uncertainty === undefined || p.uncertainty === null ? [] : [{ angle: p.angle, curve: uName, value: p.uncertainty, kind: 'uncertainty' }]),
    ]);
    return {
      title: s.label,
      width,
      height,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'angle', type: 'quantitative', title: 'Rotation (degrees)', scale: { domain: [Math.min(...angles), Math.max(...angles)] } },
        y: { field: 'value', type: 'quantitative', title: 'Probability / uncertainty', scale: { domain: [0, 1] } },
        color: { field: 'curve', type: 'nominal', title: 'class', scale: { domain, range } },
        strokeDash: {
          field: 'kind',
          type: 'nominal',
          scale: {
            domain: ['probability', 'uncertainty'],
            range: [
              [1, 0],
              [5, 3],
            ],
          },
          legend: null,
        },
      },
    };
  });
  const top = topLevel(opts);
  const body = { hconcat: panels, resolve: { scale: { color: 'shared', strokeDash: 'shared' } } };
  if (opts.images === undefined) return { ...top, ...body } as PlotSpec;
  return { ...top, vconcat: [body, imageStrip(fn, opts.images, angles, panels.length * width + (panels.length - 1) * 60)] } as PlotSpec;
}

/** The rotated inputs side by side, dark on white (each an embedded PNG). */
function imageStrip(fn: string, images: NonNullable<RotatedDigitSpecOptions['images']>, angles: readonly number[], width: number): object {
  const h = assertNumberOption(fn, 'images.height', images.height, { min: 1, integer: true });
  const w = assertNumberOption(fn, 'images.width', images.width, { min: 1, integer: true });
  const pixels = nonEmpty<ArrayLike<number>>(fn, 'images.pixels', images.pixels);
  if (pixels.length !== angles.length) throw survkitError('lengthMismatch', fn, 'images.pixels', pixels.length, 'series[0].points', angles.length);
  const total = pixels.length * (w + 2);
  const cell = width / total;
  const values = pixels.map((img, a) => {
    if (img?.length !== h * w) throw survkitError('shapeMismatch', fn, `images.pixels[${a}]`, `${h * w} values (height × width)`, `${img?.length ?? 0} values`);
    const inverted = Float32Array.from({ length: h * w }, (_, i) => 1 - Math.min(1, Math.max(0, img[i] as number)));
    return { x: a * (w + 2) + w / 2, url: pngDataUrl(inverted, h, w) };
  });
  return {
    width,
    height: Math.max(10, cell * h),
    data: { values },
    mark: { type: 'image', width: cell * w, height: cell * h, aspect: false },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { domain: [0, total] }, axis: null },
      y: { datum: h / 2, type: 'quantitative', scale: { domain: [0, h] }, axis: null },
      url: { field: 'url', type: 'nominal' },
    },
  };
}
