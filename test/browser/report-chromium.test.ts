/**
 * The evaluate and train reports in a real browser (headless Chromium), opened
 * from file:// with every other request failed: no console error, every
 * figure drawn (an SVG with non-empty paths), no request but the file itself.
 * Screenshots go to $SURVKIT_SCREENSHOTS (docs/figures for the committed ones).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFile } from '../../src/report/evaluate.js';
import { buildReport } from '../../src/report/report-html.js';
import { trainFile } from '../../src/tabular/train.js';
import { tempDir } from '../helpers/temp-dir.js';
import { survivalCsv, writeCsv } from '../cli/train-data-fixture.js';
import { chromiumPath, figureSummary, guardedPage, launch, NO_CHROMIUM, screenshotDir } from './chromium.js';

const found = chromiumPath() !== undefined;
if (!found) console.warn(NO_CHROMIUM);
const tmp = tempDir('survkit-report-browser-');
const shots = screenshotDir();

describe.skipIf(!found)('reports in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function check(html: string, figures: number, name: string): Promise<void> {
    const file = join(tmp, `${name}.html`);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const { page, log } = await guardedPage(browser, (u) => u === url);
    await page.setViewport({ width: 1100, height: 1500 });
    await page.goto(url, { waitUntil: 'load' });
    const figs = await figureSummary(page);
    expect(figs).toHaveLength(figures);
    for (const f of figs) {
      expect(f.svg, `figure ${f.id} has an SVG`).toBe(true);
      expect(f.paths, `figure ${f.id} has drawn paths`).toBeGreaterThan(0);
    }
    expect(log.errors).toEqual([]);
    expect(log.blocked).toEqual([]);
    expect(log.requests).toEqual([url]);
    await page.screenshot({ path: `${join(shots, name)}.png` });
    await page.close();
  }

  it('evaluate report (curves, groups, --train, bootstrap CIs)', async () => {
    const built = await buildReport(
      evaluateFile('datasets/example-predictions.csv', { train: 'datasets/example-train.csv', bootstrap: 100, seed: 1, figures: true }),
    );
    await check(built.html, built.figures.length, 'report-evaluate');
  }, 300_000);

  it('evaluate report of a risk-format file', async () => {
    const built = await buildReport(evaluateFile('datasets/example-risk.csv', { figures: true }));
    await check(built.html, built.figures.length, 'report-evaluate-risk');
  }, 300_000);

  it('train report (loss curves, settings, test metrics)', async () => {
    const data = writeCsv(tmp, 'train.csv', survivalCsv(600, 3));
    const report = await trainFile(data, { model: 'coxph', split: { kind: 'column', splitCol: 'split', valCol: 'val' }, epochs: 40, seed: 1, figures: true });
    const built = await buildReport(report);
    await check(built.html, built.figures.length, 'report-train');
  }, 300_000);
});
