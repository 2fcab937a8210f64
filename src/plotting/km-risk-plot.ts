/**
 * The Kaplan–Meier figure of a clinical paper: one step curve per group with
 * its confidence band and censoring ticks, the log-rank p-value, and the
 * numbers-at-risk table under the x-axis.
 */
import { survkitError } from '../core/errors.js';
import { asLabels, type LabelsInput } from '../data/labels.js';
import { kaplanMeier, type ConfType, type KaplanMeier } from '../estimators/kaplan-meier.js';
import { groupCodes, type GroupInput } from '../stats/cox-data.js';
import { logrank, sortedLevels } from '../stats/logrank.js';
import { panelSize, topLevel, type PlotOptions, type PlotSpec } from './common.js';

/** Options of {@link kaplanMeierRiskSpec}. */
export interface KaplanMeierRiskSpecOptions extends PlotOptions {
  /** Times of the numbers-at-risk table and of the x-axis ticks (default: about 6 round times from 0 to the largest time). */
  times?: readonly number[];
  /** Confidence level of the bands (default 0.95). */
  confidence?: number;
  /** Transform of the band limits (default 'log', R survfit's default). */
  confType?: ConfType;
  /** Draw the bands (default true). */
  band?: boolean;
  /** Write the log-rank p-value in the panel (default true when there are two groups or more). */
  pValue?: boolean;
  /** Axis titles (defaults 'Time' and 'Survival probability'). */
  xTitle?: string;
  yTitle?: string;
  /** Order of the groups in the legend and the table (default sorted, as R's factor levels); must list every group. */
  levels?: readonly (string | number)[];
}

/** One row of the numbers-at-risk table. */
export interface AtRiskRow {
  group: string;
  time: number;
  nRisk: number;
}

/** Round tick times 0, s, 2s, … up to `max`, s a 1, 2, 2.5 or 5 × 10^k step giving about 6 ticks. */
export function niceTimes(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 5;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) as number) * mag;
  const out: number[] = [];
  for (let k = 0; k * step <= max * (1 + 1e-12); k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/**
 * Risk groups from a model's risk scores by quantiles, as R's
 * `cut(risk, quantile(risk, (0:k)/k), include.lowest = TRUE)` (quantile type 7):
 * group 1 the lowest risk. Tertiles by default.
 *
 * @param risk one risk score per subject (higher = worse)
 * @param k number of groups (default 3)
 * @returns labels `'low'`, `'middle'`, `'high'` for k = 3, else `'Q1'` … `'Qk'`
 * @throws {SurvkitError} for non-finite scores or k < 2
 * @example
 * riskGroups([0.1, 2, 0.5, 1.2, -0.3, 0.8]); // ['low', 'high', 'middle', 'high', 'low', 'middle']
 */
export function riskGroups(risk: ArrayLike<number>, k = 3): string[] {
  const fn = 'riskGroups';
  if (!Number.isInteger(k) || k < 2) throw survkitError('nonNegativeInteger', fn, 'k', k);
  const r = Array.from(risk as ArrayLike<unknown>, (v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw survkitError('notFinite', fn, 'risk', i, v);
    return v;
  });
  const s = [...r].sort((a, b) => a - b);
  const q = (p: number): number => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return (s[lo] as number) + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number));
  };
  const breaks = Array.from({ length: k + 1 }, (_, j) => q(j / k));
  const names = k === 3 ? ['low', 'middle', 'high'] : Array.from({ length: k }, (_, j) => `Q${j + 1}`);
  // right-closed intervals (b_{j-1}, b_j], the first one closed on the left too
  return r.map((v) => {
    let j = 0;
    while (j < k - 1 && v > (breaks[j + 1] as number)) j++;
    return names[j] as string;
  });
}

/**
 * Numbers at risk Σ 1{T_i >= t} per group at each time, as R's
 * `summary(survfit(...), times)$n.risk`.
 *
 * @param time observed times
 * @param labels the group of each subject
 * @param levels the groups, in table order
 * @param times the table's times
 * @example
 * atRiskTable(Float64Array.from([1, 2, 3, 4]), ['a', 'a', 'b', 'b'], ['a', 'b'], [0, 2]); // a: 2, 1; b: 2, 2
 */
export function atRiskTable(time: Float64Array, labels: readonly string[], levels: readonly string[], times: readonly number[]): AtRiskRow[] {
  return levels.flatMap((g) =>
    times.map((t) => ({ group: g, time: t, nRisk: labels.reduce((c, l, i) => c + (l === g && (time[i] as number) >= t ? 1 : 0), 0) })),
  );
}

/**
 * A Kaplan–Meier plot by group with the numbers at risk under the x-axis (a
 * Vega-Lite `vconcat`: the curves panel over the at-risk table, both on the same
 * time axis and ticks): right-continuous step curves from S = 1 at time 0,
 * pointwise confidence bands ('log' limits as R survfit by default), a vertical
 * tick at each censoring time, and the log-rank p-value (R survdiff) in the
 * lower left corner. For groups by predicted risk, pass {@link riskGroups} of a model's scores.
 *
 * @param labels survival labels `{ time, event }`
 * @param groups the group of each subject (numbers or strings), or omitted for one curve
 * @param opts {@link KaplanMeierRiskSpecOptions}
 * @returns a Vega-Lite spec; `usermeta.atRisk` holds the table and `usermeta.logrank` the test
 * @throws {SurvkitError} for bad labels or groups, and `kmPlotTimes` for times that are not increasing, finite and >= 0
 * @example
 * const spec = kaplanMeierRiskSpec({ time, event }, sex, { title: 'Overall survival by sex' });
 * const svg = await renderSvg(spec);
 * @see Kaplan & Meier (1958); Pocock, Clayton & Altman (2002), Lancet 359:1686–1689 (survival plots and numbers at risk)
 */
export function kaplanMeierRiskSpec(labels: LabelsInput, groups?: GroupInput, opts: KaplanMeierRiskSpecOptions = {}): PlotSpec {
  const fn = 'kaplanMeierRiskSpec';
  const y = asLabels(fn, 'labels', labels);
  const n = y.time.length;
  const g = groups === undefined ? undefined : groupCodes(fn, 'groups', groups, n);
  const sorted = g === undefined ? ['all'] : sortedLevels(g.levels).map(String);
  const levels = opts.levels === undefined ? sorted : opts.levels.map(String);
  if (levels.length !== sorted.length || !sorted.every((l) => levels.includes(l))) throw survkitError('kmPlotLevels', fn, 'levels', sorted, opts.levels);
  const lab = g === undefined ? new Array<string>(n).fill('all') : Array.from(g.codes, (c) => String(g.levels[c]));
  const { width, height } = panelSize(fn, opts);
  let tmax = 0;
  for (const t of y.time) if (t > tmax) tmax = t;
  const times = opts.times === undefined ? niceTimes(tmax) : [...opts.times];
  times.forEach((t, i) => {
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || (i > 0 && t <= (times[i - 1] as number)))
      throw survkitError('kmPlotTimes', fn, 'times', opts.times);
  });
  const xmax = Math.max(tmax, times[times.length - 1] as number);
  const band = opts.band ?? true;
  const curves: { group: string; km: KaplanMeier }[] = levels.map((lv) => {
    const idx = lab.flatMap((l, i) => (l === lv ? [i] : []));
    const km = kaplanMeier(
      { time: idx.map((i) => y.time[i] as number), event: idx.map((i) => y.event[i] as number) },
      { confType: opts.confType ?? 'log', confidence: opts.confidence ?? 0.95 },
    );
    return { group: lv, km };
  });
  const rows = curves.flatMap(({ group, km }) => {
    const out: { group: string; time: number; survival: number; lower: number; upper: number }[] = [];
    if (km.times.length === 0 || (km.times[0] as number) > 0) out.push({ group, time: 0, survival: 1, lower: 1, upper: 1 });
    km.times.forEach((t, k) => out.push({ group, time: t, survival: km.values[k] as number, lower: km.lower[k] as number, upper: km.upper[k] as number }));
    // carry the last value to the end of the axis so every step is drawn
    const last = out[out.length - 1];
    if (last !== undefined && last.time < xmax) out.push({ ...last, time: xmax });
    return out;
  });
  const censored = curves.flatMap(({ group, km }) =>
    Array.from(km.times).flatMap((t, k) => ((km.nCensored[k] as number) > 0 ? [{ group, time: t, survival: km.values[k] as number }] : [])),
  );
  const atRisk = atRiskTable(y.time, lab, levels, times);
  const test = levels.length >= 2 ? logrank(y, lab) : undefined;
  const showP = (opts.pValue ?? true) && test !== undefined;
  const xScale = { domain: [0, xmax], nice: false, zero: true };
  const x = { field: 'time', type: 'quantitative' as const, title: opts.xTitle ?? 'Time', scale: xScale, axis: { values: times } };
  const yEnc = { field: 'survival', type: 'quantitative' as const, title: opts.yTitle ?? 'Survival probability', scale: { domain: [0, 1] } };
  const color = {
    field: 'group',
    type: 'nominal' as const,
    title: null,
    sort: levels,
    scale: { domain: levels },
    legend: { orient: 'top-right' as const, fillColor: 'white', symbolType: 'stroke' },
  };
  const layers: object[] = [];
  if (band)
    layers.push({
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.15 },
      encoding: { x, y: { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] } }, y2: { field: 'upper' }, fill: { ...color, legend: null } },
    });
  layers.push({ mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y: yEnc, color } });
  if (censored.length > 0)
    layers.push({
      data: { values: censored },
      mark: { type: 'point', shape: 'M0,-1L0,1', size: 40, strokeWidth: 1.2, filled: false },
      encoding: { x, y: yEnc, stroke: { ...color, legend: null } },
    });
  if (showP)
    layers.push({
      data: { values: [{ label: `Log-rank p ${formatP(test.p)}` }] },
      mark: { type: 'text', align: 'left', baseline: 'bottom', x: 8, y: height - 8, fontSize: 12 },
      encoding: { text: { field: 'label' } },
    });
  const rowHeight = 18;
  const table = {
    width,
    height: rowHeight * levels.length,
    title: { text: 'Number at risk', anchor: 'start', fontSize: 11, fontWeight: 'normal' },
    data: { values: atRisk },
    mark: { type: 'text', fontSize: 11 },
    encoding: {
      x: { field: 'time', type: 'quantitative', scale: xScale, axis: null },
      y: { field: 'group', type: 'nominal', sort: levels, title: null, axis: { ticks: false, domain: false, labelPadding: 18 } },
      text: { field: 'nRisk', type: 'quantitative' },
      color: { ...color, legend: null },
    },
  };
  return {
    ...topLevel(opts),
    usermeta: {
      atRisk,
      ...(test === undefined ? {} : { logrank: { statistic: test.statistic, df: test.df, p: test.p } }),
    },
    vconcat: [{ width, height, data: { values: rows }, layer: layers }, table],
    resolve: { legend: { color: 'independent' } },
    spacing: 8,
  } as PlotSpec;
}

/** p as a paper prints it: '= 0.012', '< 0.0001'. */
export function formatP(p: number): string {
  return p < 1e-4 ? '< 0.0001' : `= ${p < 0.001 ? p.toFixed(4) : p.toPrecision(2)}`;
}
