/**
 * Rich output for notebooks: plots, tables and Markdown as Jupyter MIME
 * bundles. In Deno's Jupyter kernel (`deno jupyter`) they go to
 * `Deno.jupyter.display`; under survkit's notebook runner (`npm run
 * notebooks`) to the sink it installs; anywhere else (a plain script) the
 * `text/plain` part is printed.
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { renderSvg } from './render.js';

/** A Jupyter MIME bundle: MIME type → content. Always has `text/plain`. */
export type MimeBundle = { 'text/plain': string } & Record<string, string>;

/** Receives every bundle survkit displays (see {@link setDisplaySink}). */
export type DisplaySink = (bundle: MimeBundle) => void | Promise<void>;

let sink: DisplaySink | undefined;

/**
 * Routes the bundles of {@link displayPlot}, {@link displayTable} and
 * {@link displayMarkdown} to `next` (e.g. a notebook runner that stores them
 * as cell outputs); `undefined` restores the default. Returns the previous
 * sink.
 */
export function setDisplaySink(next: DisplaySink | undefined): DisplaySink | undefined {
  const previous = sink;
  sink = next;
  return previous;
}

type DenoJupyter = { display?: (obj: unknown, opts: { raw: boolean }) => Promise<void> };

/** Sends a bundle to the sink, Deno's kernel, or stdout (in that order). */
export async function displayBundle(bundle: MimeBundle): Promise<void> {
  if (sink !== undefined) return sink(bundle);
  let jupyter: DenoJupyter | undefined;
  try {
    // Deno.jupyter throws outside the kernel (`deno run`), hence the try.
    jupyter = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno?.jupyter;
  } catch {
    jupyter = undefined;
  }
  if (jupyter?.display !== undefined) return jupyter.display(bundle, { raw: true });
  console.log(bundle['text/plain']);
}

/**
 * Renders a Vega-Lite spec to SVG ({@link renderSvg}) and displays it.
 *
 * @example
 * await displayPlot(kaplanMeierSpec(kaplanMeier({ time, event }), { title: 'Overall survival' }));
 * @throws {SurvkitError} as {@link renderSvg}
 */
export async function displayPlot(spec: TopLevelSpec): Promise<void> {
  const svg = await renderSvg(spec);
  const title = typeof spec.title === 'string' ? spec.title : 'plot';
  await displayBundle({ 'text/plain': `[${title}: SVG, ${svg.length} characters]`, 'image/svg+xml': svg });
}

/** Options of {@link displayTable} / {@link formatTable}. */
export interface TableOptions {
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number;
  /** Column order (default: the keys of the first row, then any new keys in order of appearance). */
  columns?: readonly string[];
}

/** One cell as text: integers as they are, other numbers to `digits` significant digits. */
function cellText(v: unknown, digits: number): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    return Number(v.toPrecision(digits)).toString();
  }
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? '';
}

/**
 * A table as Markdown and as aligned plain text (the two parts of the bundle
 * {@link displayTable} shows). Numbers are right-aligned in the plain text.
 *
 * @param rows one object per row (a type alias or an interface)
 * @throws {SurvkitError} when `rows` is not an array of objects or `digits` is not an integer in [1, 17]
 */
export function formatTable(rows: readonly object[], opts: TableOptions = {}): { markdown: string; text: string } {
  const fn = 'formatTable';
  const list = rows as readonly Record<string, unknown>[];
  const isArray: (x: unknown) => boolean = Array.isArray; // checks without narrowing `list` to any[]
  if (!isArray(list) || list.some((r) => r === null || typeof r !== 'object')) throw survkitError('rowObjects', fn, 'rows', rows);
  const digits = assertNumberOption(fn, 'digits', opts.digits ?? 4, { min: 1, max: 17, integer: true });
  const columns = opts.columns ?? [...new Set(list.flatMap((r) => Object.keys(r)))];
  const body = list.map((r) => columns.map((c) => cellText(r[c], digits)));
  const numeric = columns.map((c) => list.length > 0 && list.every((r) => typeof r[c] === 'number' || r[c] === undefined));
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const markdown = [
    `| ${columns.map(esc).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...body.map((cells) => `| ${cells.map(esc).join(' | ')} |`),
  ].join('\n');
  const widths = columns.map((c, j) => Math.max(c.length, ...body.map((cells) => (cells[j] as string).length)));
  const pad = (s: string, j: number): string => (numeric[j] ? s.padStart(widths[j] as number) : s.padEnd(widths[j] as number));
  const text = [columns.map((c, j) => pad(c, j)).join('  '), ...body.map((cells) => cells.map((s, j) => pad(s, j)).join('  '))]
    .map((line) => line.trimEnd())
    .join('\n');
  return { markdown, text };
}

/**
 * Displays rows as a table (Markdown in a notebook, aligned text elsewhere).
 *
 * @example
 * await displayTable([{ metric: 'Harrell C', value: 0.71234 }, { metric: 'IBS', value: 0.1603 }]);
 * @throws {SurvkitError} as {@link formatTable}
 */
export async function displayTable(rows: readonly object[], opts: TableOptions = {}): Promise<void> {
  const { markdown, text } = formatTable(rows, opts);
  await displayBundle({ 'text/plain': text, 'text/markdown': markdown });
}

/**
 * Displays Markdown text.
 *
 * @throws {SurvkitError} when `markdown` is not a string
 */
export async function displayMarkdown(markdown: string): Promise<void> {
  if (typeof markdown !== 'string') throw survkitError('notString', 'displayMarkdown', 'markdown', markdown);
  await displayBundle({ 'text/plain': markdown, 'text/markdown': markdown });
}
