/**
 * A walk over R's survival data sets as a new user would take it: for each
 * table, the command a user tries first (every column but `duration`/`event`
 * as covariates), then the R column names, then the command the messages lead
 * to; the last one trains on 80 % of the rows (seeded), predicts the held-out
 * 20 % and evaluates them. Prints a Markdown table of outcomes (data set,
 * command, exit code, C-index or the message).
 *
 *   npm run build && npx tsx bench/r-tables-walk.ts <datasets-dir> [epochs]
 *
 * `<datasets-dir>` holds r_lung.csv … r_rotterdam.csv (R `survival` 3.5.3, written by write.csv).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/core/random.js';

interface Walk {
  name: string;
  /** Commands (after `survkit train --model coxph --data <file>`) that stop with a message. */
  tries: string[][];
  /** The honest command's column options. */
  honest: string[];
  /** Evaluate options for the --train file (R's names). */
  evaluate: string[];
  /** Keep only these data rows (e.g. one endpoint of colon) — done by the user before survkit. */
  filter?: { column: string; value: string; note: string };
}

const WALKS: Walk[] = [
  {
    name: 'lung',
    tries: [[], ['--duration-col', 'time', '--event-col', 'status', '--exclude', 'duration,event']],
    honest: ['--duration-col', 'time', '--event-col', 'status', '--event-value', '2', '--exclude', 'duration,event', '--missing', 'impute'],
    evaluate: ['--time-col', 'time', '--event-col', 'status', '--event-value', '2'],
  },
  {
    name: 'veteran',
    tries: [[]],
    honest: ['--duration-col', 'time', '--event-col', 'status', '--exclude', 'duration,event'],
    evaluate: ['--time-col', 'time', '--event-col', 'status'],
  },
  {
    name: 'gbsg',
    tries: [[], ['--duration-col', 'rfstime', '--event-col', 'status', '--exclude', 'duration,event']],
    honest: ['--duration-col', 'rfstime', '--event-col', 'status', '--id-col', 'pid', '--exclude', 'duration,event'],
    evaluate: ['--time-col', 'rfstime', '--event-col', 'status'],
  },
  {
    name: 'nwtco',
    tries: [[]],
    honest: ['--duration-col', 'edrel', '--event-col', 'rel', '--id-col', 'seqno', '--exclude', 'duration,event'],
    evaluate: ['--time-col', 'edrel', '--event-col', 'rel'],
  },
  {
    name: 'pbc',
    tries: [[], ['--duration-col', 'time', '--event-col', 'status', '--id-col', 'id', '--exclude', 'duration,event']],
    honest: ['--duration-col', 'time', '--event-col', 'status', '--event-value', '2', '--id-col', 'id', '--exclude', 'duration,event', '--missing', 'impute'],
    evaluate: ['--time-col', 'time', '--event-col', 'status', '--event-value', '2'],
  },
  {
    name: 'colon',
    tries: [[], ['--duration-col', 'time', '--event-col', 'status', '--id-col', 'id', '--exclude', 'duration,event', '--missing', 'impute']],
    honest: ['--duration-col', 'time', '--event-col', 'status', '--id-col', 'id', '--exclude', 'duration,event,etype', '--missing', 'impute'],
    evaluate: ['--time-col', 'time', '--event-col', 'status'],
    filter: { column: 'etype', value: '2', note: 'rows with etype 2 (death) kept first, one per patient' },
  },
  {
    name: 'flchain',
    tries: [[], ['--duration-col', 'futime', '--event-col', 'death', '--exclude', 'duration,event', '--missing', 'impute']],
    honest: ['--duration-col', 'futime', '--event-col', 'death', '--exclude', 'duration,event,chapter', '--missing', 'impute'],
    evaluate: ['--time-col', 'futime', '--event-col', 'death'],
  },
  {
    name: 'rotterdam',
    tries: [[], ['--duration-col', 'dtime', '--event-col', 'death', '--id-col', 'pid', '--exclude', 'duration,event']],
    honest: ['--duration-col', 'dtime', '--event-col', 'death', '--id-col', 'pid', '--exclude', 'duration,event,rtime,recur'],
    evaluate: ['--time-col', 'dtime', '--event-col', 'death'],
  },
];

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'main.js');

function survkit(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, SURVKIT_BACKEND: process.env.SURVKIT_BACKEND ?? 'cpu' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Splits a CSV file's data lines (no quoted line breaks in these files) 80/20 with a seeded permutation. */
function split(text: string, seed: number): { train: string; test: string } {
  const lines = text.trimEnd().split('\n');
  const header = lines[0] as string;
  const rows = lines.slice(1);
  const perm = new Random(seed).permutation(rows.length);
  const nTest = Math.round(0.2 * rows.length);
  const pick = (from: number, to: number): string => [header, ...Array.from(perm.slice(from, to), (i) => rows[i] as string)].join('\n') + '\n';
  return { test: pick(0, nTest), train: pick(nTest, rows.length) };
}

function filterRows(text: string, column: string, value: string): string {
  const lines = text.trimEnd().split('\n');
  const header = (lines[0] as string).split(',').map((h) => h.replace(/"/g, ''));
  const k = header.indexOf(column);
  return [lines[0], ...lines.slice(1).filter((l) => l.split(',')[k] === value)].join('\n') + '\n';
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').trim();
const shown = (args: string[]): string => args.map((a) => (/[\s;]/.test(a) ? `'${a}'` : a)).join(' ');

function main(): void {
  const dir = process.argv[2];
  const epochs = process.argv[3] ?? '20';
  if (dir === undefined) {
    process.stderr.write('usage: npx tsx bench/r-tables-walk.ts <datasets-dir> [epochs]\n');
    process.exit(2);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'survkit-walk-'));
  const out: string[] = ['| data set | command | exit | C-index (held-out 20 %) or message |', '|---|---|---|---|'];
  try {
    for (const w of WALKS) {
      const file = `r_${w.name}.csv`;
      const path = join(dir, file);
      const base = ['train', '--model', 'coxph', '--data', file, '--epochs', epochs];
      for (const t of w.tries) {
        const r = survkit(['train', '--model', 'coxph', '--data', path, '--epochs', epochs, ...t]);
        const msg = r.code === 0 ? `trained (exit 0): ${/concordanceTd \(antolini\)\s+(\S+)/.exec(r.out)?.[1] ?? '?'}` : cell(r.err);
        out.push(`| ${w.name} | \`survkit ${shown([...base, ...t])}\` | ${r.code} | ${msg} |`);
      }
      let text = readFileSync(path, 'utf8');
      if (w.filter !== undefined) text = filterRows(text, w.filter.column, w.filter.value);
      const { train, test } = split(text, 1);
      const trainPath = join(tmp, `${w.name}-train.csv`);
      const testPath = join(tmp, `${w.name}-test.csv`);
      writeFileSync(trainPath, train);
      writeFileSync(testPath, test);
      const model = join(tmp, `${w.name}-model`);
      const pred = join(tmp, `${w.name}-pred.csv`);
      const tr = survkit(['train', '--model', 'coxph', '--data', trainPath, '--epochs', epochs, ...w.honest, '--out', model]);
      const trainCmd = `survkit ${shown(['train', '--model', 'coxph', '--data', `${w.name}-train.csv`, '--epochs', epochs, ...w.honest, '--out', 'model'])}`;
      const pre = w.filter !== undefined ? `(${w.filter.note}) ` : '';
      if (tr.code !== 0) {
        out.push(`| ${w.name} | ${pre}\`${trainCmd}\` | ${tr.code} | ${cell(tr.err)} |`);
        continue;
      }
      const covariates = /covariates\s+(.*)/.exec(tr.out)?.[1] ?? '';
      out.push(`| ${w.name} | ${pre}\`${trainCmd}\` | 0 | ${cell(covariates)} |`);
      const pr = survkit(['predict', '--model', model, '--data', testPath, '--out', pred]);
      if (pr.code !== 0) {
        out.push(`| ${w.name} | \`survkit predict --model model --data ${w.name}-test.csv --out pred.csv\` | ${pr.code} | ${cell(pr.err)} |`);
        continue;
      }
      const ev = survkit(['evaluate', pred, '--train', trainPath, ...w.evaluate, '--ignore-extra', '--format', 'json']);
      const evCmd = `survkit predict --model model --data ${w.name}-test.csv --out pred.csv && survkit ${shown(['evaluate', 'pred.csv', '--train', `${w.name}-train.csv`, ...w.evaluate, '--ignore-extra'])}`;
      if (ev.code !== 0) {
        out.push(`| ${w.name} | \`${evCmd}\` | ${ev.code} | ${cell(ev.err)} |`);
        continue;
      }
      const j = JSON.parse(ev.out) as Record<string, { cIndex?: number; value?: number }>;
      const f = (v: number | undefined): string => (v === undefined ? 'skipped' : v.toFixed(3));
      const warn = ev.err.trim() === '' ? '' : ` (stderr: ${cell(ev.err)})`;
      out.push(
        `| ${w.name} | \`${evCmd}\` | 0 | Harrell ${f(j.concordanceIndex?.cIndex)}, Antolini C_td ${f(j.concordanceTd?.cIndex)}, IBS ${f(j.integratedBrierScore?.value)}${warn} |`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
