#!/usr/bin/env node
/**
 * The `survkit` command: argument parsing (node:util parseArgs), `--help`,
 * `--version` and dispatch to the subcommands. Exit codes: 0 ok, 2 bad input
 * or usage (one line on stderr), 1 unexpected error.
 */
import { closeSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateFile, evaluateFileAsync, type EvaluateOptions, type EvaluateReport } from '../report/evaluate.js';
import { tableFormat } from '../io/columnar.js';
import { formatJsonPieces, formatTable } from './format.js';
import { EVALUATE_HELP, MAIN_HELP } from './help.js';
import { csvFlags, numberFlag, parseFlags, reportError, UsageError, type CliIo } from './usage.js';
import { messages } from '../core/messages.js';
import type { PredictionColumns } from '../io/predictions.js';
import { runStats, runStatsAsync } from './stats.js';

export type { CliIo } from './usage.js';

const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

const OPTIONS = {
  train: { type: 'string' },
  times: { type: 'string' },
  grid: { type: 'string' },
  tau: { type: 'string' },
  convention: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  format: { type: 'string' },
  report: { type: 'string' },
  figures: { type: 'string' },
  json: { type: 'string' },
  'calibration-times': { type: 'string' },
  'time-col': { type: 'string' },
  'event-col': { type: 'string' },
  'risk-col': { type: 'string' },
  'id-col': { type: 'string' },
  'group-col': { type: 'string' },
  'event-value': { type: 'string' },
  'ignore-extra': { type: 'boolean' },
  strict: { type: 'boolean' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The package version, read from package.json next to src/ or dist/. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const number = numberFlag;

/** The commands that load TensorFlow.js (run from commands.ts, imported on demand). */
const ASYNC_COMMANDS = ['train', 'predict', 'info'] as const;
const COMMANDS = '"evaluate", "train", "predict" or "info"';

/** Turns the parsed flags into {@link EvaluateOptions}, rejecting malformed values. */
export function evaluateOptions(values: Partial<Record<keyof typeof OPTIONS, string | boolean>>): { options: EvaluateOptions; format: 'table' | 'json' } {
  const str = (k: keyof typeof OPTIONS): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  const o: EvaluateOptions = {};
  const train = str('train');
  if (train !== undefined) o.train = train;
  const times = str('times');
  const grid = str('grid');
  if (times !== undefined && grid !== undefined) throw new UsageError('--times and --grid cannot be used together');
  if (times !== undefined) {
    const list = times.split(',').map((t) => number('times', t, 'a comma-separated list of times >= 0', (v) => v >= 0));
    for (let k = 1; k < list.length; k++) {
      if (!((list[k] as number) > (list[k - 1] as number))) throw new UsageError(`--times must be strictly ascending; got ${JSON.stringify(times)}`);
    }
    o.times = list;
  }
  if (grid !== undefined) o.grid = number('grid', grid, 'an integer >= 2', (v) => Number.isInteger(v) && v >= 2);
  const tau = str('tau');
  if (tau !== undefined) o.tau = number('tau', tau, 'a time > 0', (v) => v > 0);
  const convention = str('convention');
  if (convention !== undefined) {
    if (convention !== 'pycox' && convention !== 'sksurv') throw new UsageError(`--convention must be pycox or sksurv; got ${JSON.stringify(convention)}`);
    o.convention = convention;
  }
  const bs = str('bootstrap');
  if (bs !== undefined) o.bootstrap = number('bootstrap', bs, 'an integer >= 2 (the number of resamples)', (v) => Number.isInteger(v) && v >= 2);
  const seed = str('seed');
  if (seed !== undefined) {
    if (bs === undefined) throw new UsageError('--seed needs --bootstrap');
    o.seed = number('seed', seed, 'an integer', (v) => Number.isSafeInteger(v));
  }
  const format = str('format') ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json; got ${JSON.stringify(format)}`);
  const columns: PredictionColumns = {};
  const col = (flag: 'time-col' | 'event-col' | 'risk-col' | 'id-col' | 'group-col', key: 'time' | 'event' | 'risk' | 'id' | 'group'): void => {
    const v = str(flag);
    if (v !== undefined) columns[key] = v;
  };
  col('time-col', 'time');
  col('event-col', 'event');
  col('risk-col', 'risk');
  col('id-col', 'id');
  col('group-col', 'group');
  const ev = str('event-value');
  if (ev !== undefined) columns.eventValue = ev;
  if (values['ignore-extra'] === true) columns.ignoreExtra = true;
  const csv = csvFlags(str('delimiter'), str('decimal'));
  if (Object.keys(csv).length > 0) columns.csv = csv;
  if (Object.keys(columns).length > 0) o.columns = columns;
  if (values.strict === true) o.strict = true;
  const cal = str('calibration-times');
  const ascending = (flag: string, text: string): number[] => {
    const list = text.split(',').map((t) => number(flag, t, 'a comma-separated list of times >= 0', (v) => v >= 0));
    for (let k = 1; k < list.length; k++) {
      if (!((list[k] as number) > (list[k - 1] as number))) throw new UsageError(`--${flag} must be strictly ascending; got ${JSON.stringify(text)}`);
    }
    return list;
  };
  // the JSON carries the figure data, so that survkit report can draw it later
  if (format === 'json' || str('json') !== undefined || str('report') !== undefined || str('figures') !== undefined || cal !== undefined) {
    o.figures = cal === undefined ? true : { calibrationTimes: ascending('calibration-times', cal) };
  }
  return { options: o, format };
}

/**
 * Runs the `survkit` command. `evaluate`, `--help`, `--version` and usage
 * errors finish synchronously and return the exit code; `train`, `predict`
 * and `info` (which load TensorFlow.js, imported only then) return a promise of it.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`)
 * @param io where to write standard output and standard error
 * @returns the exit code (or its promise): 0 ok, 2 bad input or usage, 1 unexpected error
 * @example
 * const code = main(['evaluate', 'datasets/example-risk.csv', '--format', 'json'], { stdout: console.log, stderr: console.error });
 * const trained = await main(['train', '--model', 'coxph', '--data', 'metabric.csv', '--split-col', 'split'], io);
 */
export function main(argv: readonly string[], io: CliIo = processIo): number | Promise<number> {
  const first = argv[0];
  if (first === 'stats') return argv.some((a) => tableFormat(a) === 'parquet') ? runStatsAsync(argv.slice(1), io) : runStats(argv.slice(1), io);
  if (first === 'report' || first === 'serve') {
    return import('./report-cmd.js').then(
      (m) => (first === 'report' ? m.runReport(argv.slice(1), io) : m.runServe(argv.slice(1), io)),
      (err: unknown) => reportError(err, io),
    );
  }
  if ((ASYNC_COMMANDS as readonly string[]).includes(first ?? '')) {
    return import('./commands.js').then(
      (m) => m.runAsyncCommand(first as (typeof ASYNC_COMMANDS)[number], argv.slice(1), io, version()),
      (err: unknown) => reportError(err, io),
    );
  }
  try {
    if (argv.length === 0 || (argv.length === 1 && argv[0] === 'help')) {
      io.stdout(`${MAIN_HELP}\n${EVALUATE_HELP}`);
      return 0;
    }
    if (argv[0] === 'help' && argv.length === 2) return main([argv[1] as string, '--help'], io);
    const { values, positionals } = parseFlags(argv, OPTIONS);
    const [command, ...rest] = positionals;
    if (values.version === true) {
      io.stdout(`${version()}\n`);
      return 0;
    }
    if (values.help === true) {
      io.stdout(command === 'evaluate' ? EVALUATE_HELP : `${MAIN_HELP}\n${EVALUATE_HELP}`);
      return 0;
    }
    if (command === undefined) throw new UsageError(`no command given; the command is ${COMMANDS}`);
    if ((ASYNC_COMMANDS as readonly string[]).includes(command))
      throw new UsageError(`put the command ${JSON.stringify(command)} first (survkit ${command} [options])`);
    if (command !== 'evaluate') throw new UsageError(`unknown command ${JSON.stringify(command)}; the command is ${COMMANDS}`);
    if (rest.length === 0) throw new UsageError('evaluate needs a predictions CSV file');
    if (rest.length > 1) throw new UsageError(`evaluate takes one predictions file; got ${rest.length} (${rest.map((r) => JSON.stringify(r)).join(', ')})`);
    const { options, format } = evaluateOptions(values);
    if (options.bootstrap !== undefined && process.stderr.isTTY === true && io === processIo) options.onProgress = ttyProgress();
    const file = rest[0] as string;
    if ([file, options.train].some((f) => typeof f === 'string' && tableFormat(f) === 'parquet')) {
      // Parquet is read asynchronously: the exit code comes as a promise
      return evaluateFileAsync(file, options).then(
        (report) => printEvaluation(report, options, format, values, io),
        (err: unknown) => reportError(err, io),
      );
    }
    return printEvaluation(evaluateFile(file, options), options, format, values, io);
  } catch (err) {
    return reportError(err, io);
  }
}

/** Writes the JSON of `report` to `path` in pieces (a large report is never built as one string). */
function writeJsonFile(path: string, report: EvaluateReport): void {
  const fd = openSync(path, 'w');
  try {
    for (const piece of formatJsonPieces(report)) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
}

function printEvaluation(
  report: EvaluateReport,
  options: EvaluateOptions,
  format: string,
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): number | Promise<number> {
  try {
    if (options.onProgress !== undefined) process.stderr.write('\r\x1b[K');
    for (const w of report.meta.warnings ?? []) io.stderr(`warning: ${w}\n`);
    if (format === 'json') for (const piece of formatJsonPieces(report)) io.stdout(piece);
    else io.stdout(formatTable(report));
    if (typeof values.json === 'string') writeJsonFile(values.json, report);
    const code = allSkipped(report) ? 3 : 0;
    if (code === 3) io.stderr(`${messages.allSkipped('survkit evaluate')}\n`);
    const targets = reportTargets(values);
    if (targets === undefined) return code;
    return import('./report-cmd.js')
      .then((m) => m.writeReportFiles(report, targets))
      .then(
        (lines) => {
          for (const l of lines) io.stderr(`${l}\n`);
          return code;
        },
        (err: unknown) => reportError(err, io),
      );
  } catch (err) {
    return reportError(err, io);
  }
}

/** The --report / --figures targets, or undefined when neither is given. */
function reportTargets(values: Record<string, string | boolean | undefined>): { report?: string; figures?: string } | undefined {
  const report = typeof values.report === 'string' ? values.report : undefined;
  const figures = typeof values.figures === 'string' ? values.figures : undefined;
  if (report === undefined && figures === undefined) return undefined;
  return { ...(report === undefined ? {} : { report }), ...(figures === undefined ? {} : { figures }) };
}

/** A progress line on the terminal (stderr), redrawn at most every 200 ms and cleared at the end; Ctrl-C stops the run. */
function ttyProgress(): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    process.stderr.write(`\rbootstrap: ${done} of ${total} metric evaluations (Ctrl-C stops)`);
  };
}

/** Whether every metric of the report (there is at least one) was skipped. */
export function allSkipped(report: object): boolean {
  const metrics = Object.entries(report).filter(([k]) => k !== 'meta' && k !== 'groups' && k !== 'figures');
  return metrics.length > 0 && metrics.every(([, v]) => typeof v === 'object' && v !== null && 'skipped' in v);
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  // a closed pipe (survkit predict … | head) ends the command quietly
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const code = main(process.argv.slice(2));
  if (typeof code === 'number') process.exitCode = code;
  else void code.then((c) => (process.exitCode = c));
}
