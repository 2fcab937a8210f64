/**
 * Multiply-adds per second of survkit's convolution kernels (forward, input
 * gradient, filter gradient) on the layer shapes of the benchmark CNNs
 * (cnn-step.ts, cnn3d-step.ts), side by side with PyTorch single-thread
 * (Debian's /usr/bin/python3, bench/conv_gemm_torch.py) in interleaved rounds
 * in one invocation. Times are process CPU ms per call (medians; robust to a
 * loaded machine where wall time is not); GMAC/s = multiply-adds of the
 * layer (output pixels × 27·Ci (3D) or 9·Ci (2D) × Co) / CPU time. The
 * PyTorch gradient times are autograd's (forward + one gradient) minus the
 * median forward.
 *
 * With `--gemm`, instead: the matrix products alone — survkit's WebAssembly
 * SIMD GEMM (src/ops/wasm/gemm.ts, operands in its arena), XNNPACK's
 * BatchMatMul (tf.matMul on wasm) and torch.mm with one thread — on the
 * products of the folded 3D layers (forward P·W and filter gradient Pᵀ·dY per
 * pixel group), in interleaved rounds: the kernel peaks that bound each side.
 *
 * Run alone: `npx tsx bench/conv-gemm.ts [--backend wasm|cpu] [--rounds 3] [--reps 3] [--gemm]`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { SimdGemm } from '../src/ops/wasm/gemm.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : dflt;
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
};

/** dims, batch, depth (3D), side, Ci, Co, stride: the layers of the benchmark nets. */
type Layer = [name: string, dims: 2 | 3, b: number, d: number, h: number, ci: number, co: number, s: number];
const LAYERS: Layer[] = [
  ['2D stride-2 L1', 2, 32, 1, 64, 1, 16, 2],
  ['2D stride-2 L2', 2, 32, 1, 32, 16, 32, 2],
  ['2D stride-2 L3', 2, 32, 1, 16, 32, 64, 2],
  ['3D stride-2 L1', 3, 8, 16, 64, 1, 16, 2],
  ['3D stride-2 L2', 3, 8, 8, 32, 16, 32, 2],
  ['3D stride-2 L3', 3, 8, 4, 16, 32, 64, 2],
  ['3D max-pool L1', 3, 8, 16, 64, 1, 16, 1],
  ['3D max-pool L2', 3, 8, 8, 32, 16, 32, 1],
  ['3D max-pool L3', 3, 8, 4, 16, 32, 64, 1],
];
const rounds = Number(arg('rounds', '3'));
const reps = Number(arg('reps', '3'));
await initBackend({ backend: arg('backend', 'wasm') as BackendName });

function cpuMs(f: () => tf.Tensor): number[] {
  f().dispose();
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const y = f();
    y.dataSync();
    const c = process.cpuUsage(c0);
    y.dispose();
    out.push((c.user + c.system) / 1000);
  }
  return out;
}

function survkit(l: Layer): { fwd: number[]; dx: number[]; dw: number[] } {
  const [, dims, b, d, h, ci, co, s] = l;
  const xShape = dims === 3 ? [b, d, h, h, ci] : [b, h, h, ci];
  const fShape = dims === 3 ? [3, 3, 3, ci, co] : [3, 3, ci, co];
  const x = tf.randomNormal(xShape);
  const w = tf.randomNormal(fShape);
  const y = dims === 3 ? tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, s, 'same') : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, 'same');
  const dy = tf.randomNormal(y.shape);
  const attrs = { strides: dims === 3 ? [s, s, s] : s, pad: 'same', dataFormat: dims === 3 ? 'NDHWC' : 'NHWC', dilations: dims === 3 ? [1, 1, 1] : 1 };
  const run = (name: string, inputs: Record<string, tf.Tensor>, extra: Record<string, unknown>) => (): tf.Tensor =>
    tf.engine().runKernel<tf.Tensor>(name, inputs, { ...attrs, ...extra });
  const r = {
    fwd: cpuMs(run(dims === 3 ? 'Conv3D' : 'Conv2D', { x, filter: w }, {})),
    dx: cpuMs(run(dims === 3 ? 'Conv3DBackpropInputV2' : 'Conv2DBackpropInput', { dy, filter: w }, { inputShape: xShape })),
    dw: cpuMs(run(dims === 3 ? 'Conv3DBackpropFilterV2' : 'Conv2DBackpropFilter', { x, dy }, { filterShape: fShape })),
  };
  tf.dispose([x, w, y, dy]);
  return r;
}

const py = existsSync('/usr/bin/python3') ? spawn('/usr/bin/python3', ['bench/conv_gemm_torch.py'], { stdio: ['pipe', 'pipe', 'inherit'] }) : undefined;
const lines = py ? createInterface({ input: py.stdout })[Symbol.asyncIterator]() : undefined;
async function torch(l: Layer): Promise<{ fwd: number[]; dx: number[]; dw: number[] } | undefined> {
  if (!py || !lines) return undefined;
  const [, dims, b, d, h, ci, co, s] = l;
  py.stdin.write(`${dims} ${b} ${d} ${h} ${ci} ${co} ${s} ${reps}\n`);
  return JSON.parse((await lines.next()).value as string) as { fwd: number[]; dx: number[]; dw: number[] };
}

/** [label, m, n, k]: C[m×n] = A[m×k]·B[k×n]. */
const GEMMS: [string, number, number, number][] = [
  ['fwd L1 P·W (n=65536, K=27, Co=16)', 65536, 16, 27],
  ['fwd L2 P·W (n=8192, K=432, Co=32)', 8192, 32, 432],
  ['fwd L3 P·W (n=2048, K=864, Co=64)', 2048, 64, 864],
  ['dW L1 Pᵀ·dY (K=27, group 4096, Co=16)', 27, 16, 4096],
  ['dW L2 Pᵀ·dY (K=432, group 2048, Co=32)', 432, 32, 2048],
  ['dW L3 Pᵀ·dY (K=864, group 1024, Co=64)', 864, 64, 1024],
];

async function gemmTable(): Promise<void> {
  const g = new SimdGemm();
  const acc = new Map<string, { simd: number[]; xnn: number[]; torch: number[] }>();
  const loadsG: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [label, m, n, k] of GEMMS) {
      loadsG.push(loadavg()[0] as number);
      const e = acc.get(label) ?? { simd: [], xnn: [], torch: [] };
      const mark = g.mark;
      const pa = g.alloc(m * k);
      const pb = g.alloc(k * n);
      const pc = g.alloc(m * n);
      g.prepare(k);
      g.f32.fill(0.5, pa, pa + m * k);
      g.f32.fill(0.25, pb, pb + k * n);
      // small products repeated inside one timing (≥ 50 M multiply-adds), times per product
      const inner = Math.max(1, Math.round(5e7 / (m * n * k)));
      const per = (xs: number[]) => xs.map((v) => v / inner);
      e.simd.push(
        ...per(
          cpuMs(() => {
            for (let i = 0; i < inner; i++) g.matmul(m, n, k, pa, pb, pc);
            return tf.scalar(0);
          }),
        ),
      );
      g.release(mark);
      const a = tf.randomNormal<tf.Rank.R2>([m, k]);
      const b = tf.randomNormal<tf.Rank.R2>([k, n]);
      e.xnn.push(
        ...per(
          cpuMs(() => {
            for (let i = 1; i < inner; i++) tf.matMul(a, b).dispose();
            return tf.matMul(a, b);
          }),
        ),
      );
      tf.dispose([a, b]);
      if (py && lines) {
        py.stdin.write(`mm ${m} ${n} ${k} ${reps} ${inner}\n`);
        e.torch.push(...(JSON.parse((await lines.next()).value as string) as { mm: number[] }).mm);
      }
      acc.set(label, e);
    }
  }
  console.log('| product | MMAC | survkit SIMD GEMM GMAC/s | XNNPACK BatchMatMul GMAC/s | torch.mm 1 thread GMAC/s | SIMD time ÷ torch time |');
  console.log('|---|---|---|---|---|---|');
  for (const [label, m, n, k] of GEMMS) {
    const e = acc.get(label) as { simd: number[]; xnn: number[]; torch: number[] };
    const macs = m * n * k;
    const gm = (xs: number[]) => (xs.length ? (macs / median(xs) / 1e6).toFixed(1) : 'not measured');
    const ratio = e.torch.length ? (median(e.simd) / median(e.torch)).toFixed(2) : '—';
    console.log(`| ${label} | ${(macs / 1e6).toFixed(0)} | ${gm(e.simd)} | ${gm(e.xnn)} | ${gm(e.torch)} | ${ratio} |`);
  }
  console.log(`load average (1 min) ${Math.min(...loadsG).toFixed(2)}–${Math.max(...loadsG).toFixed(2)}; ${new Date().toISOString()}`);
}

if (process.argv.includes('--gemm')) {
  await gemmTable();
  py?.stdin.end();
  process.exit(0);
}

const loads: number[] = [];
type Acc = Record<string, number[]>;
const acc = new Map<string, { s: Acc; t: Acc }>();
for (let r = 0; r < rounds; r++) {
  for (const l of LAYERS) {
    loads.push(loadavg()[0] as number);
    const e = acc.get(l[0]) ?? { s: { fwd: [], dx: [], dw: [] }, t: { fwd: [], dx: [], dw: [] } };
    const a = survkit(l);
    const b = await torch(l);
    for (const k of ['fwd', 'dx', 'dw'] as const) {
      e.s[k]?.push(...a[k]);
      if (b) e.t[k]?.push(...b[k]);
    }
    acc.set(l[0], e);
  }
}
py?.stdin.end();
console.log(`| layer | MMAC | survkit fwd / dx / dw (CPU ms) | GMAC/s | PyTorch 1 thread fwd / dx / dw (CPU ms) | GMAC/s | CPU ratio fwd / dx / dw |`);
console.log('|---|---|---|---|---|---|---|');
for (const l of LAYERS) {
  const [name, dims, b, d, h, ci, co, s] = l;
  const o = Math.ceil(h / s);
  const macs = b * (dims === 3 ? Math.ceil(d / s) : 1) * o * o * (dims === 3 ? 27 : 9) * ci * co;
  const e = acc.get(name) as { s: Acc; t: Acc };
  const ks = ['fwd', 'dx', 'dw'] as const;
  const sm = ks.map((k) => median(e.s[k] as number[]));
  const tm = e.t.fwd?.length ? ks.map((k) => median(e.t[k] as number[])) : undefined;
  const g = (ms: number[]) => ms.map((m) => (macs / m / 1e6).toFixed(1)).join(' / ');
  const f = (ms: number[]) => ms.map((m) => m.toFixed(1)).join(' / ');
  console.log(
    `| ${name} | ${(macs / 1e6).toFixed(0)} | ${f(sm)} | ${g(sm)} | ${tm ? f(tm) : 'not measured'} | ${tm ? g(tm) : '—'} | ${tm ? sm.map((v, i) => (v / (tm[i] as number)).toFixed(2)).join(' / ') : '—'} |`,
  );
}
console.log(`backend ${tf.getBackend()}; load average (1 min) ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}; ${new Date().toISOString()}`);
