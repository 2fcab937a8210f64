/** Counts the marks in an SVG written by vega's headless renderer. */

/** Per mark type ('symbol', 'line', 'rect', 'area', 'rule', 'text'): the mark containers and the items drawn in them. */
export function markCounts(svg: string): Record<string, { groups: number; items: number }> {
  const out: Record<string, { groups: number; items: number }> = {};
  const re = /<g class="mark-([a-z]+) role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g;
  for (let m = re.exec(svg); m !== null; m = re.exec(svg)) {
    const type = m[1] as string;
    const body = m[2] as string;
    const items = (body.match(/role="graphics-symbol"/g) ?? []).length;
    const e = (out[type] ??= { groups: 0, items: 0 });
    e.groups += 1;
    e.items += items;
  }
  return out;
}
