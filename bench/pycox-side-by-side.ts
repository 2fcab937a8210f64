/**
 * survkit and pycox 0.3.0 side by side in ONE invocation: for every data set ×
 * model × seed, survkit (`trainTable`, the code path of `survkit train`) and
 * pycox (bench/pycox_runner.py, a persistent Python process, torch single
 * thread) train with the same protocol, the same fixed splits and the same
 * seed numbers, in interleaved rounds (which tool goes first alternates), and
 * the table reports per-epoch ms (median of a run's epochs, training +
 * validation pass), the baseline-hazard time (CoxPH Breslow, Cox-Time),
 * C_td / IBS / epochs, the ratio survkit ÷ pycox from the same rounds, and
 * the 1-minute load average around each round. With `--whole-process`, one
 * more round per data set × model spawns each tool fresh (`node
 * dist/cli/main.js train …` against `python3 bench/pycox_runner.py`,
 * imports and JIT included; run `npm run build` first).
 *
 * pycox and torchtuples come from their repositories (PyPI is not needed):
 * PYCOX_PATH (default /work/ext/pycox:/work/ext/torchtuples) is put on
 * PYTHONPATH; PYTHON (default /usr/bin/python3) needs torch, numpy, pandas,
 * scikit-learn and numba. Without them, the pycox columns say "not measured".
 *
 * Usage: npx tsx bench/pycox-side-by-side.ts <data-dir> [--datasets metabric,support] [--models coxph,…]
 *          [--seeds 3] [--seed-start 0] [--backend wasm] [--whole-process] [--tfjs] [--out bench/out]
 * --tfjs adds a third tool in the same rounds: survkit with `engine: 'tfjs'` (the TF.js training path).
 * The order of the tools rotates from round to round.
 * Writes <out>/pycox-side-by-side.jsonl (one line per run) and .md (the table).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../src/backend/index.js';
import { readCsv } from '../src/io/csv.js';
import { trainTable, type TrainOptions } from '../src/tabular/train.js';

type Family = TrainOptions['model'];

/** One run of one tool. */
export interface SideRun {
  /** 'survkit' (default engine), 'survkit-tfjs' (`engine: 'tfjs'`, with --tfjs) or 'pycox'. */
  tool: 'survkit' | 'survkit-tfjs' | 'pycox';
  dataset: string;
  model: Family;
  seed: number;
  ctd: number;
  ibs: number;
  epochs: number;
  /** Median ms of the run's epochs (training batches + validation pass). */
  epochMs: number;
  /** Median CPU ms of the run's epochs (the process's user + system time). */
  epochCpuMs: number;
  /** Baseline hazards (CoxPH, Cox-Time), s; null where the family has none. */
  baselineS: number | null;
  /** CPU time of the process (user + system) during the baseline hazards, s; null where the family has none. */
  baselineCpuS: number | null;
  fitS: number;
  load: number;
  error?: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The persistent pycox process: one JSON request per line, one JSON answer per line. */
class Pycox {
  private buffer = '';
  private waiting: ((line: string) => void)[] = [];
  private lines: string[] = [];
  versions: Record<string, string> = {};
  importS = NaN;
  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i: number;
      while ((i = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    proc.stderr.on('data', () => undefined); // warnings from torch / pandas
    proc.once('exit', (code) => {
      this.exited = new Error(`pycox runner exited (${code})`);
      for (const w of this.waiting.splice(0)) w('');
    });
  }

  private exited: Error | undefined;

  private next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => (this.exited && line === '' ? reject(this.exited) : resolve(line)));
    });
  }

  static async start(python: string, pythonPath: string, dataDir: string): Promise<Pycox | undefined> {
    const env = { ...process.env, PYTHONPATH: pythonPath, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const proc = spawn(python, [join(HERE, 'pycox_runner.py'), dataDir], { env });
    const p = new Pycox(proc);
    try {
      const hello = JSON.parse(await p.next()) as { ready: boolean; import_s: number; versions: Record<string, string> };
      p.versions = hello.versions;
      p.importS = hello.import_s;
      return p;
    } catch (e) {
      process.stderr.write(`pycox not available: ${(e as Error).message}\n`);
      return undefined;
    }
  }

  async run(dataset: string, model: Family, seed: number): Promise<SideRun> {
    const load = loadavg()[0] as number;
    this.proc.stdin.write(`${JSON.stringify({ dataset, model, seed })}\n`);
    const r = JSON.parse(await this.next()) as Record<string, unknown>;
    if (typeof r.error === 'string')
      return {
        tool: 'pycox',
        dataset,
        model,
        seed,
        ctd: NaN,
        ibs: NaN,
        epochs: 0,
        epochMs: NaN,
        epochCpuMs: NaN,
        baselineS: null,
        baselineCpuS: null,
        fitS: NaN,
        load,
        error: r.error,
      };
    return {
      tool: 'pycox',
      dataset,
      model,
      seed,
      ctd: r.ctd as number,
      ibs: r.ibs as number,
      epochs: r.epochs as number,
      epochMs: median(r.epoch_ms as number[]),
      epochCpuMs: median(r.epoch_cpu_ms as number[]),
      baselineS: (r.baseline_s as number | null) ?? null,
      baselineCpuS: (r.baseline_cpu_s as number | null) ?? null,
      fitS: r.fit_s as number,
      load: Math.max(load, loadavg()[0] as number),
    };
  }

  stop(): void {
    this.proc.stdin.end(`${JSON.stringify({ exit: true })}\n`);
  }
}

async function survkitRun(
  table: ReturnType<typeof readCsv>,
  dataset: string,
  model: Family,
  seed: number,
  backend: BackendName,
  engine: 'auto' | 'tfjs',
): Promise<SideRun> {
  const load = loadavg()[0] as number;
  const t0 = performance.now();
  const { report, model: m } = await trainTable(table, { model, split: { kind: 'column', splitCol: 'split', valCol: 'val' }, seed, backend, engine });
  const h = m.history;
  m.dispose();
  const r = report as unknown as Record<string, { cIndex?: number; value?: number }>;
  const hasBaseline = model === 'coxph' || model === 'coxtime' || model === 'coxcc';
  return {
    tool: engine === 'tfjs' ? 'survkit-tfjs' : 'survkit',
    dataset,
    model,
    seed,
    ctd: r.concordanceTd?.cIndex as number,
    ibs: r.integratedBrierScore?.value as number,
    epochs: report.epochs,
    epochMs: median(h?.epochMs ?? []),
    epochCpuMs: median(h?.epochCpuMs ?? []),
    baselineS: hasBaseline && h?.finishMs !== undefined ? h.finishMs / 1000 : null,
    baselineCpuS: hasBaseline && h?.finishCpuMs !== undefined ? h.finishCpuMs / 1000 : null,
    fitS: (performance.now() - t0) / 1000,
    load: Math.max(load, loadavg()[0] as number),
  };
}

/** Whole-process wall time of one fresh `survkit train` and one fresh pycox run (seed 0). */
function wholeProcess(
  dataDir: string,
  dataset: string,
  model: Family,
  python: string,
  pythonPath: string,
  backend: string,
): { survkit: number; pycox: number } {
  const cli = join(HERE, '..', 'dist', 'cli', 'main.js');
  const out = join(HERE, 'out', `wp-${dataset}-${model}`);
  let t0 = performance.now();
  const s = spawnSync(
    process.execPath,
    [
      cli,
      'train',
      '--model',
      model,
      '--data',
      join(dataDir, `${dataset}.csv`),
      '--split-col',
      'split',
      '--val-col',
      'val',
      '--seed',
      '0',
      '--out',
      out,
      '--force',
    ],
    { env: { ...process.env, SURVKIT_BACKEND: backend }, encoding: 'utf8' },
  );
  const survkit = s.status === 0 ? (performance.now() - t0) / 1000 : NaN;
  if (s.status !== 0) process.stderr.write(`survkit train failed: ${s.stderr.slice(0, 500)}\n`);
  t0 = performance.now();
  const p = spawnSync(python, [join(HERE, 'pycox_runner.py'), dataDir], {
    input: `${JSON.stringify({ dataset, model, seed: 0 })}\n`,
    env: { ...process.env, PYTHONPATH: pythonPath, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    encoding: 'utf8',
  });
  const pycox = p.status === 0 ? (performance.now() - t0) / 1000 : NaN;
  return { survkit, pycox };
}

const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'not measured');

/** The markdown table: one row per data set × model. */
export function sideBySideTable(runs: SideRun[], whole: Map<string, { survkit: number; pycox: number }>): string {
  const lines = [
    '| data | model | seeds | survkit ms/epoch | pycox ms/epoch | ratio (same rounds) | survkit CPU ms/epoch | pycox CPU ms/epoch | CPU ratio | survkit baseline s | pycox baseline s | baseline ratio | survkit baseline CPU s | pycox baseline CPU s | baseline CPU ratio | survkit C_td / IBS | pycox C_td / IBS | survkit / pycox epochs | TF.js path CPU ms/epoch (ratio) | whole process s (survkit / pycox) | load |',
    `|${' --- |'.repeat(21)}`,
  ];
  const keys = [...new Set(runs.map((r) => `${r.dataset}|${r.model}`))];
  for (const key of keys) {
    const [dataset, model] = key.split('|') as [string, Family];
    const s = runs.filter((r) => r.tool === 'survkit' && r.dataset === dataset && r.model === model && r.error === undefined);
    const p = runs.filter((r) => r.tool === 'pycox' && r.dataset === dataset && r.model === model && r.error === undefined);
    const ratios = s.map((r) => r.epochMs / (p.find((q) => q.seed === r.seed)?.epochMs ?? NaN)).filter(Number.isFinite);
    const cpuRatios = s.map((r) => r.epochCpuMs / (p.find((q) => q.seed === r.seed)?.epochCpuMs ?? NaN)).filter(Number.isFinite);
    const t = runs.filter((r) => r.tool === 'survkit-tfjs' && r.dataset === dataset && r.model === model && r.error === undefined);
    const tRatios = t.map((r) => r.epochCpuMs / (p.find((q) => q.seed === r.seed)?.epochCpuMs ?? NaN)).filter(Number.isFinite);
    const bRatios = s.map((r) => (r.baselineS ?? NaN) / (p.find((q) => q.seed === r.seed)?.baselineS ?? NaN)).filter(Number.isFinite);
    const bCpuRatios = s.map((r) => (r.baselineCpuS ?? NaN) / (p.find((q) => q.seed === r.seed)?.baselineCpuS ?? NaN)).filter(Number.isFinite);
    const baseline = (rs: SideRun[]): string => (rs.some((r) => r.baselineS !== null) ? fmt(median(rs.map((r) => r.baselineS ?? NaN)), 2) : '—');
    const baselineCpu = (rs: SideRun[]): string => (rs.some((r) => r.baselineCpuS !== null) ? fmt(median(rs.map((r) => r.baselineCpuS ?? NaN)), 2) : '—');
    const loads = [...s, ...p].map((r) => r.load);
    const w = whole.get(key);
    lines.push(
      `| ${dataset} | ${model} | ${s.length} | ${fmt(median(s.map((r) => r.epochMs)))} | ${p.length ? fmt(median(p.map((r) => r.epochMs))) : 'not measured'} | ` +
        `${ratios.length ? `${median(ratios).toFixed(2)}×` : '—'} | ${fmt(median(s.map((r) => r.epochCpuMs)))} | ` +
        `${p.length ? fmt(median(p.map((r) => r.epochCpuMs))) : 'not measured'} | ${cpuRatios.length ? `${median(cpuRatios).toFixed(2)}×` : '—'} | ${baseline(s)} | ${p.length ? baseline(p) : 'not measured'} | ${bRatios.length ? `${median(bRatios).toFixed(2)}×` : '—'} | ` +
        `${baselineCpu(s)} | ${p.length ? baselineCpu(p) : 'not measured'} | ${bCpuRatios.length ? `${median(bCpuRatios).toFixed(2)}×` : '—'} | ` +
        `${s.length ? `${mean(s.map((r) => r.ctd)).toFixed(4)} / ${mean(s.map((r) => r.ibs)).toFixed(4)}` : '—'} | ` +
        `${p.length ? `${mean(p.map((r) => r.ctd)).toFixed(4)} / ${mean(p.map((r) => r.ibs)).toFixed(4)}` : 'not measured'} | ` +
        `${fmt(mean(s.map((r) => r.epochs)))} / ${p.length ? fmt(mean(p.map((r) => r.epochs))) : '—'} | ` +
        `${t.length ? `${fmt(median(t.map((r) => r.epochCpuMs)))}${tRatios.length ? ` (${median(tRatios).toFixed(2)}×)` : ''}` : '—'} | ` +
        `${w ? `${fmt(w.survkit)} / ${fmt(w.pycox)}` : '—'} | ${loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : '—'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      datasets: { type: 'string', default: 'metabric,support' },
      models: { type: 'string', default: 'coxph,coxcc,coxtime,deephit,logistichazard,pmf,mtlr,pchazard,bcesurv' },
      tfjs: { type: 'boolean', default: false },
      seeds: { type: 'string', default: '3' },
      'seed-start': { type: 'string', default: '0' },
      backend: { type: 'string', default: 'wasm' },
      'whole-process': { type: 'boolean', default: false },
      out: { type: 'string', default: join('bench', 'out') },
    },
  });
  const dir = positionals[0];
  if (dir === undefined)
    throw new Error('usage: npx tsx bench/pycox-side-by-side.ts <data-dir> [--datasets …] [--models …] [--seeds 3] [--backend wasm] [--whole-process]');
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const pythonPath = process.env.PYCOX_PATH ?? '/work/ext/pycox:/work/ext/torchtuples';
  const backend = values.backend as BackendName;
  mkdirSync(values.out, { recursive: true });
  const jsonl = join(values.out, 'pycox-side-by-side.jsonl');
  writeFileSync(jsonl, '');
  const pycox = await Pycox.start(python, pythonPath, dir);
  const runs: SideRun[] = [];
  const whole = new Map<string, { survkit: number; pycox: number }>();
  let round = 0;
  for (const dataset of values.datasets.split(',')) {
    const table = readCsv(join(dir, `${dataset}.csv`));
    for (const model of values.models.split(',') as Family[]) {
      const first = Number(values['seed-start']);
      for (let seed = first; seed < first + Number(values.seeds); seed++, round++) {
        const pair: SideRun[] = [];
        const tools: SideRun['tool'][] = ['survkit', 'pycox', ...(values.tfjs ? (['survkit-tfjs'] as const) : [])];
        const order = tools.map((_, k) => tools[(k + round) % tools.length] as SideRun['tool']);
        for (const tool of order) {
          if (tool === 'survkit' || tool === 'survkit-tfjs')
            pair.push(await survkitRun(table, dataset, model, seed, backend, tool === 'survkit' ? 'auto' : 'tfjs'));
          else if (pycox) pair.push(await pycox.run(dataset, model, seed));
        }
        for (const r of pair) {
          runs.push(r);
          appendFileSync(jsonl, `${JSON.stringify(r)}\n`);
          process.stderr.write(
            `${dataset} ${model} seed ${seed} ${r.tool}: ${r.error ?? `C_td ${r.ctd.toFixed(4)} IBS ${r.ibs.toFixed(4)} epochs ${r.epochs} ${r.epochMs.toFixed(1)} ms/epoch (CPU ${r.epochCpuMs.toFixed(1)}) baseline ${r.baselineS?.toFixed(2) ?? '—'} s (CPU ${r.baselineCpuS?.toFixed(2) ?? '—'} s) load ${r.load.toFixed(1)}`}\n`,
          );
        }
      }
      if (values['whole-process']) {
        if (!existsSync(join(HERE, '..', 'dist', 'cli', 'main.js'))) throw new Error('--whole-process needs dist/: run npm run build');
        whole.set(`${dataset}|${model}`, wholeProcess(dir, dataset, model, python, pythonPath, backend));
      }
    }
  }
  pycox?.stop();
  const header =
    `Side by side, ${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}, ` +
    `TF.js ${tf.version.tfjs} (${backend}); ${pycox ? `pycox ${pycox.versions.pycox}, torchtuples ${pycox.versions.torchtuples}, torch ${pycox.versions.torch} (1 thread)` : 'pycox not measured'}.\n\n`;
  const md = header + sideBySideTable(runs, whole);
  writeFileSync(join(values.out, 'pycox-side-by-side.md'), md);
  process.stdout.write(md);
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) await main();
