/** Vega-Lite spec of risk–coverage curves (selective prediction). */
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import type { RiskCoverageCurve } from '../metrics/selective.js';
import { nonEmpty, panelSize, topLevel, uniqueLabels, type PlotOptions, type PlotSpec } from './common.js';

/** One method of {@link riskCoverageSpec}. */
export interface LabelledRiskCoverage {
  /** Legend label (e.g. 'evidential (AURC 0.004)'). */
  label: string;
  /** The output of `riskCoverageCurve({ correct }, uncertainty)`. */
  curve: RiskCoverageCurve;
}

/** Options of {@link riskCoverageSpec}. */
export interface RiskCoverageSpecOptions extends PlotOptions {
  /** Axis title of the risk (default 'Risk (error rate of kept cases)'). */
  yTitle?: string;
  /** Largest number of points drawn per curve (default 400; longer curves are thinned evenly, the ends kept). */
  maxPoints?: number;
  /** Range of coverage shown (default [0, 1]); e.g. [0.8, 1] to zoom in on the last cases kept. */
  coverageDomain?: readonly [number, number];
}

/**
 * Risk–coverage curves: for each method, the error rate (or mean loss) of
 * the kept cases against the fraction kept, keeping the least uncertain
 * first (Geifman & El-Yaniv 2017). Lower is better; the area under each
 * curve is its AURC.
 *
 * @param curves `{ label, curve }` per method
 * @example
 * const spec = riskCoverageSpec([
 *   { label: 'evidential', curve: riskCoverageCurve({ correct }, edl.uncertainty) },
 *   { label: 'softmax', curve: riskCoverageCurve({ correct: correctSm }, sm.uncertainty) },
 * ]);
 * @throws {SurvkitError} for an empty list, duplicate labels or a curve whose arrays differ in length
 */
export function riskCoverageSpec(curves: readonly LabelledRiskCoverage[], opts: RiskCoverageSpecOptions = {}): PlotSpec {
  const fn = 'riskCoverageSpec';
  const list = nonEmpty<LabelledRiskCoverage>(fn, 'curves', curves);
  uniqueLabels(
    fn,
    'curves',
    list.map((c) => c.label),
  );
  const maxPoints = Math.max(2, Math.floor(opts.maxPoints ?? 400));
  const rows = list.flatMap((c, i) => {
    const cov = c.curve?.coverage;
    const risk = c.curve?.risk;
    if (!(cov instanceof Float64Array) || !(risk instanceof Float64Array) || cov.length !== risk.length || cov.length === 0) {
      throw survkitError('resultOf', fn, `curves[${i}].curve`, 'riskCoverageCurve', c.curve, 'coverage and risk of equal, non-zero length');
    }
    const m = cov.length;
    const idx =
      m <= maxPoints ? Array.from({ length: m }, (_, k) => k) : Array.from({ length: maxPoints }, (_, k) => Math.round((k * (m - 1)) / (maxPoints - 1)));
    return idx.map((k) => ({ method: c.label, coverage: cov[k] as number, risk: risk[k] as number }));
  });
  const { width, height } = panelSize(fn, opts);
  const [lo, hi] = opts.coverageDomain ?? [0, 1];
  assertNumberOption(fn, 'coverageDomain[0]', lo, { min: 0, max: 1 });
  assertNumberOption(fn, 'coverageDomain[1]', hi, { min: lo, max: 1, minExclusive: true });
  return {
    ...topLevel(opts),
    width,
    height,
    data: { values: rows },
    ...(lo > 0 ? { transform: [{ filter: `datum.coverage >= ${lo}` }] } : {}),
    mark: { type: 'line', interpolate: 'linear', clip: true },
    encoding: {
      x: { field: 'coverage', type: 'quantitative', title: 'Coverage (fraction of cases kept)', scale: { domain: [lo, hi] } },
      y: { field: 'risk', type: 'quantitative', title: opts.yTitle ?? 'Risk (error rate of kept cases)' },
      color: {
        field: 'method',
        type: 'nominal',
        title: null,
        sort: list.map((c) => c.label),
        legend: { labelLimit: 480, orient: 'bottom', direction: 'vertical' },
      },
    },
  };
}
