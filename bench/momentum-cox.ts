/**
 * Small-batch Cox training on the synthetic video task: a small R3D trained at
 * batch size 2–8 with the plain batch Cox loss, with the memory-bank / momentum
 * Cox loss (`memoryBank`, after torchsurv's `Momentum`), and with large-batch
 * training, over several seeds; Harrell's C on held-out clips.
 *
 * Data: `syntheticImageSurvival` (16×16, 30 % censored, bright discs set the
 * hazard, dim discs are distractors) made into clips of `--frames` frames: every
 * frame is the subject's image with fresh Gaussian pixel noise (sd `--frame-noise`),
 * so the clip shows the same scene over time. Train and test sets come from
 * different data seeds; each run seed also changes the weight initialisation and
 * the shuffling. Backbone: `r3d({ widths: [4, 8], norm: 'none' })` (no batch norm,
 * so that the arms differ only in the loss and the batch size) + average pool +
 * Cox head, Adam.
 *
 *   npx tsx bench/momentum-cox.ts [--n-train 400] [--n-test 400] [--epochs 4] [--seeds 1,2,3] [--small 2,4]
 *     [--large 128] [--large-epochs 4] [--large-lr 0.01] [--bank 128] [--momentum 0.99] [--lr 0.003]
 *     [--censoring 0.3] [--frames 4] [--frame-noise 0.15] [--arms plain,momentum,large] [--backend wasm]
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { r3d } from '../src/backbones/index.js';
import { Random } from '../src/core/random.js';
import { syntheticImageSurvival } from '../src/data/synthetic-images.js';
import { concordanceIndex } from '../src/metrics/index.js';
import { CoxPH, type CoxPHFitOptions } from '../src/models/index.js';

interface Clips {
  x: tf.Tensor;
  time: Float64Array;
  event: Int32Array;
  trueLogRisk: Float64Array;
}

/** Synthetic clips: each frame is the subject's image plus fresh N(0, noise²) pixel noise. */
export function syntheticClips(n: number, frames: number, seed: number, noise: number, censoring = 0.3): Clips {
  const size = 16;
  const d = syntheticImageSurvival({ n, size, seed, censoring });
  const px = size * size;
  const rng = new Random(seed + 1000);
  const out = new Float32Array(n * frames * px);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < frames; f++) {
      const o = (i * frames + f) * px;
      for (let p = 0; p < px; p++) out[o + p] = (d.images[i * px + p] as number) + noise * rng.normal();
    }
  }
  return { x: tf.tensor5d(out, [n, frames, size, size, 1]), time: d.time, event: d.event, trueLogRisk: d.trueLogRisk };
}

export interface ArmResult {
  arm: string;
  seed: number;
  batchSize: number;
  cIndex: number;
  seconds: number;
  cpuSeconds: number;
}

async function trainArm(arm: string, train: Clips, test: Clips, frames: number, seed: number, fit: CoxPHFitOptions): Promise<ArmResult> {
  const backbone = r3d({ inputShape: [frames, 16, 16, 1], widths: [4, 8], blocksPerStage: 1, norm: 'none', seed });
  const model = new CoxPH({ backbone, attach: { pool: 'avg' }, seed });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await model.fit(train.x, train, { ...fit, seed, verbose: false });
  const cpu = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  const risk = await model.predictRisk(test.x);
  model.dispose();
  return { arm, seed, batchSize: fit.batchSize ?? 256, cIndex: concordanceIndex(test, risk).cIndex, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      'n-train': { type: 'string', default: '400' },
      'n-test': { type: 'string', default: '400' },
      epochs: { type: 'string', default: '4' },
      'large-epochs': { type: 'string' },
      censoring: { type: 'string', default: '0.3' },
      seeds: { type: 'string', default: '1,2,3' },
      small: { type: 'string', default: '2,4' },
      large: { type: 'string', default: '128' },
      bank: { type: 'string', default: '128' },
      momentum: { type: 'string', default: '0.99' },
      lr: { type: 'string', default: '0.003' },
      'large-lr': { type: 'string', default: '0.01' },
      frames: { type: 'string', default: '4' },
      'frame-noise': { type: 'string', default: '0.15' },
      backend: { type: 'string', default: 'wasm' },
      arms: { type: 'string', default: 'plain,momentum,large' },
    },
  });
  await initBackend({ backend: a.backend as BackendName });
  const frames = Number(a.frames);
  const noise = Number(a['frame-noise']);
  const censoring = Number(a.censoring);
  const train = syntheticClips(Number(a['n-train']), frames, 11, noise, censoring);
  const test = syntheticClips(Number(a['n-test']), frames, 12, noise, censoring);
  const oracle = concordanceIndex(test, test.trueLogRisk).cIndex;
  const epochs = Number(a.epochs);
  const small = a.small.split(',').map(Number);
  const arms = a.arms.split(',');
  console.log(
    `# load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}; backend ${tf.getBackend()}; oracle C ${oracle.toFixed(4)}`,
  );
  console.log(JSON.stringify({ args: a }));
  const results: ArmResult[] = [];
  for (const seed of a.seeds.split(',').map(Number)) {
    for (const b of small) {
      const before = results.length;
      if (arms.includes('plain')) results.push(await trainArm('plain', train, test, frames, seed, { epochs, batchSize: b, learningRate: Number(a.lr) }));
      if (arms.includes('momentum'))
        results.push(
          await trainArm('momentum', train, test, frames, seed, {
            epochs,
            batchSize: b,
            learningRate: Number(a.lr),
            memoryBank: { size: Number(a.bank), momentum: Number(a.momentum) },
          }),
        );
      for (const r of results.slice(before)) console.log(JSON.stringify(r));
    }
    if (arms.includes('large')) {
      const largeEpochs = Number(a['large-epochs'] ?? epochs);
      results.push(
        await trainArm('large', train, test, frames, seed, { epochs: largeEpochs, batchSize: Number(a.large), learningRate: Number(a['large-lr']) }),
      );
      console.log(JSON.stringify(results.at(-1)));
    }
  }
  console.log(
    `# load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const groups = new Map<string, number[]>();
  for (const r of results) {
    const k = `${r.arm} b=${r.batchSize}`;
    groups.set(k, [...(groups.get(k) ?? []), r.cIndex]);
  }
  console.log('| arm | batch | C per seed | mean C |');
  for (const [k, cs] of groups) {
    const [arm, b] = k.split(' b=');
    console.log(`| ${arm} | ${b} | ${cs.map((c) => c.toFixed(4)).join(', ')} | ${(cs.reduce((s, c) => s + c, 0) / cs.length).toFixed(4)} |`);
  }
  tf.dispose([train.x, test.x]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
