/**
 * Rendering of Vega-Lite specs in Node without a browser or canvas: SVG via
 * vega-lite (compile) and vega (a headless `View` with renderer 'none'), PNG
 * via the optional package `@resvg/resvg-js`. Vega and resvg are loaded on
 * first use (dynamic import), so importing survkit does not load them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** Options of {@link renderPng}. */
export interface RenderPngOptions {
  /** Pixel density: 2 renders at twice the SVG's size (default 2). */
  scale?: number;
  /** Font files to use instead of the system fonts (e.g. a DejaVu Sans .ttf where none are installed). */
  fontFiles?: string[];
  /** Font family used for the SVG's generic 'sans-serif' (default 'DejaVu Sans'). */
  sansSerifFamily?: string;
}

/**
 * Compiles a Vega-Lite spec to Vega and renders it headless to an SVG
 * string (`vega-lite` `compile`, then `new vega.View(vega.parse(spec),
 * { renderer: 'none' }).toSVG()`). Text uses the viewer's sans-serif font.
 *
 * @param spec a Vega-Lite spec, e.g. from {@link kaplanMeierSpec}
 * @returns the SVG document as a string
 * @example
 * const svg = await renderSvg(kaplanMeierSpec(kaplanMeier({ time, event })));
 * await writeFile('km.svg', svg);
 * @throws {SurvkitError} when the spec is not an object; Vega-Lite's and Vega's own errors for an invalid spec
 * @see Satyanarayan et al. (2017), Vega-Lite: A Grammar of Interactive Graphics, IEEE TVCG 23(1)
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  if (spec === null || typeof spec !== 'object') throw survkitError('vegaLiteSpec', 'renderSvg', 'spec', spec);
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  // A copy: vega tags the data objects it ingests, and the caller's spec must stay as it was.
  const compiled = vl.compile(structuredClone(spec)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a Vega-Lite spec to PNG bytes: {@link renderSvg}, then
 * `@resvg/resvg-js` (an optional dependency; install it to use this). Text
 * needs a system font (resvg picks DejaVu Sans where `fonts-dejavu-core` is
 * installed) or `fontFiles`.
 *
 * @example
 * await writeFile('km.png', await renderPng(spec, { scale: 2 }));
 * @throws {SurvkitError} (`missingPackage`) when `@resvg/resvg-js` is not installed, or for a bad `scale`
 */
export async function renderPng(spec: TopLevelSpec, opts: RenderPngOptions = {}): Promise<Uint8Array> {
  const fn = 'renderPng';
  const scale = assertNumberOption(fn, 'scale', opts.scale ?? 2, { min: 0, minExclusive: true, max: 16 });
  const resvg = await loadResvg(fn);
  const svg = await renderSvg(spec);
  const family = opts.sansSerifFamily ?? 'DejaVu Sans';
  const r = new resvg.Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family, ...(opts.fontFiles === undefined ? {} : { fontFiles: opts.fontFiles }) },
    background: 'white',
  });
  return new Uint8Array(r.render().asPng());
}

/** The name of the optional PNG package (a variable, so that bundlers and tsc do not require it). */
const RESVG = '@resvg/resvg-js';

interface ResvgModule {
  Resvg: new (svg: string, opts: object) => { render(): { asPng(): Uint8Array } };
}

/** Whether `@resvg/resvg-js` can be loaded (PNG output available). */
export async function pngAvailable(): Promise<boolean> {
  try {
    await loadResvg('pngAvailable');
    return true;
  } catch {
    return false;
  }
}

async function loadResvg(fn: string): Promise<ResvgModule> {
  try {
    const mod = (await import(RESVG)) as ResvgModule & { default?: ResvgModule };
    return typeof mod.Resvg === 'function' ? mod : (mod.default as ResvgModule);
  } catch {
    throw survkitError('missingPackage', fn, RESVG, 'to render PNG images (SVG output needs only vega and vega-lite)');
  }
}
