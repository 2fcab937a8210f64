/**
 * The example figures of docs/statistics.md: the Kaplan–Meier plot of R's lung
 * data by sex with the numbers at risk, the same by tertiles of a Cox model's
 * risk score, and the hazard-ratio forest plot of that model.
 *
 *   npx tsx bench/stats-figures.ts [SHARED_DIR]   (default ../shared; writes docs/figures/lung-*.svg|png)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forestSpec, kaplanMeierRiskSpec, renderPng, renderSvg, riskGroups, type PlotSpec } from '../src/plotting/index.js';
import { coxph } from '../src/stats/index.js';

const shared = process.argv[2] ?? '../shared';
const [header, ...lines] = readFileSync(join(shared, 'datasets', 'r_lung.csv'), 'utf8')
  .trim()
  .split('\n');
const cols = (header as string).split(',').map((h) => h.replace(/"/g, ''));
const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, k) => [cols[k] as string, v === 'NA' ? NaN : Number(v)])));
const lung = rows.filter((r) => Number.isFinite(r['ph.ecog']));
const time = lung.map((r) => r.time as number);
const event = lung.map((r) => ((r.status as number) === 2 ? 1 : 0));
const sex = lung.map((r) => ((r.sex as number) === 1 ? 'male' : 'female'));

const fit = coxph(
  { time, event },
  { age: lung.map((r) => r.age as number), sex: lung.map((r) => (r.sex as number) - 1), 'ph.ecog': lung.map((r) => r['ph.ecog'] as number) },
);
const figures: [string, PlotSpec][] = [
  ['lung-km-sex', kaplanMeierRiskSpec({ time, event }, sex, { title: 'lung: overall survival by sex', xTitle: 'Days' })],
  [
    'lung-km-risk-tertiles',
    kaplanMeierRiskSpec({ time, event }, riskGroups(fit.linearPredictor), {
      title: 'lung: by tertile of the Cox risk score (age, sex, ph.ecog)',
      xTitle: 'Days',
      levels: ['low', 'middle', 'high'],
    }),
  ],
  ['lung-forest', forestSpec(fit, { title: 'lung: Cox regression, hazard ratios' })],
];
for (const [name, spec] of figures) {
  writeFileSync(join('docs', 'figures', `${name}.svg`), await renderSvg(spec));
  writeFileSync(join('docs', 'figures', `${name}.png`), await renderPng(spec));
  console.log(`docs/figures/${name}.svg, .png`);
}
