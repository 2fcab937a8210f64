/**
 * kaplanMeierRiskSpec (KM figure with the numbers-at-risk table), riskGroups and
 * forestSpec against R survival (test/fixtures/generators/km_plot.R): numbers at risk
 * equal summary(survfit, times)$n.risk, curves equal survfit (conf.type "log"), the
 * p-value equals survdiff, tertiles equal cut(quantile()); the specs compile and render.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { SurvkitError } from '../../src/core/errors.js';
import { forestSpec } from '../../src/plotting/forest-plot.js';
import { kaplanMeierRiskSpec, niceTimes, riskGroups, type AtRiskRow } from '../../src/plotting/km-risk-plot.js';
import { renderSvg } from '../../src/plotting/render.js';
import { coxph } from '../../src/stats/coxph.js';
import { markCounts } from './svg-marks.js';

interface Curve {
  group: string;
  time: number[];
  surv: number[];
  lower: (number | string)[];
  upper: (number | string)[];
}
interface Case {
  description: string;
  time: number[];
  event: number[];
  groups: string[];
  levels: string[];
  times: number[];
  nRisk: Record<string, number[]>;
  curves: Curve[];
  logrank: { statistic: number; df: number; p: number };
  risk?: number[];
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/km_plot_R.json'), 'utf8')) as { cases: Record<string, Case> };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

interface Spec {
  usermeta: { atRisk: AtRiskRow[]; logrank: { p: number } };
  vconcat: [
    { data: { values: { group: string; time: number; survival: number; lower: number; upper: number }[] }; layer: { mark: { type: string } }[] },
    { data: { values: AtRiskRow[] } },
  ];
}

async function renders(spec: object): Promise<ReturnType<typeof markCounts>> {
  const warnings: string[] = [];
  const log = (m: string): number => warnings.push(m);
  compile(spec as never, { logger: { level: () => 0, error: log, warn: log, info: () => undefined, debug: () => undefined } as never });
  expect(warnings).toEqual([]);
  const svg = await renderSvg(spec as never);
  expect(svg.startsWith('<svg')).toBe(true);
  expect((svg.match(/<path /g) ?? []).length).toBeGreaterThan(3);
  return markCounts(svg);
}

describe('kaplanMeierRiskSpec equals R survfit / summary.survfit / survdiff', () => {
  for (const [name, c] of Object.entries(fixture.cases)) {
    it(`${name}: ${c.description}`, async () => {
      const spec = kaplanMeierRiskSpec({ time: c.time, event: c.event }, c.groups, { times: c.times }) as unknown as Spec;
      // numbers at risk: exact counts, in the table data and in usermeta
      for (const rows of [spec.usermeta.atRisk, spec.vconcat[1].data.values]) {
        expect(rows.length).toBe(c.levels.length * c.times.length);
        for (const lv of c.levels) {
          expect(rows.filter((r) => r.group === lv).map((r) => r.time)).toEqual(c.times);
          expect(rows.filter((r) => r.group === lv).map((r) => r.nRisk)).toEqual(c.nRisk[lv]);
        }
      }
      expect(rel(spec.usermeta.logrank.p, c.logrank.p)).toBeLessThan(1e-9);
      // curve points at R's survfit times: survival and band (R's NA limits are skipped)
      const pts = spec.vconcat[0].data.values;
      for (const cv of c.curves) {
        cv.time.forEach((t, k) => {
          const row = pts.find((r) => r.group === cv.group && r.time === t);
          expect(row).toBeDefined();
          expect(Math.abs((row?.survival as number) - (cv.surv[k] as number))).toBeLessThan(1e-12);
          const lo = cv.lower[k];
          const up = cv.upper[k];
          if (typeof lo === 'number') expect(Math.abs((row?.lower as number) - lo)).toBeLessThan(1e-12);
          if (typeof up === 'number') expect(Math.abs((row?.upper as number) - up)).toBeLessThan(1e-12);
        });
      }
      // layers: band, step line, censoring ticks, p-value text; the table is one text mark per group and time
      expect(spec.vconcat[0].layer.map((l) => l.mark.type)).toEqual(['area', 'line', 'point', 'text']);
      const marks = await renders(spec);
      expect(marks.line?.items).toBe(c.levels.length);
      expect(marks.area?.items).toBe(c.levels.length);
      expect(marks.text?.items).toBe(c.levels.length * c.times.length + 1);
      expect(marks.symbol?.items).toBeGreaterThan(0);
    }, 30000);
  }

  it('riskGroups gives R cut(quantile()) tertiles of a linear predictor', () => {
    const c = fixture.cases.lung_tertiles as Case;
    expect(riskGroups(c.risk as number[])).toEqual(c.groups);
    expect(riskGroups([1, 2, 3, 4], 2)).toEqual(['Q1', 'Q1', 'Q2', 'Q2']);
  });

  it('default ticks are round times from 0 to the largest time; positions of the table follow them', () => {
    expect(niceTimes(1022)).toEqual([0, 250, 500, 750, 1000]);
    expect(niceTimes(999)).toEqual([0, 200, 400, 600, 800]);
    expect(niceTimes(7.3)).toEqual([0, 2, 4, 6]);
    const c = fixture.cases.lung_sex as Case;
    const spec = kaplanMeierRiskSpec({ time: c.time, event: c.event }, c.groups, { levels: ['male', 'female'] }) as unknown as Spec & {
      vconcat: [{ layer: { encoding?: { x?: { axis?: { values?: number[] } } } }[] }, { encoding: { y: { sort: string[] } } }];
    };
    expect(spec.usermeta.atRisk.filter((r) => r.group === 'male').map((r) => r.nRisk)).toEqual(c.nRisk.male);
    expect(spec.vconcat[0].layer[1]?.encoding?.x?.axis?.values).toEqual([0, 250, 500, 750, 1000]);
    expect(spec.vconcat[1].encoding.y.sort).toEqual(['male', 'female']);
  });

  it('each number at risk is drawn under its time on the x-axis (same x in the rendered scene)', async () => {
    const c = fixture.cases.lung_sex as Case;
    const spec = kaplanMeierRiskSpec({ time: c.time, event: c.event }, c.groups, { times: c.times });
    const view = new View(parse(compile(structuredClone(spec)).spec), { renderer: 'none' });
    await view.runAsync();
    interface Item {
      x?: number;
      text?: string;
      datum?: { time?: number; nRisk?: number };
      items?: Item[];
      mark?: { role?: string; marktype?: string };
    }
    const labels: { x: number; text: string }[] = [];
    const cells: { x: number; time: number }[] = [];
    const walk = (node: Item, x0: number, role: string | undefined): void => {
      const x = x0 + (node.mark?.marktype === 'group' || node.items === undefined ? (node.x ?? 0) : 0);
      if (node.text !== undefined && role === 'axis-label') labels.push({ x, text: node.text });
      if (node.text !== undefined && role === 'mark' && node.datum?.nRisk !== undefined) cells.push({ x, time: node.datum.time as number });
      for (const child of node.items ?? []) walk(child, x, (child as { role?: string }).role ?? role);
    };
    walk((view.scenegraph() as unknown as { root: Item }).root, 0, undefined);
    view.finalize();
    expect(cells.length).toBe(c.times.length * 2);
    for (const cell of cells) {
      const label = labels.filter((l) => Number(l.text.replace(/,/g, '')) === cell.time);
      expect(label.length).toBeGreaterThan(0);
      // the axis is drawn at a half-pixel offset (crisp lines)
      expect(Math.min(...label.map((l) => Math.abs(l.x - cell.x)))).toBeLessThanOrEqual(0.5);
    }
  });

  it('one curve without groups, and no p-value', () => {
    const spec = kaplanMeierRiskSpec({ time: [1, 2, 3, 4, 5], event: [1, 0, 1, 1, 0] }) as unknown as Spec;
    // ticks 0..5; at risk at t = #{T >= t}
    expect(spec.usermeta.atRisk.map((r) => r.time)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(spec.usermeta.atRisk.map((r) => r.nRisk)).toEqual([5, 5, 4, 3, 2, 1]);
    expect(spec.vconcat[0].layer.map((l) => l.mark.type)).toEqual(['area', 'line', 'point']);
  });

  it('rejects bad times and levels', () => {
    const y = { time: [1, 2, 3], event: [1, 0, 1] };
    expect(() => kaplanMeierRiskSpec(y, ['a', 'b', 'a'], { times: [0, 5, 2] })).toThrow(SurvkitError);
    expect(() => kaplanMeierRiskSpec(y, ['a', 'b', 'a'], { times: [0, 5, 2] })).toThrow(/kaplanMeierRiskSpec: 'times' must be increasing finite times >= 0/);
    expect(() => kaplanMeierRiskSpec(y, ['a', 'b', 'a'], { levels: ['a'] })).toThrow(/kaplanMeierRiskSpec: 'levels' must list each group once \("a", "b"\)/);
  });
});

describe('forestSpec', () => {
  it('draws one interval and one hazard ratio per covariate, with its numbers', async () => {
    const c = fixture.cases.lung_tertiles as Case;
    const fit = coxph({ time: c.time, event: c.event }, { risk: c.risk as number[], x: c.time.map((_, i) => (i % 3) - 1) });
    const spec = forestSpec(fit, { title: 'Hazard ratios' }) as unknown as {
      data: { values: { name: string; hr: number; lower: number; upper: number; label: string }[] };
    };
    expect(spec.data.values.map((v) => v.name)).toEqual(['risk', 'x']);
    spec.data.values.forEach((v, k) => {
      const r = fit.coefficients[k];
      expect(v.hr).toBe(r?.hazardRatio);
      expect(v.lower).toBe(r?.lower);
      expect(v.upper).toBe(r?.upper);
      expect(v.label.startsWith(`${(r?.hazardRatio as number).toFixed(2)} (`)).toBe(true);
    });
    const marks = await renders(spec);
    expect(marks.rule?.items).toBe(3); // the line at 1 and two intervals
    expect(marks.symbol?.items).toBe(2);
  }, 30000);

  it('rejects a result without coefficients', () => {
    expect(() => forestSpec({} as never)).toThrow(/forestSpec: 'fit' must be a result of coxph/);
  });
});
