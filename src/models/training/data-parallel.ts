/**
 * Data-parallel training on worker threads: TF.js's WASM backend runs one
 * thread under Node, so a convolutional network trains on one core. Here
 * each worker holds a replica of the network on its own backend; the main
 * thread is the parameter holder.
 *
 * One step on a batch of n rows: the rows are cut into one contiguous shard
 * per worker; each worker runs the forward pass on its shard and sends its
 * outputs; the main thread computes the loss on the whole batch's outputs
 * (so losses that couple rows, like Cox's partial likelihood over the risk
 * set, are exact) and its gradient with respect to those outputs; each worker
 * back-propagates its shard's part of that gradient, which gives its shard's
 * contribution Jₖᵀ·∂L/∂outₖ to the weight gradient; the main thread sums the
 * contributions (the row weighting is inside ∂L/∂out: a mean loss carries 1/n
 * per row), applies one optimiser update to its own weights and the next step
 * broadcasts them through shared memory. Without batch norm or dropout the
 * update is the single-thread update up to float32 summation order.
 *
 * Batch norm: each replica normalises by its own shard's statistics (as
 * PyTorch's DistributedDataParallel without SyncBatchNorm); the moving mean
 * and variance after a step are the row-weighted average of the replicas'
 * (the mean equals the whole-batch update; the variance leaves out the spread
 * between shard means). Dropout masks are drawn per replica.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../../core/assert.js';
import { importOnnxRuntime } from '../../backbones/onnx-backbone.js';
import { compileStepGraphs, constantChanged } from './onnx-step-graph.js';
import { survkitError, SurvkitError } from '../../core/errors.js';
import type { BackendName } from '../../backend/index.js';
import { batchNormModesOf } from '../../backbones/batch-norm-modes.js';
import { changingWeights, CTL, statWeights, type InitMessage, type StepMessage, type WorkerReply } from './data-parallel-protocol.js';

/** Options of {@link DataParallelTrainer.create}. */
export interface DataParallelOptions {
  /** Worker threads, each with a replica of the network (≥ 1). */
  workers: number;
  /** Backend of the replicas (default: the active backend when it is 'wasm' or 'cpu', else 'wasm'). */
  backend?: BackendName;
  /** Longest wait for a worker's answer, ms (default 600 000); past it the step fails and the workers stop. */
  timeoutMs?: number;
  /**
   * Replica engine (default 'tfjs'). 'onnxruntime': each replica runs its shard's forward and backward passes through
   * the optional package onnxruntime-node on one thread (native kernels; see `OnnxTrainer`); the loss, the optimiser
   * and the weights stay on the main thread as with TF.js replicas.
   */
  engine?: 'tfjs' | 'onnxruntime';
}

type Waiter = { cmd: 'ready' | 'out' | 'done'; resolve: (r: WorkerReply) => void };

interface Slot {
  w: Worker;
  ctl: Int32Array;
  grads: Float32Array;
  stats: Float32Array;
  dy: Float32Array;
  waiters: Waiter[];
  failed?: Error;
  fail: (e: Error) => void;
}

const FN = 'DataParallelTrainer';

/** The worker's entry: the compiled file, or (running from the TypeScript sources) a bootstrap that registers tsx first. */
function workerUrl(): URL {
  const js = new URL('./data-parallel-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return js;
  const tsx = import.meta.resolve('tsx/esm/api');
  const src = new URL('./data-parallel-worker.ts', import.meta.url).href;
  return new URL(
    `data:text/javascript,${encodeURIComponent(`const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(src)});`)}`,
  );
}

const sizeOf = (shape: readonly (number | null)[]): number => shape.reduce<number>((a, s) => a * (s ?? 1), 1);

/**
 * Trains a TF.js Layers network data-parallel on worker threads (see the
 * module notes for the algorithm). The replicas are rebuilt in the workers
 * from the network's topology (`toJSON`) and kept in step with the main
 * thread's weights, which are the ones that train: after `close()` the
 * network holds the trained weights. Close the trainer (also on errors) to
 * stop the workers.
 *
 * @example
 * const trainer = await DataParallelTrainer.create(net, { workers: 2 });
 * const optimizer = tf.train.adam(1e-3);
 * try {
 *   for (const [x, y] of batches) await trainer.step(x, (out) => tf.losses.meanSquaredError(y, out), optimizer);
 * } finally {
 *   await trainer.close();
 * }
 * @throws {SurvkitError} `dataParallelModel` for a network with several outputs or an unknown output size,
 *   `dataParallelWorker` when a replica fails (naming the step), `dataParallelTimeout` when one does not answer
 */
export class DataParallelTrainer {
  private readonly slots: Slot[] = [];
  private readonly weights: Float32Array;
  private readonly changing: Set<tf.LayerVariable>;
  private version = 0;
  private full = true;
  private steps = 0;
  private closed = false;

  private constructor(
    private readonly net: tf.LayersModel,
    private readonly timeoutMs: number,
    private readonly outSize: number,
    /** onnxruntime replicas: the weights they compiled in as constants, and their values. */
    private readonly baked: { variable: tf.LayerVariable; data: Float32Array }[],
  ) {
    this.weights = new Float32Array(new SharedArrayBuffer(4 * net.weights.reduce((a, w) => a + sizeOf(w.shape), 0)));
    this.changing = changingWeights(net);
  }

  /** Starts `opts.workers` replicas of `net` (its topology and current weights). */
  static async create(net: tf.LayersModel, opts: DataParallelOptions): Promise<DataParallelTrainer> {
    const workers = assertNumberOption(FN, 'workers', opts.workers, { min: 1, integer: true });
    const timeoutMs = assertNumberOption(FN, 'timeoutMs', opts.timeoutMs ?? 600_000, { min: 1 });
    const active = tf.getBackend();
    const backend: BackendName = opts.backend ?? (active === 'cpu' || active === 'wasm' ? active : 'wasm');
    if (net.outputs.length !== 1) throw survkitError('dataParallelModel', FN, 'net', `it has ${net.outputs.length} outputs; one is supported`);
    const outShape = (net.outputs[0] as tf.SymbolicTensor).shape.slice(1);
    if (outShape.some((s) => s === null)) throw survkitError('dataParallelModel', FN, 'net', `its output shape [${outShape.join(', ')}] is not fixed`);
    const engine = assertChoice(FN, 'engine', opts.engine ?? 'tfjs', ['tfjs', 'onnxruntime'] as const);
    // onnxruntime: fail here, naming the layer or the missing package, rather than in every replica.
    const baked = engine === 'onnxruntime' ? compileStepGraphs(net).baked : [];
    if (engine === 'onnxruntime')
      await importOnnxRuntime(FN, 'onnxruntime-node').catch(() => {
        throw survkitError('onnxTrainMissing', FN);
      });
    const t = new DataParallelTrainer(net, timeoutMs, sizeOf(outShape), baked);
    t.writeWeights(); // the replicas start from the network's weights (onnxruntime replicas compile the frozen ones in)
    const topology = JSON.stringify(net.toJSON(null, false));
    const batchNorm = batchNormModesOf(net);
    const nTrain = net.trainableWeights.reduce((a, w) => a + sizeOf(w.shape), 0);
    const nStats = statWeights(net).reduce((a, w) => a + sizeOf(w.shape), 0);
    const url = workerUrl();
    try {
      const ready = [];
      for (let k = 0; k < workers; k++) {
        const buf = (n: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(4, 4 * n));
        const msg: InitMessage = {
          cmd: 'init',
          topology,
          backend,
          engine,
          replica: k,
          timeoutMs,
          batchNorm,
          weights: t.weights.buffer as SharedArrayBuffer,
          grads: buf(nTrain),
          stats: buf(nStats),
          dy: buf(0),
          ctl: buf(1),
        };
        const slot = t.spawn(url, msg);
        t.slots.push(slot);
        ready.push(t.wait(slot, 'ready', 'start'));
      }
      const replies = await Promise.all(ready);
      const want = JSON.stringify(net.trainableWeights.map((w) => w.shape));
      for (const r of replies) {
        if (r.cmd === 'ready' && JSON.stringify(r.trainable) !== want)
          throw survkitError(
            'dataParallelModel',
            FN,
            'net',
            `the replica rebuilt from its topology has other trainable weights (${JSON.stringify(r.trainable)})`,
          );
      }
    } catch (e) {
      await t.close();
      throw e;
    }
    return t;
  }

  private spawn(url: URL, init: InitMessage): Slot {
    const w = new Worker(url);
    const slot: Slot = {
      w,
      ctl: new Int32Array(init.ctl),
      grads: new Float32Array(init.grads),
      stats: new Float32Array(init.stats),
      dy: new Float32Array(init.dy),
      waiters: [],
      fail: (e) => {
        slot.failed ??= e;
        for (const x of slot.waiters.splice(0)) x.resolve({ cmd: 'error', step: -1, message: e.message });
      },
    };
    w.on('message', (r: WorkerReply) => {
      if (r.cmd === 'error') return slot.fail(new Error(r.message));
      const i = slot.waiters.findIndex((x) => x.cmd === r.cmd);
      if (i >= 0) slot.waiters.splice(i, 1)[0]?.resolve(r);
    });
    w.on('error', (e) => slot.fail(e));
    w.on('exit', (code) => slot.fail(new Error(`the worker thread stopped (exit code ${code})`)));
    w.postMessage(init, []);
    return slot;
  }

  /** The worker's next `cmd` reply; a failure or the timeout becomes a SurvkitError naming `what`. */
  private wait(slot: Slot, cmd: Waiter['cmd'], what: string): Promise<WorkerReply> {
    const p = new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = slot.waiters.indexOf(waiter);
        if (i >= 0) slot.waiters.splice(i, 1);
        reject(survkitError('dataParallelTimeout', FN, what, this.timeoutMs));
      }, this.timeoutMs);
      const waiter: Waiter = {
        cmd,
        resolve: (r) => {
          clearTimeout(timer);
          if (r.cmd === 'error') reject(survkitError('dataParallelWorker', FN, what, slot.failed?.message ?? r.message));
          else resolve(r);
        },
      };
      if (slot.failed !== undefined) waiter.resolve({ cmd: 'error', step: -1, message: slot.failed.message });
      else slot.waiters.push(waiter);
    });
    // A step that fails early leaves the other replies unawaited; their rejection (when close() stops the workers) is expected.
    p.catch(() => undefined);
    return p;
  }

  /** Marks the network's weights as changed outside the trainer (e.g. restored from a snapshot): the next step sends all of them. */
  weightsChanged(): void {
    this.full = true;
  }

  /**
   * One optimisation step on a batch: `x` (one tensor, or one per input,
   * rows first) is split across the workers, `loss` maps the whole batch's
   * network output [n, …] to the scalar batch loss, `optimizer` applies the
   * summed gradient to the network's trainable weights. Returns the loss.
   * @throws {SurvkitError} `dataParallelWorker` / `dataParallelTimeout` / `dataParallelStep` (the loss failed) naming the step; the workers are then stopped
   */
  async step(x: tf.Tensor | tf.Tensor[], loss: (out: tf.Tensor) => tf.Scalar, optimizer: tf.Optimizer): Promise<number> {
    if (this.closed) throw survkitError('dataParallelWorker', FN, `step ${this.steps + 1}`, 'the trainer was closed');
    const what = `step ${++this.steps}`;
    try {
      return await this.run(Array.isArray(x) ? x : [x], loss, optimizer, what);
    } catch (e) {
      await this.close();
      if (e instanceof SurvkitError) throw e;
      throw survkitError('dataParallelStep', FN, what, e instanceof Error ? e.message : String(e));
    }
  }

  private writeWeights(): void {
    let off = 0;
    for (const w of this.net.weights) {
      const n = sizeOf(w.shape);
      if (this.full || this.changing.has(w)) this.weights.set(w.read().dataSync(), off);
      off += n;
    }
  }

  private async run(xs: tf.Tensor[], loss: (out: tf.Tensor) => tf.Scalar, optimizer: tf.Optimizer, what: string): Promise<number> {
    if (this.full) {
      const changed = this.baked.find((b) => constantChanged(b.variable, b.data));
      if (changed)
        throw survkitError(
          'onnxStepModel',
          FN,
          'net',
          `the weight ${changed.variable.name} of a layer that does not train changed after the trainer started (onnxruntime replicas compile such weights in); create a new trainer`,
        );
    }
    const n = xs[0]?.shape[0] ?? 0;
    const k = Math.min(this.slots.length, n);
    const rows = Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
    this.writeWeights();
    const full = this.full;
    this.full = false;
    this.version++;
    const data = xs.map((t) => t.dataSync() as Float32Array);
    const active = this.slots.slice(0, k);
    const outs: Promise<WorkerReply>[] = [];
    let r0 = 0;
    active.forEach((slot, i) => {
      const r = rows[i] as number;
      const x = xs.map((t, j) => {
        const per = sizeOf(t.shape.slice(1));
        return { data: (data[j] as Float32Array).slice(r0 * per, (r0 + r) * per), shape: [r, ...t.shape.slice(1)] };
      });
      r0 += r;
      let dy: SharedArrayBuffer | undefined;
      if (slot.dy.length < r * this.outSize) {
        dy = new SharedArrayBuffer(4 * r * this.outSize);
        slot.dy = new Float32Array(dy);
      }
      outs.push(this.wait(slot, 'out', what));
      const msg: StepMessage = { cmd: 'step', step: this.steps, version: this.version, full, x, ...(dy === undefined ? {} : { dy }) };
      slot.w.postMessage(
        msg,
        x.map((t) => t.data.buffer),
      );
    });
    const parts = (await Promise.all(outs)) as Extract<WorkerReply, { cmd: 'out' }>[];
    const done = active.map((slot) => this.wait(slot, 'done', what));
    const { value, dy } = tf.tidy(() => {
      const out = tf.concat(parts.map((p) => tf.tensor(p.data, p.shape)));
      const vg = tf.valueAndGrad(loss)(out);
      return { value: vg.value, dy: vg.grad };
    });
    const dyv = dy.dataSync();
    dy.dispose();
    let o = 0;
    active.forEach((slot, i) => {
      const len = (parts[i] as { data: Float32Array }).data.length;
      if (slot.dy.length < len) throw new Error('the shard output is larger than the network output shape');
      slot.dy.set(dyv.subarray(o, o + len));
      o += len;
      Atomics.store(slot.ctl, 0, CTL.go);
      Atomics.notify(slot.ctl, 0);
    });
    await Promise.all(done);
    this.apply(active, rows, n, optimizer);
    const v = (await value.data())[0] as number;
    value.dispose();
    return v;
  }

  /** Sums the replicas' gradients into one update and averages their batch-norm statistics by rows. */
  private apply(active: Slot[], rows: number[], n: number, optimizer: tf.Optimizer): void {
    const grads: tf.NamedTensorMap = {};
    let off = 0;
    for (const w of this.net.trainableWeights) {
      const size = sizeOf(w.shape);
      const acc = active[0]?.grads.slice(off, off + size) ?? new Float32Array(size);
      for (let s = 1; s < active.length; s++) {
        const g = (active[s] as Slot).grads;
        for (let i = 0; i < size; i++) acc[i] = (acc[i] as number) + (g[off + i] as number);
      }
      grads[(w.read() as tf.Variable).name] = tf.tensor(acc, w.shape as number[]);
      off += size;
    }
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    off = 0;
    for (const w of statWeights(this.net)) {
      const size = sizeOf(w.shape);
      const acc = new Float32Array(size);
      active.forEach((slot, s) => {
        const f = (rows[s] as number) / n;
        for (let i = 0; i < size; i++) acc[i] = (acc[i] as number) + f * (slot.stats[off + i] as number);
      });
      tf.tidy(() => {
        w.write(tf.tensor(acc, w.shape as number[]));
      });
      off += size;
    }
  }

  /** Stops the workers (idempotent). The network keeps the trained weights. */
  async close(): Promise<void> {
    this.closed = true;
    const all = this.slots.splice(0);
    for (const s of all) {
      Atomics.store(s.ctl, 0, CTL.abort);
      Atomics.notify(s.ctl, 0);
    }
    await Promise.all(all.map((s) => s.w.terminate()));
  }
}

/**
 * The batch loss as a function of the network's output: runs `loss` (which
 * calls `net.apply` once, on the batch) with `net.apply` answering `out`.
 * What the fit loop hands to {@link DataParallelTrainer.step}.
 * @throws {SurvkitError} `optionRange` ('workers') when `loss` runs the network other than once, or what `refuse`
 *   builds (the caller names the option that asked for a trainer)
 */
export function outputLoss(net: tf.LayersModel, loss: () => tf.Scalar, refuse?: (calls: number) => Error): (out: tf.Tensor) => tf.Scalar {
  return (out) => {
    const holder = net as unknown as { apply: unknown };
    const own = Object.getOwnPropertyDescriptor(net, 'apply');
    let calls = 0;
    holder.apply = () => {
      calls++;
      return out;
    };
    let value: tf.Scalar;
    try {
      value = loss();
    } finally {
      if (own) Object.defineProperty(net, 'apply', own);
      else delete (holder as { apply?: unknown }).apply;
    }
    if (calls !== 1)
      throw (
        refuse?.(calls) ??
        survkitError('optionRange', 'fit', 'workers', `1 for this model family (its loss ran the network ${calls} times per batch)`, 'more than 1')
      );
    return value;
  };
}
