/**
 * Can TF.js's multi-threaded SIMD WASM build train under Node? Starts the
 * Emscripten module of `tfjs-backend-wasm-threaded-simd` by hand (the stock
 * loader turns threads off under Node and hands its pthread workers Blob URLs,
 * which Node's worker_threads cannot load): the worker script is written to a
 * temporary file and the main script given as a path. The module caps its
 * XNNPACK pool at half the logical cores (1 on a 2-core machine); `T=2` lifts
 * the cap by reporting twice the cores while the module starts. Then times the
 * 2D CNN steps of cnn-step.ts with survkit's kernels.
 *
 * Run alone, once per thread count: `T=1 npx tsx bench/wasm-threads.ts`, `T=2 npx tsx bench/wasm-threads.ts`.
 * Not used by survkit (see docs/backbones.md, "Training on both cores").
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../src/backend/index.js';
import { timeCnnStep } from './cnn-step.js';

type Factory = (config: object) => Promise<{ cwrap: (...a: unknown[]) => unknown } & Record<string, unknown>>;
const require = createRequire(import.meta.url);
const js = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const dir = js.replace(/[^/]*$/, '');
const factory = require(js) as Factory;
const { wasmWorkerContents } = require(`${dir}tfjs-backend-wasm-threaded-simd.worker.js`) as { wasmWorkerContents: string };
const workerFile = join(mkdtempSync(join(tmpdir(), 'survkit-wasm-threads-')), 'worker.cjs');
writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, '\\n'));
const threads = Number(process.env.T ?? 2);

tf.removeBackend('wasm');
tf.registerBackend(
  'wasm',
  async () => {
    const os = require('node:os') as { cpus: () => unknown[] };
    const cpus = os.cpus;
    if (threads > 1) os.cpus = () => [...cpus(), ...cpus()];
    const module = await factory({
      locateFile: (p: string, prefix: string) =>
        p.endsWith('.worker.js') ? workerFile : p.endsWith('.wasm') ? `${dir}tfjs-backend-wasm-threaded-simd.wasm` : prefix + p,
      mainScriptUrlOrBlob: js,
    });
    os.cpus = cpus;
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    wasm.setThreadsCount(threads);
    return new wasm.BackendWasm(module as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
  },
  2,
);
await initBackend({ backend: 'wasm' });
console.log(`threaded SIMD build, XNNPACK threads: ${wasm.getThreadsCount()}`);
const c0 = process.cpuUsage();
const w0 = performance.now();
for (const v of ['stride2', 'maxpool'] as const) console.log(`${v}: ${timeCnnStep(v, 32, 5).toFixed(1)} ms per step (median of 5)`);
const c = process.cpuUsage(c0);
console.log(`CPU / wall: ${((c.user + c.system) / 1000 / (performance.now() - w0)).toFixed(2)}`);
process.exit(0);
