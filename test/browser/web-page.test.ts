/**
 * The evaluation page in headless Chromium, opened from a file and served by
 * `survkit serve`: upload datasets/example-predictions.csv (and the training
 * labels), evaluate, and check that the C-indices shown equal those printed by
 * `survkit evaluate` to the printed digits, that every figure is drawn, that
 * there is no console error and that the page requested nothing but its own files
 * (the evaluation worker starts from a blob: URL of the page's own script, no request).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startServer } from '../../src/cli/serve.js';
import { buildWeb } from '../../web/build.js';
import { tempDir } from '../helpers/temp-dir.js';
import { chromiumPath, figureSummary, guardedPage, launch, NO_CHROMIUM, screenshotDir } from './chromium.js';

const found = chromiumPath() !== undefined;
if (!found) console.warn(NO_CHROMIUM);
const PRED = 'datasets/example-predictions.csv';
const TRAIN = 'datasets/example-train.csv';

/** The value column of a metric's line in `survkit evaluate`'s table. */
async function printed(args: string[], label: string): Promise<string> {
  let out = '';
  await main(['evaluate', ...args], { stdout: (t) => (out += t), stderr: () => undefined });
  const line = out.split('\n').find((l) => l.startsWith(label));
  const value = line?.slice(label.length).trim().split(/\s+/)[0];
  if (value === undefined) throw new Error(`no line ${label} in\n${out}`);
  return value;
}

async function evaluateIn(page: Page, files: { predictions: string; train?: string }): Promise<Record<string, string>> {
  await (await page.$('input#predictions'))?.uploadFile(files.predictions);
  if (files.train !== undefined) await (await page.$('input#train'))?.uploadFile(files.train);
  await page.click('#evaluate');
  await page.waitForFunction(() => {
    const s = document.getElementById('status');
    return s?.dataset.totalMs !== undefined || s?.className === 'error';
  });
  const status = await page.$eval('#status', (e) => ({ text: e.textContent, error: e.className === 'error', stages: e.getAttribute('data-stages') }));
  expect(status.error, status.text ?? '').toBe(false);
  // reading, parsing and the metrics ran in the worker, which reported each stage
  expect(status.stages?.trim().split(' ')).toEqual(['reading', 'parsing', 'metrics']);
  // the first table is the whole file's (groups follow)
  return page.$$eval('table.metrics', (tables): Record<string, string> =>
    Object.fromEntries([...(tables[0]?.querySelectorAll('[data-metric]') ?? [])].map((c) => [c.getAttribute('data-metric') ?? '', c.textContent ?? ''])),
  );
}

describe.skipIf(!found)('the evaluation page in headless Chromium', () => {
  let browser: Browser;
  let root: string;
  const shots = screenshotDir();
  beforeAll(async () => {
    const out = tempDir('survkit-web-');
    await buildWeb(out);
    root = join(out, 'web');
    browser = await launch();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('opened from a file: the C-indices equal survkit evaluate’s printed digits; no request but its own files', async () => {
    const dir = pathToFileURL(root).href;
    const { page, log } = await guardedPage(browser, (u) => u.startsWith(`${dir}/`) || u.startsWith('blob:') || u.startsWith('data:'));
    await page.setViewport({ width: 1100, height: 1300 });
    await page.goto(`${dir}/index.html`, { waitUntil: 'load' });
    expect(await page.$eval('#private', (e) => e.textContent)).toContain('No data leaves this machine');
    const shown = await evaluateIn(page, { predictions: join(process.cwd(), PRED), train: join(process.cwd(), TRAIN) });
    expect(shown.concordanceIndex).toBe(await printed([PRED, '--train', TRAIN], 'concordanceIndex (Harrell)'));
    expect(shown.concordanceIndexIpcw).toBe(await printed([PRED, '--train', TRAIN], 'concordanceIndexIpcw (Uno)'));
    expect(shown.concordanceTd).toBe(await printed([PRED, '--train', TRAIN], 'concordanceTd (antolini)'));
    expect(shown.integratedBrierScore).toBe(await printed([PRED, '--train', TRAIN], 'integratedBrierScore'));
    const figs = await figureSummary(page);
    expect(figs.length).toBeGreaterThan(10);
    for (const f of figs) expect(f.paths, `figure ${f.id}`).toBeGreaterThan(0);
    expect(log.errors).toEqual([]);
    expect(log.blocked).toEqual([]);
    expect(log.requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:')).sort()).toEqual([`${dir}/app.js`, `${dir}/index.html`]);
    await page.screenshot({ path: `${join(shots, 'web-page')}.png` });
    await page.close();
  }, 300_000);

  it('served by survkit serve on 127.0.0.1: same numbers without training labels, only the page’s own files requested', async () => {
    const server = await startServer({ port: 0, root });
    try {
      const { page, log } = await guardedPage(browser, (u) => u.startsWith(server.url) || u.startsWith('blob:') || u.startsWith('data:'));
      await page.goto(server.url, { waitUntil: 'load' });
      const shown = await evaluateIn(page, { predictions: join(process.cwd(), PRED) });
      expect(shown.concordanceIndex).toBe(await printed([PRED], 'concordanceIndex (Harrell)'));
      expect(shown.concordanceIndexIpcw).toBe(await printed([PRED], 'concordanceIndexIpcw (Uno)'));
      expect(shown.cumulativeDynamicAuc).toBe(await printed([PRED], 'cumulativeDynamicAuc (mean)'));
      expect(log.errors).toEqual([]);
      expect(log.blocked).toEqual([]);
      expect(new Set(log.requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:')))).toEqual(new Set([server.url, `${server.url}app.js`]));
      await page.close();
    } finally {
      await server.close();
    }
  }, 300_000);

  it('a malformed file shows the catalogue message, no console error', async () => {
    const dir = pathToFileURL(root).href;
    const { page, log } = await guardedPage(browser, (u) => u.startsWith(`${dir}/`));
    await page.goto(`${dir}/index.html`, { waitUntil: 'load' });
    await (await page.$('input#predictions'))?.uploadFile(join(process.cwd(), TRAIN)); // labels only: no prediction columns
    await page.click('#evaluate');
    await page.waitForFunction(() => document.getElementById('status')?.className === 'error');
    expect(await page.$eval('#status', (e) => e.textContent)).toMatch(/^example-train\.csv: no prediction columns/);
    expect(log.errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('opened from a file in a browser started without --allow-file-access-from-files (as a user opens it): the worker runs', async () => {
    // a module worker from a blob: URL is refused there; the page's classic worker is not
    const { default: puppeteer } = await import('puppeteer-core');
    const plain = await puppeteer.launch({
      executablePath: chromiumPath() as string,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    try {
      const page = await plain.newPage();
      await page.goto(`${pathToFileURL(root).href}/index.html`, { waitUntil: 'load' });
      const shown = await evaluateIn(page, { predictions: join(process.cwd(), PRED) });
      expect(shown.concordanceIndex).toBe(await printed([PRED], 'concordanceIndex (Harrell)'));
    } finally {
      await plain.close();
    }
  }, 300_000);
});
