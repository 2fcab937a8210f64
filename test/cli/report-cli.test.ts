/** `--report` / `--figures` of evaluate and train, `survkit report <run.json>` and `survkit serve`. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pngAvailable } from '../../src/plotting/render.js';
import { startServer } from '../../src/cli/serve.js';
import { messages } from '../../src/core/messages.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli, writeCsv } from './train-data-fixture.js';

const tmp = tempDir('survkit-report-');
const CURVES = 'datasets/example-predictions.csv';
const TRAIN = 'datasets/example-train.csv';

describe('survkit evaluate --report / --figures', () => {
  it('writes the page and one SVG per figure (and PNG when @resvg/resvg-js is there); stdout keeps the table', async () => {
    const html = join(tmp, 'r.html');
    const figs = join(tmp, 'figs');
    const r = await runCli('evaluate', CURVES, '--train', TRAIN, '--report', html, '--figures', figs, '--calibration-times', '2,4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^survkit evaluate /);
    expect(r.err).toMatch(/wrote the report \(\d+ figures, \d+ kB\) to /);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Calibration at t = 2');
    const files = readdirSync(figs);
    expect(files).toContain('km.svg');
    expect(files).toContain('calibration-t-4.svg');
    const svgs = files.filter((f) => f.endsWith('.svg'));
    expect((page.match(/<svg/g) ?? []).length).toBe(svgs.length);
    if (await pngAvailable()) expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(svgs.length);
  }, 180_000);

  it('--format json carries the figure data; survkit report renders it again, the same page', async () => {
    const json = await runCli('evaluate', CURVES, '--train', TRAIN, '--format', 'json', '--report', join(tmp, 'a.html'));
    expect(json.code).toBe(0);
    const run = JSON.parse(json.out) as { figures?: { summary: { n: number } } };
    expect(run.figures?.summary.n).toBe(300);
    writeFileSync(join(tmp, 'run.json'), json.out);
    const again = await runCli('report', join(tmp, 'run.json'), '--out', join(tmp, 'b.html'));
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(readFileSync(join(tmp, 'b.html'), 'utf8')).toBe(readFileSync(join(tmp, 'a.html'), 'utf8'));
    // --json writes the same JSON next to the table
    const table = await runCli('evaluate', CURVES, '--train', TRAIN, '--json', join(tmp, 'saved.json'));
    expect(table.out).toMatch(/^survkit evaluate /);
    expect(readFileSync(join(tmp, 'saved.json'), 'utf8')).toBe(json.out);
  }, 180_000);

  it('bad --calibration-times and bad report inputs are usage errors (exit 2, one line)', async () => {
    const bad = await runCli('evaluate', CURVES, '--calibration-times', '3,2');
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toBe(`${messages.cliUsage('--calibration-times must be strictly ascending; got "3,2"')}\n`);
    writeFileSync(join(tmp, 'not.json'), '{"a": 1');
    const notJson = await runCli('report', join(tmp, 'not.json'), '--out', join(tmp, 'x.html'));
    expect(notJson.code).toBe(2);
    expect(notJson.err).toMatch(
      /^survkit report: '.*not\.json' must be the JSON output of survkit evaluate or survkit train \(--format json\); it is not JSON/,
    );
    writeFileSync(join(tmp, 'other.json'), '{"a": 1}');
    const other = await runCli('report', join(tmp, 'other.json'), '--out', join(tmp, 'x.html'));
    expect(other.err).toBe(`${messages.reportInput('reportPlan', 'source', 'it has no "meta" object')}\n`);
    expect(existsSync(join(tmp, 'x.html'))).toBe(false);
    expect((await runCli('report', join(tmp, 'run.json'))).err).toBe(`${messages.cliUsage('report needs --out <report.html> or --figures <dir>')}\n`);
  }, 60_000);
});

describe('survkit train --report', () => {
  it('adds the training section and the loss curves to the test-set report', async () => {
    const data = writeCsv(tmp, 'train.csv');
    const html = join(tmp, 't.html');
    const r = await runCli('train', '--model', 'coxph', '--data', data, '--split-col', 'split', '--val-col', 'val', '--epochs', '5', '--report', html);
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<h2>Training</h2>');
    expect(page).toContain('data-figure="loss"');
    expect(page).toContain('data-figure="risk-tertiles"');
  }, 300_000);
});

function get(url: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('survkit serve', () => {
  it('serves the page files on 127.0.0.1 and nothing outside its folder', async () => {
    const root = join(tmp, 'web');
    writeCsv(tmp, 'secret.csv', 'time,event\n1,1\n');
    mkdirSync(root);
    writeCsv(root, 'index.html', '<!DOCTYPE html><title>x</title>');
    const s = await startServer({ port: 0, root });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await get(s.url)).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
      expect((await get(`${s.url}missing.js`)).status).toBe(404);
      expect((await get(`${s.url}..%2Fsecret.csv`)).status).toBe(403);
      expect((await get(s.url, 'POST')).status).toBe(405);
    } finally {
      await s.close();
    }
  });

  it('says how to build the page when it is missing', async () => {
    await expect(startServer({ port: 0, root: join(tmp, 'nothing') })).rejects.toThrow(messages.webNotBuilt('survkit serve', join(tmp, 'nothing')));
  });
});
