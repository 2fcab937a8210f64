/**
 * Training-step time of the small 3D CNN from ../shared/reference/TFJS-NODE.md
 * on the wasm and cpu backends, with survkit's Conv3D kernels (one 2D
 * convolution with the temporal taps folded into the channels; registered
 * by survkit's backbones) and,
 * for comparison, TF.js's stock 3D kernels.
 *
 * Model: input 16×64×64×1 clips, batch 8;
 *   'maxpool': conv3d 3³ 16 'same' ReLU → maxpool3d 2 → conv3d 32 → maxpool3d 2 → conv3d 64 → GAP → dense 1;
 *   'stride2': the same with stride-2 convolutions instead of pooling.
 * One step = forward + backward + Adam (MSE on random targets), read back.
 * Reference on the same machine (TFJS-NODE.md): PyTorch 1.13 CPU, one
 * thread, 97 ms (stride-2) and 678 ms (max-pool); stock TF.js 6.5–7.7 s
 * (stride-2) and 20–40 s (max-pool).
 *
 * Each patched row first checks (by kernel identity) that survkit's Conv3D,
 * its gradients and MaxPool3DGrad are the registered kernels, and fails
 * otherwise: the stock kernels take 50–90 s per max-pool step on cpu.
 *
 * Run alone: `npx tsx bench/cnn3d-step.ts [--stock]`.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { registerBackbonePatches, unregisterBackbonePatches } from '../src/backend/kernels/backbone-patches.js';
import { installedKernelConfig } from '../src/backend/kernels/registry.js';
import { timeMedian, type Row } from './row.js';
import type { CnnVariant } from './cnn-step.js';

/** Builds the convolutional part of the benchmark 3D CNN (seeded initialisers). */
export function benchCnn3d(variant: CnnVariant, frames = 16, side = 64): tf.Sequential {
  const pool = variant === 'maxpool';
  const strides = pool ? 1 : 2;
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(
    tf.layers.conv3d({
      inputShape: [frames, side, side, 1],
      filters: 16,
      kernelSize: 3,
      strides,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  if (pool) model.add(tf.layers.maxPooling3d({ poolSize: 2 }));
  model.add(tf.layers.conv3d({ filters: 32, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  if (pool) model.add(tf.layers.maxPooling3d({ poolSize: 2 }));
  model.add(tf.layers.conv3d({ filters: 64, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(3) }));
  return model; // global average pooling and the dense output are applied in timeCnn3dStep (tf.layers has no 3D GAP)
}

/** Median ms of one training step of `variant` (batch 8, 16×64×64) on the active backend. */
export function timeCnn3dStep(variant: CnnVariant, batch = 8, repeats = 3): number {
  const model = benchCnn3d(variant);
  const dense = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, 16, 64, 64, 1], 0, 1, 'float32', 11);
  const y = tf.randomNormal([batch, 1], 0, 1, 'float32', 12);
  const forward = (): tf.Tensor => {
    const feat = model.apply(x, { training: true }) as tf.Tensor;
    return dense.apply(tf.mean(feat, [1, 2, 3])) as tf.Tensor;
  };
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, forward()), true) as tf.Scalar;
    loss.dataSync();
    loss.dispose();
  };
  try {
    return timeMedian(step, repeats, true);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
    dense.dispose();
  }
}

/** The kernels of the 3D path that are NOT survkit's on `backend` (checked by identity; empty when every patch is in force). */
export function stockKernelsOnPath(backend: BackendName): string[] {
  return ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2', 'MaxPool3DGrad'].filter((k) => {
    const mine = installedKernelConfig(`${k}@${backend}`);
    return mine === undefined || tf.getKernel(k, backend) !== mine;
  });
}

/**
 * One row per backend × variant: task `cnn3d-step <variant> <backend>` (and
 * `… stock` rows with TF.js's own 3D kernels when `stock`), n = batch, m = side.
 */
export async function benchCnn3dStep(opts: { backends?: BackendName[]; stock?: boolean; repeats?: number } = {}): Promise<Row[]> {
  const previous = tf.getBackend();
  const rows: Row[] = [];
  for (const backend of opts.backends ?? (['wasm', 'cpu'] as BackendName[])) {
    await initBackend({ backend });
    for (const variant of ['stride2', 'maxpool'] as CnnVariant[]) {
      registerBackbonePatches();
      const stock = stockKernelsOnPath(backend);
      if (stock.length > 0) throw new Error(`cnn3d-step: survkit's kernels are not in force on ${backend}: ${stock.join(', ')}`);
      rows.push({ task: `cnn3d-step ${variant} ${backend}`, n: 8, m: 64, ms: timeCnn3dStep(variant, 8, opts.repeats ?? 3) });
      if (opts.stock === true) {
        unregisterBackbonePatches();
        rows.push({ task: `cnn3d-step ${variant} ${backend} stock`, n: 8, m: 64, ms: timeCnn3dStep(variant, 8, 1) });
        registerBackbonePatches();
      }
    }
  }
  if (previous !== undefined && previous !== tf.getBackend()) await tf.setBackend(previous);
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pytorch: Record<CnnVariant, number> = { stride2: 97, maxpool: 678 };
  for (const row of await benchCnn3dStep({ stock: process.argv.includes('--stock') })) {
    const variant = row.task.split(' ')[1] as CnnVariant;
    console.log(`${row.task.padEnd(32)} ${row.ms.toFixed(0).padStart(8)} ms   (PyTorch 1 thread: ${pytorch[variant]} ms)`);
  }
}
