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
 * Run alone: `npx tsx bench/conv-gemm.ts [--backend wasm|cpu] [--rounds 3] [--reps 3]`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';

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
