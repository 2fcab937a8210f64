/**
 * Side-by-side benchmarks (`npm run bench:compare`, or `npm run bench -- --compare`): survkit and the
 * reference implementations that are installed run in interleaved rounds in one invocation, each run in a
 * fresh process, the order of the sides alternating from round to round. The table gives the medians of the
 * wall time and of the CPU time (user + system) of the same span, the medians of the per-round ratios
 * (reference ÷ survkit, so > 1 means survkit is faster), the peak RSS of whole-process runs, the load average
 * while the task ran, the date and the machine; a reference that is not installed is "not measured". On a
 * loaded machine the CPU ratio is the steadier one.
 *
 * Tasks (data made here, seeded, in a temporary directory that is removed at the end):
 * - CSV read, 10⁶ rows (time,event,risk; distinct times, ≈ 38 MB): survkit `readPredictions` vs pandas
 *   `read_csv`, R `read.csv` and data.table `fread` (time inside the process, file to columns);
 * - `survkit evaluate` on that file, whole process (wall and peak RSS), vs `Rscript` read.csv +
 *   survival::concordance, and vs python pandas read_csv + lifelines `concordance_index`;
 * - Harrell's C at 10⁵ and 10⁶ (in-process): survkit `concordanceIndex` vs R survival::concordance and
 *   lifelines `concordance_index` (scikit-survival: not measured when not installed);
 * - IBS (pycox convention) at 10⁵ × 100 and 10⁶ × 10 curve times: survkit `integratedBrierScore` vs pycox
 *   `EvalSurv.integrated_brier_score`.
 *
 * Needs `npm run build` (the survkit side runs dist/). Python is /usr/bin/python3 (Debian); lifelines and pycox
 * are taken from LIFELINES_DIR / PYCOX_DIR (default /work/ext/lifelines, /work/ext/pycox + torchtuples).
 * Options: --rounds N (default 3), --only csv,evaluate,harrell,ibs, --markdown FILE.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeData, PY_LIFELINES_IMPORT, PY_PYCOX_IMPORT } from './compare-data.js';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const PY = '/usr/bin/python3';
const LIFELINES = process.env.LIFELINES_DIR ?? '/work/ext/lifelines';
const PYCOX = process.env.PYCOX_DIR ?? '/work/ext/pycox';
const TORCHTUPLES = process.env.TORCHTUPLES_DIR ?? '/work/ext/torchtuples';

/** One run: wall milliseconds, CPU milliseconds (user + system) of the same span, the result, the peak RSS. */
interface Run {
  ms: number;
  cpuMs?: number;
  value?: number;
  rssMb?: number;
}

/** One side of a task: how to run it once. */
interface Side {
  name: string;
  /** Why it cannot run here, or undefined. */
  missing?: string;
  run: () => Run;
}

interface Task {
  task: string;
  n: number;
  survkit: Side;
  refs: Side[];
}

const { values } = parseArgs({
  options: { rounds: { type: 'string' }, only: { type: 'string' }, markdown: { type: 'string' }, compare: { type: 'boolean' } },
  allowPositionals: false,
});
const rounds = Number(values.rounds ?? 3);
const only = new Set((values.only ?? 'csv,evaluate,harrell,ibs').split(','));
if (!existsSync(join(DIST, 'cli', 'main.js'))) throw new Error('bench/compare: run `npm run build` first (the survkit side runs dist/)');

const dir = mkdtempSync(join(tmpdir(), 'survkit-compare-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Runs a command; its last stdout line is "ms value". Wall time and peak RSS of the whole process come from /usr/bin/time. */
function runTimed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run & { wallMs: number; wholeCpuMs: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %U %S', cmd, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
    cwd: dir,
  });
  const m = /TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  const [ms, value, cpuMs] = last.split(/\s+/).map(Number);
  const wholeCpuMs = (Number(m[3]) + Number(m[4])) * 1000;
  return { ms: ms ?? NaN, value, cpuMs, wallMs: Number(m[1]) * 1000, wholeCpuMs, rssMb: Number(m[2]) / 1024 };
}

const script = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function available(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: 'pipe', env: { ...process.env, ...env }, cwd: dir });
    return undefined;
  } catch (e) {
    const err = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop();
    return `not measured (${err ?? (e as Error).message})`;
  }
}

const pyEnv = { PYTHONPATH: [PYCOX, TORCHTUPLES].join(':'), OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
const hasPandas = available(PY, ['-c', 'import pandas']);
const hasLifelines = existsSync(join(LIFELINES, 'lifelines', 'utils', 'concordance.py'))
  ? available(PY, ['-c', `${PY_LIFELINES_IMPORT(LIFELINES)}`])
  : `not measured (lifelines not found in ${LIFELINES})`;
const hasSksurv = available(PY, ['-c', 'import sksurv']);
const hasPycox = available(PY, ['-c', PY_PYCOX_IMPORT], pyEnv);
const hasR = available('Rscript', ['-e', 'library(survival)']);
const hasFread = available('Rscript', ['-e', 'library(data.table)']);

process.stderr.write(`making data in ${dir}\n`);
const data = makeData(dir);

const node = (code: string): (() => ReturnType<typeof runTimed>) => {
  const cpu = 'const cpu = (c0) => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };\n';
  const p = script(`s${Math.random().toString(36).slice(2)}.mjs`, cpu + code);
  return () => runTimed(process.execPath, [p]);
};
const py = (code: string): (() => ReturnType<typeof runTimed>) => {
  const p = script(`p${Math.random().toString(36).slice(2)}.py`, code);
  return () => runTimed(PY, [p], pyEnv);
};
const r = (code: string): (() => ReturnType<typeof runTimed>) => {
  const p = script(`r${Math.random().toString(36).slice(2)}.R`, code);
  return () => runTimed('Rscript', [p]);
};
/** The whole process: wall and CPU time (user + system) from /usr/bin/time. */
const whole =
  (run: () => ReturnType<typeof runTimed>): Side['run'] =>
  () => {
    const x = run();
    return { ms: x.wallMs, cpuMs: x.wholeCpuMs, value: x.value, rssMb: x.rssMb };
  };
const skip = (name: string, why: string | undefined): Side => ({ name, missing: why, run: () => ({ ms: NaN }) });

const tasks: Task[] = [];
const big = data.csv[1_000_000] as string;
if (only.has('csv')) {
  tasks.push({
    task: 'CSV read → typed columns (time,event,risk)',
    n: 1_000_000,
    survkit: {
      name: 'survkit readPredictions',
      run: node(`import { readPredictions } from ${JSON.stringify(join(DIST, 'io/predictions.js'))};
const t0 = performance.now(), c0 = process.cpuUsage(); const p = readPredictions(${JSON.stringify(big)});
console.log(performance.now() - t0, p.labels.time.length, cpu(c0));`),
    },
    refs: [
      hasPandas === undefined
        ? {
            name: 'pandas read_csv',
            run: py(`import time, pandas as pd
t0 = time.perf_counter(); c0 = time.process_time(); d = pd.read_csv(${JSON.stringify(big)}); print((time.perf_counter() - t0) * 1000, len(d), (time.process_time() - c0) * 1000)`),
          }
        : skip('pandas read_csv', hasPandas),
      hasR === undefined
        ? {
            name: 'R read.csv',
            run: r(
              `t0 <- proc.time(); d <- read.csv(${JSON.stringify(big)}); cat((proc.time()[[3]] - t0[[3]]) * 1000, nrow(d), sum((proc.time() - t0)[1:2]) * 1000, "\\n")`,
            ),
          }
        : skip('R read.csv', hasR),
      hasFread === undefined
        ? {
            name: 'data.table fread (1 thread)',
            run: r(`suppressMessages(library(data.table)); setDTthreads(1); t0 <- proc.time(); d <- fread(${JSON.stringify(big)})
cat((proc.time()[[3]] - t0[[3]]) * 1000, nrow(d), sum((proc.time() - t0)[1:2]) * 1000, "\\n")`),
          }
        : skip('data.table fread', hasFread),
    ],
  });
}
if (only.has('evaluate')) {
  tasks.push({
    task: 'whole process: survkit evaluate (Harrell, Uno, AUC at 99 times) vs read + Harrell C',
    n: 1_000_000,
    survkit: { name: 'survkit evaluate', run: whole(() => runTimed(process.execPath, [join(DIST, 'cli/main.js'), 'evaluate', big])) },
    refs: [
      hasR === undefined
        ? {
            name: 'Rscript read.csv + concordance',
            run: whole(
              r(`suppressMessages(library(survival)); d <- read.csv(${JSON.stringify(big)})
cc <- concordance(Surv(time, event) ~ risk, data = d, reverse = TRUE); cat(0, cc$concordance, "\\n")`),
            ),
          }
        : skip('Rscript read.csv + concordance', hasR),
      hasPandas === undefined && hasLifelines === undefined
        ? {
            name: 'python pandas + lifelines concordance_index',
            run: whole(
              py(`${PY_LIFELINES_IMPORT(LIFELINES)}
import pandas as pd
d = pd.read_csv(${JSON.stringify(big)}); print(0, concordance_index(d['time'], -d['risk'], d['event']))`),
            ),
          }
        : skip('pandas + lifelines', hasPandas ?? hasLifelines),
    ],
  });
}
if (only.has('harrell')) {
  for (const n of [100_000, 1_000_000]) {
    const f = data.bin[n] as { time: string; event: string; risk: string };
    const loadNp = `import numpy as np, time
t = np.fromfile(${JSON.stringify(f.time)}); e = np.fromfile(${JSON.stringify(f.event)}, dtype=np.int32); r = np.fromfile(${JSON.stringify(f.risk)})`;
    tasks.push({
      task: "Harrell's C (in process)",
      n,
      survkit: {
        name: 'survkit concordanceIndex',
        run: node(`import { readFileSync } from 'node:fs';
import { concordanceIndex } from ${JSON.stringify(join(DIST, 'metrics/index.js'))};
const f64 = (p) => { const b = readFileSync(p); return new Float64Array(b.buffer, b.byteOffset, b.length / 8); };
const b = readFileSync(${JSON.stringify(f.event)}); const event = new Int32Array(b.buffer, b.byteOffset, b.length / 4);
const time = f64(${JSON.stringify(f.time)}); const risk = f64(${JSON.stringify(f.risk)});
const t0 = performance.now(), c0 = process.cpuUsage(); const c = concordanceIndex({ time, event }, risk); console.log(performance.now() - t0, c.cIndex, cpu(c0));`),
      },
      refs: [
        hasR === undefined
          ? {
              name: 'R survival::concordance',
              run: r(`suppressMessages(library(survival))
t <- readBin(${JSON.stringify(f.time)}, "double", ${n}); e <- readBin(${JSON.stringify(f.event)}, "integer", ${n}); r <- readBin(${JSON.stringify(f.risk)}, "double", ${n})
t0 <- proc.time(); cc <- concordance(Surv(t, e) ~ r, reverse = TRUE); cat((proc.time()[[3]] - t0[[3]]) * 1000, cc$concordance, sum((proc.time() - t0)[1:2]) * 1000, "\\n")`),
            }
          : skip('R survival::concordance', hasR),
        hasLifelines === undefined
          ? {
              name: 'lifelines concordance_index',
              run: py(`${PY_LIFELINES_IMPORT(LIFELINES)}
${loadNp}
t0 = time.perf_counter(); c0 = time.process_time(); c = concordance_index(t, -r, e); print((time.perf_counter() - t0) * 1000, c, (time.process_time() - c0) * 1000)`),
            }
          : skip('lifelines concordance_index', hasLifelines),
        hasSksurv === undefined
          ? {
              name: 'scikit-survival concordance_index_censored',
              run: py(`from sksurv.metrics import concordance_index_censored
${loadNp}
t0 = time.perf_counter(); c0 = time.process_time(); c = concordance_index_censored(e.astype(bool), t, r)[0]; print((time.perf_counter() - t0) * 1000, c, (time.process_time() - c0) * 1000)`),
            }
          : skip('scikit-survival concordance_index_censored', hasSksurv),
      ],
    });
  }
}
if (only.has('ibs')) {
  for (const [n, m] of [
    [10_000, 100],
    [100_000, 100],
    [1_000_000, 10],
  ] as const) {
    const f = data.curves[n] as { time: string; event: string; surv: string; grid: number[]; times: number[] };
    tasks.push({
      task: `IBS, pycox convention (${m} curve times, 100 evaluation times)`,
      n,
      survkit: {
        name: 'survkit integratedBrierScore',
        run: node(`import { readFileSync } from 'node:fs';
import { integratedBrierScore } from ${JSON.stringify(join(DIST, 'metrics/index.js'))};
import { SurvivalCurves } from ${JSON.stringify(join(DIST, 'estimators/index.js'))};
const f64 = (p) => { const b = readFileSync(p); return new Float64Array(b.buffer, b.byteOffset, b.length / 8); };
const b = readFileSync(${JSON.stringify(f.event)}); const event = new Int32Array(b.buffer, b.byteOffset, b.length / 4);
const time = f64(${JSON.stringify(f.time)}); const curves = new SurvivalCurves(${JSON.stringify(f.grid)}, f64(${JSON.stringify(f.surv)}));
const t0 = performance.now(), c0 = process.cpuUsage(); const v = integratedBrierScore({ time, event }, curves, { times: ${JSON.stringify(f.times)} });
console.log(performance.now() - t0, v.value, cpu(c0));`),
      },
      refs: [
        hasPycox === undefined && n > 10_000
          ? skip('pycox EvalSurv', `not measured (EvalSurv(censor_surv='km') builds an n × n censoring matrix: ${((n * n * 8) / 2 ** 30).toFixed(0)} GiB)`)
          : hasPycox === undefined
            ? {
                name: 'pycox EvalSurv.integrated_brier_score',
                run: py(`${PY_PYCOX_IMPORT}
import numpy as np, pandas as pd, time
t = np.fromfile(${JSON.stringify(f.time)}); e = np.fromfile(${JSON.stringify(f.event)}, dtype=np.int32)
s = np.fromfile(${JSON.stringify(f.surv)}).reshape(${n}, ${m}); surv = pd.DataFrame(s.T, index=np.array(${JSON.stringify(f.grid)}))
t0 = time.perf_counter(); c0 = time.process_time(); ev = EvalSurv(surv, t, e, censor_surv='km'); v = ev.integrated_brier_score(np.array(${JSON.stringify(f.times)}))
print((time.perf_counter() - t0) * 1000, v, (time.process_time() - c0) * 1000)`),
              }
            : skip('pycox EvalSurv', hasPycox),
      ],
    });
  }
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const k = s.length >> 1;
  return s.length % 2 === 1 ? (s[k] as number) : ((s[k - 1] as number) + (s[k] as number)) / 2;
};

interface Line {
  task: string;
  n: number;
  side: string;
  ms: number;
  cpuMs: number;
  ratio: number;
  cpuRatio: number;
  value?: number;
  rssMb?: number;
  load: [number, number];
  note?: string;
}
const lines: Line[] = [];
const started = new Date();
/** The median over rounds of this side's time ÷ survkit's time in the same round. */
const ratioOf = (xs: Run[], sk: Run[], key: 'ms' | 'cpuMs'): number => median(xs.map((x, k) => (x[key] ?? NaN) / ((sk[k] as Run)[key] ?? NaN)));
const summary = (task: Task, side: string, xs: Run[], sk: Run[], load: [number, number]): Line => ({
  task: task.task,
  n: task.n,
  side,
  ms: median(xs.map((x) => x.ms)),
  cpuMs: median(xs.map((x) => x.cpuMs ?? NaN)),
  ratio: ratioOf(xs, sk, 'ms'),
  cpuRatio: ratioOf(xs, sk, 'cpuMs'),
  value: xs[0]?.value,
  rssMb: median(xs.map((x) => x.rssMb ?? NaN)),
  load,
});
for (const t of tasks) {
  const live = t.refs.filter((s) => s.missing === undefined);
  const sk: Run[] = [];
  const refs: Run[][] = live.map(() => []);
  const loads: number[] = [];
  for (let k = 0; k < rounds; k++) {
    // alternate who goes first, so that neither side always gets the warmer (or the emptier) machine
    const order = k % 2 === 0 ? [-1, ...live.map((_, j) => j)] : [...live.map((_, j) => j), -1];
    for (const j of order) {
      loads.push(loadavg()[0] as number);
      const side = j < 0 ? t.survkit : (live[j] as Side);
      if (side.missing !== undefined) continue;
      let x: Run;
      try {
        x = side.run();
      } catch (e) {
        const why = (e as Error).message
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('TIME') && !l.startsWith('Command'))
          .pop();
        side.missing = `failed (${(why ?? '').slice(0, 120)})`;
        continue;
      }
      if (j < 0) sk.push(x);
      else (refs[j] as Run[]).push(x);
      process.stderr.write(`  ${t.task} n=${t.n} round ${k + 1}: ${side.name} ${x.ms.toFixed(0)} ms (CPU ${(x.cpuMs ?? NaN).toFixed(0)} ms)\n`);
    }
  }
  if (t.survkit.missing !== undefined) throw new Error(`${t.survkit.name} ${t.survkit.missing}`);
  const load: [number, number] = [Math.min(...loads), Math.max(...loads)];
  lines.push(summary(t, t.survkit.name, sk, sk, load));
  live.forEach((s, j) => {
    if (s.missing === undefined) lines.push(summary(t, s.name, refs[j] as Run[], sk, load));
  });
  for (const s of t.refs.filter((x) => x.missing !== undefined)) {
    lines.push({ task: t.task, n: t.n, side: s.name, ms: NaN, cpuMs: NaN, ratio: NaN, cpuRatio: NaN, load, note: s.missing });
  }
}

const fmtMs = (x: number): string => (Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`) : '—');
const env = `${started.toISOString().slice(0, 16)} UTC; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${rounds} interleaved rounds, median`;
const header = ['task', 'n', 'implementation', 'median wall', 'ratio (÷ survkit)', 'median CPU', 'CPU ratio', 'value', 'peak RSS', 'load (1 min)'];
const x2 = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const body = lines.map((l) => {
  const sk = l.side.startsWith('survkit');
  return [
    l.task,
    l.n.toLocaleString('en-US'),
    l.side,
    l.note ?? fmtMs(l.ms),
    l.note !== undefined ? '' : sk ? '1' : x2(l.ratio),
    l.note !== undefined ? '' : fmtMs(l.cpuMs),
    l.note !== undefined ? '' : sk ? '1' : x2(l.cpuRatio),
    l.value === undefined || !Number.isFinite(l.value) ? '' : String(Number(l.value.toPrecision(10))),
    l.rssMb === undefined || !Number.isFinite(l.rssMb) ? '' : `${l.rssMb.toFixed(0)} MB`,
    `${l.load[0].toFixed(1)}–${l.load[1].toFixed(1)}`,
  ];
});
const md = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n');
process.stdout.write(`${env}\n\n${md}\n`);
if (values.markdown !== undefined) writeFileSync(values.markdown, `${env}\n\n${md}\n`);
