/**
 * A CPU engine for the dense stacks survkit builds for tables (pycox's MLP:
 * {@link mlp} + a linear head, or Cox-Time's {@link CoxTimeHead}): forward and
 * backward of Linear → activation → batch norm → dropout on `Float32Array`s,
 * and the Adam step in place, without TF.js kernel dispatch. A small MLP's
 * training step in TF.js is dominated by per-op overhead (tape, kernel calls,
 * tensor bookkeeping), not arithmetic; here a step is a few loops.
 *
 * The arithmetic is the TF.js path's, in float32 storage:
 * - dense: y = x·W + b (each dot product summed in float64 and rounded once);
 * - batch norm in training: batch mean and biased variance, x̂ = (x − μ)/√(σ² + ε),
 *   y = γx̂ + β, moving statistics updated with the layer's own rule
 *   (tf.layers' m ← m − (m − batch)(1 − momentum); Cox-Time's stack
 *   m ← m·momentum + batch·(1 − momentum)); inference: moving statistics;
 * - dropout: the same seeded mask stream as {@link SeededDropout} and the
 *   Cox-Time stack (`tf.randomUniform` with the layer's k-th seed, the multiplier
 *   ⌊u + keep⌋ / keep), so a seeded fit draws the same masks on either path;
 * - Adam: {@link adamStepValues}' float32 operation order (FusedAdam's).
 *
 * The loss gradient with respect to the network output comes from the
 * family's own TF.js loss (one `tf.valueAndGrad` on the output only): the
 * engine replaces the network, never the loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationName } from '../../ops/init.js';
import { adamConstants, adamUpdate } from './adam-kernel.js';
import seedrandom from 'seedrandom';
import { deriveSeed, mixSeed } from '../../core/seed.js';
import { SimdGemm } from '../../ops/wasm/gemm.js';

const f = Math.fround;

interface DenseOp {
  kind: 'dense';
  nIn: number;
  nOut: number;
  w: Float32Array;
  b: Float32Array | null;
  gw: Float32Array;
  gb: Float32Array | null;
  wVar: tf.LayerVariable;
  bVar: tf.LayerVariable | null;
}
interface ActOp {
  kind: 'act';
  name: ActivationName;
}
interface BnOp {
  kind: 'bn';
  n: number;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  gg: Float32Array;
  gbeta: Float32Array;
  epsilon: number;
  momentum: number;
  /** 'layers': m − (m − batch)(1 − momentum); 'stack': m·momentum + batch·(1 − momentum). */
  rule: 'layers' | 'stack';
  vars: [tf.LayerVariable, tf.LayerVariable, tf.LayerVariable, tf.LayerVariable];
}
interface DropOp {
  kind: 'drop';
  rate: number;
  /** Seed of the next training call's mask (undefined: unseeded) and advances the stream. */
  next: () => number | undefined;
}
/** Appends the second data input (Cox-Time's time column) to the features, as CoxTimeHead's concat does. */
interface CatOp {
  kind: 'cat';
  /** Width of the features before the time column. */
  width: number;
}
type Op = DenseOp | ActOp | BnOp | DropOp | CatOp;

/** Where an eligible network's dropout counters live (advanced when the engine writes back). */
interface Counter {
  target: Record<string, number>;
  field: string;
  value: number;
}

/** A parsed dense network: ops in order from the first data input (a Cox-Time net's time input enters at its 'cat' op). */
export interface DenseNetSpec {
  ops: Op[];
  inputWidths: number[];
  outWidth: number;
  counters: Counter[];
}

const ACTS = new Set(['relu', 'elu', 'selu', 'tanh', 'sigmoid', 'softplus', 'linear']);

interface LayerInternals {
  kernel?: tf.LayerVariable;
  bias?: tf.LayerVariable;
  calls?: number;
  dropoutCalls?: number;
  stack?: { dropoutCalls: number };
}

function readVar(v: tf.LayerVariable): Float32Array {
  return Float32Array.from(v.read().dataSync() as Float32Array);
}

function denseOp(kernel: tf.LayerVariable, bias: tf.LayerVariable | null): DenseOp {
  const [nIn, nOut] = kernel.shape as [number, number];
  return {
    kind: 'dense',
    nIn,
    nOut,
    w: readVar(kernel),
    b: bias ? readVar(bias) : null,
    gw: new Float32Array(nIn * nOut),
    gb: bias ? new Float32Array(nOut) : null,
    wVar: kernel,
    bVar: bias,
  };
}

function bnOp(vars: tf.LayerVariable[], epsilon: number, momentum: number, rule: BnOp['rule']): BnOp {
  const [g, b, m, v] = vars as [tf.LayerVariable, tf.LayerVariable, tf.LayerVariable, tf.LayerVariable];
  const n = g.shape[0] as number;
  return {
    kind: 'bn',
    n,
    gamma: readVar(g),
    beta: readVar(b),
    mean: readVar(m),
    variance: readVar(v),
    gg: new Float32Array(n),
    gbeta: new Float32Array(n),
    epsilon,
    momentum,
    rule,
    vars: [g, b, m, v],
  };
}

/**
 * The network as engine ops, or a reason why it is not an eligible dense
 * stack: every layer trainable, a chain of tf.layers Dense (linear activation)
 * → Activation → BatchNormalization (last axis, scale and offset) →
 * SeededDropout blocks ending in a CoxHead / DiscreteHead, or an identity
 * feature extractor followed by a CoxTimeHead.
 */
export function parseDenseNet(net: tf.LayersModel): DenseNetSpec | string {
  const ops: Op[] = [];
  const counters: Counter[] = [];
  const inputs = net.inputs;
  const layers = net.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const inputLayers = net.layers.filter((l) => l.getClassName() === 'InputLayer');
  if (net.outputs.length !== 1) return 'several outputs';
  if (inputs.length < 1 || inputs.length > 2) return 'inputs';
  for (const t of inputs) if (t.shape.length !== 2 || typeof t.shape[1] !== 'number') return 'input shape';
  const inputWidths = inputs.map((t) => t.shape[1] as number);
  let prev: tf.layers.Layer | undefined = inputLayers[0];
  let width = inputWidths[0] as number;
  const last = layers.length - 1;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i] as tf.layers.Layer;
    if (!l.trainable) return `frozen layer ${l.name}`;
    const node = l.inboundNodes;
    if (node.length !== 1) return `shared layer ${l.name}`;
    const from = node[0]?.inboundLayers ?? [];
    const cls = l.getClassName();
    const cfg = l.getConfig() as Record<string, unknown>;
    if (cls === 'survkit>CoxTimeHead') {
      if (i !== last || inputs.length !== 2 || from.length !== 2 || from[0] !== prev || from[1] !== inputLayers[1]) return 'Cox-Time head placement';
      if (inputWidths[1] !== 1) return 'time input';
      const byName = (s: string): tf.LayerVariable | undefined => l.weights.find((w) => w.originalName === `${l.name}/${s}`);
      const hidden = cfg.hidden as number[];
      const seed = cfg.seed === null ? undefined : (cfg.seed as number);
      const stack = (l as unknown as LayerInternals).stack as { dropoutCalls: number };
      const counter: Counter = { target: stack, field: 'dropoutCalls', value: stack.dropoutCalls };
      counters.push(counter);
      ops.push({ kind: 'cat', width });
      width += 1;
      for (let k = 0; k < hidden.length; k++) {
        const kernel = byName(`dense_${k}/kernel`);
        const bias = byName(`dense_${k}/bias`);
        if (!kernel || !bias) return 'Cox-Time weights';
        ops.push(denseOp(kernel, bias));
        if (cfg.activation !== 'linear') ops.push({ kind: 'act', name: cfg.activation as ActivationName });
        if (cfg.batchNorm === true) {
          const vs = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((s) => byName(`batch_norm_${k}/${s}`));
          if (vs.some((v) => v === undefined)) return 'Cox-Time weights';
          ops.push(bnOp(vs as tf.LayerVariable[], cfg.epsilon as number, cfg.momentum as number, 'stack'));
        }
        const rate = cfg.dropout as number;
        if (rate > 0) ops.push({ kind: 'drop', rate, next: () => deriveSeed(seed, 1_000_003 + counter.value++) });
        width = hidden[k] as number;
      }
      const out = byName('output/kernel');
      if (!out) return 'Cox-Time weights';
      ops.push(denseOp(out, null));
      return { ops, inputWidths, outWidth: 1, counters };
    }
    if (from.length !== 1 || from[0] !== prev) return `not a chain at ${l.name}`;
    if (cls === 'Dense') {
      if (cfg.activation !== 'linear' || l.trainableWeights.length < 1) return `dense ${l.name}`;
      const [kernel, bias] = l.trainableWeights as [tf.LayerVariable, tf.LayerVariable | undefined];
      ops.push(denseOp(kernel, bias ?? null));
      width = kernel.shape[1] as number;
    } else if (cls === 'Activation') {
      if (!ACTS.has(cfg.activation as string)) return `activation ${String(cfg.activation)}`;
      if (cfg.activation !== 'linear') ops.push({ kind: 'act', name: cfg.activation as ActivationName });
    } else if (cls === 'BatchNormalization') {
      const axis = cfg.axis as number;
      if ((axis !== -1 && axis !== 1) || cfg.center !== true || cfg.scale !== true) return `batch norm ${l.name}`;
      const byName = (s: string): tf.LayerVariable | undefined => l.weights.find((w) => w.originalName.endsWith(`/${s}`));
      const vs = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map(byName);
      if (vs.some((v) => v === undefined)) return `batch norm ${l.name}`;
      ops.push(bnOp(vs as tf.LayerVariable[], cfg.epsilon as number, cfg.momentum as number, 'layers'));
    } else if (cls === 'survkit>SeededDropout') {
      const rate = cfg.rate as number;
      const seed = cfg.seed === null ? undefined : (cfg.seed as number);
      const target = l as unknown as Record<string, number>;
      const counter: Counter = { target, field: 'calls', value: target.calls as number };
      counters.push(counter);
      if (rate > 0)
        ops.push({ kind: 'drop', rate, next: () => (seed === undefined ? (counter.value++, undefined) : mixSeed(seed, counter.value++ + 0x632be5ab)) });
    } else if ((cls === 'survkit>CoxHead' || cls === 'survkit>DiscreteHead') && i === last && inputs.length === 1) {
      const inner = l as unknown as LayerInternals;
      if (!inner.kernel) return 'head weights';
      ops.push(denseOp(inner.kernel, inner.bias ?? null));
      return { ops, inputWidths, outWidth: inner.kernel.shape[1] as number, counters };
    } else return `layer ${cls}`;
    prev = l;
  }
  void width;
  return 'no supported head';
}

/** Where one forward's arrays live in the engine's arena (float offsets) and their views, for up to `cap` rows. */
interface Layout {
  cap: number;
  /** The first data input, copied in. */
  xAt: number;
  x: Float32Array;
  /** Output of each op (an op's input is the previous op's output, or `x`). */
  outAt: number[];
  outs: Float32Array[];
  /** Batch norm x̂ and dropout multipliers per op (training layouts only; empty views elsewhere). */
  aux: Float32Array[];
  /** Two backward buffers of `cap` × the widest op (training layouts only). */
  gAt: [number, number];
  g: [Float32Array, Float32Array];
}

/** What one training forward keeps for the backward pass: the rows (the arrays stay in the training layout). */
interface Cache {
  rows: number;
}

/** Per-op host scratch (float64 sums of batch norm, its per-feature factors), allocated once. */
interface BnScratch {
  s1: Float64Array;
  s2: Float64Array;
  s3: Float64Array;
  mu: Float32Array;
  variance: Float32Array;
  invStd: Float32Array;
  /** Inference: 1/√(moving variance + ε). */
  scale: Float32Array;
}

function scaleBy(d: Float32Array, mult: Float32Array, len: number, dx: Float32Array): void {
  for (let i = 0; i < len; i++) dx[i] = (d[i] as number) * (mult[i] as number);
}

// tf.selu's constants (scale and scale·alpha)
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;

/** y = activation(x) over the first `len` values (one loop per activation). */
function activateArr(x: Float32Array, len: number, name: ActivationName, y: Float32Array): void {
  switch (name) {
    case 'relu':
      for (let i = 0; i < len; i++) {
        const v = x[i] as number;
        y[i] = v > 0 ? v : 0;
      }
      return;
    case 'elu':
      for (let i = 0; i < len; i++) {
        const v = x[i] as number;
        y[i] = v > 0 ? v : Math.expm1(v);
      }
      return;
    case 'selu':
      for (let i = 0; i < len; i++) {
        const v = x[i] as number;
        y[i] = v > 0 ? SELU_SCALE * v : SELU_SCALE_ALPHA * Math.expm1(v);
      }
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) y[i] = Math.tanh(x[i] as number);
      return;
    case 'sigmoid':
      for (let i = 0; i < len; i++) y[i] = 1 / (1 + Math.exp(-(x[i] as number)));
      return;
    case 'softplus':
      for (let i = 0; i < len; i++) {
        const v = x[i] as number;
        y[i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
      }
      return;
    default:
      y.set(x.subarray(0, len));
  }
}

/** dL/dx of the activation from dL/dy, the input x and the output y (into `dx`), over the first `len` values. */
function activationGrad(dy: Float32Array, x: Float32Array, y: Float32Array, len: number, name: ActivationName, dx: Float32Array): void {
  switch (name) {
    case 'relu':
      for (let i = 0; i < len; i++) dx[i] = (x[i] as number) > 0 ? (dy[i] as number) : 0;
      return;
    case 'elu':
      for (let i = 0; i < len; i++) dx[i] = (dy[i] as number) * ((x[i] as number) > 0 ? 1 : (y[i] as number) + 1);
      return;
    case 'selu':
      for (let i = 0; i < len; i++) dx[i] = (dy[i] as number) * ((x[i] as number) > 0 ? SELU_SCALE : (y[i] as number) + SELU_SCALE_ALPHA);
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) {
        const o = y[i] as number;
        dx[i] = (dy[i] as number) * (1 - o * o);
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < len; i++) {
        const o = y[i] as number;
        dx[i] = (dy[i] as number) * (o * (1 - o));
      }
      return;
    case 'softplus':
      for (let i = 0; i < len; i++) dx[i] = (dy[i] as number) * (1 / (1 + Math.exp(-(x[i] as number))));
      return;
    default:
      dx.set(dy.subarray(0, len));
  }
}

/** Adam hyper-parameters (FusedAdam's). */
export interface EngineAdam {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Trains and runs an eligible dense network on the host (see the module
 * notes). Build with {@link DenseEngine.of}; `writeBack()` puts the engine's
 * weights, moving statistics and dropout counters into the tf.layers model.
 *
 * Every parameter, gradient, Adam moment and working array lives in one
 * WebAssembly memory ({@link SimdGemm}): the products run there without
 * copies, and the views are re-taken whenever the memory grows.
 */
export class DenseEngine {
  private t = 0;
  private readonly g = new SimdGemm();
  private buf: ArrayBuffer | undefined;
  /** Every arena array with the setter of its view (re-run after the memory grows). */
  private readonly slots: { at: number; n: number; put: (v: Float32Array) => void }[] = [];
  private readonly m: Float32Array[] = [];
  private readonly v: Float32Array[] = [];
  /** Offsets of each dense op's weights, bias and their gradients (bias −1: none). */
  private readonly at: { w: number; b: number; gw: number; gb: number }[] = [];
  /** Output width of each op, and the widest. */
  private readonly widths: number[] = [];
  private readonly maxWidth: number;
  private readonly bnScratch: (BnScratch | undefined)[] = [];
  /** Offset of one float 1 (the row-sum of a bias gradient is a product with a stride-0 operand). */
  private readonly oneAt: number;
  private train: Layout | undefined;
  private infer: Layout | undefined;

  private constructor(
    readonly spec: DenseNetSpec,
    private readonly adam: EngineAdam,
  ) {
    let width = spec.inputWidths[0] as number;
    let maxK = width;
    for (const op of spec.ops) {
      if (op.kind === 'cat') width = op.width + 1;
      else if (op.kind === 'dense') {
        width = op.nOut;
        maxK = Math.max(maxK, op.nIn, op.nOut);
      }
      this.widths.push(width);
    }
    this.maxWidth = Math.max(spec.inputWidths[0] as number, ...this.widths);
    this.oneAt = this.slot(1, () => undefined);
    this.g.f32[this.oneAt] = 1;
    for (const op of spec.ops) {
      if (op.kind === 'dense') {
        const w = this.adopt(op.w, (a) => (op.w = a));
        const b = op.b ? this.adopt(op.b, (a) => (op.b = a)) : -1;
        const gw = this.slot(op.gw.length, (a) => (op.gw = a));
        const gb = op.gb ? this.slot(op.gb.length, (a) => (op.gb = a)) : -1;
        this.at.push({ w, b, gw, gb });
        this.bnScratch.push(undefined);
      } else {
        this.at.push({ w: -1, b: -1, gw: -1, gb: -1 });
        if (op.kind === 'bn') {
          this.adopt(op.gamma, (a) => (op.gamma = a));
          this.adopt(op.beta, (a) => (op.beta = a));
          this.adopt(op.mean, (a) => (op.mean = a));
          this.adopt(op.variance, (a) => (op.variance = a));
          this.slot(op.n, (a) => (op.gg = a));
          this.slot(op.n, (a) => (op.gbeta = a));
          const n = op.n;
          this.bnScratch.push({
            s1: new Float64Array(n),
            s2: new Float64Array(n),
            s3: new Float64Array(n),
            mu: new Float32Array(n),
            variance: new Float32Array(n),
            invStd: new Float32Array(n),
            scale: new Float32Array(n),
          });
        } else this.bnScratch.push(undefined);
      }
    }
    this.params().forEach(([p], k) => {
      this.slot(p.length, (a) => (this.m[k] = a));
      this.slot(p.length, (a) => (this.v[k] = a));
    });
    // rows of the largest batch are k of the weight gradients' products
    this.g.prepare(Math.max(maxK, 256));
    this.sync(true);
  }

  /** An engine for `net`, or the reason it is not eligible. */
  static of(net: tf.LayersModel, adam: EngineAdam): DenseEngine | string {
    const spec = parseDenseNet(net);
    return typeof spec === 'string' ? spec : new DenseEngine(spec, adam);
  }

  /** `n` floats in the arena whose view `put` receives now and after every grow. */
  private slot(n: number, put: (v: Float32Array) => void): number {
    const at = this.g.alloc(n);
    this.slots.push({ at, n, put });
    this.sync(false);
    return at;
  }

  /** A slot holding a copy of `a`. */
  private adopt(a: Float32Array, put: (v: Float32Array) => void): number {
    const at = this.slot(a.length, put);
    this.g.f32.set(a, at);
    return at;
  }

  /** Re-takes every view when the memory has grown (or all of them with `force`); otherwise only the newest slot's. */
  private sync(force: boolean): void {
    const mem = this.g.f32;
    if (force || this.buf !== this.g.memory.buffer) {
      this.buf = this.g.memory.buffer;
      for (const s of this.slots) s.put(mem.subarray(s.at, s.at + s.n));
    } else {
      const s = this.slots[this.slots.length - 1];
      if (s) s.put(mem.subarray(s.at, s.at + s.n));
    }
  }

  /** A layout for at least `rows` rows (training: with batch-norm, dropout and backward arrays). */
  private layout(rows: number, training: boolean): Layout {
    const have = training ? this.train : this.infer;
    if (have && have.cap >= rows) return have;
    const cap = Math.max(rows, have ? Math.min(2 * have.cap, rows * 2) : rows);
    // the kernel's scratch for k = rows (weight gradients) now, so that no product grows the memory mid-step
    this.g.prepare(cap);
    this.sync(false);
    const empty = new Float32Array(0);
    const l: Layout = { cap, xAt: 0, x: empty, outAt: [], outs: [], aux: [], gAt: [0, 0], g: [empty, empty] };
    l.xAt = this.slot(cap * (this.spec.inputWidths[0] as number), (a) => (l.x = a));
    this.spec.ops.forEach((op, k) => {
      const n = cap * (this.widths[k] as number);
      l.outs.push(empty);
      l.aux.push(empty);
      l.outAt.push(this.slot(n, (a) => (l.outs[k] = a)));
      if (training && (op.kind === 'bn' || op.kind === 'drop')) this.slot(n, (a) => (l.aux[k] = a));
    });
    if (training) {
      l.gAt = [this.slot(cap * this.maxWidth, (a) => (l.g[0] = a)), this.slot(cap * this.maxWidth, (a) => (l.g[1] = a))];
    }
    if (training) this.train = l;
    else this.infer = l;
    return l;
  }

  /** [parameter, its gradient] pairs, in a fixed order. */
  private params(): [Float32Array, Float32Array][] {
    const out: [Float32Array, Float32Array][] = [];
    for (const op of this.spec.ops) {
      if (op.kind === 'dense') {
        out.push([op.w, op.gw]);
        if (op.b && op.gb) out.push([op.b, op.gb]);
      } else if (op.kind === 'bn') {
        out.push([op.gamma, op.gg], [op.beta, op.gbeta]);
      }
    }
    return out;
  }

  /** The forward of every op on `rows` rows in layout `l` (training: batch statistics and dropout); returns the output view. */
  private forward(inputs: readonly Float32Array[], rows: number, l: Layout, training: boolean): Float32Array {
    const in0 = inputs[0] as Float32Array;
    const w0 = this.spec.inputWidths[0] as number;
    l.x.set(in0.length === rows * w0 ? in0 : in0.subarray(0, rows * w0));
    let h = l.x;
    let hAt = l.xAt;
    let width = w0;
    const ops = this.spec.ops;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k] as Op;
      const y = l.outs[k] as Float32Array;
      const yAt = l.outAt[k] as number;
      if (op.kind === 'cat') {
        const t = inputs[1] as Float32Array;
        const w = op.width;
        for (let r = 0; r < rows; r++) {
          y.set(h.subarray(r * w, (r + 1) * w), r * (w + 1));
          y[r * (w + 1) + w] = t[r] as number;
        }
      } else if (op.kind === 'dense') {
        const at = this.at[k] as (typeof this.at)[number];
        this.g.gemm(rows, op.nOut, op.nIn, hAt, op.nIn, 1, at.w, op.nOut, 1, yAt, op.nOut, at.b >= 0 ? { bias: at.b } : {});
      } else if (op.kind === 'act') activateArr(h, rows * width, op.name, y);
      else if (op.kind === 'bn') {
        if (training) this.bnTrain(op, h, rows, k, l, y);
        else this.bnInfer(op, h, rows, k, y);
      } else if (op.kind === 'drop') {
        if (training) this.dropTrain(op, h, rows * width, l.aux[k] as Float32Array, y);
        else y.set(h.subarray(0, rows * width));
      }
      h = y;
      hAt = yAt;
      width = this.widths[k] as number;
    }
    return h.subarray(0, rows * width);
  }

  /** Inference forward: moving statistics, no dropout. The result is a view into the engine's memory, valid until its next call. */
  predict(inputs: readonly Float32Array[], rows: number): Float32Array {
    return this.forward(inputs, rows, this.layout(rows, false), false);
  }

  /** Training forward: batch statistics (moving statistics updated), dropout; returns the output (a view, valid until the next forward) and the cache. */
  forwardTrain(inputs: readonly Float32Array[], rows: number): { out: Float32Array; cache: Cache } {
    const out = this.forward(inputs, rows, this.layout(rows, true), true);
    return { out, cache: { rows } };
  }

  private bnInfer(op: BnOp, h: Float32Array, rows: number, k: number, y: Float32Array): void {
    const { n } = op;
    const scale = (this.bnScratch[k] as BnScratch).scale;
    for (let j = 0; j < n; j++) scale[j] = f(1 / f(Math.sqrt(f((op.variance[j] as number) + op.epsilon))));
    const { mean, gamma, beta } = op;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) {
        const xh = f(f((h[o + j] as number) - (mean[j] as number)) * (scale[j] as number));
        y[o + j] = f(xh * (gamma[j] as number)) + (beta[j] as number);
      }
    }
  }

  private bnTrain(op: BnOp, x: Float32Array, rows: number, k: number, l: Layout, y: Float32Array): void {
    const n = op.n;
    const sc = this.bnScratch[k] as BnScratch;
    const { s1: mean, s2: sq, mu, variance, invStd } = sc;
    const xhat = l.aux[k] as Float32Array;
    mean.fill(0);
    sq.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) mean[j] = (mean[j] as number) + (x[o + j] as number);
    }
    for (let j = 0; j < n; j++) mu[j] = (mean[j] as number) / rows;
    // x − μ (float32) into x̂'s array first, then scaled in place
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) {
        const c = f((x[o + j] as number) - (mu[j] as number));
        xhat[o + j] = c;
        sq[j] = (sq[j] as number) + f(c * c);
      }
    }
    for (let j = 0; j < n; j++) {
      variance[j] = (sq[j] as number) / rows;
      invStd[j] = 1 / Math.sqrt(f((variance[j] as number) + op.epsilon));
    }
    const { gamma, beta } = op;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) {
        const i = o + j;
        const xh = f((xhat[i] as number) * (invStd[j] as number));
        xhat[i] = xh;
        y[i] = f(xh * (gamma[j] as number)) + (beta[j] as number);
      }
    }
    const mom = op.momentum;
    const decay = f(1 - mom);
    const layers = op.rule === 'layers';
    for (let j = 0; j < n; j++) {
      let m = op.mean[j] as number;
      let b = mu[j] as number;
      op.mean[j] = layers ? m - f(f(m - b) * decay) : f(m * f(mom)) + f(b * decay);
      m = op.variance[j] as number;
      b = variance[j] as number;
      op.variance[j] = layers ? m - f(f(m - b) * decay) : f(m * f(mom)) + f(b * decay);
    }
  }

  /** Batch norm's closed-form backward (ops/batch-norm.ts): γ/√(σ² + ε)·(dy − Σdy/N − x̂·Σ(dy·x̂)/N). */
  private bnBackward(op: BnOp, d: Float32Array, xhat: Float32Array, rows: number, k: number, dx: Float32Array): void {
    const n = op.n;
    const sc = this.bnScratch[k] as BnScratch;
    const { s1: sb, s2: sg, s3: kk, invStd } = sc;
    sb.fill(0);
    sg.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) {
        const dy = d[o + j] as number;
        sb[j] = (sb[j] as number) + dy;
        sg[j] = (sg[j] as number) + dy * (xhat[o + j] as number);
      }
    }
    for (let j = 0; j < n; j++) {
      op.gbeta[j] = sb[j] as number;
      op.gg[j] = sg[j] as number;
      kk[j] = (invStd[j] as number) * (op.gamma[j] as number);
      // Σ/N of the float32-rounded sums, as before
      sb[j] = (op.gbeta[j] as number) / rows;
      sg[j] = (op.gg[j] as number) / rows;
    }
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) {
        const i = o + j;
        dx[i] = ((d[i] as number) - (sb[j] as number) - (xhat[i] as number) * (sg[j] as number)) * (kk[j] as number);
      }
    }
  }

  private dropTrain(op: DropOp, x: Float32Array, len: number, mult: Float32Array, y: Float32Array): void {
    const seed = op.next();
    const random = seedrandom.alea(String(seed ?? Math.random()));
    const keep = f(1 - op.rate);
    const scale = f(1 / keep);
    for (let i = 0; i < len; i++) {
      // tf.dropout: ⌊u + keep⌋ / keep with u = randomUniform's float32 draw
      const m = Math.floor(f(f(random()) + keep)) === 0 ? 0 : scale;
      mult[i] = m;
      y[i] = (x[i] as number) * m;
    }
  }

  /** Backward from dL/d(output) into the parameter gradients. */
  backward(cache: Cache, dOut: Float32Array): void {
    const rows = cache.rows;
    const l = this.train as Layout;
    const ops = this.spec.ops;
    let cur = 0;
    const outW = this.widths[ops.length - 1] as number;
    l.g[0].set(dOut.length === rows * outW ? dOut : dOut.subarray(0, rows * outW));
    for (let k = ops.length - 1; k >= 0; k--) {
      const op = ops[k] as Op;
      const d = l.g[cur] as Float32Array;
      const dAt = l.gAt[cur] as number;
      const nxt = 1 - cur;
      const dx = l.g[nxt] as Float32Array;
      const dxAt = l.gAt[nxt] as number;
      const x = k === 0 ? l.x : (l.outs[k - 1] as Float32Array);
      const xAt = k === 0 ? l.xAt : (l.outAt[k - 1] as number);
      const width = k === 0 ? (this.spec.inputWidths[0] as number) : (this.widths[k - 1] as number);
      if (op.kind === 'dense') {
        const at = this.at[k] as (typeof this.at)[number];
        const { nIn, nOut } = op;
        // ∂L/∂W = xᵀ·d, ∂L/∂b = 1ᵀ·d (the stride-0 operand of ones), ∂L/∂x = d·Wᵀ
        this.g.gemm(nIn, nOut, rows, xAt, 1, nIn, dAt, nOut, 1, at.gw, nOut);
        if (at.gb >= 0) this.g.gemm(1, nOut, rows, this.oneAt, 0, 0, dAt, nOut, 1, at.gb, nOut);
        if (k === 0) break;
        this.g.gemm(rows, nIn, nOut, dAt, nOut, 1, at.w, 1, nOut, dxAt, nIn);
      } else if (op.kind === 'act') {
        activationGrad(d, x, l.outs[k] as Float32Array, rows * width, op.name, dx);
      } else if (op.kind === 'bn') {
        this.bnBackward(op, d, l.aux[k] as Float32Array, rows, k, dx);
      } else if (op.kind === 'drop') {
        scaleBy(d, l.aux[k] as Float32Array, rows * width, dx);
      } else {
        if (k === 0) break;
        // the time column is data: only the features' part flows back
        for (let r = 0; r < rows; r++) dx.set(d.subarray(r * (op.width + 1), r * (op.width + 1) + op.width), r * op.width);
      }
      cur = nxt;
    }
  }

  /** One Adam step on every parameter with the gradients of the last backward (FusedAdam's arithmetic). */
  adamStep(): void {
    this.t++;
    const { beta1, beta2, learningRate, epsilon } = this.adam;
    const c = adamConstants({ beta1, beta2, epsilon, stepSize: learningRate / (1 - beta1 ** this.t), c2: 1 / (1 - beta2 ** this.t) });
    this.params().forEach(([w, g], k) => {
      const m = this.m[k] as Float32Array;
      const v = this.v[k] as Float32Array;
      adamUpdate(c, g, m, v, w, 0, m, v, w);
    });
  }

  /** Copies of every weight and moving statistic (an early-stopping snapshot). */
  snapshot(): Float32Array[] {
    const out: Float32Array[] = [];
    for (const op of this.spec.ops) {
      if (op.kind === 'dense') {
        out.push(op.w.slice());
        if (op.b) out.push(op.b.slice());
      } else if (op.kind === 'bn') out.push(op.gamma.slice(), op.beta.slice(), op.mean.slice(), op.variance.slice());
    }
    return out;
  }

  /** Puts a {@link DenseEngine.snapshot} back into the engine. */
  restore(snap: readonly Float32Array[]): void {
    let k = 0;
    const next = (): Float32Array => snap[k++] as Float32Array;
    for (const op of this.spec.ops) {
      if (op.kind === 'dense') {
        op.w.set(next());
        if (op.b) op.b.set(next());
      } else if (op.kind === 'bn') {
        op.gamma.set(next());
        op.beta.set(next());
        op.mean.set(next());
        op.variance.set(next());
      }
    }
  }

  /** Writes the engine's weights, moving statistics and dropout counters into the tf.layers model. */
  writeBack(): void {
    const put = (v: tf.LayerVariable, a: Float32Array): void => {
      const t = tf.tensor(a.slice(), v.shape as number[], 'float32');
      v.write(t);
      t.dispose();
    };
    for (const op of this.spec.ops) {
      if (op.kind === 'dense') {
        put(op.wVar, op.w);
        if (op.b && op.bVar) put(op.bVar, op.b);
      } else if (op.kind === 'bn') {
        const [g, b, m, v] = op.vars;
        put(g, op.gamma);
        put(b, op.beta);
        put(m, op.mean);
        put(v, op.variance);
      }
    }
    for (const c of this.spec.counters) c.target[c.field] = c.value;
  }
}
