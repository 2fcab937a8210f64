/**
 * Runs every benchmark and prints one table (`npm run bench`).
 * `npm run bench -- --markdown docs/benchmarks-latest.md` also writes the table as Markdown.
 * `--only concordance,brier` runs a subset.
 * `npm run bench -- --compare [--rounds N] [--only csv,evaluate,harrell,ibs]` runs the side-by-side
 * comparison with the reference implementations instead (bench/compare.ts, also `npm run bench:compare`).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchConcordance } from './concordance.js';
import { benchBrier } from './brier.js';
import { benchCnnStep } from './cnn-step.js';
import { benchInputs } from './inputs.js';
import { benchImaging } from './imaging.js';
import type { Row } from './row.js';

if (process.argv.includes('--compare')) await import('./compare.js');
else await runAll();

async function runAll(): Promise<void> {
  const suites: Record<string, () => Promise<Row[]>> = {
    concordance: benchConcordance,
    brier: benchBrier,
    cnn: benchCnnStep,
    inputs: benchInputs,
    imaging: benchImaging,
  };

  const { values } = parseArgs({
    options: { markdown: { type: 'string' }, only: { type: 'string' } },
    allowPositionals: false,
  });
  // imaging takes minutes (full-size networks): run it with --only imaging
  const only = values.only?.split(',') ?? Object.keys(suites).filter((k) => k !== 'imaging');

  const rows: Row[] = [];
  for (const name of only) {
    const suite = suites[name];
    if (suite === undefined) throw new Error(`bench: unknown suite ${JSON.stringify(name)}; have ${Object.keys(suites).join(', ')}`);
    for (const r of await suite()) {
      rows.push(r);
      process.stderr.write(`  ${r.task} n=${r.n}${r.m === undefined ? '' : ` m=${r.m}`}: ${r.ms.toFixed(1)} ms\n`);
    }
  }

  const header = ['task', 'n', 'grid m', 'median ms'];
  const body = rows.map((r) => [r.task, r.n.toLocaleString('en-US'), r.m === undefined ? '' : String(r.m), r.ms.toFixed(1)]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((b) => (b[j] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j] ?? 0)).join('  ');
  const env = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  process.stdout.write(`${env}\n${line(header)}\n${body.map(line).join('\n')}\n`);

  if (values.markdown !== undefined) {
    const md = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n');
    writeFileSync(values.markdown, `${env}\n\n${md}\n`);
  }
}
