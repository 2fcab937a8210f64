/**
 * Native training steps: a TF.js Layers network's forward and backward
 * passes compiled to two ONNX graphs (onnx-step-graph.ts) and run by the
 * optional package onnxruntime-node on its CPU kernels (vectorised for the
 * machine, and on several cores), while the loss, the optimiser and the
 * weights stay with TF.js.
 *
 * One step on a batch: the forward graph gives the network's output, the
 * batch-norm statistics and the values the backward pass needs; the loss and
 * its gradient with respect to the output are computed by TF.js from the
 * caller's loss function (so every survkit loss, including those that couple
 * the rows of a batch, works unchanged); the backward graph gives the weight
 * gradients; `optimizer.applyGradients` updates the network's variables.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { assertNumberOption } from '../../core/assert.js';
import { SurvkitError, survkitError } from '../../core/errors.js';
import { importOnnxRuntime, type OrtModule, type OrtSession, type OrtTensor } from '../../backbones/onnx-backbone.js';
import { encodeOnnxModel } from '../../io/onnx-model.js';
import { compileStepGraphs, constantChanged, kernelFromOnnx, kernelToOnnx, type StepGraphs, type StepWeight } from './onnx-step-graph.js';
import { isFusedAdam, type FusedAdam } from './fused-adam.js';
import { adamConstants, adamUpdate } from './adam-kernel.js';
import { SimdGemm, simdSupported } from '../../ops/wasm/gemm.js';
import { rowKernels, type RowKernels } from '../../ops/wasm/rows.js';

const FN = 'OnnxTrainer';

type OrtValue = OrtTensor;
type Ort = OrtModule;

/** Options of {@link OnnxTrainer.create}. */
export interface OnnxTrainerOptions {
  /** Threads of onnxruntime's kernels (default: the machine's cores). */
  threads?: number;
  /** Seed of the dropout masks (onnxruntime's generator; default 0). */
  seed?: number;
  /** Filter-gradient formulation: 'conv' (a dilated convolution), 'im2col' (patches and a matrix product), 'auto' (default; by layer width). */
  filterGrad?: 'im2col' | 'conv' | 'auto';
  /** For tests: imports onnxruntime-node. */
  importer?: () => Promise<unknown>;
}

/**
 * One network's compiled training step on two onnxruntime sessions: the
 * forward pass keeps what the backward pass needs; the backward pass turns a
 * loss gradient of the output into weight gradients. Shared by
 * {@link OnnxTrainer} and the replicas of `DataParallelTrainer` with
 * `engine: 'onnxruntime'`. Not public.
 */
export class OnnxStep {
  private readonly feeds: Record<string, OrtValue> = {};
  private outDims: readonly number[] = [];

  /**
   * With Adam: each trainable weight (by index) in the graphs' layout and its moments, updated in place — views of one
   * WebAssembly arena (allocated once, never grown) where SIMD is available, so the update runs as one SIMD loop.
   */
  private readonly state = new Map<number, { w: Float32Array; m: Float32Array; v: Float32Array; at?: { w: number; m: number; v: number } }>();
  private arena: { rows: RowKernels; grad: number; gradView: Float32Array } | undefined;

  private constructor(
    readonly graphs: StepGraphs,
    private readonly ort: Ort,
    private readonly fwd: OrtSession,
    private readonly bwd: OrtSession,
    private readonly adam: { beta1: number; beta2: number; epsilon: number } | undefined,
  ) {
    if (adam === undefined) return;
    const trained = graphs.weights.map((w, k) => [w, k] as const).filter(([w]) => w.grad !== undefined);
    const sizes = trained.map(([w]) => w.variable.shape.reduce<number>((a, b) => a * (b as number), 1));
    const zero = (n: number): Float32Array => new Float32Array(n);
    if (simdSupported() && sizes.length > 0) {
      const most = Math.max(...sizes);
      const gemm = new SimdGemm(3 * sizes.reduce((a, b) => a + b + 4, 0) + most + 64);
      const rows = rowKernels(gemm);
      const slots = trained.map((_, i) => ({ w: gemm.alloc(sizes[i] as number), m: gemm.alloc(sizes[i] as number), v: gemm.alloc(sizes[i] as number) }));
      const grad = gemm.alloc(most);
      // Views taken after every allocation (an allocation may grow the memory, which detaches older views).
      trained.forEach(([, k], i) => {
        const at = slots[i] as { w: number; m: number; v: number };
        const n = sizes[i] as number;
        this.state.set(k, { w: gemm.view(at.w, n), m: gemm.view(at.m, n), v: gemm.view(at.v, n), at });
      });
      this.arena = { rows, grad, gradView: gemm.view(grad, most) };
    } else trained.forEach(([, k], i) => this.state.set(k, { w: zero(sizes[i] as number), m: zero(sizes[i] as number), v: zero(sizes[i] as number) }));
  }

  /**
   * Compiles `net`'s step and opens the sessions (`fn` names the caller in errors).
   * @throws {SurvkitError} `onnxTrainMissing`, `onnxStepLayer`, `onnxStepModel`
   */
  static async open(
    fn: string,
    net: tf.LayersModel,
    opts: OnnxTrainerOptions & { threads: number; adam?: { beta1: number; beta2: number; epsilon: number } },
  ): Promise<OnnxStep> {
    const graphs = compileStepGraphs(net, {
      ...(opts.adam === undefined ? {} : { graphLayoutGrads: true }),
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.filterGrad ? { filterGrad: opts.filterGrad } : {}),
    });
    let ort: Ort;
    try {
      ort = await importOnnxRuntime(fn, 'onnxruntime-node', opts.importer);
    } catch {
      throw survkitError('onnxTrainMissing', fn);
    }
    // Idle kernel threads sleep instead of spinning: measured faster on a shared 2-core machine, and no core burnt between steps.
    const options = {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      ...(opts.threads > 1 ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    };
    const open = async (graph: StepGraphs['forward'], which: string): Promise<OrtSession> => {
      try {
        return await ort.InferenceSession.create(encodeOnnxModel(graph), options);
      } catch (e) {
        throw survkitError('onnxStepModel', fn, 'net', `onnxruntime refused its ${which} graph: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    const fwd = await open(graphs.forward, 'forward');
    const bwd = await open(graphs.backward, 'backward');
    return new OnnxStep(graphs, ort, fwd, bwd, opts.adam);
  }

  /**
   * Sets the value of weight `k` (`graphs.weights` order, in the weight's own layout) for the next steps: a weight the
   * graphs take in another layout (a convolution kernel) is transposed here, any other array is read, not copied, until replaced.
   */
  setWeight(k: number, data: Float32Array | tf.Tensor): void {
    const w = this.graphs.weights[k] as StepWeight;
    const shape = w.variable.shape as number[];
    const st = this.state.get(k);
    if (st !== undefined) {
      // Adam on the host: the weight is kept (a copy, in the graphs' layout) next to its moments.
      const own = data instanceof tf.Tensor ? (data.dataSync() as Float32Array) : data;
      st.w.set(w.perm ? kernelToOnnx(own, shape) : own);
      this.feeds[w.input] = new this.ort.Tensor('float32', st.w, w.perm ? w.perm.map((a) => shape[a] as number) : shape);
      return;
    }
    if (w.perm === undefined) {
      this.feeds[w.input] = new this.ort.Tensor('float32', data instanceof tf.Tensor ? (data.dataSync() as Float32Array) : data, shape);
      return;
    }
    const moved = kernelToOnnx(data instanceof tf.Tensor ? (data.dataSync() as Float32Array) : data, shape);
    this.feeds[w.input] = new this.ort.Tensor(
      'float32',
      moved,
      w.perm.map((a) => shape[a] as number),
    );
  }

  private pick(s: OrtSession): Record<string, OrtValue> {
    const out: Record<string, OrtValue> = {};
    for (const n of s.inputNames) {
      const v = this.feeds[n];
      if (v === undefined) throw new Error(`no value for the graph input ${n}`);
      out[n] = v;
    }
    return out;
  }

  /**
   * The forward pass on one batch (one array per network input, channels-last, rows first): the network's output and the
   * new values of the batch-norm moving statistics (by `graphs.stats` order). Keeps what `backward` needs.
   */
  async forward(xs: readonly { data: Float32Array; shape: readonly number[] }[]): Promise<{ out: Float32Array; dims: number[]; stats: Float32Array[] }> {
    const g = this.graphs;
    if (xs.length !== g.inputs.length) throw new Error(`the network takes ${g.inputs.length} inputs, the batch has ${xs.length}`);
    xs.forEach((x, i) => {
      this.feeds[g.inputs[i] as string] = new this.ort.Tensor('float32', x.data, x.shape);
    });
    const f = await this.fwd.run(this.pick(this.fwd));
    for (const s of g.saved) this.feeds[s] = f[s] as OrtValue;
    const out = f[g.output] as OrtValue;
    this.outDims = out.dims;
    return { out: out.data as Float32Array, dims: [...out.dims], stats: g.stats.map((s) => (f[s.output] as OrtValue).data as Float32Array) };
  }

  /** The backward pass of the last forward pass: weight gradients (by `graphs.weights` order, undefined where not trainable). */
  async backward(dy: Float32Array): Promise<(Float32Array | undefined)[]> {
    const g = this.graphs;
    this.feeds[g.outputGrad] = new this.ort.Tensor('float32', dy, this.outDims);
    const b = await this.bwd.run(this.pick(this.bwd));
    for (const s of g.saved) delete this.feeds[s];
    return g.weights.map((w) => (w.grad === undefined ? undefined : ((b[w.grad] as OrtValue).data as Float32Array)));
  }

  /**
   * The backward pass of the last forward pass followed by survkit's Adam on the kept weights (opened with `adam`):
   * FusedAdam's float32 arithmetic (`adamUpdate`), in place, on the graphs' layout; `stepSize` = lr/(1 − β1ᵗ),
   * `c2` = 1/(1 − β2ᵗ).
   */
  async backwardAdam(dy: Float32Array, stepSize: number, c2: number): Promise<void> {
    const a = this.adam;
    if (a === undefined) throw new Error('the step was not opened with Adam');
    const g = this.graphs;
    this.feeds[g.outputGrad] = new this.ort.Tensor('float32', dy, this.outDims);
    const b = await this.bwd.run(this.pick(this.bwd));
    for (const s of g.saved) delete this.feeds[s];
    const c = adamConstants({ beta1: a.beta1, beta2: a.beta2, stepSize, c2, epsilon: a.epsilon });
    g.weights.forEach((w, k) => {
      const st = this.state.get(k);
      if (w.grad === undefined || st === undefined) return;
      const grad = (b[w.grad] as OrtValue).data as Float32Array;
      const ar = this.arena;
      if (ar !== undefined && st.at !== undefined) {
        ar.gradView.set(grad);
        ar.rows.adam(ar.grad, st.at.m, st.at.v, st.at.w, grad.length, c.B1, c.A1, c.B2, c.A2, c.S, c.C2, c.E);
      } else adamUpdate(c, grad, st.m, st.v, st.w, 0, st.m, st.v, st.w);
      this.feeds[w.input] = new this.ort.Tensor('float32', st.w, (this.feeds[w.input] as OrtValue).dims);
    });
  }

  /** The current value of weight `k` as fed to the graphs, in the weight's own layout (undefined when not fed). */
  weightValue(k: number): Float32Array | undefined {
    const w = this.graphs.weights[k] as StepWeight;
    const v = this.feeds[w.input];
    if (v === undefined) return undefined;
    const data = this.state.get(k)?.w ?? (v.data as Float32Array);
    return w.perm ? kernelFromOnnx(data, w.variable.shape as number[]) : data.slice();
  }

  /** Releases both sessions. */
  async release(): Promise<void> {
    await Promise.all([this.fwd.release(), this.bwd.release()]);
  }
}

/**
 * Trains a TF.js Layers network with onnxruntime's native CPU kernels (see the
 * module notes). The same interface as `DataParallelTrainer`: `step` takes
 * the batch, a loss of the network's output and a TF.js optimiser; the
 * network's own variables are the ones that train.
 *
 * Differences from training with TF.js: float32 sums in onnxruntime's order
 * (gradients agree to float32 rounding), dropout masks drawn by onnxruntime's
 * generator.
 *
 * @example
 * const trainer = await OnnxTrainer.create(net, { threads: 2 });
 * const optimizer = tf.train.adam(1e-3);
 * try {
 *   for (const [x, y] of batches) await trainer.step(x, (out) => tf.losses.meanSquaredError(y, out), optimizer);
 * } finally {
 *   await trainer.close();
 * }
 * @throws {SurvkitError} `onnxTrainMissing` without onnxruntime-node, `onnxStepLayer` / `onnxStepModel` for a network it
 *   cannot compile (naming the layer), `onnxTrainStep` when a step fails (naming the step)
 */
export class OnnxTrainer {
  private changing: Set<tf.LayerVariable>;
  private full = true;
  private steps = 0;
  private closed = false;
  /** The survkit Adam the trainer applies itself, next to onnxruntime (undefined: gradients go to `optimizer.applyGradients`). */
  private adamOf: FusedAdam | undefined;
  /** Adam steps taken by the trainer. */
  private t = 0;
  /** The trainer holds newer trainable weights than the network's variables (its own Adam; see `sync`). */
  private dirty = false;

  /** The compiled step and its sessions, opened at the first step (when the optimiser is known). */
  private core: OnnxStep | undefined;
  /** `weightsChanged` was called: compare the constants compiled in with the network's weights before the next step. */
  private recheck = false;

  private constructor(
    private readonly net: tf.LayersModel,
    private readonly opts: OnnxTrainerOptions & { threads: number },
  ) {
    this.changing = new Set();
  }

  private static changingOf(core: OnnxStep): Set<tf.LayerVariable> {
    const g = core.graphs;
    return new Set([...g.weights.filter((w) => w.grad !== undefined).map((w) => w.variable), ...g.stats.map((s) => s.variable)]);
  }

  /**
   * Checks that `net` compiles and that onnxruntime-node is there; the sessions open at the first step, compiled for
   * its optimiser (survkit's Adam or another).
   */
  static async create(net: tf.LayersModel, opts: OnnxTrainerOptions = {}): Promise<OnnxTrainer> {
    const threads = assertNumberOption(FN, 'threads', opts.threads ?? availableParallelism(), { min: 1, integer: true });
    compileStepGraphs(net, { constants: false });
    await importOnnxRuntime(FN, 'onnxruntime-node', opts.importer).catch(() => {
      throw survkitError('onnxTrainMissing', FN);
    });
    return new OnnxTrainer(net, { ...opts, threads });
  }

  /**
   * Marks the network's weights as changed outside the trainer (e.g. restored from a snapshot): the next step reads all
   * of them, and compiles the step again if a weight compiled in as a constant (a frozen layer's) changed.
   */
  weightsChanged(): void {
    this.full = true;
    this.recheck = true;
    this.dirty = false; // the caller's weights win over those the trainer holds
  }

  /**
   * Writes the weights the trainer holds into the network's variables. With survkit's Adam (`FusedAdam`, `fit`'s
   * default) the trainer keeps the trained weights next to onnxruntime (in the graphs' layout, updated by one
   * WebAssembly SIMD loop with FusedAdam's float32 arithmetic) and the variables are written here, by `close()`, and by
   * `fit` at the end of every epoch — not after every step. Without pending weights it does nothing.
   */
  sync(): void {
    const core = this.core;
    if (!this.dirty || core === undefined) return;
    core.graphs.weights.forEach((w, k) => {
      if (w.grad === undefined) return;
      const data = core.weightValue(k);
      if (data !== undefined)
        tf.tidy(() => {
          w.variable.write(tf.tensor(data, w.variable.shape as number[]));
        });
    });
    this.dirty = false;
  }

  /**
   * One optimisation step on a batch: `x` (one tensor, or one per network
   * input, rows first), `loss` maps the batch's network output to the scalar
   * batch loss, `optimizer` applies the gradient to the network's trainable
   * weights — except survkit's `FusedAdam` (what `fit` uses for 'adam'), whose
   * update (its arithmetic, its hyper-parameters; moments kept by the trainer,
   * from zero at the first step) the trainer applies itself, next to onnxruntime; then the network's
   * variables are written by {@link OnnxTrainer.sync}. Returns the loss.
   * @throws {SurvkitError} `onnxTrainStep` naming the step when onnxruntime or the loss fails
   */
  async step(x: tf.Tensor | tf.Tensor[], loss: (out: tf.Tensor) => tf.Scalar, optimizer: tf.Optimizer): Promise<number> {
    const what = `step ${++this.steps}`;
    if (this.closed) throw survkitError('onnxTrainStep', FN, what, 'the trainer was closed');
    try {
      return await this.run(Array.isArray(x) ? x : [x], loss, optimizer);
    } catch (e) {
      if (e instanceof SurvkitError) throw e;
      throw survkitError('onnxTrainStep', FN, what, e instanceof Error ? e.message : String(e));
    }
  }

  /** Compiles and opens the step (again), with the trainer's own Adam for `adam` or without. */
  private async open(adam: FusedAdam | undefined): Promise<OnnxStep> {
    this.sync();
    await this.core?.release();
    this.core = undefined;
    const core = await OnnxStep.open(FN, this.net, {
      ...this.opts,
      ...(adam ? { adam: { beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon } } : {}),
    });
    this.core = core;
    this.changing = OnnxTrainer.changingOf(core);
    this.adamOf = adam;
    this.t = 0;
    this.full = true;
    return core;
  }

  private async run(xs: tf.Tensor[], loss: (out: tf.Tensor) => tf.Scalar, optimizer: tf.Optimizer): Promise<number> {
    const adam = isFusedAdam(optimizer) ? optimizer : undefined;
    let core = this.core;
    // Open at the first step, for another optimiser, or when a weight compiled in as a constant (a frozen one) changed.
    if (core === undefined || adam !== this.adamOf || (this.recheck && core.graphs.baked.some((b) => constantChanged(b.variable, b.data))))
      core = await this.open(adam);
    this.recheck = false;
    const g = core.graphs;
    g.weights.forEach((w, k) => {
      if (w.constant === true) return;
      // With the trainer's Adam the trained weights stay with the trainer between steps; statistics come from the network.
      if (this.full || (this.changing.has(w.variable) && (adam === undefined || w.grad === undefined))) core.setWeight(k, w.variable.read());
    });
    this.full = false;
    const f = await core.forward(
      xs.map((t) => ({ data: (t.dtype === 'float32' ? t.dataSync() : tf.tidy(() => t.cast('float32').dataSync())) as Float32Array, shape: t.shape })),
    );
    const { value, dy } = tf.tidy(() => {
      const vg = tf.valueAndGrad(loss)(tf.tensor(f.out, f.dims));
      return { value: vg.value, dy: vg.grad };
    });
    const dyv = dy.dataSync() as Float32Array;
    dy.dispose();
    if (adam !== undefined) {
      this.t++;
      // FusedAdam's constants, in float64 (rounded to float32 once by adamConstants).
      await core.backwardAdam(dyv, adam.learningRate / (1 - adam.beta1 ** this.t), 1 / (1 - adam.beta2 ** this.t));
      this.dirty = true;
    } else {
      const gs = await core.backward(dyv);
      const grads: tf.NamedTensorMap = {};
      g.weights.forEach((w, k) => {
        const d = gs[k];
        if (d !== undefined) grads[(w.variable.read() as tf.Variable).name] = tf.tensor(d, w.variable.shape as number[]);
      });
      optimizer.applyGradients(grads);
      tf.dispose(Object.values(grads));
    }
    g.stats.forEach((s, i) => {
      tf.tidy(() => {
        s.variable.write(tf.tensor(f.stats[i] as Float32Array, s.variable.shape as number[]));
      });
    });
    const v = (await value.data())[0] as number;
    value.dispose();
    return v;
  }

  /** Writes pending weights into the network ({@link OnnxTrainer.sync}) and releases the onnxruntime sessions (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sync();
    await this.core?.release();
  }
}
