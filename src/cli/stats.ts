/**
 * `survkit stats cox|logrank|km|rmst|aft`: classical statistics on a CSV table — argument
 * parsing and formatting only; the numbers come from src/stats/.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { CsvTable } from '../io/csv.js';
import { readTable, readTableAsync } from '../io/table-file.js';
import type { PlotSpec } from '../plotting/common.js';
import { forestSpec } from '../plotting/forest-plot.js';
import { kaplanMeierRiskSpec, riskGroups } from '../plotting/km-risk-plot.js';
import { renderPng, renderSvg } from '../plotting/render.js';
import { coxph, type CoxphOptions, type CoxphResult } from '../stats/coxph.js';
import { coxZph, type ZphTest } from '../stats/cox-zph.js';
import { logrank, type LogrankOptions, type LogrankResult } from '../stats/logrank.js';
import { logrankTrend, type LogrankTrendOptions } from '../stats/logrank-trend.js';
import { rmst, type RmstOptions, type RmstResult } from '../stats/rmst.js';
import { survivalQuantiles, type GroupQuantiles } from '../stats/survival-quantiles.js';
import { survreg, type SurvregResult } from '../stats/survreg.js';
import { statsData, type StatsColumns } from '../stats/table.js';
import { fmt, formatJsonValue } from './format.js';
import { choiceFlag, numberFlag, reportError, UsageError, type CliIo } from './usage.js';

export const STATS_HELP = `Usage:
  survkit stats cox --data <file.csv> --duration-col <c> --event-col <c> [--features a,b,…]
                    [--strata <c>] [--ties efron|breslow|exact] [--robust] [--cluster-col <c>]
                    [--ph-transform km|rank|identity] [--plot forest.svg|.png|.json]
                    [--format table|json]
  survkit stats logrank --data <file.csv> --duration-col <c> --event-col <c> --group-col <g>
                    [--strata <c>] [--rho r] [--gamma g] [--trend [--scores s1,s2,…]]
                    [--format table|json]
  survkit stats km --data <file.csv> --duration-col <c> --event-col <c>
                    [--group-col <g> | --risk-col <r>] [--plot km.svg|.png|.json]
                    [--at-risk-times t1,t2,…] [--format table|json]
  survkit stats rmst --data <file.csv> --duration-col <c> --event-col <c> [--group-col <g>]
                    [--tau T] [--format table|json]
  survkit stats aft --data <file.csv> --duration-col <c> --event-col <c> [--features a,b,… | --exclude a,b,…]
                    [--dist weibull|exponential|lognormal|loglogistic] [--format table|json]

cox       Cox regression as R's coxph: coefficients, SE, hazard ratios with 95 % CIs,
          z and p; log partial likelihoods; Wald, score and likelihood-ratio tests;
          concordance. --features defaults to every column but duration, event,
          strata and cluster; a column with text is a factor (one-hot, the first
          sorted level the reference, as R's treatment contrasts). --robust (or
          --cluster-col) adds sandwich SEs (robustSe), used for z, p and the CI.
          --ties exact: the exact partial likelihood (R's ties = "exact").
          phTest: the proportional-hazards test of R's cox.zph (scaled Schoenfeld
          residuals against g(t), --ph-transform km by default) per covariate (a
          factor as one term) and global.
logrank   log-rank test as R's survdiff (observed, expected per group, chi-square,
          df, p); --rho/--gamma give Fleming–Harrington G(rho, gamma) weights.
          --trend adds the test for trend across the ordered groups (1 df; scores
          1..k for the sorted groups, or --scores), as survMisc's comp.
km        median survival per group with its 95 % Brookmeyer–Crowley interval, as
          R's print(survfit) (conf.type "log"); null where never reached.
          --risk-col groups by tertiles (low, middle, high) of a column such as a
          model's predicted risk. --plot writes the Kaplan–Meier figure: curves with
          95 % bands, censoring ticks, log-rank p and the numbers at risk under the
          axis (at --at-risk-times, default round times); .svg, .png or the
          Vega-Lite .json. For cox, --plot writes the hazard-ratio forest plot.
rmst      restricted mean survival time up to --tau (default: the smallest of the
          groups' largest times) per group, and for two groups the difference
          and ratio (second level vs first) with 95 % CIs and p, as survRM2's rmst2.
aft       linear accelerated-failure-time regression as R's survreg (log T = Xβ + σW;
          --dist weibull by default): Value, SE, z and p per coefficient with the
          Log(scale) row, the scale, the log-likelihoods (intercept only, fitted)
          and the likelihood-ratio test. Features as for cox; --exclude drops
          columns from the default (every column but duration and event).

Rows with an empty or NA cell in a used column are dropped (as R's na.omit);
the event column holds 0 (censored) or 1 (event).
`;

const FLAGS = {
  data: { type: 'string' },
  'duration-col': { type: 'string' },
  'event-col': { type: 'string' },
  features: { type: 'string' },
  exclude: { type: 'string' },
  dist: { type: 'string' },
  'group-col': { type: 'string' },
  strata: { type: 'string' },
  'cluster-col': { type: 'string' },
  ties: { type: 'string' },
  robust: { type: 'boolean' },
  rho: { type: 'string' },
  gamma: { type: 'string' },
  tau: { type: 'string' },
  'ph-transform': { type: 'string' },
  trend: { type: 'boolean' },
  plot: { type: 'string' },
  'risk-col': { type: 'string' },
  'at-risk-times': { type: 'string' },
  scores: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Partial<Record<keyof typeof FLAGS, string | boolean>>;

/** Parquet tables read ahead by {@link runStatsAsync} (Parquet is read asynchronously), by path. */
const preloaded = new Map<string, CsvTable | { error: unknown }>();

/** The --data table: CSV or Arrow IPC read here, Parquet read ahead. */
function loadTable(file: string): CsvTable {
  const pre = preloaded.get(file);
  if (pre === undefined) return readTable(file);
  if ('error' in pre) throw pre.error;
  return pre;
}

function required(v: Values, flag: 'data' | 'duration-col' | 'event-col' | 'group-col', what: string): string {
  const s = v[flag];
  if (typeof s !== 'string' || s === '') throw new UsageError(`stats ${what} needs --${flag}`);
  return s;
}

function cox(v: Values): Output {
  const file = required(v, 'data', 'cox');
  const t = loadTable(file);
  const cols: StatsColumns = { duration: required(v, 'duration-col', 'cox'), event: required(v, 'event-col', 'cox') };
  if (typeof v.strata === 'string') cols.strata = v.strata;
  if (typeof v['cluster-col'] === 'string') cols.cluster = v['cluster-col'];
  const taken = new Set([cols.duration, cols.event, cols.strata, cols.cluster]);
  cols.features = featureList(v, t.header, taken);
  const d = statsData(t, cols);
  const opts: CoxphOptions = { ties: choiceFlag('ties', typeof v.ties === 'string' ? v.ties : 'efron', ['efron', 'breslow', 'exact'] as const) };
  if (d.strata) opts.strata = d.strata;
  if (d.cluster) opts.cluster = d.cluster;
  if (v.robust === true) opts.robust = true;
  const r = coxph({ time: d.time, event: d.event }, d.covariates, opts);
  const transform = choiceFlag('ph-transform', typeof v['ph-transform'] === 'string' ? v['ph-transform'] : 'km', ['km', 'rank', 'identity'] as const);
  const z = coxZph(r, { transform, terms: d.terms });
  const phTest: PhTest = { transform, covariates: z.tests, global: z.global };
  const out: Output = { json: coxJson(r, d.dropped, phTest), table: coxTable(r, d.dropped, phTest) };
  if (typeof v.plot === 'string') out.plot = { file: v.plot, spec: forestSpec(r, { title: 'Hazard ratios (Cox regression)' }) };
  return out;
}

/** The --features list, or every column not taken and not in --exclude. */
function featureList(v: Values, header: readonly string[], taken: Set<string | undefined>): string[] {
  const list = (s: string): string[] => s.split(',').map((x) => x.trim());
  if (typeof v.features === 'string') {
    if (typeof v.exclude === 'string') throw new UsageError('--features and --exclude cannot be used together');
    return list(v.features);
  }
  const excluded = new Set(typeof v.exclude === 'string' ? list(v.exclude) : []);
  for (const x of excluded) if (!header.includes(x)) throw new UsageError(`--exclude names a column that is not in the table: ${JSON.stringify(x)}`);
  return header.filter((h) => !taken.has(h) && !excluded.has(h));
}

function aftCommand(v: Values): Output {
  const file = required(v, 'data', 'aft');
  const t = loadTable(file);
  const cols: StatsColumns = { duration: required(v, 'duration-col', 'aft'), event: required(v, 'event-col', 'aft') };
  cols.features = featureList(v, t.header, new Set([cols.duration, cols.event]));
  const d = statsData(t, cols);
  const dist = choiceFlag('dist', typeof v.dist === 'string' ? v.dist : 'weibull', ['weibull', 'exponential', 'lognormal', 'loglogistic'] as const);
  const r = survreg({ time: d.time, event: d.event }, cols.features.length === 0 ? null : d.covariates, { dist });
  return { json: aftJson(r, d.dropped), table: aftTable(r, d.dropped) };
}

function aftJson(r: SurvregResult, dropped: number): unknown {
  return {
    dist: r.dist,
    coefficients: r.coefficients,
    scale: r.scale,
    loglik: r.loglik,
    tests: r.tests,
    n: r.n,
    events: r.events,
    dropped,
    iterations: r.iterations,
  };
}

function aftTable(r: SurvregResult, dropped: number): string {
  const rows = r.coefficients.map((c) => [c.name, fmt(c.coef), fmt(c.se), fmt(c.z), pv(c.p)]);
  const lr = r.tests.likelihoodRatio;
  return (
    [
      `Accelerated failure time regression (${r.dist}): n = ${r.n}, events = ${r.events}${droppedNote(dropped)}`,
      '',
      grid(['', 'Value', 'Std. Error', 'z', 'p'], rows),
      '',
      `Scale = ${fmt(r.scale)}`,
      `Loglik(model) = ${fmt(r.loglik[1], 2)}, Loglik(intercept only) = ${fmt(r.loglik[0], 2)}`,
      `Chisq = ${fmt(lr.statistic, 2)} on ${lr.df} degrees of freedom, p = ${pv(lr.p)}`,
    ].join('\n') + '\n'
  );
}

/** What a statistic prints, and the figure it writes with --plot. */
interface Output {
  json: unknown;
  table: string;
  plot?: { file: string; spec: PlotSpec };
}

/** Writes a figure: SVG, PNG or the Vega-Lite JSON, by the file's extension. */
async function writePlot(plot: { file: string; spec: PlotSpec }): Promise<void> {
  const ext = extname(plot.file).toLowerCase();
  if (ext === '.svg') writeFileSync(plot.file, await renderSvg(plot.spec));
  else if (ext === '.png') writeFileSync(plot.file, await renderPng(plot.spec));
  else writeFileSync(plot.file, `${JSON.stringify(plot.spec, null, 2)}\n`);
}

interface PhTest {
  transform: string;
  covariates: ZphTest[];
  global: ZphTest;
}

function coxJson(r: CoxphResult, dropped: number, phTest: PhTest): unknown {
  return {
    coefficients: r.coefficients,
    loglik: r.loglik,
    tests: r.tests,
    concordance: r.concordance,
    phTest: {
      transform: phTest.transform,
      covariates: phTest.covariates.map((t) => ({ name: t.name, chisq: t.chisq, df: t.df, p: t.p })),
      global: { chisq: phTest.global.chisq, df: phTest.global.df, p: phTest.global.p },
    },
    n: r.n,
    events: r.events,
    dropped,
    iterations: r.iterations,
    ties: r.ties,
  };
}

const pv = (p: number): string => (p < 1e-4 ? p.toExponential(2) : p.toPrecision(3));
const droppedNote = (k: number): string => (k > 0 ? ` (${k} row${k === 1 ? '' : 's'} with missing values dropped)` : '');

function grid(header: string[], rows: string[][]): string {
  const w = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] as string).length)));
  const line = (r: string[]): string => r.map((c, k) => (k === 0 ? c.padEnd(w[k] as number) : c.padStart(w[k] as number))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function coxTable(r: CoxphResult, dropped: number, ph: PhTest): string {
  const robust = r.coefficients.some((c) => c.robustSe !== undefined);
  const header = ['covariate', 'coef', 'HR', 'se', ...(robust ? ['robust se'] : []), 'lower .95', 'upper .95', 'z', 'p'];
  const rows = r.coefficients.map((c) => [
    c.name,
    fmt(c.coef),
    fmt(c.hazardRatio),
    fmt(c.se),
    ...(robust ? [fmt(c.robustSe)] : []),
    fmt(c.lower),
    fmt(c.upper),
    fmt(c.z),
    pv(c.p),
  ]);
  const test = (name: string, t: { statistic: number; df: number; p: number }): string => `${name} = ${fmt(t.statistic, 2)} on ${t.df} df, p = ${pv(t.p)}`;
  return (
    [
      `Cox regression (${r.ties} ties): n = ${r.n}, events = ${r.events}${droppedNote(dropped)}`,
      '',
      grid(header, rows),
      '',
      `Concordance = ${fmt(r.concordance)}`,
      `Log partial likelihood: null ${fmt(r.loglik[0], 2)}, fitted ${fmt(r.loglik[1], 2)}`,
      test('Likelihood ratio test', r.tests.likelihoodRatio),
      test(robust ? 'Wald test (robust)' : 'Wald test', r.tests.wald),
      test('Score (log-rank) test', r.tests.score),
      ...(r.tests.robustScore ? [test('Robust score test', r.tests.robustScore)] : []),
      '',
      `Proportional-hazards test (cox.zph, transform ${ph.transform})`,
      grid(
        ['term', 'chisq', 'df', 'p'],
        [...ph.covariates, ph.global].map((t) => [t.name, fmt(t.chisq), String(t.df), pv(t.p)]),
      ),
    ].join('\n') + '\n'
  );
}

function logrankCommand(v: Values): { json: unknown; table: string } {
  const file = required(v, 'data', 'logrank');
  const cols: StatsColumns = {
    duration: required(v, 'duration-col', 'logrank'),
    event: required(v, 'event-col', 'logrank'),
    group: required(v, 'group-col', 'logrank'),
  };
  if (typeof v.strata === 'string') cols.strata = v.strata;
  const d = statsData(loadTable(file), cols);
  const opts: LogrankOptions = {};
  if (typeof v.rho === 'string') opts.rho = numberFlag('rho', v.rho, 'a number >= 0', (x) => x >= 0);
  if (typeof v.gamma === 'string') opts.gamma = numberFlag('gamma', v.gamma, 'a number >= 0', (x) => x >= 0);
  if (d.strata) opts.strata = d.strata;
  const r = logrank({ time: d.time, event: d.event }, d.group ?? [], opts);
  const out = { json: logrankJson(r, d.dropped) as Record<string, unknown>, table: logrankTable(r, d.dropped) };
  if (v.trend === true || typeof v.scores === 'string') {
    const topts: LogrankTrendOptions = { ...opts };
    if (typeof v.scores === 'string') topts.scores = v.scores.split(',').map((x) => numberFlag('scores', x.trim(), 'comma-separated numbers', () => true));
    const t = logrankTrend({ time: d.time, event: d.event }, d.group ?? [], topts);
    out.json.trend = { scores: t.groups.map((g) => g.score), statistic: t.statistic, variance: t.variance, z: t.z, chisq: t.chisq, df: t.df, p: t.p };
    out.table += `Test for trend (scores ${t.groups.map((g) => `${String(g.group)}=${g.score}`).join(', ')}): Chisq = ${fmt(t.chisq)} on 1 df, z = ${fmt(t.z)}, p = ${pv(t.p)}\n`;
  }
  return out;
}

function logrankJson(r: LogrankResult, dropped: number): unknown {
  return { statistic: r.statistic, df: r.df, p: r.p, groups: r.groups, rho: r.rho, gamma: r.gamma, dropped };
}

function logrankTable(r: LogrankResult, dropped: number): string {
  const rows = r.groups.map((g) => [String(g.group), String(g.n), fmt(g.observed), fmt(g.expected), fmt((g.observed - g.expected) ** 2 / g.expected)]);
  const title = r.rho === 0 && r.gamma === 0 ? 'Log-rank test' : `Fleming–Harrington G(${r.rho}, ${r.gamma}) test`;
  return (
    [
      `${title}${droppedNote(dropped)}`,
      '',
      grid(['group', 'n', 'observed', 'expected', '(O-E)^2/E'], rows),
      '',
      `Chisq = ${fmt(r.statistic)} on ${r.df} df, p = ${pv(r.p)}`,
    ].join('\n') + '\n'
  );
}

function summaryData(v: Values, what: string): ReturnType<typeof statsData> {
  const cols: StatsColumns = { duration: required(v, 'duration-col', what), event: required(v, 'event-col', what) };
  if (typeof v['group-col'] === 'string') cols.group = v['group-col'];
  if (typeof v['risk-col'] === 'string') {
    if (cols.group !== undefined) throw new UsageError(`stats ${what} takes --group-col or --risk-col, not both`);
    cols.group = v['risk-col'];
  }
  const d = statsData(loadTable(required(v, 'data', what)), cols);
  if (typeof v['risk-col'] === 'string') {
    const risk = (d.group ?? []).map((x) => {
      if (typeof x !== 'number') throw new UsageError(`--risk-col ${v['risk-col']} must hold numbers; got ${JSON.stringify(x)}`);
      return x;
    });
    d.group = riskGroups(risk, 3);
  }
  return d;
}

function kmCommand(v: Values): Output {
  const d = summaryData(v, 'km');
  const q = survivalQuantiles({ time: d.time, event: d.event }, d.group ? { probs: [0.5], groups: d.group } : { probs: [0.5] });
  // risk tertiles read low, middle, high (not in sorted order)
  const rank = (g: GroupQuantiles): number => (typeof v['risk-col'] === 'string' ? ['low', 'middle', 'high'].indexOf(String(g.group)) : 0);
  const groups = [...q]
    .sort((a, b) => rank(a) - rank(b))
    .map((g: GroupQuantiles) => ({
      group: g.group,
      n: g.n,
      events: g.events,
      median: g.median.time,
      lower: g.median.lower,
      upper: g.median.upper,
    }));
  let plot: Output['plot'];
  if (typeof v.plot === 'string') {
    const times =
      typeof v['at-risk-times'] === 'string'
        ? v['at-risk-times'].split(',').map((x) => numberFlag('at-risk-times', x.trim(), 'comma-separated times >= 0', (t) => t >= 0))
        : undefined;
    const spec = kaplanMeierRiskSpec({ time: d.time, event: d.event }, d.group, {
      title: 'Kaplan–Meier survival',
      ...(times === undefined ? {} : { times }),
      ...(typeof v['risk-col'] === 'string' ? { levels: ['low', 'middle', 'high'].filter((l) => d.group?.includes(l)) } : {}),
    });
    plot = { file: v.plot, spec };
  }
  const cell = (x: number | null): string => (x === null ? 'NA' : String(x));
  const rows = groups.map((g) => [String(g.group ?? 'all'), String(g.n), String(g.events), cell(g.median), cell(g.lower), cell(g.upper)]);
  return {
    json: { groups, dropped: d.dropped },
    table: `Median survival (Kaplan–Meier)${droppedNote(d.dropped)}\n\n${grid(['group', 'n', 'events', 'median', '0.95LCL', '0.95UCL'], rows)}\n`,
    ...(plot === undefined ? {} : { plot }),
  };
}

function rmstCommand(v: Values): { json: unknown; table: string } {
  const d = summaryData(v, 'rmst');
  const opts: RmstOptions = {};
  if (typeof v.tau === 'string') opts.tau = numberFlag('tau', v.tau, 'a time > 0', (x) => x > 0);
  const r: RmstResult = rmst({ time: d.time, event: d.event }, d.group, opts);
  const rows = r.groups.map((g) => [String(g.group ?? 'all'), String(g.n), fmt(g.rmst), fmt(g.se), fmt(g.lower), fmt(g.upper)]);
  const lines = [
    `Restricted mean survival time up to tau = ${r.tau}${droppedNote(d.dropped)}`,
    '',
    grid(['group', 'n', 'RMST', 'se', 'lower .95', 'upper .95'], rows),
  ];
  const names = r.groups.map((g) => String(g.group));
  if (r.difference && r.ratio) {
    const c = (label: string, x: { estimate: number; lower: number; upper: number; p: number }): string[] => [
      label,
      fmt(x.estimate),
      fmt(x.lower),
      fmt(x.upper),
      pv(x.p),
    ];
    lines.push(
      '',
      grid(['contrast', 'estimate', 'lower .95', 'upper .95', 'p'], [c(`${names[1]} - ${names[0]}`, r.difference), c(`${names[1]} / ${names[0]}`, r.ratio)]),
    );
  }
  return { json: { ...r, dropped: d.dropped }, table: `${lines.join('\n')}\n` };
}

/**
 * {@link runStats} for a `--data` Parquet file: reads it first (asynchronously), then runs the command.
 * @example
 * const code = await runStatsAsync(['km', '--data', 'lung.parquet', '--duration-col', 'time', '--event-col', 'status'], io);
 */
export async function runStatsAsync(args: readonly string[], io: CliIo): Promise<number> {
  const files = args
    .flatMap((a, k) => (a === '--data' ? [args[k + 1]] : a.startsWith('--data=') ? [a.slice(7)] : []))
    .filter((f): f is string => f !== undefined);
  for (const f of files) {
    try {
      preloaded.set(f, await readTableAsync(f));
    } catch (error) {
      preloaded.set(f, { error });
    }
  }
  try {
    return runStats(args, io);
  } finally {
    for (const f of files) preloaded.delete(f);
  }
}

/**
 * Runs `survkit stats <cox|logrank|km|rmst> …` and returns the exit code (0 ok, 2 bad
 * input or usage, 1 unexpected error).
 *
 * @example
 * runStats(['logrank', '--data', 'lung.csv', '--duration-col', 'time', '--event-col', 'event', '--group-col', 'sex'], io);
 */
export function runStats(args: readonly string[], io: CliIo): number | Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help === true) {
      io.stdout(STATS_HELP);
      return 0;
    }
    const [what, ...rest] = positionals;
    if (what !== 'cox' && what !== 'logrank' && what !== 'km' && what !== 'rmst' && what !== 'aft')
      throw new UsageError(`stats needs the statistic first: cox, logrank, km, rmst or aft; got ${what === undefined ? 'nothing' : JSON.stringify(what)}`);
    if (rest.length > 0) throw new UsageError(`stats ${what} takes no further positional arguments; got ${rest.map((p) => JSON.stringify(p)).join(', ')}`);
    const format = choiceFlag('format', typeof values.format === 'string' ? values.format : 'table', ['table', 'json'] as const);
    if (typeof values.plot === 'string' && what !== 'cox' && what !== 'km') throw new UsageError(`--plot is for stats km and stats cox; got stats ${what}`);
    if (typeof values.plot === 'string' && !['.svg', '.png', '.json'].includes(extname(values.plot).toLowerCase()))
      throw new UsageError(`--plot must name a .svg, .png or .json file; got ${JSON.stringify(values.plot)}`);
    const out: Output =
      what === 'cox'
        ? cox(values)
        : what === 'logrank'
          ? logrankCommand(values)
          : what === 'km'
            ? kmCommand(values)
            : what === 'aft'
              ? aftCommand(values)
              : rmstCommand(values);
    const print = (): number => {
      io.stdout(format === 'json' ? formatJsonValue(out.json) : out.table);
      return 0;
    };
    if (out.plot === undefined) return print();
    return writePlot(out.plot).then(print, (err: unknown) => reportError(err, io));
  } catch (err) {
    return reportError(err, io);
  }
}
