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

/** A work array of `n` floats for a role `key`. */
type Pool = (key: string, n: number) => Float32Array;

/** What one training forward keeps for the backward pass. */
interface Cache {
  /** Input of each op. */
  ins: Float32Array[];
  /** Output of each op (activations read it). */
  outs: Float32Array[];
  /** Batch norm: x̂ and 1/√(σ² + ε) per bn op index. */
  xhat: Map<number, Float32Array>;
  invStd: Map<number, Float32Array>;
  /** Dropout multipliers per op index. */
  mult: Map<number, Float32Array>;
  rows: number;
}

/**
 * out[m×n] = A[m×k]·B[n×k]ᵀ (both row-major), four rows × two columns at a
 * time (eight running sums in float64, each operand loaded once per block):
 * the one product every forward and backward step is written as.
 */
function abt(a: Float32Array, m: number, b: Float32Array, n: number, k: number, out: Float32Array): Float32Array {
  let r = 0;
  for (; r + 3 < m; r += 4) {
    const r0 = r * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const ca = j * k;
      const cb = ca + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[ca + p] as number;
        const y1 = b[cb + p] as number;
        let x = a[r0 + p] as number;
        s00 += x * y0;
        s01 += x * y1;
        x = a[r1 + p] as number;
        s10 += x * y0;
        s11 += x * y1;
        x = a[r2 + p] as number;
        s20 += x * y0;
        s21 += x * y1;
        x = a[r3 + p] as number;
        s30 += x * y0;
        s31 += x * y1;
      }
      const o = r * n + j;
      out[o] = s00;
      out[o + 1] = s01;
      out[o + n] = s10;
      out[o + n + 1] = s11;
      out[o + 2 * n] = s20;
      out[o + 2 * n + 1] = s21;
      out[o + 3 * n] = s30;
      out[o + 3 * n + 1] = s31;
    }
    if (j < n) {
      const ca = j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[ca + p] as number;
        s0 += (a[r0 + p] as number) * y;
        s1 += (a[r1 + p] as number) * y;
        s2 += (a[r2 + p] as number) * y;
        s3 += (a[r3 + p] as number) * y;
      }
      const o = r * n + j;
      out[o] = s0;
      out[o + n] = s1;
      out[o + 2 * n] = s2;
      out[o + 3 * n] = s3;
    }
  }
  for (; r < m; r++) {
    const ra = r * k;
    for (let j = 0; j < n; j++) {
      const ca = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[ra + p] as number) * (b[ca + p] as number);
      out[r * n + j] = s;
    }
  }
  return out;
}

/** The transpose of a row-major [rows × cols] array. */
function transpose(a: Float32Array, rows: number, cols: number, t: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) t[c * rows + r] = a[o + c] as number;
  }
  return t;
}

function matmul(x: Float32Array, rows: number, op: DenseOp, pool: Pool, key: string): Float32Array {
  const { nIn, nOut, w, b } = op;
  const out = abt(x, rows, transpose(w, nIn, nOut, pool(`${key}wt`, nIn * nOut)), nOut, nIn, pool(`${key}o`, rows * nOut));
  if (b) {
    for (let r = 0; r < rows; r++) {
      const o = r * nOut;
      for (let j = 0; j < nOut; j++) out[o + j] = (out[o + j] as number) + (b[j] as number);
    }
  }
  return out;
}

/** ∂L/∂W = xᵀ·d and ∂L/∂b = Σ_rows d (float64 sums), into the op's gradient arrays. */
function denseGrads(op: DenseOp, x: Float32Array, d: Float32Array, rows: number, pool: Pool, key: string): void {
  const { nIn, nOut, gw, gb } = op;
  const dT = transpose(d, rows, nOut, pool(`${key}dT`, rows * nOut));
  abt(transpose(x, rows, nIn, pool(`${key}xT`, rows * nIn)), nIn, dT, nOut, rows, gw);
  if (gb) {
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      const o = j * rows;
      for (let r = 0; r < rows; r++) s += dT[o + r] as number;
      gb[j] = s;
    }
  }
}

/** ∂L/∂x = d·Wᵀ. */
function denseInputGrad(op: DenseOp, d: Float32Array, rows: number, out: Float32Array): Float32Array {
  return abt(d, rows, op.w, op.nIn, op.nOut, out);
}

/** Batch norm's closed-form backward (ops/batch-norm.ts): γ/√(σ² + ε)·(dy − Σdy/N − x̂·Σ(dy·x̂)/N). */
function bnBackward(op: BnOp, d: Float32Array, xhat: Float32Array, invStd: Float32Array, rows: number, dx: Float32Array): Float32Array {
  const n = op.n;
  const sb = new Float64Array(n);
  const sg = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    for (let j = 0; j < n; j++) {
      const dy = d[o + j] as number;
      sb[j] = (sb[j] as number) + dy;
      sg[j] = (sg[j] as number) + dy * (xhat[o + j] as number);
    }
  }
  const kk = new Float64Array(n);
  const mb = new Float64Array(n);
  const mg = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    op.gbeta[j] = sb[j] as number;
    op.gg[j] = sg[j] as number;
    kk[j] = (invStd[j] as number) * (op.gamma[j] as number);
    mb[j] = (op.gbeta[j] as number) / rows;
    mg[j] = (op.gg[j] as number) / rows;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    for (let j = 0; j < n; j++) {
      const i = o + j;
      dx[i] = ((d[i] as number) - (mb[j] as number) - (xhat[i] as number) * (mg[j] as number)) * (kk[j] as number);
    }
  }
  return dx;
}

function scaleBy(d: Float32Array, mult: Float32Array, dx: Float32Array): Float32Array {
  for (let i = 0; i < d.length; i++) dx[i] = (d[i] as number) * (mult[i] as number);
  return dx;
}

// tf.selu's constants (scale and scale·alpha)
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;

function activateArr(x: Float32Array, name: ActivationName, y: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    switch (name) {
      case 'relu':
        y[i] = v > 0 ? v : 0;
        break;
      case 'elu':
        y[i] = v > 0 ? v : Math.expm1(v);
        break;
      case 'selu':
        y[i] = v > 0 ? SELU_SCALE * v : SELU_SCALE_ALPHA * Math.expm1(v);
        break;
      case 'tanh':
        y[i] = Math.tanh(v);
        break;
      case 'sigmoid':
        y[i] = 1 / (1 + Math.exp(-v));
        break;
      case 'softplus':
        y[i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
        break;
      default:
        y[i] = v;
    }
  }
  return y;
}

/** dL/dx of the activation from dL/dy, the input x and the output y (into `dx`). */
function activationGrad(dy: Float32Array, x: Float32Array, y: Float32Array, name: ActivationName, dx: Float32Array): Float32Array {
  for (let i = 0; i < dy.length; i++) {
    const v = x[i] as number;
    const o = y[i] as number;
    let d: number;
    switch (name) {
      case 'relu':
        d = v > 0 ? 1 : 0;
        break;
      case 'elu':
        d = v > 0 ? 1 : o + 1;
        break;
      case 'selu':
        d = v > 0 ? SELU_SCALE : o + SELU_SCALE_ALPHA;
        break;
      case 'tanh':
        d = 1 - o * o;
        break;
      case 'sigmoid':
        d = o * (1 - o);
        break;
      case 'softplus':
        d = 1 / (1 + Math.exp(-v));
        break;
      default:
        d = 1;
    }
    dx[i] = (dy[i] as number) * d;
  }
  return dx;
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
 */
export class DenseEngine {
  private t = 0;
  private readonly buffers = new Map<string, Float32Array>();
  /** Work arrays by role and size, reused from step to step (every user overwrites all of it). */
  private readonly pool: Pool = (key, n) => {
    const name = `${key}:${n}`;
    let a = this.buffers.get(name);
    if (a === undefined) {
      a = new Float32Array(n);
      this.buffers.set(name, a);
    }
    return a;
  };
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  private constructor(
    readonly spec: DenseNetSpec,
    private readonly adam: EngineAdam,
  ) {
    this.m = this.params().map(([p]) => new Float32Array(p.length));
    this.v = this.params().map(([p]) => new Float32Array(p.length));
  }

  /** An engine for `net`, or the reason it is not eligible. */
  static of(net: tf.LayersModel, adam: EngineAdam): DenseEngine | string {
    const spec = parseDenseNet(net);
    return typeof spec === 'string' ? spec : new DenseEngine(spec, adam);
  }

  private scratch(key: string, n: number): Float32Array {
    return this.pool(key, n);
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

  /** [h, t]: the features with the time column appended (`[rows, width + 1]`). */
  private cat(h: Float32Array, t: Float32Array, rows: number, width: number, key: string): Float32Array {
    const x = this.scratch(key, rows * (width + 1));
    for (let r = 0; r < rows; r++) {
      x.set(h.subarray(r * width, (r + 1) * width), r * (width + 1));
      x[r * (width + 1) + width] = t[r] as number;
    }
    return x;
  }

  /** Inference forward: moving statistics, no dropout. */
  predict(inputs: readonly Float32Array[], rows: number): Float32Array {
    let h = inputs[0] as Float32Array;
    for (const [k, op] of this.spec.ops.entries()) {
      if (op.kind === 'cat') h = this.cat(h, inputs[1] as Float32Array, rows, op.width, `pc${k}`);
      else if (op.kind === 'dense') h = matmul(h, rows, op, this.pool, `p${k}`);
      else if (op.kind === 'act') h = activateArr(h, op.name, this.scratch(`pa${k}`, h.length));
      else if (op.kind === 'bn') {
        const { n } = op;
        const scale = new Float32Array(n);
        for (let j = 0; j < n; j++) scale[j] = f(1 / f(Math.sqrt(f((op.variance[j] as number) + op.epsilon))));
        const y = this.scratch(`pb${k}`, h.length);
        for (let r = 0; r < rows; r++) {
          const o = r * n;
          for (let j = 0; j < n; j++) {
            const xh = f(f((h[o + j] as number) - (op.mean[j] as number)) * (scale[j] as number));
            y[o + j] = f(xh * (op.gamma[j] as number)) + (op.beta[j] as number);
          }
        }
        h = y;
      }
    }
    return h;
  }

  /** Training forward: batch statistics (moving statistics updated), dropout; returns the output and the cache. */
  forwardTrain(inputs: readonly Float32Array[], rows: number): { out: Float32Array; cache: Cache } {
    let h = inputs[0] as Float32Array;
    const cache: Cache = { ins: [], outs: [], xhat: new Map(), invStd: new Map(), mult: new Map(), rows };
    this.spec.ops.forEach((op, k) => {
      cache.ins.push(h);
      if (op.kind === 'cat') h = this.cat(h, inputs[1] as Float32Array, rows, op.width, `fc${k}`);
      else if (op.kind === 'dense') h = matmul(h, rows, op, this.pool, `f${k}`);
      else if (op.kind === 'act') h = activateArr(h, op.name, this.scratch(`fa${k}`, h.length));
      else if (op.kind === 'bn') h = this.bnTrain(op, h, rows, k, cache);
      else if (op.kind === 'drop') h = this.dropTrain(op, h, k, cache);
      cache.outs.push(h);
    });
    return { out: h, cache };
  }

  private bnTrain(op: BnOp, x: Float32Array, rows: number, k: number, cache: Cache): Float32Array {
    const n = op.n;
    const mean = new Float64Array(n);
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) mean[j] = (mean[j] as number) + (x[r * n + j] as number);
    const mu = new Float32Array(n);
    for (let j = 0; j < n; j++) mu[j] = (mean[j] as number) / rows;
    const centred = this.scratch(`c${k}`, x.length);
    const sq = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        const c = f((x[r * n + j] as number) - (mu[j] as number));
        centred[r * n + j] = c;
        sq[j] = (sq[j] as number) + f(c * c);
      }
    }
    const variance = new Float32Array(n);
    const invStd = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      variance[j] = (sq[j] as number) / rows;
      invStd[j] = 1 / Math.sqrt(f((variance[j] as number) + op.epsilon));
    }
    const xhat = this.scratch(`x${k}`, x.length);
    const y = this.scratch(`y${k}`, x.length);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        const i = r * n + j;
        const xh = f((centred[i] as number) * (invStd[j] as number));
        xhat[i] = xh;
        y[i] = f(xh * (op.gamma[j] as number)) + (op.beta[j] as number);
      }
    }
    const mom = op.momentum;
    const decay = f(1 - mom);
    for (let j = 0; j < n; j++) {
      for (const [arr, batch] of [
        [op.mean, mu],
        [op.variance, variance],
      ] as const) {
        const m = arr[j] as number;
        const b = batch[j] as number;
        arr[j] = op.rule === 'layers' ? m - f(f(m - b) * decay) : f(m * f(mom)) + f(b * decay);
      }
    }
    cache.xhat.set(k, xhat);
    cache.invStd.set(k, invStd);
    return y;
  }

  private dropTrain(op: DropOp, x: Float32Array, k: number, cache: Cache): Float32Array {
    const seed = op.next();
    const random = seedrandom.alea(String(seed ?? Math.random()));
    const keep = f(1 - op.rate);
    const scale = f(1 / keep);
    const mult = this.scratch(`m${k}`, x.length);
    const y = this.scratch(`o${k}`, x.length);
    for (let i = 0; i < x.length; i++) {
      // tf.dropout: ⌊u + keep⌋ / keep with u = randomUniform's float32 draw
      const m = Math.floor(f(f(random()) + keep)) === 0 ? 0 : scale;
      mult[i] = m;
      y[i] = (x[i] as number) * m;
    }
    cache.mult.set(k, mult);
    return y;
  }

  /** Backward from dL/d(output) into the parameter gradients. */
  backward(cache: Cache, dOut: Float32Array): void {
    const rows = cache.rows;
    let d = dOut;
    for (let k = this.spec.ops.length - 1; k >= 0; k--) {
      const op = this.spec.ops[k] as Op;
      const x = cache.ins[k] as Float32Array;
      const out = this.scratch(`g${k}`, x.length);
      if (op.kind === 'dense') {
        denseGrads(op, x, d, rows, this.pool, `b${k}`);
        if (k === 0) break;
        d = denseInputGrad(op, d, rows, out);
      } else if (op.kind === 'act') {
        d = activationGrad(d, x, cache.outs[k] as Float32Array, op.name, out);
      } else if (op.kind === 'bn') {
        d = bnBackward(op, d, cache.xhat.get(k) as Float32Array, cache.invStd.get(k) as Float32Array, rows, out);
      } else if (op.kind === 'drop') {
        d = scaleBy(d, cache.mult.get(k) as Float32Array, out);
      } else {
        if (k === 0) break;
        // the time column is data: only the features' part flows back
        for (let r = 0; r < rows; r++) out.set(d.subarray(r * (op.width + 1), r * (op.width + 1) + op.width), r * op.width);
        d = out;
      }
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
      const t = tf.tensor(a, v.shape as number[], 'float32');
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
