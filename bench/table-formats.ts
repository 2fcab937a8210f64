/**
 * Reading and evaluating a Parquet file of risks at 10⁶ and 10⁷ rows (and the same data as Arrow IPC and CSV at
 * 10⁶): wall time and peak resident memory of a fresh `node` process per run, the bytes read from the file, and
 * what hyparquet reads when every column is asked for. Files are written to a scratch folder (not committed).
 *
 *   npx tsx bench/table-formats.ts [scratch-dir] [max-n]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableToIPC, tableFromArrays } from 'apache-arrow';
import { Random } from '../src/core/random.js';
import { writeTestParquet, type TestColumn } from '../test/io/parquet-writer.js';

const dir = process.argv[2] ?? '/tmp/survkit-table-formats';
const sizes = (process.argv[3] ?? '1e6,1e7').split(',').map(Number);
mkdirSync(dir, { recursive: true });

function data(n: number): TestColumn[] {
  const rng = new Random(7);
  const risk = new Float64Array(n);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    risk[i] = rng.normal();
    time[i] = Math.round((-Math.log(1 - rng.next()) / Math.exp(0.7 * (risk[i] as number))) * 1000) / 100;
    event[i] = rng.next() < 0.7 ? 1 : 0;
    x1[i] = rng.normal();
    x2[i] = rng.normal();
  }
  return [
    { name: 'time', type: 'double', values: time },
    { name: 'event', type: 'int32', values: event },
    { name: 'risk', type: 'double', values: risk },
    // two columns the metrics do not use
    { name: 'x1', type: 'double', values: x1 },
    { name: 'x2', type: 'double', values: x2 },
  ];
}

const child = `
const { readPredictionsAsync } = await import(process.env.SRC + '/io/table-file.ts');
const { evaluatePredictions } = await import(process.env.SRC + '/report/evaluate.ts');
const { readParquetColumns } = await import(process.env.SRC + '/io/parquet.ts');
let bytes = 0;
const t0 = performance.now();
const mode = process.env.MODE;
if (mode === 'read-all') {
  await readParquetColumns(process.env.FILE, undefined, { onRead: (b) => (bytes += b) });
  console.log(JSON.stringify({ readMs: performance.now() - t0, bytes }));
} else {
  const p = await readPredictionsAsync(process.env.FILE, { ignoreExtra: true }, { onRead: (b) => (bytes += b) });
  const t1 = performance.now();
  const r = mode === 'evaluate' ? evaluatePredictions(p, { grid: 100 }) : undefined;
  const t2 = performance.now();
  console.log(JSON.stringify({ readMs: t1 - t0, evalMs: t2 - t1, bytes, c: r?.concordance?.cIndex ?? r?.harrell?.cIndex }));
}
`;

function peak(file: string, mode: string): { res: Record<string, number>; peakRssMiB: number; cpuS: number } {
  const script = join(dir, 'child.mts');
  writeFileSync(script, child);
  let stderr = '';
  let stdout = '';
  try {
    stdout = execFileSync('bash', ['-c', `/usr/bin/time -f 'PEAK %M CPU %U %S' node --import tsx ${script} 2>${dir}/time.txt; cat ${dir}/time.txt >&2`], {
      env: { ...process.env, FILE: file, MODE: mode, SRC: join(process.cwd(), 'src') },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
  } catch (err) {
    stderr = String((err as { stderr?: string }).stderr);
    throw new Error(stderr);
  }
  const t = execFileSync('cat', [`${dir}/time.txt`], { encoding: 'utf8' });
  const m = /PEAK (\d+) CPU ([\d.]+) ([\d.]+)/.exec(t);
  return {
    res: JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, number>,
    peakRssMiB: m ? Number(m[1]) / 1024 : NaN,
    // user + system CPU seconds of the whole process (start-up included): robust to other load on the machine
    cpuS: m ? Number(m[2]) + Number(m[3]) : NaN,
  };
}

for (const n of sizes) {
  const cols = data(n);
  const pq = join(dir, `risk-${n}.parquet`);
  writeTestParquet(pq, cols, 1 << 20);
  const size = statSync(pq).size;
  console.log(`n = ${n}: Parquet ${(size / 2 ** 20).toFixed(1)} MiB (5 float64/int32 columns, 2 unused)`);
  for (const mode of ['read', 'evaluate', 'read-all']) {
    const { res, peakRssMiB, cpuS } = peak(pq, mode);
    console.log(
      `  ${mode}: ${JSON.stringify(res)} CPU ${cpuS.toFixed(1)} s, peak RSS ${peakRssMiB.toFixed(0)} MiB; bytes read / file = ${((res.bytes ?? 0) / size).toFixed(3)}`,
    );
  }
  if (n === 1e6) {
    const arrow = join(dir, `risk-${n}.arrow`);
    writeFileSync(arrow, tableToIPC(tableFromArrays(Object.fromEntries(cols.map((c) => [c.name, c.values as Float64Array | Int32Array]))), 'file'));
    const a = peak(arrow, 'read');
    console.log(`  arrow read: ${JSON.stringify(a.res)} CPU ${a.cpuS.toFixed(1)} s, peak RSS ${a.peakRssMiB.toFixed(0)} MiB`);
    const csv = join(dir, `risk-${n}.csv`);
    const lines = ['time,event,risk,x1,x2'];
    for (let i = 0; i < n; i++) lines.push(cols.map((c) => String(c.values[i])).join(','));
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const r2 = peak(csv, 'read');
    console.log(`  csv read: ${JSON.stringify(r2.res)} CPU ${r2.cpuS.toFixed(1)} s, peak RSS ${r2.peakRssMiB.toFixed(0)} MiB`);
  }
}
