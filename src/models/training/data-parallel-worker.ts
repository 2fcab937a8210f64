/**
 * Worker-thread entry of {@link DataParallelTrainer}: one replica of the
 * network on its own TF.js backend. Per step it loads the parameter holder's
 * weights (shared memory, only when they changed), runs the forward pass on
 * its shard, sends the outputs, waits (Atomics.wait, bounded) for the loss
 * gradient of those outputs that the main thread computes on the whole
 * batch, back-propagates it, and writes its weight gradients and updated
 * batch-norm statistics into shared memory. With `engine: 'onnxruntime'` the
 * forward and backward passes run through onnxruntime (onnx-trainer.ts's
 * `OnnxStep`, one thread) instead of TF.js; the protocol is the same.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend/index.js';
import { setBatchNormMode } from '../../backbones/batch-norm-modes.js';
import { changingWeights, CTL, statWeights, type InitMessage, type StepMessage, type WorkerReply } from './data-parallel-protocol.js';
import { OnnxStep } from './onnx-trainer.js';

let model: tf.LayersModel | undefined;
let native: OnnxStep | undefined;
let init: InitMessage | undefined;
let version = -1;
let changing: Set<tf.LayerVariable> | undefined;

function post(r: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(r, transfer);
}

async function start(m: InitMessage): Promise<void> {
  await initBackend({ backend: m.backend });
  model = await tf.models.modelFromJSON(JSON.parse(m.topology) as tf.io.ModelJSON);
  if (m.batchNorm.frozen) setBatchNormMode(model, 'frozen');
  if (m.batchNorm.fast) setBatchNormMode(model, 'fast');
  if (m.engine === 'onnxruntime') {
    loadWeights(model, m.weights, undefined); // the frozen layers' weights are compiled in
    native = await OnnxStep.open('DataParallelTrainer', model, { threads: 1, seed: 1 + 7919 * m.replica });
  }
  init = m;
  post({ cmd: 'ready', trainable: model.trainableWeights.map((w) => w.shape as number[]), all: model.weights.map((w) => w.shape as number[]) });
}

/** Loads the shared weights (laid out in net.weights order): all of them, or only those in `only`. */
function loadWeights(net: tf.LayersModel, buf: SharedArrayBuffer, only: Set<tf.LayerVariable> | undefined): void {
  const view = new Float32Array(buf);
  let off = 0;
  tf.tidy(() => {
    for (const w of net.weights) {
      const n = tf.util.sizeFromShape(w.shape as number[]);
      if (only === undefined || only.has(w)) w.write(tf.tensor(view.slice(off, off + n), w.shape as number[]));
      off += n;
    }
  });
}

/** Waits for the main thread's loss gradient of this shard's `n` outputs. */
function awaitDy(it: InitMessage, n: number): Float32Array {
  const ctl = new Int32Array(it.ctl);
  const r = Atomics.wait(ctl, 0, CTL.wait, it.timeoutMs);
  const state = Atomics.load(ctl, 0);
  Atomics.store(ctl, 0, CTL.wait);
  if (r === 'timed-out') throw new Error(`no loss gradient from the main thread within ${it.timeoutMs} ms`);
  if (state === CTL.abort) throw new Error('aborted by the main thread');
  return new Float32Array(it.dy, 0, n).slice();
}

/** One step through onnxruntime: weights from shared memory into the sessions, forward, loss gradient, backward. */
async function nativeStep(m: StepMessage, core: OnnxStep): Promise<void> {
  const net = model as tf.LayersModel;
  const it = init as InitMessage;
  if (m.dy !== undefined) it.dy = m.dy;
  if (m.version !== version) {
    const view = new Float32Array(it.weights);
    const only = version < 0 || m.full ? undefined : (changing ??= changingWeights(net));
    let off = 0;
    core.graphs.weights.forEach((w, k) => {
      const n = tf.util.sizeFromShape(w.variable.shape as number[]);
      if (w.constant !== true && (only === undefined || only.has(w.variable))) core.setWeight(k, view.slice(off, off + n));
      off += n;
    });
    version = m.version;
  }
  const f = await core.forward(m.x);
  post({ cmd: 'out', step: m.step, data: f.out.slice(), shape: f.dims });
  const grads = await core.backward(awaitDy(it, f.out.length));
  const byVar = new Map(core.graphs.weights.map((w, k) => [w.variable, grads[k]]));
  const g = new Float32Array(it.grads);
  let off = 0;
  for (const v of net.trainableWeights) {
    const d = byVar.get(v);
    const n = tf.util.sizeFromShape(v.shape as number[]);
    if (d === undefined) g.fill(0, off, off + n);
    else g.set(d, off);
    off += n;
  }
  // Statistics the step does not update keep the main thread's current values (shared weights, net.weights order).
  const statOf = new Map(core.graphs.stats.map((s, i) => [s.variable, f.stats[i] as Float32Array]));
  const shared = new Float32Array(it.weights);
  const at = new Map<tf.LayerVariable, number>();
  off = 0;
  for (const w of net.weights) {
    at.set(w, off);
    off += tf.util.sizeFromShape(w.shape as number[]);
  }
  const s = new Float32Array(it.stats);
  off = 0;
  for (const w of statWeights(net)) {
    const o = at.get(w) as number;
    const d = statOf.get(w) ?? shared.slice(o, o + tf.util.sizeFromShape(w.shape as number[]));
    s.set(d, off);
    off += d.length;
  }
  post({ cmd: 'done', step: m.step });
}

function step(m: StepMessage): void {
  const net = model as tf.LayersModel;
  const it = init as InitMessage;
  if (m.version !== version) {
    loadWeights(net, it.weights, version < 0 || m.full ? undefined : (changing ??= changingWeights(net)));
    version = m.version;
  }
  if (m.dy !== undefined) it.dy = m.dy;
  const xs = m.x.map((t) => tf.tensor(t.data, t.shape));
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  try {
    const { value, grads } = tf.variableGrads(() => {
      const out = net.apply(xs.length === 1 ? (xs[0] as tf.Tensor) : xs, { training: true }) as tf.Tensor | tf.Tensor[];
      if (Array.isArray(out)) throw new Error('the network has several outputs; data-parallel training needs one');
      const data = out.dataSync() as Float32Array;
      post({ cmd: 'out', step: m.step, data: data.slice(), shape: out.shape });
      const dy = tf.tensor(awaitDy(it, data.length), out.shape);
      return tf.sum(tf.mul(out, dy));
    }, vars);
    value.dispose();
    const g = new Float32Array(it.grads);
    let off = 0;
    for (const v of vars) {
      const t = grads[v.name];
      const n = tf.util.sizeFromShape(v.shape);
      if (t === undefined) g.fill(0, off, off + n);
      else g.set(t.dataSync(), off);
      off += n;
    }
    tf.dispose(Object.values(grads));
    const s = new Float32Array(it.stats);
    off = 0;
    for (const w of statWeights(net)) {
      const d = w.read().dataSync();
      s.set(d, off);
      off += d.length;
    }
  } finally {
    tf.dispose(xs);
  }
  post({ cmd: 'done', step: m.step });
}

parentPort?.on('message', (m: InitMessage | StepMessage) => {
  if (m.cmd === 'init') {
    start(m).catch((e: unknown) => post({ cmd: 'error', step: -1, message: e instanceof Error ? e.message : String(e) }));
    return;
  }
  if (native !== undefined) {
    nativeStep(m, native).catch((e: unknown) => post({ cmd: 'error', step: m.step, message: e instanceof Error ? e.message : String(e) }));
    return;
  }
  try {
    step(m);
  } catch (e) {
    post({ cmd: 'error', step: m.step, message: e instanceof Error ? e.message : String(e) });
  }
});
