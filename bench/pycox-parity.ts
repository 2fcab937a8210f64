/**
 * Reproduces pycox 0.3.0's results on METABRIC and SUPPORT (and GBSG / WHAS:
 * `--datasets gbsg,whas`, against pycox measured side by side, see
 * pycox-reference.ts `PYCOX_SIDE_BY_SIDE` and bench/pycox-side-by-side.ts):
 * every model × data set × seed through `trainTable` — the code path of
 * `survkit train --model <m> --data <d>.csv --split-col split --val-col val
 * --seed <s>` — and a table of mean ± sd (sample sd) of C_td (Antolini), IBS,
 * INBLL, epochs and ms per epoch next to pycox's means from
 * ../shared/golden/training.md, with pass/fail against the acceptance
 * (mean C_td ≥ pycox − 0.01, mean IBS ≤ pycox + 0.005). Extra rows (not the
 * defaults): CoxPH with exact Breslow / Efron ties, DeepHit and
 * LogisticHazard with quantile cuts. `--models pmf,mtlr,pchazard,bcesurv` runs pycox's further
 * discrete-time families against their own pycox reference (PYCOX_ZOO).
 *
 * Usage: npm run bench:parity -- <data-dir> [--backend wasm,cpu] [--seeds 5]
 *          [--datasets metabric,support] [--models coxph,…] [--no-extras] [--engine auto|tfjs] [--out bench/out]
 * The data directory holds metabric.csv, support.csv, gbsg.csv and whas.csv (../shared/datasets); never commit them.
 * Writes <out>/pycox-parity-<backend>.jsonl (one line per run) and .md (the table).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/backend/index.js';
import { readCsv } from '../src/io/csv.js';
import { trainTable, type TrainOptions } from '../src/tabular/train.js';
import { PYCOX_QUANTILES, PYCOX_ZOO, passes, pycoxRow, type PycoxRow } from './pycox-reference.js';

type Dataset = 'metabric' | 'support' | 'gbsg' | 'whas';
/** The families with pycox reference numbers (the AFT models have no pycox counterpart). */
type Family = Exclude<TrainOptions['model'], 'weibull' | 'lognormal'>;
type ZooFamily = 'pmf' | 'mtlr' | 'pchazard' | 'bcesurv';
const isZoo = (m: Family): m is ZooFamily => m === 'pmf' || m === 'mtlr' || m === 'pchazard' || m === 'bcesurv';
/** pycox's row of a family (the zoo families from their own 5-seed run on METABRIC and SUPPORT). */
const refOf = (d: Dataset, m: Family): PycoxRow | undefined =>
  isZoo(m) ? (d === 'metabric' || d === 'support' ? PYCOX_ZOO[d][m] : undefined) : pycoxRow(d, m);

/** One configuration: a model with the defaults, or an extra variant. */
interface Config {
  model: Family;
  label: string;
  extra: boolean;
  options: Partial<TrainOptions>;
  ref: (d: Dataset) => PycoxRow | undefined;
  refLabel: string;
}

/** One run's numbers. */
interface Run {
  dataset: Dataset;
  label: string;
  seed: number;
  backend: string;
  ctd: number;
  ibs: number;
  inbll: number;
  epochs: number;
  bestEpoch: number;
  msPerEpoch: number;
  wallS: number;
}

const FAMILIES: Family[] = ['coxph', 'coxcc', 'coxtime', 'deephit', 'logistichazard'];

function configs(models: Family[], extras: boolean): Config[] {
  const out: Config[] = models.map((m) => ({ model: m, label: m, extra: false, options: {}, ref: (d) => refOf(d, m), refLabel: 'pycox' }));
  if (!extras) return out;
  if (models.includes('coxph')) {
    for (const ties of ['breslow', 'efron'] as const) {
      out.push({ model: 'coxph', label: `coxph --ties ${ties}`, extra: true, options: { ties }, ref: (d) => pycoxRow(d, 'coxph'), refLabel: 'pycox' });
    }
  }
  for (const m of ['deephit', 'logistichazard'] as const) {
    if (!models.includes(m)) continue;
    out.push({
      model: m,
      label: `${m} --cut-scheme quantiles`,
      extra: true,
      options: { cutScheme: 'quantiles' },
      ref: (d) => pycoxRow(d, m),
      refLabel: 'pycox (equidistant)',
    });
  }
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
};
const pm = (xs: number[], d = 4): string => `${mean(xs).toFixed(d)} ± ${sd(xs).toFixed(d)}`;

async function runOne(
  table: ReturnType<typeof readCsv>,
  dataset: Dataset,
  c: Config,
  seed: number,
  backend: BackendName,
  engine: 'auto' | 'tfjs' = 'auto',
): Promise<Run> {
  const t0 = performance.now();
  const { report, model } = await trainTable(table, {
    model: c.model,
    ...c.options,
    split: { kind: 'column', splitCol: 'split', valCol: 'val' },
    seed,
    backend,
    engine,
  });
  model.dispose();
  const r = report as unknown as Record<string, { cIndex?: number; value?: number }>;
  return {
    dataset,
    label: c.label,
    seed,
    backend: report.backend,
    ctd: r.concordanceTd?.cIndex as number,
    ibs: r.integratedBrierScore?.value as number,
    inbll: r.integratedNbll?.value as number,
    epochs: report.epochs,
    bestEpoch: report.bestEpoch,
    msPerEpoch: report.msPerEpoch,
    wallS: (performance.now() - t0) / 1000,
  };
}

/** The markdown table of one backend's runs. */
export function table(runs: Run[], cs: Config[], datasets: Dataset[]): string {
  const head =
    '| data | model | seeds | C_td antolini | IBS | INBLL | epochs | ms/epoch (median) | backend | pycox C_td | pycox IBS | pycox ms/epoch (uncontended; loaded) | acceptance |';
  const lines = [head, `|${' --- |'.repeat(13)}`];
  for (const d of datasets) {
    for (const c of cs) {
      const rs = runs.filter((r) => r.dataset === d && r.label === c.label);
      if (rs.length === 0) continue;
      const found = c.ref(d);
      const ctd = mean(rs.map((r) => r.ctd));
      const ibs = mean(rs.map((r) => r.ibs));
      if (found === undefined) {
        lines.push(
          `| ${d} | ${c.label} | ${rs.length} | ${pm(rs.map((r) => r.ctd))} | ${pm(rs.map((r) => r.ibs))} | ${pm(rs.map((r) => r.inbll))} | ` +
            `${pm(
              rs.map((r) => r.epochs),
              1,
            )} | ${median(rs.map((r) => r.msPerEpoch)).toFixed(1)} | ${rs[0]?.backend ?? ''} | not measured | not measured | — | — |`,
        );
        continue;
      }
      const ref = found;
      const ok = passes(ctd, ibs, ref);
      const q =
        c.options.cutScheme === 'quantiles' && (d === 'metabric' || d === 'support') ? PYCOX_QUANTILES[d][c.model as 'deephit' | 'logistichazard'] : undefined;
      const verdict = c.extra
        ? `extra: ΔC_td ${(ctd - ref.ctd >= 0 ? '+' : '') + (ctd - ref.ctd).toFixed(4)}, ΔIBS ${(ibs - ref.ibs >= 0 ? '+' : '') + (ibs - ref.ibs).toFixed(4)} vs ${c.refLabel}` +
          (q ? `; pycox quantiles ${q.ctd.toFixed(4)} / ${q.ibs.toFixed(4)}` : '')
        : ok
          ? 'PASS'
          : `FAIL (needs C_td ≥ ${(ref.ctd - 0.01).toFixed(4)}, IBS ≤ ${(ref.ibs + 0.005).toFixed(4)})`;
      lines.push(
        `| ${d} | ${c.label} | ${rs.length} | ${pm(rs.map((r) => r.ctd))} | ${pm(rs.map((r) => r.ibs))} | ${pm(rs.map((r) => r.inbll))} | ${pm(
          rs.map((r) => r.epochs),
          1,
        )} | ` +
          `${median(rs.map((r) => r.msPerEpoch)).toFixed(1)} | ${rs[0]?.backend ?? ''} | ${ref.ctd.toFixed(4)} | ${ref.ibs.toFixed(4)} | ` +
          `${ref.msUncontended === undefined ? '—' : ref.msUncontended.toFixed(1)}; ${ref.msLoaded.toFixed(1)} | ${verdict} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'wasm' },
      seeds: { type: 'string', default: '5' },
      datasets: { type: 'string', default: 'metabric,support' },
      models: { type: 'string', default: FAMILIES.join(',') },
      'no-extras': { type: 'boolean', default: false },
      engine: { type: 'string', default: 'auto' },
      out: { type: 'string', default: join('bench', 'out') },
    },
  });
  const dir = positionals[0];
  if (dir === undefined)
    throw new Error('usage: npm run bench:parity -- <data-dir> [--backend wasm,cpu] [--seeds 5] [--datasets …] [--models …] [--no-extras] [--out dir]');
  const backends = values.backend.split(',') as BackendName[];
  const datasets = values.datasets.split(',') as Dataset[];
  const models = values.models.split(',') as Family[];
  const seeds = Number(values.seeds);
  const cs = configs(models, !values['no-extras']);
  mkdirSync(values.out, { recursive: true });
  for (const backend of backends) {
    const jsonl = join(values.out, `pycox-parity-${backend}.jsonl`);
    writeFileSync(jsonl, '');
    const runs: Run[] = [];
    for (const d of datasets) {
      const data = readCsv(join(dir, `${d}.csv`));
      for (const c of cs) {
        for (let seed = 0; seed < seeds; seed++) {
          const r = await runOne(data, d, c, seed, backend, values.engine === 'tfjs' ? 'tfjs' : 'auto');
          runs.push(r);
          appendFileSync(jsonl, `${JSON.stringify(r)}\n`);
          process.stderr.write(
            `${d} ${c.label} seed ${seed} (${r.backend}): C_td ${r.ctd.toFixed(4)} IBS ${r.ibs.toFixed(4)} epochs ${r.epochs} ${r.msPerEpoch.toFixed(1)} ms/epoch ${r.wallS.toFixed(1)} s\n`,
          );
        }
      }
    }
    const md = table(runs, cs, datasets);
    writeFileSync(join(values.out, `pycox-parity-${backend}.md`), md);
    process.stdout.write(`\n${backend}:\n${md}`);
  }
}

await main();
