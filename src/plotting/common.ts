/**
 * Shared pieces of survkit's Vega-Lite spec builders: the schema, sizes,
 * titles and input checks. Plain TypeScript (no TensorFlow.js, no Vega at
 * build time: the builders return JSON-ready objects; see `render.ts`).
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** The Vega-Lite JSON schema the specs declare (Vega-Lite 6). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Options every spec builder takes. */
export interface PlotOptions {
  /** Chart title (default: none). */
  title?: string;
  /** Width of the plotting area in pixels (default 420). */
  width?: number;
  /** Height of the plotting area in pixels (default 300). */
  height?: number;
}

/** A Vega-Lite spec as the builders return it (a plain JSON-ready object). */
export type PlotSpec = TopLevelSpec;

/** Default size of one panel. */
export const DEFAULT_WIDTH = 420;
export const DEFAULT_HEIGHT = 300;

/** Validated width and height. */
export function panelSize(fn: string, opts: PlotOptions): { width: number; height: number } {
  return {
    width: assertNumberOption(fn, 'width', opts.width ?? DEFAULT_WIDTH, { min: 10 }),
    height: assertNumberOption(fn, 'height', opts.height ?? DEFAULT_HEIGHT, { min: 10 }),
  };
}

/** `$schema`, optional title and the shared config of every top-level spec. */
export function topLevel(opts: PlotOptions): { $schema: string; title?: string; background: string; config: { view: { stroke: null } } } {
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title === undefined ? {} : { title: opts.title }),
    background: 'white',
    config: { view: { stroke: null } },
  };
}

/** A finite number or a SurvkitError naming `arg`. */
export function finite(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw survkitError('notFinite', fn, arg, 0, v);
  return v;
}

/** Throws unless `list` is a non-empty array. */
export function nonEmpty<T>(fn: string, arg: string, list: unknown): readonly T[] {
  if (!Array.isArray(list)) throw survkitError('notArray', fn, arg, list);
  if (list.length === 0) throw survkitError('empty', fn, arg);
  return list as readonly T[];
}

/** Throws when two series share a label (their lines would merge). */
export function uniqueLabels(fn: string, arg: string, labels: readonly string[]): void {
  const seen = new Set<string>();
  labels.forEach((l, i) => {
    if (typeof l !== 'string' || l === '') throw survkitError('seriesLabel', fn, `${arg}[${i}].label`, l);
    if (seen.has(l)) throw survkitError('duplicateLabel', fn, `${arg}[${i}].label`, l);
    seen.add(l);
  });
}
