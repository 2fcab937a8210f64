/**
 * The words of a report: number formatting, the metric table and the exact
 * conventions used, from the JSON of `survkit evaluate` / `survkit train`.
 * Pure string functions (no DOM, no Node).
 */

/** HTML-escapes text. */
export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A number with `digits` decimals (exponent form when tiny or huge), '—' for a non-number: as `survkit evaluate` prints it. */
export function fmt(v: unknown, digits = 4): string {
  if (typeof v !== 'number') return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 10 ** -digits || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** A time as written (6 significant digits at most). */
export const fmtTime = (t: unknown): string => (typeof t === 'number' ? String(Number(t.toPrecision(6))) : '—');

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Report name, main value key and plain-words meaning of each metric with a scalar. */
const METRIC_ROWS: { key: string; name: string; value: string; meaning: string }[] = [
  {
    key: 'concordanceIndex',
    name: "Harrell's C",
    value: 'cIndex',
    meaning: 'probability that of two comparable subjects the one with the earlier event has the higher risk',
  },
  { key: 'concordanceIndexIpcw', name: "Uno's C (IPCW)", value: 'cIndex', meaning: "Harrell's C with pairs weighted by 1/Ĝ(T_i)², consistent under censoring" },
  { key: 'concordanceTd', name: "Antolini's time-dependent C", value: 'cIndex', meaning: 'concordance of the predicted survival curves at each event time' },
  {
    key: 'integratedBrierScore',
    name: 'Integrated Brier score',
    value: 'value',
    meaning: 'mean squared error of Ŝ_i(t) over time, IPCW; lower is better (0.25 = coin flip)',
  },
  { key: 'integratedNbll', name: 'Integrated NBLL', value: 'value', meaning: 'negative binomial log-likelihood over time, IPCW; lower is better' },
  {
    key: 'cumulativeDynamicAuc',
    name: 'Mean time-dependent AUC',
    value: 'meanAuc',
    meaning: 'cumulative/dynamic AUC: events by t against subjects event-free at t',
  },
  { key: 'dCalibration', name: 'D-calibration p-value', value: 'pValue', meaning: 'χ² test that Ŝ_i(T_i) is uniform over 10 bins; small p = miscalibrated' },
];

/** The metric table (HTML) of one set of subjects; `withCi` adds the bootstrap interval columns. */
export function metricTable(metrics: Obj, withCi: boolean, level: number): string {
  const head = `<tr><th>metric</th><th>value</th>${withCi ? `<th>${Math.round(level * 100)}% CI</th><th>se</th>` : ''}<th>meaning</th></tr>`;
  const rows: string[] = [];
  for (const row of METRIC_ROWS) {
    const r = metrics[row.key];
    if (!isObj(r)) continue;
    if (typeof r.skipped === 'string') {
      rows.push(`<tr><td>${esc(row.name)}</td><td colspan="${withCi ? 3 : 1}" class="skipped">skipped</td><td>${esc(r.skipped)}</td></tr>`);
      continue;
    }
    let ci = '';
    if (withCi) {
      const c = r.ci;
      ci = !isObj(c)
        ? '<td></td><td></td>'
        : typeof c.skipped === 'string'
          ? `<td colspan="2" class="skipped">${esc(c.skipped)}</td>`
          : `<td>${fmt(c.lower)} – ${fmt(c.upper)}</td><td>${fmt(c.se)}</td>`;
    }
    const extra = row.key === 'dCalibration' ? ` (χ² = ${fmt(r.statistic, 2)}, df = ${esc(r.df)})` : '';
    rows.push(
      `<tr><td>${esc(row.name)}</td><td class="num" data-metric="${row.key}">${fmt(r[row.value])}</td>${ci}<td>${esc(row.meaning)}${esc(extra)}</td></tr>`,
    );
  }
  return `<table class="metrics">${head}${rows.join('')}</table>`;
}

/** The conventions of the evaluation in words, from the report's `meta` (of evaluate, or `meta.evaluation` of train). */
export function conventionsHtml(meta: Obj): string {
  const train = isObj(meta.train) ? meta.train : {};
  const convention = meta.convention === 'sksurv' ? 'sksurv' : 'pycox';
  const bs = isObj(meta.bootstrap) ? meta.bootstrap : null;
  const items = [
    `Harrell's C (as scikit-survival <code>concordance_index_censored</code> and R <code>survival::concordance</code>): a pair (i, j) is comparable when T_i &lt; T_j and subject i had the event, or T_i = T_j with i an event and j censored; tied risk scores count ½; tied event times are not comparable. Risk score: ${esc(meta.riskScore ?? 'the risk column')}.`,
    `Censoring distribution Ĝ for the inverse-probability-of-censoring weights: the Kaplan–Meier estimate of censoring from ${esc(train.source ?? 'the evaluated labels')} (${esc(train.n ?? '?')} subjects, ${esc(train.events ?? '?')} events).`,
    `Uno's C (scikit-survival <code>concordance_index_ipcw</code>): events weighted by 1/Ĝ(T_i)², Ĝ with events before censorings at tied times${typeof meta.tau === 'number' ? `, truncated at τ = ${fmtTime(meta.tau)}` : ', no truncation τ'}.`,
    `Antolini's time-dependent C, the Brier score, the integrated Brier score and the integrated NBLL follow ${
      convention === 'pycox'
        ? 'pycox <code>EvalSurv</code>: Ĝ is the plain Kaplan–Meier of the censoring indicator (events and censorings at a tied time leave together), events are weighted by 1/Ĝ(T_i−), the Brier score at t is divided by the sum of the weights, and the integral uses Simpson’s rule on evenly spaced times (the trapezoid rule otherwise)'
        : 'scikit-survival <code>brier_score</code> / <code>integrated_brier_score</code>: Ĝ counts events before censorings at tied times, events are weighted by 1/Ĝ(T_i), the Brier score at t is divided by n, and the integral uses the trapezoid rule'
    }. Predicted curves are read as right-continuous steps.`,
    'Time-dependent AUC (scikit-survival <code>cumulative_dynamic_auc</code>): cases are subjects with an event at or before t (weighted by 1/Ĝ(T_i), Ĝ with events before censorings at tied times), controls those with T &gt; t; with survival curves the risk at t is 1 − Ŝ_i(t). The mean is scikit-survival’s: the AUC averaged over the Kaplan–Meier distribution of the evaluated subjects.',
    'D-calibration (Haider et al. 2020, as SurvivalEVAL): p_i = Ŝ_i(T_i) in 10 equal bins of [0, 1]; an event adds 1 to its bin, a censored subject spreads 1 uniformly over [0, p_i]; Pearson χ² test against equal counts (9 degrees of freedom).',
    `Evaluation times: ${esc(meta.gridSource ?? '—')}.`,
    'Calibration at t: subjects sorted by predicted survival Ŝ_i(t), split into equal groups (deciles by default); each group’s mean prediction against its Kaplan–Meier estimate at t with log-log 95% limits (Greenwood).',
    'Median follow-up: the reverse Kaplan–Meier method (the median of the censoring distribution, events treated as censored).',
    'Risk tertiles: subjects sorted by the risk score above and split into thirds (sizes differ by at most 1); numbers at risk count subjects with T ≥ t.',
    bs === null
      ? 'Confidence intervals: none (run with --bootstrap N for percentile intervals).'
      : `Confidence intervals: ${esc(bs.replicates)} bootstrap resamples of the subjects (seed ${esc(bs.seed)}), ${Math.round(Number(bs.level) * 100)}% percentile intervals; the censoring distribution is re-estimated on each resample when it comes from the evaluated labels.`,
    'All of it computed in plain TypeScript in double precision (no TensorFlow.js).',
  ];
  return `<ul class="conventions">${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}
