/**
 * Seeded data for bench/compare.ts, written to a temporary directory (nothing is committed): a 10⁶-row
 * predictions CSV, labels and risks as raw little-endian binaries (float64 / int32) for the in-process
 * metric tasks, and survival curves S_i(t) = exp(−t·exp(r_i)/10) for the IBS tasks. Risks r_i ~ N(0, 1),
 * event times exponential with rate exp(r_i)/10, independent exponential censoring (≈ 40 % censored); times
 * are continuous, so there are no ties.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../src/core/random.js';

/** Python lines that import lifelines' `concordance_index` from its source tree without the package's
 * `__init__` (which needs autograd and formulaic); the module itself needs only numpy. */
export const PY_LIFELINES_IMPORT = (dir: string): string => `import sys, types
for _name, _path in [('lifelines', ${JSON.stringify(`${dir}/lifelines`)}), ('lifelines.utils', ${JSON.stringify(`${dir}/lifelines/utils`)})]:
    _m = types.ModuleType(_name); _m.__path__ = [_path]; sys.modules[_name] = _m
from lifelines.utils.concordance import concordance_index`;

/** Python lines that import pycox's EvalSurv (h5py, used only by pycox's dataset downloads, stubbed). */
export const PY_PYCOX_IMPORT = `import sys, types
if 'h5py' not in sys.modules:
    try:
        import h5py
    except ImportError:
        sys.modules['h5py'] = types.ModuleType('h5py')
from pycox.evaluation import EvalSurv`;

interface Labels {
  time: Float64Array;
  event: Int32Array;
  risk: Float64Array;
}

function labels(n: number, seed: number): Labels {
  const rng = new Random(seed);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const risk = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.normal();
    const t = (-Math.log(1 - rng.next()) * 10) / Math.exp(r);
    const c = (-Math.log(1 - rng.next()) * 10) / 0.6;
    risk[i] = r;
    time[i] = Math.min(t, c);
    event[i] = t <= c ? 1 : 0;
  }
  return { time, event, risk };
}

const bytes = (a: Float64Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function writeCsv(path: string, y: Labels): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'time,event,risk\n');
    const n = y.time.length;
    for (let i = 0; i < n; i += 50_000) {
      const part: string[] = [];
      for (let j = i; j < Math.min(n, i + 50_000); j++) {
        part.push(`${(y.time[j] as number).toPrecision(15)},${y.event[j] as number},${(y.risk[j] as number).toPrecision(16)}\n`);
      }
      writeSync(fd, part.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes the benchmark inputs under `dir` and returns their paths. */
export function makeData(dir: string): {
  csv: Record<number, string>;
  bin: Record<number, { time: string; event: string; risk: string }>;
  curves: Record<number, { time: string; event: string; surv: string; grid: number[]; times: number[] }>;
} {
  const csv: Record<number, string> = {};
  const bin: Record<number, { time: string; event: string; risk: string }> = {};
  const curves: Record<number, { time: string; event: string; surv: string; grid: number[]; times: number[] }> = {};
  for (const [n, seed] of [
    [10_000, 10],
    [100_000, 11],
    [1_000_000, 12],
  ] as const) {
    const y = labels(n, seed);
    const p = (s: string): string => join(dir, `${s}-${n}.bin`);
    writeFileSync(p('time'), bytes(y.time));
    writeFileSync(p('event'), bytes(y.event));
    writeFileSync(p('risk'), bytes(y.risk));
    bin[n] = { time: p('time'), event: p('event'), risk: p('risk') };
    if (n === 1_000_000) {
      csv[n] = join(dir, `risk-${n}.csv`);
      writeCsv(csv[n], y);
    }
    // curves on m grid times up to the 90th percentile of the times; 100 evaluation times inside the grid
    const m = n <= 100_000 ? 100 : 10;
    const sorted = Float64Array.from(y.time).sort();
    const tMax = sorted[Math.floor(0.9 * n)] as number;
    const grid = Array.from({ length: m }, (_, k) => (tMax * k) / (m - 1));
    const surv = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      const h = Math.exp(y.risk[i] as number) / 10;
      for (let k = 0; k < m; k++) surv[i * m + k] = Math.exp(-(grid[k] as number) * h);
    }
    writeFileSync(p('surv'), bytes(surv));
    const lo = sorted[0] as number;
    const times = Array.from({ length: 100 }, (_, k) => lo + ((tMax - lo) * k) / 99);
    curves[n] = { time: p('time'), event: p('event'), surv: p('surv'), grid, times };
  }
  return { csv, bin, curves };
}
