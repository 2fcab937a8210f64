/**
 * Headless Chromium for the browser tests (puppeteer-core drives the system
 * browser and downloads nothing). Tests skip with a message when no browser
 * is installed (Debian: apt-get install chromium; or set SURVKIT_CHROMIUM).
 * Every page is opened with request interception: any request other than the
 * allowed ones (the page's own files) is aborted and recorded, and console
 * errors and page errors are recorded too.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The browser executable: $SURVKIT_CHROMIUM, else the first installed candidate, else undefined. */
export function chromiumPath(): string | undefined {
  const env = process.env.SURVKIT_CHROMIUM;
  if (env !== undefined && env !== '') return existsSync(env) ? env : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** The message a skipped browser test prints. */
export const NO_CHROMIUM = `no Chromium found (looked at $SURVKIT_CHROMIUM and ${CANDIDATES.join(', ')}): the real-browser tests are skipped; install Debian's chromium to run them`;

export async function launch(): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    executablePath: chromiumPath() as string,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files'],
  });
}

/** What happened on a guarded page. */
export interface PageLog {
  blocked: string[];
  errors: string[];
  requests: string[];
}

/** A new page that aborts and records every request for which `allowed(url)` is false, and records console errors. */
export async function guardedPage(browser: Browser, allowed: (url: string) => boolean): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  const log: PageLog = { blocked: [], errors: [], requests: [] };
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    log.requests.push(url);
    if (allowed(url)) void req.continue();
    else {
      log.blocked.push(url);
      void req.abort('blockedbyclient');
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.errors.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  return { page, log };
}

/** Where screenshots go: $SURVKIT_SCREENSHOTS (e.g. docs/figures to refresh the committed ones), else a temporary folder. */
export function screenshotDir(): string {
  const dir = process.env.SURVKIT_SCREENSHOTS;
  if (dir !== undefined && dir !== '') {
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), 'survkit-shots-'));
}

/** Per figure of the page: its id, whether it holds an SVG, and how many of its paths have a non-empty `d`. */
export async function figureSummary(page: Page): Promise<{ id: string; svg: boolean; paths: number }[]> {
  return page.$$eval('figure[data-figure]', (figs) =>
    figs.map((f) => ({
      id: f.getAttribute('data-figure') ?? '',
      svg: f.querySelector('svg') !== null,
      paths: [...f.querySelectorAll('svg path')].filter((p) => (p.getAttribute('d') ?? '').trim() !== '').length,
    })),
  );
}
