/**
 * `CoxTime.predictSurvival` on SUPPORT's test split: the host walk of the folded
 * network (`FoldedTimeNet.logRiskGrid`, the current route for dense ReLU
 * networks) against the TF.js route it replaced (`coxTimeSurvival` with one
 * `net.predict` of the n test rows per baseline time, `CoxTime.logRiskAt`) and,
 * where Python with torch is available, pycox 0.3.0 `predict_surv_df` on the
 * same trained network (bench/coxtime_predict_pycox.py rebuilds it as an
 * `MLPVanillaCoxTime` with survkit's weights and baseline; torch on one
 * thread). Interleaved rounds (the order rotates), wall and process CPU time
 * per call, medians and the ratios of the same rounds, the 1-minute load
 * average around each round.
 *
 * Training: survkit `CoxTime` with the `survkit train` defaults ([32, 32],
 * batch norm, dropout 0.1, Adam lr 0.01, batch 256, up to 512 epochs, early
 * stopping on the `val` rows with patience 10), features standardised on the
 * training rows as `survkit train` does.
 *
 * Usage: npx tsx bench/coxtime-predict.ts <data-dir> [--rounds 7] [--seed 0] [--backend wasm] [--no-pycox]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { Standardizer } from '../src/data/standardize.js';
import { coxTimeSurvival } from '../src/estimators/cox-time-breslow.js';
import { readCsv } from '../src/io/csv.js';
import { CoxTime } from '../src/models/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
};

/** Wall and CPU (user + system) seconds of one call. */
async function timed<T>(f: () => Promise<T> | T): Promise<{ wall: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, value };
}

/** The persistent pycox process (bench/coxtime_predict_pycox.py). */
class PycoxPredict {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly proc: ReturnType<typeof spawn>) {
    this.lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
    proc.stderr?.on('data', () => undefined);
  }

  static async start(setup: unknown): Promise<{ p: PycoxPredict; versions: Record<string, string> } | undefined> {
    const python = process.env.PYTHON ?? '/usr/bin/python3';
    const env = { ...process.env, PYTHONPATH: process.env.PYCOX_PATH ?? '/work/ext/pycox:/work/ext/torchtuples', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const p = new PycoxPredict(spawn(python, [join(HERE, 'coxtime_predict_pycox.py')], { env }));
    try {
      const hello = JSON.parse(await p.ask({ setup })) as { versions: Record<string, string> };
      return { p, versions: hello.versions };
    } catch (e) {
      process.stderr.write(`pycox not available: ${(e as Error).message}\n`);
      return undefined;
    }
  }

  async ask(req: unknown): Promise<string> {
    this.proc.stdin?.write(`${JSON.stringify(req)}\n`);
    const r = await this.lines.next();
    if (r.done === true) throw new Error('the pycox process exited');
    return r.value;
  }

  stop(): void {
    this.proc.stdin?.end(`${JSON.stringify({ exit: true })}\n`);
  }
}

/** The network's weights in the layout of test/fixtures/models/pycox_coxtime_*.json (Keras names → pycox blocks). */
function weightsOf(m: CoxTime): { layers: Record<string, number[] | number[][]>[]; output_kernel: number[][] } {
  const layers: Record<string, number[] | number[][]>[] = [];
  let output: number[][] = [];
  for (const w of m.net.weights) {
    const v = w.read().arraySync() as number[] | number[][];
    if (w.originalName.endsWith('output/kernel')) {
      output = v as number[][];
      continue;
    }
    const hit = /(dense|batch_norm)_(\d+)\/(\w+)$/.exec(w.originalName);
    if (!hit) throw new Error(`unexpected weight ${w.originalName}`);
    const i = Number(hit[2]);
    layers[i] = { ...layers[i], [hit[3] as string]: v };
  }
  return { layers, output_kernel: output };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '7' },
      seed: { type: 'string', default: '0' },
      backend: { type: 'string', default: 'wasm' },
      'no-pycox': { type: 'boolean', default: false },
    },
  });
  const dir = positionals[0];
  if (dir === undefined) throw new Error('usage: npx tsx bench/coxtime-predict.ts <data-dir> [--rounds 7] [--seed 0] [--backend wasm] [--no-pycox]');
  const backend = await initBackend({ backend: values.backend as BackendName });
  const table = readCsv(join(dir, 'support.csv'));
  const col = (name: string): number => table.header.indexOf(name);
  const features = table.header.filter((h) => /^x\d+$/.test(h));
  const d = features.length;
  const rowsOf = (pick: (r: readonly string[]) => boolean): number[] => table.rows.flatMap((r, i) => (pick(r) ? [i] : []));
  const train = rowsOf((r) => r[col('split')] === 'train' && r[col('val')] !== '1');
  const val = rowsOf((r) => r[col('split')] === 'train' && r[col('val')] === '1');
  const test = rowsOf((r) => r[col('split')] === 'test');
  const X = Float64Array.from(table.rows.flatMap((r) => features.map((f) => Number(r[col(f)]))));
  const std = Standardizer.fit(features, X, train);
  const xOf = (rows: number[]): tf.Tensor2D => {
    const raw = new Float64Array(rows.length * d);
    rows.forEach((r, i) => raw.set(X.subarray(r * d, (r + 1) * d), i * d));
    return tf.tensor2d(std.transform(raw, rows.length), [rows.length, d]);
  };
  const labelsOf = (rows: number[]) => ({
    time: Float64Array.from(rows, (r) => Number(table.rows[r]?.[col('duration')])),
    event: Int32Array.from(rows, (r) => Number(table.rows[r]?.[col('event')])),
  });
  const [xTrain, xVal, xTest] = [xOf(train), xOf(val), xOf(test)];
  const yTrain = labelsOf(train);
  const seed = Number(values.seed);
  const m = new CoxTime({ inputDim: d, hidden: [32, 32], batchNorm: true, dropout: 0.1, seed });
  const fit = await timed(() =>
    m.fit(xTrain, yTrain, {
      epochs: 512,
      batchSize: 256,
      learningRate: 0.01,
      seed,
      verbose: false,
      validation: { x: xVal, labels: labelsOf(val) },
      earlyStopping: { patience: 10 },
    }),
  );
  const base = m.baseline!;
  const eventTimes = base.hazard.filter((h) => h > 0).length;
  const n = test.length;
  process.stderr.write(
    `trained in ${fit.wall.toFixed(1)} s (${fit.value.loss.length} epochs); n = ${n} test rows, K = ${base.times.length} baseline times (${eventTimes} with ĥ0 > 0)\n`,
  );

  const setup = {
    hidden: [32, 32],
    dropout: 0.1,
    epsilon: 1e-5,
    ...weightsOf(m),
    times_scaled: Array.from(m.scaler.transform(base.times)),
    hazard: Array.from(base.hazard),
    x_test: xTest.arraySync(),
  };
  const pycox = values['no-pycox'] ? undefined : await PycoxPredict.start(setup);
  type Tool = 'host' | 'tfjs' | 'pycox';
  const tools: Tool[] = pycox ? ['host', 'tfjs', 'pycox'] : ['host', 'tfjs'];
  const times: Record<Tool, { wall: number[]; cpu: number[] }> = { host: { wall: [], cpu: [] }, tfjs: { wall: [], cpu: [] }, pycox: { wall: [], cpu: [] } };
  const loads: number[] = [];
  let hostCurves: Float64Array | undefined;
  let tfjsCurves: Float64Array | undefined;
  let pycoxCurves: number[][] | undefined;
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round++) {
    loads.push(loadavg()[0] as number);
    for (let k = 0; k < tools.length; k++) {
      const tool = tools[(k + round) % tools.length] as Tool;
      if (tool === 'host') {
        const r = await timed(() => m.predictSurvival(xTest));
        hostCurves = r.value.values;
        times.host.wall.push(r.wall);
        times.host.cpu.push(r.cpu);
      } else if (tool === 'tfjs') {
        const r = await timed(() => coxTimeSurvival(base, (t) => m.logRiskAt([xTest], t), n));
        tfjsCurves = r.value.values;
        times.tfjs.wall.push(r.wall);
        times.tfjs.cpu.push(r.cpu);
      } else if (pycox) {
        const a = JSON.parse(await pycox.p.ask({ predict: true })) as { wall_s: number; cpu_s: number; surv?: number[][] };
        if (a.surv) pycoxCurves = a.surv;
        times.pycox.wall.push(a.wall_s);
        times.pycox.cpu.push(a.cpu_s);
      }
    }
    loads.push(loadavg()[0] as number);
    process.stderr.write(
      `round ${round}: ${tools.map((t) => `${t} ${(times[t].wall.at(-1) as number).toFixed(3)} s (CPU ${(times[t].cpu.at(-1) as number).toFixed(3)})`).join(', ')}, load ${loadavg()[0]?.toFixed(1)}\n`,
    );
  }
  pycox?.p.stop();
  const K = base.times.length;
  let hostVsTfjs = 0;
  let hostVsPycox = 0;
  let tfjsVsPycox = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const h = hostCurves?.[i * K + k] as number;
      const t = tfjsCurves?.[i * K + k] as number;
      hostVsTfjs = Math.max(hostVsTfjs, Math.abs(h - t));
      if (pycoxCurves) {
        const p = pycoxCurves[i]?.[k] as number;
        hostVsPycox = Math.max(hostVsPycox, Math.abs(h - p));
        tfjsVsPycox = Math.max(tfjsVsPycox, Math.abs(t - p));
      }
    }
  }
  const ratio = (a: Tool, b: Tool, what: 'wall' | 'cpu'): string =>
    times[b][what].length ? `${median(times[a][what].map((v, r) => v / (times[b][what][r] as number))).toFixed(3)}×` : '—';
  const lines = [
    `CoxTime.predictSurvival on SUPPORT's test split (n = ${n}, K = ${K} baseline times, ${eventTimes} with ĥ0 > 0), ${new Date().toISOString().slice(0, 16)} UTC, ` +
      `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}, TF.js ${tf.version.tfjs} (${backend.backend})` +
      `${pycox ? `, pycox ${pycox.versions.pycox} / torch ${pycox.versions.torch} (1 thread)` : ''}; ${rounds} interleaved rounds, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    '',
    '| route | wall s (median) | CPU s (median) | wall ÷ host walk | CPU ÷ host walk |',
    '| --- | --- | --- | --- | --- |',
    ...tools.map(
      (t) =>
        `| ${t === 'host' ? 'host walk (now)' : t === 'tfjs' ? 'TF.js route (before)' : 'pycox predict_surv_df'} | ${median(times[t].wall).toFixed(3)} | ${median(times[t].cpu).toFixed(3)} | ${ratio(t, 'host', 'wall')} | ${ratio(t, 'host', 'cpu')} |`,
    ),
    '',
    `max |ΔS|: host walk vs TF.js route ${hostVsTfjs.toExponential(2)}` +
      (pycoxCurves ? `, host walk vs pycox ${hostVsPycox.toExponential(2)}, TF.js route vs pycox ${tfjsVsPycox.toExponential(2)}` : ''),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  tf.dispose([xTrain, xVal, xTest]);
  m.dispose();
}

await main();
