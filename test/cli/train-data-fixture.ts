/** A small seeded survival table for the train / predict tests (not a test file). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { Random } from '../../src/core/random.js';

/**
 * CSV text with covariates age (continuous, mean ~60), treated (0/1), grade
 * (codes 1..3), exponential event times with log-hazard depending on all
 * three, uniform censoring, times rounded to 2 decimals (some ties), a `split`
 * column (every 4th row "test") and a `val` column (every 5th other row 1).
 */
export function survivalCsv(n = 160, seed = 1): string {
  const r = new Random(seed);
  const rows = ['age,treated,grade,duration,event,split,val'];
  for (let i = 0; i < n; i++) {
    const age = 60 + 10 * r.normal();
    const treated = r.next() < 0.4 ? 1 : 0;
    const grade = 1 + r.int(3);
    const lp = 0.05 * (age - 60) - 0.7 * treated + 0.4 * (grade - 2);
    const t = -Math.log(1 - r.next()) / Math.exp(lp);
    const c = 3 * r.next();
    const duration = Math.max(0.01, Math.round(Math.min(t, c) * 100) / 100);
    const split = i % 4 === 3 ? 'test' : 'train';
    const val = split === 'train' && i % 5 === 0 ? 1 : 0;
    rows.push(`${age.toFixed(3)},${treated},${grade},${duration},${t <= c ? 1 : 0},${split},${val}`);
  }
  return `${rows.join('\n')}\n`;
}

/** Writes {@link survivalCsv} (or `text`) to `dir/name` and returns the path. */
export function writeCsv(dir: string, name: string, text = survivalCsv()): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Runs the `survkit` command in-process, collecting its exit code, stdout and stderr. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}
