/**
 * Where a training step of the benchmark CNNs spends its time, per kernel
 * (tf.profile on the active backend; wasm by default): the 2D stride-2 net
 * (batch 32, 64²) and the 3D stride-2 / max-pool nets (batch 8, 16×64²) of
 * cnn-step.ts / cnn3d-step.ts. Prints each kernel's summed ms over one step
 * (after a warm-up step), largest first, with the step's wall time.
 *
 * Run alone: `npx tsx bench/conv-profile.ts [--backend wasm|cpu] [--cases cnn2d-stride2,cnn3d-stride2,cnn3d-maxpool]`.
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/index.js';
import { benchCnn } from './cnn-step.js';
import { benchCnn3d } from './cnn3d-step.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : dflt;
};

await initBackend({ backend: arg('backend', 'wasm') as BackendName });
for (const c of arg('cases', 'cnn2d-stride2,cnn3d-stride2,cnn3d-maxpool').split(',')) {
  const three = c.startsWith('cnn3d');
  const variant = c.endsWith('maxpool') ? 'maxpool' : 'stride2';
  const model = three ? benchCnn3d(variant) : benchCnn(variant);
  const dense = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) });
  const x = three ? tf.randomNormal([8, 16, 64, 64, 1], 0, 1, 'float32', 11) : tf.randomNormal([32, 64, 64, 1], 0, 1, 'float32', 11);
  const y = tf.randomNormal([x.shape[0], 1], 0, 1, 'float32', 12);
  const opt = tf.train.adam(1e-3);
  const step = (): void => {
    const l = opt.minimize(() => {
      const f = model.apply(x, { training: true }) as tf.Tensor;
      const out = three ? dense.apply(tf.mean(f, [1, 2, 3])) : f;
      return tf.losses.meanSquaredError(y, out as tf.Tensor);
    }, true) as tf.Scalar;
    l.dataSync();
    l.dispose();
  };
  step();
  const t0 = performance.now();
  const info = await tf.profile(step);
  const wall = performance.now() - t0;
  const per = new Map<string, number>();
  const calls = new Map<string, number>();
  for (const k of info.kernels) {
    per.set(k.name, (per.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    calls.set(k.name, (calls.get(k.name) ?? 0) + 1);
  }
  const rows = [...per].sort((a, b) => b[1] - a[1]);
  console.log(`${c} (${tf.getBackend()}): step ${wall.toFixed(0)} ms under profile, load ${loadavg()[0]?.toFixed(2)}`);
  if (process.argv.includes('--calls')) {
    for (const k of info.kernels.filter((k) => k.name.startsWith('Conv')))
      console.log(`    ${k.name} ${JSON.stringify(k.inputShapes)} ${(k.kernelTimeMs as number).toFixed(1)} ms`);
  }
  for (const [n, ms] of rows.slice(0, 10)) console.log(`  ${n.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms (${calls.get(n)} calls)`);
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
  if (three) dense.dispose();
}
