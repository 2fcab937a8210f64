/**
 * Report files from the command line: `--report <file.html>` and
 * `--figures <dir>` of evaluate and train, `survkit report <run.json>` (a
 * saved `--format json` output rendered again) and `survkit serve` (the
 * client-side evaluation page on localhost). Imported only when one of
 * them is used, so plain `survkit evaluate` loads no Vega.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { survkitError } from '../core/errors.js';
import { pngAvailable, renderPng } from '../plotting/render.js';
import { buildReport } from '../report/report-html.js';
import { REPORT_HELP, SERVE_HELP } from './help.js';
import { numberFlag, parseFlags, reportError, UsageError, type CliIo } from './usage.js';

/** Where the report outputs go. */
export interface ReportTargets {
  /** The HTML file. */
  report?: string;
  /** A folder for one SVG (and PNG when @resvg/resvg-js is installed) per figure. */
  figures?: string;
  title?: string;
}

/**
 * Builds the report of `source` (an evaluate or train result, or its JSON) and writes the HTML file and the figures.
 *
 * @returns one line per file written, for stdout or stderr
 */
export async function writeReportFiles(source: unknown, t: ReportTargets): Promise<string[]> {
  const built = await buildReport(source, t.title === undefined ? {} : { title: t.title });
  const lines: string[] = [];
  if (t.report !== undefined) {
    writeFileSync(t.report, built.html);
    lines.push(`wrote the report (${built.figures.length} figures, ${Math.round(built.html.length / 1024)} kB) to ${t.report}`);
  }
  if (t.figures !== undefined) {
    mkdirSync(t.figures, { recursive: true });
    const png = await pngAvailable();
    for (const f of built.figures) {
      writeFileSync(join(t.figures, `${f.id}.svg`), f.svg);
      if (png) writeFileSync(join(t.figures, `${f.id}.png`), await renderPng(f.spec, { scale: 2 }));
    }
    lines.push(`wrote ${built.figures.length} figures as SVG${png ? ' and PNG' : ' (PNG needs the optional package @resvg/resvg-js)'} to ${t.figures}`);
  }
  return lines;
}

const REPORT_FLAGS = {
  out: { type: 'string' },
  figures: { type: 'string' },
  title: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `survkit report <run.json> --out report.html [--figures dir] [--title text]`. */
export async function runReport(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values: v, positionals } = parseFlags(args, REPORT_FLAGS);
    if (v.help === true) {
      io.stdout(REPORT_HELP);
      return 0;
    }
    if (positionals.length !== 1)
      throw new UsageError(`report takes one JSON file (the --format json output of survkit evaluate or train); got ${positionals.length}`);
    const out = typeof v.out === 'string' ? v.out : undefined;
    const figures = typeof v.figures === 'string' ? v.figures : undefined;
    if (out === undefined && figures === undefined) throw new UsageError('report needs --out <report.html> or --figures <dir>');
    const file = positionals[0] as string;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw survkitError('reportInput', 'survkit report', file, `it cannot be read (${(err as Error).message})`);
    }
    let source: unknown;
    try {
      source = JSON.parse(text);
    } catch (err) {
      throw survkitError('reportInput', 'survkit report', file, `it is not JSON (${(err as Error).message})`);
    }
    const lines = await writeReportFiles(source, {
      ...(out === undefined ? {} : { report: out }),
      ...(figures === undefined ? {} : { figures }),
      ...(typeof v.title === 'string' ? { title: v.title } : {}),
    });
    io.stdout(lines.map((l) => `${l}\n`).join(''));
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

const SERVE_FLAGS = { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** `survkit serve [--port 8417]`: the evaluation page on http://127.0.0.1:<port>/ until Ctrl-C. */
export async function runServe(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values: v, positionals } = parseFlags(args, SERVE_FLAGS);
    if (v.help === true) {
      io.stdout(SERVE_HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`serve takes no positional arguments; got ${positionals.map((p) => JSON.stringify(p)).join(', ')}`);
    const port =
      typeof v.port === 'string'
        ? numberFlag('port', v.port, 'an integer in [0, 65535] (0: any free port)', (x) => Number.isInteger(x) && x >= 0 && x <= 65535)
        : 8417;
    const { startServer } = await import('./serve.js');
    const server = await startServer({ port });
    io.stdout(`survkit evaluation page on ${server.url} (only this machine can reach it; the data never leave the browser). Ctrl-C stops.\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => {
        void server.close().then(resolve);
      });
    });
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}
