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
import { SimdGemm, simdSupported } from '../../ops/wasm/gemm.js';
import { rowKernels, type RowKernels } from '../../ops/wasm/rows.js';

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
  auxAt: number[];
  /** Two backward buffers of `cap` × the widest op (training layouts only). */
  gAt: [number, number];
  g: [Float32Array, Float32Array];
}

/** What one training forward keeps for the backward pass: the rows (the arrays stay in the training layout). */
interface Cache {
  rows: number;
}

/** Per batch-norm op: arena offsets and views of its per-feature arrays (float64 ones hold 2n floats). */
interface BnScratch {
  gammaAt: number;
  betaAt: number;
  /** float64: column sums (mean, Σdy), sums of squares or products (Σc², Σdy·x̂), kk, mb, mg. */
  s1At: number;
  s2At: number;
  kkAt: number;
  mbAt: number;
  mgAt: number;
  s1: Float64Array;
  s2: Float64Array;
  kk: Float64Array;
  mb: Float64Array;
  mg: Float64Array;
  /** float32: batch mean, batch variance, 1/√(σ² + ε). */
  muAt: number;
  invAt: number;
  mu: Float32Array;
  variance: Float32Array;
  invStd: Float32Array;
  /** Inference: 1/√(moving variance + ε). */
  scale: Float32Array;
  meanAt: number;
  scaleAt: number;
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

/** seedrandom's alea state for a dropout seed (tf.randomUniform's generator; unseeded: a random seed). */
interface Alea {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

function aleaState(seed: number | undefined): Alea {
  return seedrandom.alea(String(seed ?? Math.random()), { state: true }).state() as unknown as Alea;
}

const TWO_32 = 4294967296;
const thresholds = new Map<number, number>();

/**
 * The dropout rule of tf.dropout as a threshold on alea's draw: a value is dropped (multiplier 0) when
 * ⌊fround(fround(u) + keep)⌋ = 0, u = k/2³² the draw. Both roundings are monotone in u, so the dropped draws are
 * exactly those below the smallest k/2³² that is kept, found once per rate by bisection over the 2³² draws.
 */
export function dropThreshold(rate: number): number {
  let th = thresholds.get(rate);
  if (th === undefined) {
    const keep = f(1 - rate);
    const drop = (k: number): boolean => Math.floor(f(f(k / TWO_32) + keep)) === 0;
    let lo = 0;
    let hi = TWO_32;
    if (!drop(0)) hi = 0;
    else
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (drop(mid)) lo = mid;
        else hi = mid;
      }
    th = hi / TWO_32;
    thresholds.set(rate, th);
  }
  return th;
}

// alea's step, in locals: t = 2091639·s0 + c·2⁻³², (s0, s1) ← (s1, s2), c ← ⌊t⌋ (t ∈ [0, 2091640): alea's t | 0), s2 ← t − c;
// the dropout multiplier as tf.dropout's, ⌊u + keep⌋ / keep with u = the float32 draw, through {@link dropThreshold}
/** Multipliers [from, to) of one stream (the state advances). */
function fillMask(st: Alea, rate: number, mult: Float32Array, from: number, to: number): void {
  let { c, s0, s1, s2 } = st;
  const scale = f(1 / f(1 - rate));
  const th = dropThreshold(rate);
  for (let i = from; i < to; i++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = Math.trunc(t);
    s2 = t - c;
    mult[i] = s2 < th ? 0 : scale;
  }
  Object.assign(st, { c, s0, s1, s2 });
}

/** The first `len` multipliers of two streams, interleaved (the states advance). */
function fillMask2(sa: Alea, rateA: number, ma: Float32Array, sb: Alea, rateB: number, mb: Float32Array, len: number): void {
  let { c: ca, s0: a0, s1: a1, s2: a2 } = sa;
  let { c: cb, s0: b0, s1: b1, s2: b2 } = sb;
  const scaleA = f(1 / f(1 - rateA));
  const scaleB = f(1 / f(1 - rateB));
  const thA = dropThreshold(rateA);
  const thB = dropThreshold(rateB);
  for (let i = 0; i < len; i++) {
    const ta = 2091639 * a0 + ca * 2.3283064365386963e-10;
    const tb = 2091639 * b0 + cb * 2.3283064365386963e-10;
    a0 = a1;
    a1 = a2;
    ca = Math.trunc(ta);
    a2 = ta - ca;
    b0 = b1;
    b1 = b2;
    cb = Math.trunc(tb);
    b2 = tb - cb;
    ma[i] = a2 < thA ? 0 : scaleA;
    mb[i] = b2 < thB ? 0 : scaleB;
  }
  Object.assign(sa, { c: ca, s0: a0, s1: a1, s2: a2 });
  Object.assign(sb, { c: cb, s0: b0, s1: b1, s2: b2 });
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
  private readonly rk: RowKernels = rowKernels(this.g);
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
          const n = op.n;
          const empty64 = new Float64Array(0);
          const empty = new Float32Array(0);
          const sc: BnScratch = {
            ...{ gammaAt: 0, betaAt: 0, s1At: 0, s2At: 0, kkAt: 0, mbAt: 0, mgAt: 0, muAt: 0, invAt: 0, meanAt: 0, scaleAt: 0 },
            ...{ s1: empty64, s2: empty64, kk: empty64, mb: empty64, mg: empty64, mu: empty, variance: empty, invStd: empty, scale: empty },
          };
          sc.gammaAt = this.adopt(op.gamma, (a) => (op.gamma = a));
          sc.betaAt = this.adopt(op.beta, (a) => (op.beta = a));
          sc.meanAt = this.adopt(op.mean, (a) => (op.mean = a));
          this.adopt(op.variance, (a) => (op.variance = a));
          this.slot(n, (a) => (op.gg = a));
          this.slot(n, (a) => (op.gbeta = a));
          const f64 = (a: Float32Array): Float64Array => new Float64Array(a.buffer, a.byteOffset, a.length / 2);
          sc.s1At = this.slot(2 * n, (a) => (sc.s1 = f64(a)));
          sc.s2At = this.slot(2 * n, (a) => (sc.s2 = f64(a)));
          sc.kkAt = this.slot(2 * n, (a) => (sc.kk = f64(a)));
          sc.mbAt = this.slot(2 * n, (a) => (sc.mb = f64(a)));
          sc.mgAt = this.slot(2 * n, (a) => (sc.mg = f64(a)));
          sc.muAt = this.slot(n, (a) => (sc.mu = a));
          sc.invAt = this.slot(n, (a) => (sc.invStd = a));
          this.slot(n, (a) => (sc.variance = a));
          sc.scaleAt = this.slot(n, (a) => (sc.scale = a));
          this.bnScratch.push(sc);
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
    // the engine's kernels are WebAssembly SIMD: without it, training stays on TF.js
    if (!simdSupported()) return 'this JavaScript engine has no WebAssembly SIMD';
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
    const l: Layout = { cap, xAt: 0, x: empty, outAt: [], outs: [], aux: [], auxAt: [], gAt: [0, 0], g: [empty, empty] };
    l.xAt = this.slot(cap * (this.spec.inputWidths[0] as number), (a) => (l.x = a));
    this.spec.ops.forEach((op, k) => {
      const n = cap * (this.widths[k] as number);
      l.outs.push(empty);
      l.aux.push(empty);
      l.outAt.push(this.slot(n, (a) => (l.outs[k] = a)));
      l.auxAt.push(training && (op.kind === 'bn' || op.kind === 'drop') ? this.slot(n, (a) => (l.aux[k] = a)) : -1);
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
    if (training) this.drawMasks(rows, l);
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
        // one plain loop (a subarray per row costs more than the copy at these widths)
        for (let r = 0, src = 0, dst = 0; r < rows; r++) {
          for (let j = 0; j < w; j++) y[dst++] = h[src++] as number;
          y[dst++] = t[r] as number;
        }
      } else if (op.kind === 'dense') {
        const at = this.at[k] as (typeof this.at)[number];
        this.g.gemm(rows, op.nOut, op.nIn, hAt, op.nIn, 1, at.w, op.nOut, 1, yAt, op.nOut, at.b >= 0 ? { bias: at.b } : {});
      } else if (op.kind === 'act') {
        if (op.name === 'relu') this.rk.relu(hAt, yAt, rows * width);
        else activateArr(h, rows * width, op.name, y);
      } else if (op.kind === 'bn') {
        if (training) this.bnTrain(op, hAt, rows, k, l, yAt);
        else this.bnInfer(op, hAt, rows, k, yAt);
      } else if (op.kind === 'drop') {
        // inference: the identity, so the next op reads the input in place (the width does not change)
        if (!training) continue;
        this.rk.mul(hAt, l.auxAt[k] as number, yAt, rows * width);
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

  /** x̂ = (x − m)·(1/√(v + ε)) and y = γx̂ + β with the moving statistics (float32 each), through the row kernels. */
  private bnInfer(op: BnOp, hAt: number, rows: number, k: number, yAt: number): void {
    const { n } = op;
    const sc = this.bnScratch[k] as BnScratch;
    const scale = sc.scale;
    for (let j = 0; j < n; j++) scale[j] = f(1 / f(Math.sqrt(f((op.variance[j] as number) + op.epsilon))));
    // x − m into y (the float64 sum of squares it also gives is not used), then scaled in place
    this.rk.bnCenter(hAt, rows, n, sc.meanAt, yAt, sc.s2At);
    this.rk.bnScale(yAt, rows, n, sc.scaleAt, sc.gammaAt, sc.betaAt, yAt, yAt);
  }

  private bnTrain(op: BnOp, xAt: number, rows: number, k: number, l: Layout, yAt: number): void {
    const n = op.n;
    const sc = this.bnScratch[k] as BnScratch;
    const { s1: mean, s2: sq, mu, variance, invStd } = sc;
    const xhatAt = l.auxAt[k] as number;
    // Σx (float64) → μ; c = x − μ (float32, into x̂'s array) and Σc² (float64) → σ²; x̂ = c/√(σ² + ε), y = γx̂ + β
    this.rk.colSums(xAt, -1, rows, n, sc.s1At, sc.s1At);
    for (let j = 0; j < n; j++) mu[j] = (mean[j] as number) / rows;
    this.rk.bnCenter(xAt, rows, n, sc.muAt, xhatAt, sc.s2At);
    for (let j = 0; j < n; j++) {
      variance[j] = (sq[j] as number) / rows;
      invStd[j] = 1 / Math.sqrt(f((variance[j] as number) + op.epsilon));
    }
    this.rk.bnScale(xhatAt, rows, n, sc.invAt, sc.gammaAt, sc.betaAt, xhatAt, yAt);
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
  private bnBackward(op: BnOp, dAt: number, xhatAt: number, rows: number, k: number, dxAt: number): void {
    const n = op.n;
    const sc = this.bnScratch[k] as BnScratch;
    const { s1: sb, s2: sg, kk, mb, mg, invStd } = sc;
    this.rk.colSums(dAt, xhatAt, rows, n, sc.s1At, sc.s2At);
    for (let j = 0; j < n; j++) {
      op.gbeta[j] = sb[j] as number;
      op.gg[j] = sg[j] as number;
      kk[j] = (invStd[j] as number) * (op.gamma[j] as number);
      // Σ/N of the float32-rounded sums
      mb[j] = (op.gbeta[j] as number) / rows;
      mg[j] = (op.gg[j] as number) / rows;
    }
    this.rk.bnGrad(dAt, xhatAt, rows, n, sc.mbAt, sc.mgAt, sc.kkAt, dxAt);
  }

  /**
   * Every dropout op's multipliers for this step, drawn before the forward (seeds in op order, as the forward would):
   * two ops' alea streams run interleaved in one loop, so that the two carry chains overlap.
   */
  private drawMasks(rows: number, l: Layout): void {
    const todo: { op: DropOp; mult: Float32Array; len: number }[] = [];
    this.spec.ops.forEach((op, k) => {
      if (op.kind === 'drop') todo.push({ op, mult: l.aux[k] as Float32Array, len: rows * (this.widths[k] as number) });
    });
    for (let i = 0; i < todo.length; i += 2) {
      const a = todo[i] as (typeof todo)[number];
      const b = todo[i + 1];
      const sa = aleaState(a.op.next());
      if (b === undefined) fillMask(sa, a.op.rate, a.mult, 0, a.len);
      else {
        const sb = aleaState(b.op.next());
        fillMask2(sa, a.op.rate, a.mult, sb, b.op.rate, b.mult, Math.min(a.len, b.len));
        if (a.len > b.len) fillMask(sa, a.op.rate, a.mult, b.len, a.len);
        else if (b.len > a.len) fillMask(sb, b.op.rate, b.mult, a.len, b.len);
      }
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
        if (op.name === 'relu') this.rk.reluGrad(dAt, xAt, dxAt, rows * width);
        else activationGrad(d, x, l.outs[k] as Float32Array, rows * width, op.name, dx);
      } else if (op.kind === 'bn') {
        this.bnBackward(op, dAt, l.auxAt[k] as number, rows, k, dxAt);
      } else if (op.kind === 'drop') {
        this.rk.mul(dAt, l.auxAt[k] as number, dxAt, rows * width);
      } else {
        if (k === 0) break;
        // the time column is data: only the features' part flows back
        const w = op.width;
        for (let r = 0, src = 0, dst = 0; r < rows; r++, src++) for (let j = 0; j < w; j++) dx[dst++] = d[src++] as number;
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
