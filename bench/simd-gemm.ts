/**
 * The WebAssembly SIMD matrix product (src/ops/wasm/gemm.ts) against the dense engine's former plain-JS
 * product (`abt`: 4×2 register blocks, float64 sums, operands transposed first) and PyTorch's `torch.mm`
 * with one thread (bench/simd_gemm_torch.py, a persistent /usr/bin/python3 process), on the shapes of the
 * tabular engine's forward and gradient products (batch 256; widths 9, 14, 32) and a few larger ones. The
 * tools run in interleaved rounds in one invocation; the table gives median GMAC/s (multiply-adds per
 * second) over the rounds and the ratio from the same rounds, with the load average.
 *
 * Usage: npx tsx bench/simd-gemm.ts [--rounds 5] [--no-torch]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SimdGemm, simdMatmul } from '../src/ops/wasm/gemm.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, 'no-torch': { type: 'boolean', default: false } } });
const ROUNDS = Number(values.rounds);
const HERE = dirname(fileURLToPath(import.meta.url));

/** [label, m, n, k, transA, transB]: C[m×n] = op(A)·op(B). */
type Shape = [string, number, number, number, boolean, boolean];
const SHAPES: Shape[] = [];
for (const w of [9, 14, 32]) {
  SHAPES.push([`fwd x·W 256×${w}→32`, 256, 32, w, false, false]);
  SHAPES.push([`grad xᵀ·d ${w}×256·256×32`, w, 32, 256, true, false]);
  SHAPES.push([`grad d·Wᵀ 256×32·32×${w}`, 256, w, 32, false, true]);
}
SHAPES.push(['head h·w 256×32→1', 256, 1, 32, false, false]);
SHAPES.push(['fwd 256×32→32 (SUPPORT hidden)', 256, 32, 32, false, false]);
SHAPES.push(['larger 512×64·64×576', 512, 576, 64, false, false]);
SHAPES.push(['larger 576×512·512×64 (Aᵀ·B)', 576, 64, 512, true, false]);

/** The engine's former product: out = A·Bᵀ of row-major A[m×k], B[n×k], 4×2 blocks, float64 sums. */
function abt(a: Float32Array, m: number, b: Float32Array, n: number, k: number, out: Float32Array): void {
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const r0 = r * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const ca = j * k;
      const cb = ca + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[ca + p] as number;
        const y1 = b[cb + p] as number;
        let x = a[r0 + p] as number;
        s00 += x * y0;
        s01 += x * y1;
        x = a[r1 + p] as number;
        s10 += x * y0;
        s11 += x * y1;
        x = a[r2 + p] as number;
        s20 += x * y0;
        s21 += x * y1;
        x = a[r3 + p] as number;
        s30 += x * y0;
        s31 += x * y1;
      }
      const o = r * n + j;
      out[o] = s00;
      out[o + 1] = s01;
      out[o + n] = s10;
      out[o + n + 1] = s11;
      out[o + 2 * n] = s20;
      out[o + 2 * n + 1] = s21;
      out[o + 3 * n] = s30;
      out[o + 3 * n + 1] = s31;
    }
    for (; j < n; j++) {
      const ca = j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[ca + p] as number;
        s0 += (a[r0 + p] as number) * y;
        s1 += (a[r1 + p] as number) * y;
        s2 += (a[r2 + p] as number) * y;
        s3 += (a[r3 + p] as number) * y;
      }
      const o = r * n + j;
      out[o] = s0;
      out[o + n] = s1;
      out[o + 2 * n] = s2;
      out[o + 3 * n] = s3;
    }
  }
  for (; r < m; r++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[r * k + p] as number) * (b[j * k + p] as number);
      out[r * n + j] = s;
    }
}

function transpose(a: Float32Array, rows: number, cols: number, t: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c] as number;
  return t;
}

const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random());
const reps = (m: number, n: number, k: number): number => Math.max(20, Math.min(20000, Math.round(2e7 / (m * n * k))));

/** Median ns per call of `f` (5 batches of `r` calls after a warm-up). */
function time(f: () => void, r: number): number {
  for (let i = 0; i < Math.max(3, r); i++) f();
  const ts: number[] = [];
  for (let b = 0; b < 5; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < r; i++) f();
    ts.push(Number(process.hrtime.bigint() - t0) / r);
  }
  return ts.sort((x, y) => x - y)[2] as number;
}

/** ns per product for [simd in the arena, simd with copies in and out, JS abt (with its transposes)]. */
function survkit(shape: Shape): [number, number, number] {
  const [, m, n, k, ta, tb] = shape;
  const g = new SimdGemm();
  const a = rand(m * k);
  const b = rand(k * n);
  const pa = g.alloc(m * k);
  const pb = g.alloc(k * n);
  const pc = g.alloc(m * n);
  g.prepare(k);
  g.f32.set(a, pa);
  g.f32.set(b, pb);
  const r = reps(m, n, k);
  const simd = time(() => g.matmul(m, n, k, pa, pb, pc, { transA: ta, transB: tb }), r);
  const out = new Float32Array(m * n);
  const copies = time(() => simdMatmul(a, b, m, n, k, { transA: ta, transB: tb }, out), r);
  // abt wants A [m×k] and B as [n×k]: transpose whichever operand is not stored that way (as the engine did)
  const at = new Float32Array(m * k);
  const bt = new Float32Array(n * k);
  const js = time(() => {
    const A = ta ? transpose(a, k, m, at) : a;
    const B = tb ? b : transpose(b, k, n, bt);
    abt(A, m, B, n, k, out);
  }, r);
  return [simd, copies, js];
}

interface Torch {
  ask: (shapes: Shape[]) => Promise<number[]>;
  close: () => void;
  version: string;
}

async function startTorch(): Promise<Torch | null> {
  if (values['no-torch']) return null;
  const py = spawn(process.env.PYTHON ?? '/usr/bin/python3', [join(HERE, 'simd_gemm_torch.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: py.stdout });
  const queue: ((s: string) => void)[] = [];
  lines.on('line', (l) => queue.shift()?.(l));
  const next = (): Promise<string> => new Promise((res) => queue.push(res));
  const failed = new Promise<null>((res) => py.on('error', () => res(null)).on('exit', () => res(null)));
  const hello = await Promise.race([next(), failed]);
  if (hello === null) return null;
  const version = (JSON.parse(hello) as { torch: string }).torch;
  return {
    version,
    ask: async (shapes) => {
      const p = next();
      py.stdin.write(
        JSON.stringify({ shapes: shapes.map(([, m, n, k, ta, tb]) => [m, n, k, ta, tb]), reps: shapes.map(([, m, n, k]) => reps(m, n, k)) }) + '\n',
      );
      return (JSON.parse(await p) as { ns: number[] }).ns;
    },
    close: () => py.stdin.end(),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
};

const torch = await startTorch();
const rows = SHAPES.map(() => ({ simd: [] as number[], copies: [] as number[], js: [] as number[], torch: [] as number[], ratio: [] as number[] }));
const loads: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  loads.push(loadavg()[0] as number);
  const doTorch = async (): Promise<void> => {
    if (!torch) return;
    const ns = await torch.ask(SHAPES);
    ns.forEach((t, i) => rows[i]?.torch.push(t));
  };
  if (round % 2 === 1) await doTorch();
  SHAPES.forEach((s, i) => {
    const [simd, copies, js] = survkit(s);
    const row = rows[i] as (typeof rows)[number];
    row.simd.push(simd);
    row.copies.push(copies);
    row.js.push(js);
  });
  if (round % 2 === 0) await doTorch();
  if (torch) rows.forEach((r) => r.ratio.push((r.simd.at(-1) as number) / (r.torch.at(-1) as number)));
}
torch?.close();

const gmacs = (s: Shape, ns: number): string => ((s[1] * s[2] * s[3]) / ns).toFixed(2);
console.log(
  `\nWebAssembly SIMD gemm vs JS abt vs torch.mm (${torch ? `torch ${torch.version}, 1 thread` : 'torch not measured'}); ` +
    `${ROUNDS} rounds, load ${loads.map((l) => l.toFixed(2)).join(' ')}; ${new Date().toISOString()}\n`,
);
console.log(
  '| product (m×n, inner k) | SIMD GMAC/s | SIMD with copies | JS abt GMAC/s | torch.mm GMAC/s | SIMD µs | SIMD ÷ torch time (same rounds) | JS abt ÷ SIMD time |',
);
console.log('|---|---|---|---|---|---|---|---|');
SHAPES.forEach((s, i) => {
  const r = rows[i] as (typeof rows)[number];
  const simd = median(r.simd);
  const t = r.torch.length ? gmacs(s, median(r.torch)) : 'not measured';
  const ratio = r.ratio.length ? median(r.ratio).toFixed(2) : '—';
  console.log(
    `| ${s[0]} | ${gmacs(s, simd)} | ${gmacs(s, median(r.copies))} | ${gmacs(s, median(r.js))} | ${t} | ${(simd / 1000).toFixed(2)} | ${ratio} | ${(median(r.js) / simd).toFixed(2)} |`,
  );
});
