/**
 * The report page: one self-contained HTML document (inline CSS and SVG,
 * system fonts, no script, nothing fetched when it is viewed), built from a
 * {@link ReportPlan} and the SVG of each figure. {@link reportHtml} is a pure
 * function; {@link buildReport} adds the rendering of the figures by Vega,
 * which runs the same in Node and in a browser.
 */
import type { PlotSpec } from '../plotting/common.js';
import { reportPlan, type ReportPlan } from './report-plan.js';
import { esc } from './report-text.js';

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:0;color:#222;background:#fafafa}
.survkit-report{max-width:1100px;margin:0 auto;padding:16px 24px 48px;background:#fff}
.survkit-report h1{font-size:1.5em;margin:.4em 0 .1em}.survkit-report h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.survkit-report .sub{color:#555;margin:0 0 1em}.survkit-report nav a{margin-right:.8em}
.survkit-report table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
.survkit-report th,.survkit-report td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
.survkit-report th{background:#f3f3f3}.survkit-report td.num{text-align:right;font-variant-numeric:tabular-nums}
.survkit-report .skipped{color:#a33}.survkit-report .note{color:#555;font-size:.92em}
.survkit-report figure{margin:.6em .4em;padding:8px;border:1px solid #eee;display:inline-block;vertical-align:top;width:calc(50% - 30px);min-width:300px;box-sizing:border-box}
.survkit-report figure svg{width:100%;height:auto}.survkit-report figcaption{font-size:.88em;color:#444;max-width:520px}
.survkit-report ul.conventions li{margin:.35em 0}.survkit-report code{font-size:.92em}
`;

/** Gives the ids inside one SVG a prefix, so that several SVGs on one page do not share clip paths. */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/<\?xml[^>]*>\s*/, '')
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

/**
 * The report's body (a `<style>` and a `<main class="survkit-report">`), to place in another page.
 *
 * @param plan from `reportPlan`
 * @param svgs the SVG of each figure by its id (a figure without one shows a note)
 */
export function reportFragment(plan: ReportPlan, svgs: Readonly<Record<string, string>>): string {
  const nav = plan.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.heading)}</a>`).join('');
  let k = 0;
  const sections = plan.sections.map((s) => {
    const blocks = s.blocks.map((b) => {
      if (!('figure' in b)) return b.html;
      const f = b.figure;
      const svg = svgs[f.id];
      const body = svg === undefined ? '<p class="note">(figure not rendered)</p>' : scopeSvgIds(svg, `f${k++}-`);
      return `<figure id="fig-${esc(f.id)}" data-figure="${esc(f.id)}">${body}<figcaption><b>${esc(f.title)}.</b> ${esc(f.caption)}</figcaption>${b.after ?? ''}</figure>`;
    });
    return `<section id="${esc(s.id)}"><h2>${esc(s.heading)}</h2>${blocks.join('\n')}</section>`;
  });
  return `<style>${CSS}</style><main class="survkit-report"><h1>${esc(plan.title)}</h1><p class="sub">${esc(plan.subtitle)}</p><nav>${nav}</nav>${sections.join('\n')}</main>`;
}

/**
 * The report as one self-contained HTML document (pure: data in, string out).
 *
 * @example
 * const plan = reportPlan(evaluatePredictions(pred, { figures: true }));
 * const html = reportHtml(plan, svgsById);
 */
export function reportHtml(plan: ReportPlan, svgs: Readonly<Record<string, string>>): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">\
<title>${esc(plan.title)}</title></head><body>${reportFragment(plan, svgs)}</body></html>\n`;
}

/** What {@link buildReport} returns. */
export interface BuiltReport {
  html: string;
  plan: ReportPlan;
  /** Every figure's id, title, Vega-Lite spec and SVG, in page order (for `--figures`). */
  figures: { id: string; title: string; spec: PlotSpec; svg: string }[];
}

/**
 * Builds the report page of the output of `survkit evaluate` or `survkit
 * train` (as returned, or parsed from `--format json`): {@link reportPlan},
 * each figure rendered to SVG by `render` (default: survkit's `renderSvg`,
 * Vega headless), then {@link reportHtml}.
 *
 * @example
 * const { html } = await buildReport(evaluateFile('preds.csv', { figures: true }));
 * @throws {SurvkitError} (`reportInput`) when `source` is not such an output
 */
export async function buildReport(source: unknown, opts: { title?: string; render?: (spec: PlotSpec) => Promise<string> } = {}): Promise<BuiltReport> {
  const plan = reportPlan(source, opts.title === undefined ? {} : { title: opts.title });
  const render = opts.render ?? (async (spec: PlotSpec) => (await import('../plotting/render.js')).renderSvg(spec));
  const figures: BuiltReport['figures'] = [];
  for (const f of plan.figures) figures.push({ id: f.id, title: f.title, spec: f.spec, svg: await render(f.spec) });
  const svgs = Object.fromEntries(figures.map((f) => [f.id, f.svg]));
  return { html: reportHtml(plan, svgs), plan, figures };
}
