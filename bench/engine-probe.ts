/** Per-epoch CPU ms of one family on random METABRIC-sized data, both engines (a quick profile aid). */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/index.js';
import { CoxPH, LogisticHazard } from '../src/index.js';
await initBackend();
const n = Number(process.argv[2] ?? 1218);
const d = 9;
const x = tf.randomNormal<tf.Rank.R2>([n, d], 0, 1, 'float32', 1);
const time = Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 1000) / 10);
const event = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
const fam = process.argv[3] ?? 'coxph';
for (const engine of (process.env.ENGINES ?? 'tfjs,auto,tfjs,auto').split(',') as ('auto' | 'tfjs')[]) {
  const m = fam === 'coxph' ? new CoxPH({ inputDim: d, seed: 1, convention: 'pycox' }) : new LogisticHazard({ inputDim: d, seed: 1, cuts: 10 });
  const h = await m.fit(x, { time, event }, { epochs: 30, learningRate: 0.01, engine, batchSize: 256 });
  const cpu = [...(h.epochCpuMs ?? [])].sort((a, b) => a - b);
  console.log(engine, h.engine, 'median CPU ms/epoch', cpu[cpu.length >> 1]?.toFixed(2), 'wall', h.msPerEpoch.toFixed(2));
  m.dispose();
}
