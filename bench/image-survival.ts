/**
 * Image survival benchmark: a survival head on an image
 * backbone, end to end, larger than the CI test (test/e2e/image-survival.test.ts).
 *
 * 1. Training-step time of the TFJS-NODE.md 2D CNN (batch 32, 64×64×1;
 *    conv3×3 16/32/64 'same' + max-pool 2 ×2 + GAP + dense, and the
 *    stride-2 variant) on wasm and cpu — bench/cnn-step.ts — next to
 *    PyTorch 1.13 (one thread, same machine): 23 ms (stride-2), 170 ms (max-pool).
 * 2. Training-step time of survkit's resnet2d (widths 16/32/64, batch norm,
 *    batch 32, 64×64×1) with a Cox head and loss, and of the three video
 *    backbones (tiny defaults, batch 4 of 8×32×32×1 clips).
 * 3. DeepSurv on images: resnet2d (8/16/32) + Cox head trained on
 *    `--n-train` synthetic 64×64 images (datasets/synthetic-images.ts,
 *    30 % censored), Harrell's C on `--n-test` held-out images, next to the
 *    C of the true log-risk (the ceiling) and of the mean intensity (what a
 *    model that ignores shapes gets).
 * 4. With `--cnn3d`: the TFJS-NODE.md 3D CNN step (bench/cnn3d-step.ts).
 *
 *   npx tsx bench/image-survival.ts [--backends wasm,cpu] [--train-backends wasm] [--n-train 2000] [--n-test 1000] [--epochs 4] [--cnn3d]
 */
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { attachHead, mc3, r2plus1d, r3d, resnet2d } from '../src/backbones/index.js';
import { CoxHead } from '../src/heads/index.js';
import { coxPhLoss } from '../src/losses/index.js';
import { concordanceIndex } from '../src/metrics/index.js';
import { CoxPH } from '../src/models/index.js';
import { syntheticImageSurvival, type SyntheticImages } from '../datasets/synthetic-images.js';
import { benchCnnStep } from './cnn-step.js';
import { benchCnn3dStep } from './cnn3d-step.js';
import { timeMedian, type Row } from './row.js';

/** Median ms of one Adam step of `net` with the Cox loss on a seeded batch of `shape`. */
function coxStepMs(net: tf.LayersModel, shape: number[], repeats = 3): number {
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal(shape, 0, 1, 'float32', 5);
  const n = shape[0] as number;
  const time = Float64Array.from({ length: n }, (_, i) => n - i);
  const event = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
  const step = () => {
    const loss = optimizer.minimize(() => coxPhLoss(net.apply(x, { training: true }) as tf.Tensor, time, event), true) as tf.Scalar;
    loss.dataSync();
    loss.dispose();
  };
  try {
    return timeMedian(step, repeats, true);
  } finally {
    x.dispose();
    optimizer.dispose();
  }
}

/** Step times of survkit's backbones with a Cox head on the active backend. */
function backboneRows(backend: BackendName): Row[] {
  const rows: Row[] = [];
  const image = attachHead(resnet2d({ inputShape: [64, 64, 1], widths: [16, 32, 64], seed: 1 }), new CoxHead({ seed: 1 }), { pool: 'avg' });
  rows.push({ task: `resnet2d-16-32-64 step ${backend}`, n: 32, m: 64, ms: coxStepMs(image, [32, 64, 64, 1]) });
  image.dispose();
  for (const [name, make] of [
    ['r3d', r3d],
    ['mc3', mc3],
    ['r2plus1d', r2plus1d],
  ] as const) {
    const net = attachHead(make({ inputShape: [8, 32, 32, 1], seed: 1 }), new CoxHead({ seed: 1 }), { pool: 'avg', name: `${name}_net` });
    rows.push({ task: `${name}-8-16-32 step ${backend}`, n: 4, m: 32, ms: coxStepMs(net, [4, 8, 32, 32, 1]) });
    net.dispose();
  }
  return rows;
}

function meanIntensity(d: SyntheticImages): Float64Array {
  const px = d.shape[1] * d.shape[2];
  return Float64Array.from({ length: d.time.length }, (_, i) => d.images.subarray(i * px, (i + 1) * px).reduce((a, v) => a + v, 0) / px);
}

/** What {@link trainImageModel} measured. */
export interface ImageSurvivalResult {
  backend: BackendName;
  cIndex: number;
  oracleC: number;
  intensityC: number;
  trainMs: number;
  msPerEpoch: number;
  msPerStep: number;
  epochs: number;
}

/** Trains resnet2d (8/16/32) + Cox head on synthetic images and evaluates Harrell's C on held-out ones. */
export async function trainImageModel(
  backend: BackendName,
  o: { nTrain: number; nTest: number; size: number; epochs: number; batchSize: number },
): Promise<ImageSurvivalResult> {
  await initBackend({ backend });
  const train = syntheticImageSurvival({ n: o.nTrain, size: o.size, seed: 1, censoring: 0.3 });
  const test = syntheticImageSurvival({ n: o.nTest, size: o.size, seed: 2, censoring: 0.3 });
  const x = tf.tensor4d(train.images, train.shape);
  const xt = tf.tensor4d(test.images, test.shape);
  const model = new CoxPH({ backbone: resnet2d({ inputShape: [o.size, o.size, 1], widths: [8, 16, 32], seed: 1 }), attach: { pool: 'avg' }, seed: 1 });
  const t0 = performance.now();
  const history = await model.fit(x, train, { epochs: o.epochs, batchSize: o.batchSize, learningRate: 0.01, seed: 1, verbose: false });
  const trainMs = performance.now() - t0;
  const risk = await model.predictRisk(xt);
  model.dispose();
  tf.dispose([x, xt]);
  return {
    backend,
    cIndex: concordanceIndex(test, risk).cIndex,
    oracleC: concordanceIndex(test, test.trueLogRisk).cIndex,
    intensityC: concordanceIndex(test, meanIntensity(test)).cIndex,
    trainMs,
    msPerEpoch: history.msPerEpoch,
    msPerStep: history.msPerEpoch / Math.ceil(o.nTrain / o.batchSize),
    epochs: history.epochs,
  };
}

/** All step-time rows (for `bench/run.ts`): the TFJS-NODE CNN and survkit's backbones on wasm and cpu. */
export async function benchImageSurvival(backends: BackendName[] = ['wasm', 'cpu']): Promise<Row[]> {
  const rows = (await benchCnnStep()).filter((r) => backends.some((b) => r.task.endsWith(b)));
  for (const backend of backends) {
    await initBackend({ backend });
    rows.push(...backboneRows(backend));
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'wasm,cpu' },
      'train-backends': { type: 'string', default: 'wasm' },
      'n-train': { type: 'string', default: '2000' },
      'n-test': { type: 'string', default: '1000' },
      size: { type: 'string', default: '64' },
      epochs: { type: 'string', default: '4' },
      'batch-size': { type: 'string', default: '64' },
      cnn3d: { type: 'boolean', default: false },
    },
  });
  const list = (s: string) => s.split(',').filter(Boolean) as BackendName[];
  const pytorch: Record<string, number> = { 'cnn2d-step stride2': 23, 'cnn2d-step maxpool': 170, 'cnn3d-step stride2': 97, 'cnn3d-step maxpool': 678 };
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, TF.js ${tf.version.tfjs}`);
  const rows = await benchImageSurvival(list(values.backends));
  if (values.cnn3d) rows.push(...(await benchCnn3dStep({ backends: list(values.backends) })));
  console.log('\n| training step | batch | side | median ms | PyTorch 1.13, 1 thread |\n|---|---|---|---|---|');
  for (const r of rows) {
    const ref = pytorch[r.task.split(' ').slice(0, 2).join(' ')];
    console.log(`| ${r.task} | ${r.n} | ${r.m ?? ''} | ${r.ms.toFixed(1)} | ${ref === undefined ? '' : `${ref} ms`} |`);
  }
  const o = {
    nTrain: Number(values['n-train']),
    nTest: Number(values['n-test']),
    size: Number(values.size),
    epochs: Number(values.epochs),
    batchSize: Number(values['batch-size']),
  };
  console.log(
    `\nDeepSurv on ${o.nTrain} synthetic ${o.size}×${o.size} images (resnet2d 8/16/32 + Cox head, ${o.epochs} epochs, batch ${o.batchSize}, Adam 0.01); Harrell's C on ${o.nTest} held-out images`,
  );
  console.log('| backend | held-out C | true log-risk C | mean-intensity C | training s | ms/epoch | ms/step |\n|---|---|---|---|---|---|---|');
  for (const backend of list(values['train-backends'])) {
    const r = await trainImageModel(backend, o);
    console.log(
      `| ${r.backend} | ${r.cIndex.toFixed(3)} | ${r.oracleC.toFixed(3)} | ${r.intensityC.toFixed(3)} | ${(r.trainMs / 1000).toFixed(1)} | ${r.msPerEpoch.toFixed(0)} | ${r.msPerStep.toFixed(0)} |`,
    );
  }
}
