/**
 * Training-step time of the small 2D and 3D CNNs of cnn-step.ts / cnn3d-step.ts,
 * side by side with PyTorch (Debian's /usr/bin/python3, bench/dataparallel_torch.py)
 * at the same thread counts, in interleaved rounds in one invocation:
 * survkit on the calling thread (1 thread), survkit with `DataParallelTrainer`
 * on 2 worker threads, survkit's `OnnxTrainer` (onnxruntime-node, when installed)
 * with 1 and 2 threads and `DataParallelTrainer` with engine 'onnxruntime' on 2
 * workers, PyTorch with torch.set_num_threads(1) and (2).
 * One step = forward + backward + Adam (MSE on random targets), read back; survkit's routes use the optimiser
 * `fit` uses (FusedAdam: tf.train.adam's arithmetic in one kernel call).
 * Reports the median wall and process-CPU ms per step and the load average.
 *
 * Run alone: `npx tsx bench/dataparallel-step.ts [--rounds 3] [--steps 3] [--cases <list>]`, cases among cnn2d-stride2,
 * cnn3d-stride2, cnn3d-maxpool (default: these three), resnet18-lastblock, r3d18-lastblock
 * (resnet18-lastblock: torchvision's resnet18 at 112×112×3, batch 16; r3d18-lastblock: r3d_18 at 8×56×56×3, batch 4; only
 * the last residual block and a one-unit head train).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { DataParallelTrainer } from '../src/models/training/data-parallel.js';
import { OnnxTrainer } from '../src/models/training/onnx-trainer.js';
import { FusedAdam } from '../src/models/training/fused-adam.js';
import { importOnnxRuntime } from '../src/backbones/onnx-backbone.js';
import { benchCnn } from './cnn-step.js';
import { benchCnn3d } from './cnn3d-step.js';
import { resnet2d } from '../src/backbones/resnet2d.js';
import { r3d } from '../src/backbones/video.js';
import { attachHead } from '../src/backbones/attach.js';
import { inferenceModeForFrozenBatchNorm } from '../src/backbones/batch-norm-modes.js';
import { CoxHead } from '../src/heads/cox-head.js';
import { lastBlockLayers } from '../src/tabular/image-finetune.js';

type Case = 'cnn2d-stride2' | 'cnn2d-maxpool' | 'cnn3d-stride2' | 'cnn3d-maxpool' | 'resnet18-lastblock' | 'r3d18-lastblock';

/** The benchmark network of `c` as one Layers model (3D: the global average pool as reshape + 1D pooling). */
export function benchNet(c: Case): tf.LayersModel {
  if (c === 'resnet18-lastblock' || c === 'r3d18-lastblock') {
    // torchvision's resnet18 at 112×112×3 / r3d_18 at 8×56×56×3, only the last residual block and the head trainable
    // (frozen batch norm below).
    const backbone =
      c === 'resnet18-lastblock'
        ? resnet2d({ inputShape: [112, 112, 3], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7', seed: 1 })
        : r3d({ inputShape: [8, 56, 56, 3], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7', seed: 1 });
    const keep = new Set(lastBlockLayers(backbone));
    for (const l of backbone.layers) l.trainable = keep.has(l.name);
    const net = attachHead(backbone, new CoxHead({ seed: 2 }), { pool: 'avg' });
    inferenceModeForFrozenBatchNorm(net);
    return net;
  }
  const variant = c.endsWith('maxpool') ? 'maxpool' : 'stride2';
  if (c.startsWith('cnn2d')) return benchCnn(variant);
  const m = benchCnn3d(variant);
  m.add(tf.layers.reshape({ targetShape: [-1, 64] }));
  m.add(tf.layers.globalAveragePooling1d({}));
  m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  return m;
}

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : dflt;
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
};

async function timed(steps: number, step: () => Promise<void>): Promise<{ wall: number[]; cpu: number[] }> {
  await step(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await step();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

const rounds = Number(arg('rounds', '3'));
const steps = Number(arg('steps', '3'));
const cases = arg('cases', 'cnn2d-stride2,cnn3d-stride2,cnn3d-maxpool').split(',') as Case[];
await initBackend({ backend: 'wasm' });
const py = existsSync('/usr/bin/python3') ? spawn('/usr/bin/python3', ['bench/dataparallel_torch.py'], { stdio: ['pipe', 'pipe', 'inherit'] }) : undefined;
const lines = py ? createInterface({ input: py.stdout })[Symbol.asyncIterator]() : undefined;
async function torch(c: Case, threads: number): Promise<{ wall: number[]; cpu: number[] } | undefined> {
  if (!py || !lines) return undefined;
  py.stdin.write(`${c} ${threads} ${steps}\n`);
  const r = await lines.next();
  return JSON.parse(r.value as string) as { wall: number[]; cpu: number[] };
}

const loads: number[] = [];
const hasOrt = await importOnnxRuntime('bench', 'onnxruntime-node').then(
  () => true,
  () => false,
);
console.log(`wall ms / CPU ms per step, medians over ${rounds}×${steps} steps; ratios of wall time to PyTorch's with the same threads`);
console.log(
  '| case | survkit TF.js 1 thread | survkit TF.js 2 workers | survkit onnxruntime 1 thread | survkit onnxruntime 2 threads | survkit onnxruntime 2 workers | ' +
    'PyTorch 1 thread | PyTorch 2 threads | TF.js 1 ÷ PyTorch 1 | TF.js 2 workers ÷ PyTorch 2 | onnxruntime 1 ÷ PyTorch 1 | onnxruntime 2 threads ÷ PyTorch 2 | ' +
    'onnxruntime 2 workers ÷ PyTorch 2 |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const c of cases) {
  const three = c.startsWith('cnn3d');
  const shape = c === 'resnet18-lastblock' ? [16, 112, 112, 3] : c === 'r3d18-lastblock' ? [4, 8, 56, 56, 3] : three ? [8, 16, 64, 64, 1] : [32, 64, 64, 1];
  const x = tf.randomNormal(shape, 0, 1, 'float32', 11);
  const y = tf.randomNormal([x.shape[0], 1], 0, 1, 'float32', 12);
  const loss = (out: tf.Tensor): tf.Scalar => tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, out);
  const single = benchNet(c);
  const optS = new FusedAdam(1e-3, 0.9, 0.999, 1e-8);
  const par = benchNet(c);
  const optP = new FusedAdam(1e-3, 0.9, 0.999, 1e-8);
  const trainer = await DataParallelTrainer.create(par, { workers: 2 });
  const native = hasOrt ? [1, 2].map((threads) => ({ net: benchNet(c), opt: new FusedAdam(1e-3, 0.9, 0.999, 1e-8), threads })) : [];
  const ortTrainers = await Promise.all(native.map((n) => OnnxTrainer.create(n.net, { threads: n.threads })));
  const ortPar = hasOrt ? { net: benchNet(c), opt: new FusedAdam(1e-3, 0.9, 0.999, 1e-8) } : undefined;
  const ortWorkers = ortPar ? await DataParallelTrainer.create(ortPar.net, { workers: 2, engine: 'onnxruntime' }) : undefined;
  const acc: Record<string, { wall: number[]; cpu: number[] }> = {};
  const add = (k: string, r: { wall: number[]; cpu: number[] } | undefined): void => {
    if (!r) return;
    acc[k] ??= { wall: [], cpu: [] };
    acc[k].wall.push(...r.wall);
    acc[k].cpu.push(...r.cpu);
  };
  try {
    for (let r = 0; r < rounds; r++) {
      loads.push(loadavg()[0] as number);
      add(
        's1',
        await timed(steps, async () => {
          const l = optS.minimize(() => loss(single.apply(x, { training: true }) as tf.Tensor), true) as tf.Scalar;
          await l.data();
          l.dispose();
        }),
      );
      add(
        's2',
        await timed(steps, async () => {
          await trainer.step(x, loss, optP);
        }),
      );
      for (const [i, t] of ortTrainers.entries()) {
        const n = native[i] as { opt: tf.Optimizer; threads: number };
        add(
          `o${n.threads}`,
          await timed(steps, async () => {
            await t.step(x, loss, n.opt);
          }),
        );
      }
      if (ortWorkers && ortPar)
        add(
          'ow',
          await timed(steps, async () => {
            await ortWorkers.step(x, loss, ortPar.opt);
          }),
        );
      add('t1', await torch(c, 1));
      add('t2', await torch(c, 2));
    }
  } finally {
    await trainer.close();
    for (const t of ortTrainers) await t.close();
    await ortWorkers?.close();
    ortPar?.net.dispose();
    for (const n of native) n.net.dispose();
    tf.dispose([x, y]);
    single.dispose();
    par.dispose();
  }
  const cell = (k: string): string => (acc[k] ? `${median(acc[k].wall).toFixed(1)} / ${median(acc[k].cpu).toFixed(1)}` : 'not measured');
  const ratio = (a: string, b: string): string => (acc[a] && acc[b] ? (median(acc[a].wall) / median(acc[b].wall)).toFixed(2) : '—');
  console.log(
    `| ${c} | ${cell('s1')} | ${cell('s2')} | ${cell('o1')} | ${cell('o2')} | ${cell('ow')} | ${cell('t1')} | ${cell('t2')} | ` +
      `${ratio('s1', 't1')} | ${ratio('s2', 't2')} | ${ratio('o1', 't1')} | ${ratio('o2', 't2')} | ${ratio('ow', 't2')} |`,
  );
}
py?.stdin.end();
console.log(`load average (1 min) during the rounds: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}; ${new Date().toISOString()}`);
