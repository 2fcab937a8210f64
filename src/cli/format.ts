/**
 * Output of `survkit evaluate`: one JSON object (`--format json`) or a
 * readable table (default).
 */
import type { EvaluateReport, MetricReport, MetricReports } from '../report/evaluate.js';
import { CR_METRIC_NAMES } from '../report/cr-metric-definitions.js';
import { METRIC_NAMES, type MetricName } from '../report/metric-definitions.js';
import { integrationRule } from '../metrics/integrated.js';

/**
 * The report as one JSON object (2-space indent, arrays of numbers on one
 * line, trailing newline). Typed arrays become plain arrays; NaN and
 * ±Infinity become null (JSON has no such numbers), as JSON.stringify does.
 *
 * @example
 * JSON.parse(formatJson(evaluateFile('datasets/example-risk.csv'))).meta.format; // 'risk'
 */
export function formatJson(report: EvaluateReport): string {
  return [...jsonPieces(report)].join('');
}

/**
 * {@link formatJson} in pieces of about `bytes` characters (the last ends with the newline), so that a large
 * report is written out without first building it as one string. Joined, the pieces are `formatJson(report)`.
 *
 * @example
 * for (const piece of formatJsonPieces(evaluateFile('datasets/example-risk.csv'))) process.stdout.write(piece);
 */
export function* formatJsonPieces(value: unknown, bytes = 1 << 20): Generator<string> {
  let buf: string[] = [];
  let size = 0;
  for (const s of jsonPieces(value)) {
    buf.push(s);
    size += s.length;
    if (size >= bytes) {
      yield buf.join('');
      buf = [];
      size = 0;
    }
  }
  if (buf.length > 0) yield buf.join('');
}

/**
 * Any report (`survkit train`, `predict`, `info`) as one JSON object in the
 * layout of {@link formatJson}.
 *
 * @example
 * formatJsonValue({ a: new Float64Array([1, 2]) }); // '{\n  "a": [1, 2]\n}\n'
 */
export function formatJsonValue(value: unknown): string {
  return [...jsonPieces(value)].join('');
}

function* jsonPieces(value: unknown): Generator<string> {
  yield* pieces(value, '');
  yield '\n';
}

const isScalar = (x: unknown): boolean => x === null || typeof x !== 'object';

/** The JSON text of `v` in small pieces; arrays of numbers go out a few thousand items at a time. */
function* pieces(v: unknown, indent: string): Generator<string> {
  const list: ArrayLike<unknown> | undefined = ArrayBuffer.isView(v) ? (v as unknown as ArrayLike<number>) : Array.isArray(v) ? (v as unknown[]) : undefined;
  if (list !== undefined) {
    let scalars = true;
    for (let i = 0; i < list.length && scalars; i++) scalars = isScalar(list[i]);
    if (scalars) {
      yield '[';
      for (let i = 0; i < list.length; i += 4096) {
        const part: string[] = [];
        for (let j = i; j < Math.min(list.length, i + 4096); j++) part.push(JSON.stringify(list[j]) ?? 'null');
        yield (i > 0 ? ', ' : '') + part.join(', ');
      }
      yield ']';
      return;
    }
    const inner = `${indent}  `;
    yield '[\n';
    for (let i = 0; i < list.length; i++) {
      yield i > 0 ? `,\n${inner}` : inner;
      yield* pieces(list[i], inner);
    }
    yield `\n${indent}]`;
    return;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function');
    if (entries.length === 0) {
      yield '{}';
      return;
    }
    const inner = `${indent}  `;
    yield '{\n';
    for (let i = 0; i < entries.length; i++) {
      const [k, x] = entries[i] as [string, unknown];
      yield `${i > 0 ? ',\n' : ''}${inner}${JSON.stringify(k)}: `;
      yield* pieces(x, inner);
    }
    yield `\n${indent}}`;
    return;
  }
  yield JSON.stringify(v) ?? 'null';
}

const isSkipped = (r: MetricReport | undefined): r is { skipped: string } => r !== undefined && typeof r.skipped === 'string';

/** A number with 4 decimals (or in exponent form when tiny / huge), '—' for undefined. */
export function fmt(v: unknown, digits = 4): string {
  if (typeof v !== 'number') return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 10 ** -digits || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** A time value as written (shortest round-trip form, 6 significant digits at most). */
function fmtTime(t: number, digits = 6): string {
  return String(Number(t.toPrecision(digits)));
}

/** The fewest significant digits (at least 6) that print neighbouring `times` differently. */
function timeDigits(times: ArrayLike<number>): number {
  for (let p = 6; p < 17; p++) {
    let ok = true;
    for (let k = 0; ok && k + 1 < times.length; k++) ok = fmtTime(times[k] as number, p) !== fmtTime(times[k + 1] as number, p);
    if (ok) return p;
  }
  return 17;
}

function label(name: MetricName, r: Record<string, unknown>, tau: number | null): string {
  switch (name) {
    case 'concordanceIndex':
      return 'concordanceIndex (Harrell)';
    case 'concordanceIndexIpcw':
      return `concordanceIndexIpcw (Uno${tau === null ? '' : `, tau = ${tau}`})`;
    case 'concordanceTd':
      return `concordanceTd (${typeof r.method === 'string' ? r.method : 'antolini'})`;
    case 'cumulativeDynamicAuc':
      return 'cumulativeDynamicAuc (mean)';
    case 'dCalibration':
      return `dCalibration (p-value; chi2 = ${fmt(r.statistic, 2)}, df = ${String(r.df)})`;
    default:
      return name;
  }
}

function mainValue(name: MetricName, r: Record<string, unknown>): string {
  if ('cIndex' in r) return fmt(r.cIndex);
  if ('value' in r) return fmt(r.value);
  if (name === 'cumulativeDynamicAuc') return fmt(r.meanAuc);
  if (name === 'dCalibration') return fmt(r.pValue);
  return '';
}

function ciText(r: Record<string, unknown>): [string, string] {
  const ci = r.ci as Record<string, unknown> | undefined;
  if (ci === undefined) return ['', ''];
  if (typeof ci.skipped === 'string') return ['(no CI, see JSON)', ''];
  return [`${fmt(ci.lower)} – ${fmt(ci.upper)}`, fmt(ci.se)];
}

/** Up to `k` indices spread evenly over 0..m−1 (first and last included). */
function spread(m: number, k: number): number[] {
  if (m <= k) return Array.from({ length: m }, (_, i) => i);
  return Array.from({ length: k }, (_, j) => Math.round((j * (m - 1)) / (k - 1)));
}

function metricRows(metrics: MetricReports, tau: number | null, withCi: boolean): { rows: string[][]; notes: string[] } {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const name of METRIC_NAMES) {
    const r = metrics[name];
    if (r === undefined) continue;
    if (isSkipped(r)) {
      rows.push([name, 'skipped', '', '']);
      notes.push(`${name} skipped: ${r.skipped}`);
      continue;
    }
    if (name === 'brierScore') {
      const times = r.times as Float64Array;
      const values = r.values as Float64Array;
      const digits = timeDigits(times);
      const shown = spread(times.length, 5);
      for (const k of shown) rows.push([`brierScore at t = ${fmtTime(times[k] as number, digits)}`, fmt(values[k]), '', '']);
      if (times.length > shown.length) {
        notes.push(
          `brierScore: ${times.length - shown.length} of its ${times.length} times are not shown here; --format json lists them all (or choose them with --times)`,
        );
      }
    } else {
      if (name === 'cumulativeDynamicAuc' && r.times !== undefined) {
        const m = (r.times as ArrayLike<number>).length;
        if (m > 1)
          notes.push(`cumulativeDynamicAuc: the mean of its ${m} times is shown; the AUC at each time is in --format json (or choose times with --times)`);
      }
      rows.push([label(name, r, tau), mainValue(name, r), ...(withCi ? ciText(r) : ['', ''])]);
      const ci = r.ci as { skipped?: unknown; skippedResamples?: unknown } | undefined;
      if (typeof ci?.skipped === 'string') notes.push(`${name}: no bootstrap CI: ${ci.skipped}`);
      else if (typeof ci?.skippedResamples === 'number' && ci.skippedResamples > 0) {
        notes.push(`${name}: undefined on ${ci.skippedResamples} bootstrap resample(s), which were left out of the CI`);
      }
    }
    const dropped = r.droppedTimes as number[] | undefined;
    if (dropped !== undefined && dropped.length > 0) {
      notes.push(
        `${name}: ${dropped.length} evaluation time(s) outside where it is defined were left out (${dropped
          .slice(0, 3)
          .map((t) => fmtTime(t))
          .join(', ')}${dropped.length > 3 ? ', …' : ''})`,
      );
    }
  }
  return { rows, notes };
}

/** Rows of the cause-k metrics (cif format): the value at the last kept time, the IBS over [0, last time]. */
function causeRows(metrics: MetricReports, withCi: boolean): { rows: string[][]; notes: string[] } {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const [cause, part] of Object.entries(metrics.competingRisks ?? {})) {
    for (const name of CR_METRIC_NAMES) {
      const r = part[name];
      if (r === undefined) continue;
      if (isSkipped(r)) {
        rows.push([`cause ${cause}: ${name}`, 'skipped', '', '']);
        notes.push(`cause ${cause}: ${name} skipped: ${r.skipped}`);
        continue;
      }
      const times = r.times as Float64Array;
      const tLast = fmtTime(times[times.length - 1] as number, timeDigits(times));
      if (name === 'brierScoreCr') {
        const values = r.values as Float64Array;
        rows.push([`cause ${cause}: brierScoreCr at t = ${tLast}`, fmt(values[values.length - 1]), '', '']);
      } else if (name === 'integratedBrierScoreCr') {
        rows.push([`cause ${cause}: integratedBrierScoreCr over [0, ${tLast}]`, fmt(r.value), ...(withCi ? ciText(r) : ['', ''])]);
      } else {
        const what = name === 'concordanceIndexCr' ? 'concordanceIndexCr (Wolbers)' : 'cumulativeDynamicAucCr';
        rows.push([`cause ${cause}: ${what} at t = ${tLast}`, fmt(r.atLastTime), ...(withCi ? ciText(r) : ['', ''])]);
      }
      const dropped = r.droppedTimes as number[] | undefined;
      if (dropped !== undefined && dropped.length > 0) {
        notes.push(`cause ${cause}: ${name}: ${dropped.length} evaluation time(s) outside where it is defined were left out`);
      }
    }
  }
  if (rows.length > 0) notes.push('cause k metrics: the value at every evaluation time is in --format json');
  return { rows, notes };
}

function table(rows: string[][], header: string[]): string[] {
  const used = header.map((_, c) => c === 0 || c === 1 || rows.some((r) => (r[c] ?? '') !== ''));
  const all = [header, ...rows].map((r) => r.filter((_, c) => used[c]));
  const widths = (all[0] as string[]).map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return all.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd(),
  );
}

/** Which rule the integrated scores used on these times, and why. */
function integrationNote(convention: 'pycox' | 'sksurv', times: Float64Array): string {
  const rule = integrationRule(times, convention);
  if (convention === 'sksurv') return 'trapezoid integration';
  return rule === 'simpson' ? 'Simpson integration, the times being evenly spaced' : 'trapezoid integration, the times not being evenly spaced';
}

/**
 * The report as a readable table: the settings, then one row per metric (the
 * Brier score at up to 5 of the evaluation times; all of them are in the
 * JSON), then the same per group, then the reasons for skipped metrics.
 */
export function formatTable(report: EvaluateReport): string {
  const m = report.meta;
  const level = m.bootstrap === null ? 0.95 : m.bootstrap.level;
  const withCi = m.bootstrap !== null;
  const header = ['metric', 'value', `${Math.round(level * 100)}% CI`, 'se'];
  const times = m.grid;
  const lines: string[] = [
    `survkit evaluate ${m.file ?? ''}`.trimEnd(),
    ...(m.format === 'cif'
      ? [
          `  format       cif (cumulative incidence of ${String(m.causes)} causes on ${String(m.curveTimes?.length)} grid times; ` +
            'the single-risk metrics judge the event-free survival 1 − Σ F_k against any event)',
          "  cause k      Wolbers' C, AUC, Brier and IBS of each cause's CIF as R pec cindex / riskRegression Score (censoring KM of the evaluated labels)",
        ]
      : [
          `  format       ${m.format}${m.curveTimes ? ` (survival curves on ${m.curveTimes.length} grid times, ${fmtTime(m.curveTimes[0] as number)} … ${fmtTime(m.curveTimes[m.curveTimes.length - 1] as number)})` : ' (one risk score per subject)'}`,
        ]),
    `  subjects     ${m.n} (${m.events} events, ${m.censored} censored)`,
    `  IPCW labels  ${m.train.source}: ${m.train.n} subjects, ${m.train.events} events`,
    `  times        ${times.length} (${m.gridSource})${times.length > 0 ? `: ${fmtTime(times[0] as number, timeDigits(times))} … ${fmtTime(times[times.length - 1] as number, timeDigits(times))}` : ''}`,
    ...(m.format !== 'risk'
      ? [
          `  convention   ${m.convention} (Brier score and NBLL weights; ${integrationNote(m.convention, times)})`,
          `  risk score   ${m.riskScore}, for Harrell's and Uno's C`,
        ]
      : []),
    ...(m.bootstrap ? [`  bootstrap    ${m.bootstrap.replicates} resamples of the subjects, seed ${m.bootstrap.seed}, percentile intervals`] : []),
    ...(m.ignoredColumns !== undefined && m.ignoredColumns.length > 0 ? [`  ignored      ${m.ignoredColumns.join(', ')}`] : []),
    '',
  ];
  const main = metricRows(report, m.tau, withCi);
  const causes = causeRows(report, withCi);
  lines.push(...table([...main.rows, ...causes.rows], header));
  const notes = [...main.notes, ...causes.notes];
  for (const [name, g] of Object.entries(report.groups ?? {})) {
    lines.push('', `group ${JSON.stringify(name)}: ${g.meta.n} subjects (${g.meta.events} events, ${g.meta.censored} censored)`);
    const part = metricRows(g, m.tau, withCi);
    const cparts = causeRows(g, withCi);
    lines.push(...table([...part.rows, ...cparts.rows], header));
    notes.push(...[...part.notes, ...cparts.notes].map((x) => `group ${JSON.stringify(name)}: ${x}`));
  }
  if (notes.length > 0) lines.push('', 'notes:', ...notes.map((x) => `  ${x}`));
  return `${lines.join('\n')}\n`;
}
