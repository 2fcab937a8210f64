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
import { importOnnxRuntime } from '../../backbones/onnx-backbone.js';
import { encodeOnnxModel } from '../../io/onnx-model.js';
import { compileStepGraphs, type StepGraphs } from './onnx-step-graph.js';

const FN = 'OnnxTrainer';

/** The parts of onnxruntime-node used here (kept local: survkit builds without the optional package). */
interface OrtValue {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtValue>): Promise<Record<string, OrtValue>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(buffer: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtValue;
}

/** Options of {@link OnnxTrainer.create}. */
export interface OnnxTrainerOptions {
  /** Threads of onnxruntime's kernels (default: the machine's cores). */
  threads?: number;
  /** Seed of the dropout masks (onnxruntime's generator; default 0). */
  seed?: number;
  /** Filter-gradient formulation of the convolutions (default 'conv', a dilated convolution; 'im2col': patches and a matrix product). */
  filterGrad?: 'im2col' | 'conv';
  /** For tests: imports onnxruntime-node. */
  importer?: () => Promise<unknown>;
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
  private readonly host = new Map<tf.LayerVariable, Float32Array>();
  private readonly changing: Set<tf.LayerVariable>;
  private full = true;
  private steps = 0;
  private closed = false;

  private constructor(
    private readonly net: tf.LayersModel,
    private readonly ort: Ort,
    private readonly graphs: StepGraphs,
    private readonly fwd: OrtSession,
    private readonly bwd: OrtSession,
  ) {
    this.changing = new Set([...graphs.weights.filter((w) => w.grad !== undefined).map((w) => w.variable), ...graphs.stats.map((s) => s.variable)]);
  }

  /** Compiles `net`'s training step and opens the two onnxruntime sessions. */
  static async create(net: tf.LayersModel, opts: OnnxTrainerOptions = {}): Promise<OnnxTrainer> {
    const threads = assertNumberOption(FN, 'threads', opts.threads ?? availableParallelism(), { min: 1, integer: true });
    const graphs = compileStepGraphs(net, {
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...(opts.filterGrad ? { filterGrad: opts.filterGrad } : {}),
    });
    let ort: Ort;
    try {
      ort = await importOnnxRuntime(FN, 'onnxruntime-node', opts.importer);
    } catch {
      throw survkitError('onnxTrainMissing', FN);
    }
    const options = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
    const open = async (graph: StepGraphs['forward'], which: string): Promise<OrtSession> => {
      try {
        return await ort.InferenceSession.create(encodeOnnxModel(graph), options);
      } catch (e) {
        throw survkitError('onnxStepModel', FN, 'net', `onnxruntime refused its ${which} graph: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    const fwd = await open(graphs.forward, 'forward');
    const bwd = await open(graphs.backward, 'backward');
    return new OnnxTrainer(net, ort, graphs, fwd, bwd);
  }

  /** Marks the network's weights as changed outside the trainer (e.g. restored from a snapshot): the next step reads all of them. */
  weightsChanged(): void {
    this.full = true;
  }

  /**
   * One optimisation step on a batch: `x` (one tensor, or one per network
   * input, rows first), `loss` maps the batch's network output to the scalar
   * batch loss, `optimizer` applies the gradient to the network's trainable
   * weights. Returns the loss.
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

  private weightFeeds(): Record<string, OrtValue> {
    const feeds: Record<string, OrtValue> = {};
    for (const w of this.graphs.weights) {
      let data = this.host.get(w.variable);
      if (data === undefined || this.full || this.changing.has(w.variable)) {
        data = w.variable.read().dataSync() as Float32Array;
        this.host.set(w.variable, data);
      }
      feeds[w.input] = new this.ort.Tensor('float32', data, w.variable.shape as number[]);
    }
    this.full = false;
    return feeds;
  }

  private async run(xs: tf.Tensor[], loss: (out: tf.Tensor) => tf.Scalar, optimizer: tf.Optimizer): Promise<number> {
    const g = this.graphs;
    if (xs.length !== g.inputs.length) throw new Error(`the network takes ${g.inputs.length} inputs, the batch has ${xs.length}`);
    const all: Record<string, OrtValue> = this.weightFeeds();
    xs.forEach((t, i) => {
      all[g.inputs[i] as string] = new this.ort.Tensor(
        'float32',
        (t.dtype === 'float32' ? t.dataSync() : t.cast('float32').dataSync()) as Float32Array,
        t.shape,
      );
    });
    const pick = (s: OrtSession): Record<string, OrtValue> => Object.fromEntries(s.inputNames.filter((n) => n in all).map((n) => [n, all[n] as OrtValue]));
    const f = await this.fwd.run(pick(this.fwd));
    const out = f[g.output] as OrtValue;
    const { value, dy } = tf.tidy(() => {
      const vg = tf.valueAndGrad(loss)(tf.tensor(out.data as Float32Array, out.dims as number[]));
      return { value: vg.value, dy: vg.grad };
    });
    all[g.outputGrad] = new this.ort.Tensor('float32', dy.dataSync() as Float32Array, dy.shape);
    dy.dispose();
    for (const s of g.saved) all[s] = f[s] as OrtValue;
    const b = await this.bwd.run(pick(this.bwd));
    const grads: tf.NamedTensorMap = {};
    for (const w of g.weights)
      if (w.grad !== undefined) grads[(w.variable.read() as tf.Variable).name] = tf.tensor(b[w.grad]?.data as Float32Array, w.variable.shape as number[]);
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    for (const s of g.stats) {
      const v = f[s.output] as OrtValue;
      tf.tidy(() => {
        s.variable.write(tf.tensor(v.data as Float32Array, s.variable.shape as number[]));
      });
    }
    const v = (await value.data())[0] as number;
    value.dispose();
    return v;
  }

  /** Releases the onnxruntime sessions (idempotent). The network keeps the trained weights. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.fwd.release(), this.bwd.release()]);
  }

  /** Size of the compiled graphs, for diagnostics: nodes of the forward and backward graphs, values saved between them. */
  get graphSize(): { forward: number; backward: number; saved: number } {
    return { forward: this.graphs.forward.nodes.length, backward: this.graphs.backward.nodes.length, saved: this.graphs.saved.length };
  }
}
