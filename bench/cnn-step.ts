/**
 * Training-step time of the small 2D CNN from ../shared/reference/TFJS-NODE.md
 * on the wasm and cpu backends, with survkit's kernel patches (stock TF.js
 * cannot train it on wasm and takes ~90 s per step on cpu).
 *
 * Model (23,361 parameters): input 64×64×1, batch 32;
 *   'maxpool': conv3×3 16 'same' ReLU → maxpool 2 → conv3×3 32 → maxpool 2 → conv3×3 64 → GAP → dense 1;
 *   'stride2': the same with stride-2 convolutions instead of pooling.
 * One step = forward + backward + Adam through `optimizer.minimize` (MSE on
 * random targets), read back to the host. Median of 3 after two warm-up steps.
 * Reference on the same machine: PyTorch 1.13 CPU, one thread, 23 ms
 * (stride-2) and 170 ms (max-pool).
 *
 * Run alone: `npx tsx bench/cnn-step.ts`.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { timeMedian, type Row } from './row.js';

/** The two CNN variants. */
export type CnnVariant = 'maxpool' | 'stride2';

/** Builds the benchmark CNN (seeded initialisers). */
export function benchCnn(variant: CnnVariant): tf.Sequential {
  const pool = variant === 'maxpool';
  const strides = pool ? 1 : 2;
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ inputShape: [64, 64, 1], filters: 16, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
  );
  if (pool) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  if (pool) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init(4) }));
  return model;
}

/** Median ms of one training step of `variant` on the active backend. */
export function timeCnnStep(variant: CnnVariant, batch = 32, repeats = 3): number {
  const model = benchCnn(variant);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, 64, 64, 1], 0, 1, 'float32', 11);
  const y = tf.randomNormal([batch, 1], 0, 1, 'float32', 12);
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor), true) as tf.Scalar;
    loss.dataSync();
    loss.dispose();
  };
  try {
    step(); // JIT and XNNPACK set-up; timeMedian adds one more warm-up step
    return timeMedian(step, repeats, true);
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/** One row per backend × variant: task `cnn2d-step <variant> <backend>`, n = batch, m = image side. */
export async function benchCnnStep(): Promise<Row[]> {
  const previous = tf.getBackend();
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu'] as BackendName[]) {
    await initBackend({ backend });
    for (const variant of ['stride2', 'maxpool'] as CnnVariant[]) {
      rows.push({ task: `cnn2d-step ${variant} ${backend}`, n: 32, m: 64, ms: timeCnnStep(variant) });
    }
  }
  if (previous !== undefined && previous !== tf.getBackend()) await tf.setBackend(previous);
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pytorch: Record<CnnVariant, number> = { stride2: 23, maxpool: 170 };
  for (const row of await benchCnnStep()) {
    const variant = row.task.split(' ')[1] as CnnVariant;
    console.log(`${row.task.padEnd(28)} ${row.ms.toFixed(1).padStart(8)} ms   (PyTorch 1 thread: ${pytorch[variant]} ms)`);
  }
}
