/**
 * `evaluatePredictions` (the pipeline behind `survkit evaluate`, grid of 100 times) on a Parquet file of risks at
 * 10⁶ and 10⁷ rows: CPU seconds (user + system) of a fresh `node` process per run, the evaluation's own wall time,
 * and the 10⁷/10⁶ ratio. Give several source trees (e.g. a checkout of an older commit's `src`) to compare them
 * in interleaved rounds on the same files. Files are written to a scratch folder (not committed).
 *
 *   npx tsx bench/evaluate-scaling.ts [scratch-dir] [sizes] [src-dir,...]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/core/random.js';
import { writeTestParquet, type TestColumn } from '../test/io/parquet-writer.js';

const dir = process.argv[2] ?? '/tmp/survkit-evaluate-scaling';
const sizes = (process.argv[3] ?? '1e6,1e7').split(',').map(Number);
const srcs = (process.argv[4] ?? join(process.cwd(), 'src')).split(',');
mkdirSync(dir, { recursive: true });

function data(n: number): TestColumn[] {
  const rng = new Random(7);
  const risk = new Float64Array(n);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    risk[i] = rng.normal();
    time[i] = Math.round((-Math.log(1 - rng.next()) / Math.exp(0.7 * (risk[i] as number))) * 1000) / 100;
    event[i] = rng.next() < 0.7 ? 1 : 0;
  }
  return [
    { name: 'time', type: 'double', values: time },
    { name: 'event', type: 'int32', values: event },
    { name: 'risk', type: 'double', values: risk },
  ];
}

const child = `
const { readPredictionsAsync } = await import(process.env.SRC + '/io/table-file.ts');
const { evaluatePredictions } = await import(process.env.SRC + '/report/evaluate.ts');
const p = await readPredictionsAsync(process.env.FILE, { ignoreExtra: true });
const t1 = performance.now();
const r = evaluatePredictions(p, { grid: 100 });
const t2 = performance.now();
console.log(JSON.stringify({ evalMs: Math.round(t2 - t1), meanAuc: r.cumulativeDynamicAuc?.meanAuc }));
`;
const script = join(dir, 'child.mts');
writeFileSync(script, child);

function run(file: string, src: string): { evalMs: number; meanAuc: number; cpuS: number } {
  const stdout = execFileSync('bash', ['-c', `/usr/bin/time -f 'CPU %U %S' node --import tsx ${script} 2>${dir}/time.txt`], {
    env: { ...process.env, FILE: file, SRC: src },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(readFileSync(`${dir}/time.txt`, 'utf8'));
  const res = JSON.parse(stdout.trim().split('\n').pop() as string) as { evalMs: number; meanAuc: number };
  return { ...res, cpuS: m ? Number(m[1]) + Number(m[2]) : NaN };
}

const cpu: Record<string, Record<number, number>> = {};
for (const n of sizes) {
  const file = join(dir, `risk-${n}.parquet`);
  if (!existsSync(file)) writeTestParquet(file, data(n), 1 << 20);
  for (const src of srcs) {
    const load = loadavg()[0]?.toFixed(1);
    const r = run(file, src);
    (cpu[src] ??= {})[n] = r.cpuS;
    console.log(`n = ${n} ${src}: process CPU ${r.cpuS.toFixed(1)} s, evaluation wall ${r.evalMs} ms, meanAuc ${r.meanAuc}, load ${load}`);
  }
}
if (sizes.length === 2) {
  for (const src of srcs) {
    const c = cpu[src] as Record<number, number>;
    console.log(`${src}: CPU ratio ${sizes[1]}/${sizes[0]} = ${((c[sizes[1] as number] as number) / (c[sizes[0] as number] as number)).toFixed(1)}`);
  }
}
