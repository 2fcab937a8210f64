/**
 * The hazard-ratio forest plot of a Cox regression: one row per covariate with
 * the hazard ratio, its confidence interval on a log axis, and the numbers.
 */
import { survkitError } from '../core/errors.js';
import type { CoxphResult } from '../stats/coxph.js';
import { panelSize, topLevel, type PlotOptions, type PlotSpec } from './common.js';
import { formatP } from './km-risk-plot.js';

/** Options of {@link forestSpec}. */
export interface ForestSpecOptions extends PlotOptions {
  /** Title of the x-axis (default 'Hazard ratio (log scale)'). */
  xTitle?: string;
}

/**
 * A forest plot of the hazard ratios e^β of a {@link coxph} fit: a point at
 * each hazard ratio and a rule from its lower to its upper confidence limit
 * (the fit's level; robust limits when the fit is robust) on a log axis,
 * a dashed line at 1, and a text column "HR (lower–upper)  p".
 *
 * @param fit a coxph result (or any object with its `coefficients` rows and `conf`)
 * @param opts title, width, height (of the interval panel; default height 28 px per row) and the x title
 * @returns a Vega-Lite spec (an `hconcat` of the interval panel and the text column)
 * @throws {SurvkitError} `notInstance` for a fit without coefficient rows
 * @example
 * const spec = forestSpec(coxph({ time, event }, { age, sex }), { title: 'Hazard ratios' });
 */
export function forestSpec(fit: Pick<CoxphResult, 'coefficients' | 'conf'>, opts: ForestSpecOptions = {}): PlotSpec {
  const fn = 'forestSpec';
  const rows = (fit as { coefficients?: unknown } | null)?.coefficients;
  if (!Array.isArray(rows) || rows.length === 0) throw survkitError('notInstance', fn, 'fit', 'result of coxph', fit);
  const { width, height } = panelSize(fn, { ...opts, height: opts.height ?? 28 * rows.length });
  const values = fit.coefficients.map((c) => ({
    name: c.name,
    hr: c.hazardRatio,
    lower: c.lower,
    upper: c.upper,
    p: c.p,
    label: `${c.hazardRatio.toFixed(2)} (${c.lower.toFixed(2)}–${c.upper.toFixed(2)})   p ${formatP(c.p)}`,
  }));
  const order = values.map((v) => v.name);
  let lo = 1;
  let hi = 1;
  for (const v of values) {
    if (Number.isFinite(v.lower) && v.lower > 0) lo = Math.min(lo, v.lower);
    if (Number.isFinite(v.upper)) hi = Math.max(hi, v.upper);
  }
  const yEnc = { field: 'name', type: 'nominal' as const, sort: order, title: null };
  const xScale = { type: 'log', domain: [lo / 1.1, hi * 1.1], nice: false };
  const level = Math.round(fit.conf * 100);
  return {
    ...topLevel(opts),
    data: { values },
    hconcat: [
      {
        width,
        height,
        layer: [
          {
            data: { values: [{ one: 1 }] },
            mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
            encoding: { x: { field: 'one', type: 'quantitative', scale: xScale } },
          },
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: {
              y: yEnc,
              x: { field: 'lower', type: 'quantitative', scale: xScale, title: opts.xTitle ?? `Hazard ratio (log scale), ${level} % CI` },
              x2: { field: 'upper' },
            },
          },
          { mark: { type: 'point', shape: 'square', filled: true, size: 60 }, encoding: { y: yEnc, x: { field: 'hr', type: 'quantitative', scale: xScale } } },
        ],
      },
      {
        width: 190,
        height,
        mark: { type: 'text', align: 'left', x: 0 },
        encoding: { y: { ...yEnc, axis: null }, text: { field: 'label' } },
        title: { text: `HR (${level} % CI)`, anchor: 'start', fontSize: 11, fontWeight: 'normal' },
      },
    ],
  } as PlotSpec;
}
