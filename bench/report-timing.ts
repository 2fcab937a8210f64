/**
 * Report and page timings (npm run bench:report): the report's size, the time
 * to build it (evaluate with figure data + render + HTML) for 300 subjects
 * (datasets/example-predictions.csv) and for 10^6 subjects (a seeded
 * risk-format file), and the evaluation time of the same 10^6-row file in
 * the browser page (headless Chromium; skipped without it). Writes
 * bench/out/report-timing.json. Timings, not tests: nothing is asserted.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Random } from '../src/core/random.js';
import { evaluateFile } from '../src/report/evaluate.js';
import { buildReport } from '../src/report/report-html.js';
import { buildWeb } from '../web/build.js';

const tmp = mkdtempSync(join(tmpdir(), 'survkit-report-bench-'));
const out: Record<string, unknown> = {};

/** n subjects: x ~ N(0, 1), T ~ Exp(0.1·e^{0.7x}), C ~ Exp(0.05), risk = x + N(0, 0.5²). */
function riskCsv(n: number, seed: number): string {
  const r = new Random(seed);
  const rows = ['time,event,risk'];
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    const t = -Math.log(1 - r.next()) / (0.1 * Math.exp(0.7 * x));
    const c = -Math.log(1 - r.next()) / 0.05;
    rows.push(`${Math.min(t, c).toFixed(4)},${t <= c ? 1 : 0},${(x + 0.5 * r.normal()).toFixed(5)}`);
  }
  return `${rows.join('\n')}\n`;
}

async function timeReport(name: string, file: string, opts: Parameters<typeof evaluateFile>[1]): Promise<void> {
  const cpu = (): number => process.cpuUsage().user / 1000;
  const [t0, c0] = [performance.now(), cpu()];
  const report = evaluateFile(file, { ...opts, figures: true });
  const [t1, c1] = [performance.now(), cpu()];
  const built = await buildReport(report);
  const [t2, c2] = [performance.now(), cpu()];
  out[name] = {
    evaluateMs: Math.round(t1 - t0),
    evaluateCpuMs: Math.round(c1 - c0),
    renderMs: Math.round(t2 - t1),
    renderCpuMs: Math.round(c2 - c1),
    totalMs: Math.round(t2 - t0),
    htmlBytes: built.html.length,
    figures: built.figures.length,
  };
  console.log(name, out[name]);
}

await timeReport('300 subjects (example-predictions, --train)', 'datasets/example-predictions.csv', { train: 'datasets/example-train.csv' });
await timeReport('300 subjects (example-predictions, --train, --bootstrap 200)', 'datasets/example-predictions.csv', {
  train: 'datasets/example-train.csv',
  bootstrap: 200,
});
const big = join(tmp, 'risk-1e6.csv');
writeFileSync(big, riskCsv(1_000_000, 7));
await timeReport('10^6 subjects (risk format)', big, {});

const chromium = process.env.SURVKIT_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (chromium !== undefined) {
  const { default: puppeteer } = await import('puppeteer-core');
  await buildWeb(tmp);
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(tmp, 'web', 'index.html')).href);
    await (await page.$('input#predictions'))?.uploadFile(big);
    await page.click('#evaluate');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { getElementById(id: string): { dataset: { totalMs?: string } } } }).document.getElementById('status').dataset
          .totalMs !== undefined,
      {
        timeout: 600_000,
      },
    );
    const status = await page.$eval('#status', (e: unknown) => {
      const el = e as { textContent: string | null; dataset: { evaluateMs: string; totalMs: string } };
      return { text: el.textContent, evaluateMs: Number(el.dataset.evaluateMs), totalMs: Number(el.dataset.totalMs) };
    });
    out['page, 10^6 rows'] = status;
    console.log('page, 10^6 rows', status);
  } finally {
    await browser.close();
  }
}
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/report-timing.json', `${JSON.stringify(out, null, 2)}\n`);
