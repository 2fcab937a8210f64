/**
 * Generates `datasets/example-cif.csv`, the competing-risks example of `survkit evaluate` (cif format; see
 * datasets/README.md and docs/competing-risks.md): a seeded simulation, reproducible byte for byte with
 *
 *   npx tsx datasets/make-example-cif.ts
 *
 * Model: covariate x ~ N(0, 1); two causes with constant cause-specific hazards λ_1 = 0.08·e^{0.7x} and
 * λ_2 = 0.05·e^{−0.4x}; the first event time T ~ Exp(λ_1 + λ_2) has cause k with probability λ_k / (λ_1 + λ_2);
 * independent censoring C ~ U(0, 15); observed time min(T, C) rounded to 0.1 (at least 0.1), event 0 when
 * censored, else the cause. The predicted cumulative incidences are the true ones,
 * F_k(t | x) = λ_k / (λ_1 + λ_2) · (1 − e^{−(λ_1 + λ_2) t}), on the grid 1, 2, …, 10 (columns cif_<k>@<t>).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/core/random.js';

/** The prediction grid 1, 2, …, 10. */
export const cifGrid: readonly number[] = Array.from({ length: 10 }, (_, k) => k + 1);

/** A number with 6 significant digits, written as short as possible. */
function num(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** The CSV text of the example (seed 20261206, 300 subjects). */
export function makeExampleCif(seed = 20261206, n = 300): string {
  const rng = new Random(seed);
  const rows: string[] = [['time', 'event', ...[1, 2].flatMap((k) => cifGrid.map((t) => `cif_${k}@${t}`))].join(',')];
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    const l1 = 0.08 * Math.exp(0.7 * x);
    const l2 = 0.05 * Math.exp(-0.4 * x);
    const l = l1 + l2;
    let u = rng.next();
    while (u === 0) u = rng.next();
    const t = -Math.log(u) / l;
    const cause = rng.next() < l1 / l ? 1 : 2;
    const c = rng.next() * 15;
    const time = Math.max(0.1, Math.round(Math.min(t, c) * 10) / 10);
    const cif = (lk: number) => cifGrid.map((s) => num((lk / l) * (1 - Math.exp(-l * s))));
    rows.push([num(time), t <= c ? cause : 0, ...cif(l1), ...cif(l2)].join(','));
  }
  return `${rows.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(fileURLToPath(new URL('.', import.meta.url)), 'example-cif.csv'), makeExampleCif());
}
