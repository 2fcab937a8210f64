/**
 * A TF.js Layers network's training step as two ONNX graphs, for
 * onnxruntime's native CPU kernels (see `OnnxTrainer`):
 *
 * - the forward graph maps the inputs (channels-last, as TF.js holds them)
 *   and every weight to the network's output, the new moving statistics of
 *   the batch-norm layers that train, and the intermediate values the
 *   backward pass needs;
 * - the backward graph maps those values, the weights and the loss gradient
 *   of the output to the gradient of every trainable weight.
 *
 * The gradients are written out layer by layer (reverse-mode, one rule per
 * layer class), so no training build of onnxruntime is needed. Inside the
 * graphs convolutions, pooling and batch norm run channels-first (ONNX's
 * layout); a value is transposed once where a layer needs the other layout.
 * The arithmetic is the layers' own (TF.js 'same' padding, biased batch
 * variance, moving averages m ← m − (m − batch)(1 − momentum), inverted
 * dropout); float32 throughout, in onnxruntime's summation order.
 */
import * as tf from '@tensorflow/tfjs';
import { survkitError } from '../../core/errors.js';
import { batchNormModesOf } from '../../backbones/batch-norm-modes.js';
import type { OnnxAttr, OnnxGraph, OnnxNode, OnnxTensorData, OnnxValueInfo } from '../../io/onnx-model.js';

const FN = 'OnnxTrainer';
/** The opset the graphs are written for (onnxruntime ≥ 1.14). */
export const STEP_OPSET = 17;

/** A value of the network inside the graphs: its name, TF.js (channels-last) shape, and stored layout. */
interface Val {
  name: string;
  /** TF.js shape, batch first (null). */
  shape: readonly (number | null)[];
  /** Stored channels-first (rank > 2 only). */
  cf: boolean;
  /** Depends on a trainable weight or on a value that does (its gradient is needed). */
  grad: boolean;
}

/** What the compiled step needs to know about one weight of the network. */
export interface StepWeight {
  variable: tf.LayerVariable;
  /** Graph input name. */
  input: string;
  /** Trainable: the backward graph outputs its gradient under `grad`. */
  grad?: string;
  /** Compiled into the graphs as a constant (neither trained nor updated by the step): not fed. */
  constant?: boolean;
  /**
   * The graphs take this weight transposed by `perm` (a convolution kernel in ONNX's [co, ci, k…] layout): feed
   * `transpose(value, perm)`. Its gradient is in the weight's own (TF.js) layout.
   */
  perm?: number[];
}

/** The compiled training step. */
export interface StepGraphs {
  forward: OnnxGraph;
  backward: OnnxGraph;
  /** Graph input names of the network's inputs, in `net.inputs` order. */
  inputs: string[];
  /** Every weight of the network (`net.weights` order) with its input name. */
  weights: StepWeight[];
  /** Forward-graph outputs that are new values of non-trainable weights (batch-norm moving statistics). */
  stats: { variable: tf.LayerVariable; output: string }[];
  /** The network's output (forward graph), channels-last. */
  output: string;
  /** The loss gradient of the output (backward graph input). */
  outputGrad: string;
  /** Forward outputs fed to the backward graph under the same names. */
  saved: string[];
  /** The weights compiled in as constants, with the values they had (in their own layout). */
  baked: { variable: tf.LayerVariable; data: Float32Array }[];
}

/** Options of {@link compileStepGraphs}. */
export interface StepGraphOptions {
  /**
   * Filter gradients of convolutions: 'conv' (one dilated convolution of the input by the output gradient), 'im2col'
   * (patches and one matrix product, which onnxruntime runs on several threads), or 'auto' (default): 'im2col' for
   * layers with at least 64 input channels (patch rows of ≥ 256 bytes), 'conv' below (measured in bench/dataparallel-step.ts).
   */
  filterGrad?: 'im2col' | 'conv' | 'auto';
  /** Seed of the dropout masks (onnxruntime's generator). */
  seed?: number;
  /**
   * Gradients of the weights the graphs take in another layout (convolution kernels) in that layout ([co, ci, k…])
   * instead of the weights' own: for an optimiser that keeps the weights in the graphs' layout (`OnnxStep.backwardAdam`).
   */
  graphLayoutGrads?: boolean;
  /**
   * Compile the weights that neither train nor change in a step (frozen layers, frozen batch-norm statistics) into the
   * graphs as constants (default true): onnxruntime then folds batch norm into the convolutions and packs their weights once.
   */
  constants?: boolean;
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
/** Channels-last → channels-first permutation of rank r. */
const toFirst = (r: number): number[] => [0, r - 1, ...range(1, r - 1)];
/** Channels-first → channels-last permutation of rank r. */
const toLast = (r: number): number[] => [0, ...range(2, r), 1];

function unsupported(layer: tf.layers.Layer, why: string): never {
  throw survkitError('onnxStepLayer', FN, layer.name, layer.getClassName(), why);
}

/** TF.js padding of one spatial axis: [begin, end] and the output size. */
function padOf(mode: string, size: number, k: number, s: number, d = 1): { pads: [number, number]; out: number } {
  const ek = (k - 1) * d + 1;
  if (mode === 'valid') return { pads: [0, 0], out: Math.floor((size - ek) / s) + 1 };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + ek - size, 0);
  const b = Math.floor(total / 2);
  return { pads: [b, total - b], out };
}

/**
 * A convolution kernel between TF.js's layout [k…, ci, co] and ONNX's [co, ci, k…] (`perm` = [d+1, d, 0, …, d−1]) on
 * the host, `shape` being the TF.js shape: per input channel one [K, co] ↔ [co, K] block (TF.js's own transpose of
 * this permutation takes seconds on the wasm backend for a 3×3×512×512 kernel).
 */
function moveKernel(data: Float32Array, shape: readonly number[], toOnnx: boolean): Float32Array {
  const d = shape.length - 2;
  const ci = shape[d] as number;
  const co = shape[d + 1] as number;
  const K = data.length / (ci * co);
  const out = new Float32Array(data.length);
  for (let c = 0; c < ci; c++)
    for (let t = 0; t < K; t++) {
      const tl = (t * ci + c) * co; // TF.js index of (t, c, 0)
      let ox = c * K + t; // ONNX index of (0, c, t)
      if (toOnnx) for (let o = 0; o < co; o++, ox += ci * K) out[ox] = data[tl + o] as number;
      else for (let o = 0; o < co; o++, ox += ci * K) out[tl + o] = data[ox] as number;
    }
  return out;
}

/** A convolution kernel from TF.js's layout [k…, ci, co] to ONNX's [co, ci, k…] (see {@link moveKernel}). */
export const kernelToOnnx = (data: Float32Array, shape: readonly number[]): Float32Array => moveKernel(data, shape, true);

/** The inverse of {@link kernelToOnnx}: [co, ci, k…] back to TF.js's [k…, ci, co] (`shape` is the TF.js shape). */
export const kernelFromOnnx = (data: Float32Array, shape: readonly number[]): Float32Array => moveKernel(data, shape, false);

/** Whether `v`'s current values differ from `data` (a weight compiled in as a constant). */
export function constantChanged(v: tf.LayerVariable, data: Float32Array): boolean {
  const now = v.read().dataSync();
  if (now.length !== data.length) return true;
  for (let i = 0; i < now.length; i++) if (!Object.is(now[i], data[i])) return true;
  return false;
}

/** A config value as text (strings as they are, anything else as JSON). */
const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const tuple = (v: unknown, d: number): number[] => (Array.isArray(v) ? (v as number[]) : Array.from({ length: d }, () => v as number));

class Builder {
  readonly nodes: OnnxNode[] = [];
  readonly inits = new Map<string, OnnxTensorData>();
  private k = 0;
  fresh(p: string): string {
    return `${p}_${++this.k}`;
  }
  op(op: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>, prefix = op): string {
    const out = this.fresh(prefix);
    this.nodes.push({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    return out;
  }
  ops(op: string, inputs: readonly string[], n: number, attrs?: Record<string, OnnxAttr>): string[] {
    const outs = Array.from({ length: n }, () => this.fresh(op));
    this.nodes.push({ op, inputs, outputs: outs, ...(attrs ? { attrs } : {}) });
    return outs;
  }
  ints(vals: readonly number[]): string {
    const key = `i64:${vals.join(',')}`;
    if (!this.inits.has(key)) {
      const name = this.fresh('c');
      this.inits.set(key, { name, dtype: 'int64', dims: [vals.length], data: BigInt64Array.from(vals.map((v) => BigInt(v))) });
    }
    return (this.inits.get(key) as OnnxTensorData).name;
  }
  float(v: number): string {
    const key = `f32:${Math.fround(v)}`;
    if (!this.inits.has(key)) {
      const name = this.fresh('c');
      this.inits.set(key, { name, dtype: 'float32', dims: [], data: Float32Array.of(v) });
    }
    return (this.inits.get(key) as OnnxTensorData).name;
  }
}

/** One weight's graph name, and whether it trains. */
interface WeightRef {
  name: string;
  trains: boolean;
  grad?: string;
}

/**
 * Compiles `net`'s training step (see the module notes). Layers:
 * Conv2D/Conv3D (dilation 1), Dense (2-D input), MaxPooling2D/3D,
 * GlobalAveragePooling1D/2D/3D and survkit's GlobalPool ('avg'),
 * BatchNormalization (last axis), Activation / ReLU (relu, linear, sigmoid,
 * tanh), Dropout / survkit's SeededDropout, Flatten, Reshape, Add,
 * Concatenate, ZeroPadding2D / survkit's ZeroPadding3D, survkit's linear
 * heads (CoxHead, DiscreteHead, LogitsHead), nested models.
 * @throws {SurvkitError} `onnxStepLayer` naming the first layer it cannot compile, `onnxStepModel` for several outputs
 */
export function compileStepGraphs(net: tf.LayersModel, opts: StepGraphOptions = {}): StepGraphs {
  if (net.outputs.length !== 1) throw survkitError('onnxStepModel', FN, 'net', `it has ${net.outputs.length} outputs; one is supported`);
  const g = new Builder();
  const trainable = new Set(net.trainableWeights);
  const frozenBn = batchNormModesOf(net).frozen;
  const filterGrad = opts.filterGrad ?? 'auto';
  const graphLayout = opts.graphLayoutGrads === true;
  let seed = opts.seed ?? 0;
  const weights: StepWeight[] = net.weights.map((v, i) => ({
    variable: v,
    input: `w${i}`,
    ...(trainable.has(v) ? { grad: `g${i}` } : {}),
  }));
  const refOf = new Map<tf.LayerVariable, WeightRef>(
    weights.map((w) => [w.variable, { name: w.input, trains: w.grad !== undefined, ...(w.grad ? { grad: w.grad } : {}) }]),
  );
  const constants = opts.constants ?? true;
  const weightIndex = new Map(net.weights.map((v, i) => [v, i]));
  /** The values (own layout) of the weights compiled in as constants. */
  const compiledFrom = new Map<tf.LayerVariable, Float32Array>();
  /** A weight's graph name; one that neither trains nor is updated (`mutable`) is compiled in as a constant. */
  const ref = (v: tf.LayerVariable, mutable = false, perm?: number[]): WeightRef => {
    const r = refOf.get(v);
    if (!r) throw new Error(`weight ${v.name} is not one of the network's weights`);
    const w = weights[weightIndex.get(v) as number] as StepWeight;
    if (mutable && w.constant) throw new Error(`weight ${v.name} is both constant and updated`);
    if (perm !== undefined) {
      if (w.perm !== undefined && w.perm.join() !== perm.join()) throw new Error(`weight ${v.name} is used in two layouts`);
      w.perm = perm;
    }
    if (constants && !r.trains && !mutable && !g.inits.has(`weight:${r.name}`)) {
      const own = v.read().dataSync() as Float32Array;
      compiledFrom.set(v, own);
      const value = perm ? kernelToOnnx(own, v.shape as number[]) : own;
      const dims = perm ? perm.map((a) => v.shape[a] as number) : (v.shape as number[]);
      g.inits.set(`weight:${r.name}`, { name: r.name, dtype: 'float32', dims, data: value });
      w.constant = true;
    }
    return r;
  };
  const stats: StepGraphs['stats'] = [];
  const tape: (() => void)[] = [];
  const grads = new Map<string, string>();
  const paramGrads = new Map<string, string>();
  const addGrad = (v: Val, gname: string): void => {
    const prev = grads.get(v.name);
    grads.set(v.name, prev === undefined ? gname : g.op('Add', [prev, gname]));
  };
  const addParamGrad = (w: WeightRef, gname: string): void => {
    if (!w.trains || w.grad === undefined) return;
    const prev = paramGrads.get(w.grad);
    paramGrads.set(w.grad, prev === undefined ? gname : g.op('Add', [prev, gname]));
  };
  /** Adds a gradient computed in layout `cf` to `v` (moved to v's layout). */
  const addGradFrom = (v: Val, cf: boolean, gname: string): void => {
    const r = v.shape.length;
    addGrad(v, r <= 2 || v.cf === cf ? gname : g.op('Transpose', [gname], { perm: { ints: v.cf ? toFirst(r) : toLast(r) } }));
  };
  const layoutCache = new Map<string, string>();
  const inLayout = (v: Val, cf: boolean): Val => {
    const r = v.shape.length;
    if (r <= 2 || v.cf === cf) return v;
    const key = `${v.name}:${cf}`;
    let name = layoutCache.get(key);
    if (name === undefined) {
      name = g.op('Transpose', [v.name], { perm: { ints: cf ? toFirst(r) : toLast(r) } });
      layoutCache.set(key, name);
    }
    return { ...v, name, cf };
  };
  /** Registers a backward step for `out`: `back(dy)` runs when `out` has a gradient. */
  const onGrad = (out: Val, back: (dy: string) => void): void => {
    tape.push(() => {
      const dy = grads.get(out.name);
      if (dy !== undefined) back(dy);
    });
  };
  const spatial = (v: Val): number[] => v.shape.slice(1, -1) as number[];
  const channels = (v: Val): number => v.shape[v.shape.length - 1] as number;

  /** Activation by name on a value; backward from the activation's output. */
  const activate = (layer: tf.layers.Layer, act: string | undefined, z: Val): Val => {
    const a = act ?? 'linear';
    if (a === 'linear') return z;
    const op = a === 'relu' ? 'Relu' : a === 'sigmoid' ? 'Sigmoid' : a === 'tanh' ? 'Tanh' : undefined;
    if (op === undefined) unsupported(layer, `activation '${a}' (supported: linear, relu, sigmoid, tanh)`);
    const y: Val = { ...z, name: g.op(op, [z.name]) };
    if (z.grad)
      onGrad(y, (dy) => {
        let dz: string;
        if (a === 'relu') dz = g.op('Mul', [dy, g.op('Cast', [g.op('Greater', [y.name, g.float(0)])], { to: { i: 1 } })]);
        else if (a === 'sigmoid') dz = g.op('Mul', [dy, g.op('Mul', [y.name, g.op('Sub', [g.float(1), y.name])])]);
        else dz = g.op('Mul', [dy, g.op('Sub', [g.float(1), g.op('Mul', [y.name, y.name])])]);
        addGrad(z, dz);
      });
    return y;
  };

  /** x·K (+ b) on a [n, d] value. */
  const linear = (layer: tf.layers.Layer, x: Val, kernel: tf.LayerVariable, bias: tf.LayerVariable | undefined, units: number): Val => {
    if (x.shape.length !== 2) unsupported(layer, `a ${x.shape.length}-D input (a dense layer is compiled for [batch, features] inputs)`);
    const K = ref(kernel);
    const B = bias ? ref(bias) : undefined;
    const mm = g.op('MatMul', [x.name, K.name]);
    const z: Val = { name: B ? g.op('Add', [mm, B.name]) : mm, shape: [null, units], cf: false, grad: x.grad || K.trains || (B?.trains ?? false) };
    onGrad(z, (dz) => {
      if (K.trains) addParamGrad(K, g.op('Gemm', [x.name, dz], { transA: { i: 1 } }));
      if (B?.trains) addParamGrad(B, g.op('ReduceSum', [dz, g.ints([0])], { keepdims: { i: 0 } }));
      if (x.grad) addGradFrom(x, false, g.op('Gemm', [dz, K.name], { transB: { i: 1 } }));
    });
    return z;
  };

  const conv = (layer: tf.layers.Layer, xin: Val, outShape: readonly (number | null)[]): Val => {
    const c = layer.getConfig();
    const d = xin.shape.length - 2;
    if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') unsupported(layer, `dataFormat '${str(c.dataFormat)}'`);
    const k = tuple(c.kernelSize, d);
    const s = tuple(c.strides ?? 1, d);
    const dil = tuple(c.dilationRate ?? 1, d);
    if (dil.some((v) => v !== 1)) unsupported(layer, `dilation rate [${dil.join(', ')}]`);
    if ((c.groups ?? 1) !== 1) unsupported(layer, 'grouped convolution');
    const [kernel, bias] = layer.weights as [tf.LayerVariable, tf.LayerVariable | undefined];
    const K = ref(kernel, false, [d + 1, d, ...range(0, d)]); // fed as [co, ci, k…]
    const B = c.useBias === false || bias === undefined ? undefined : ref(bias);
    const inSp = spatial(xin);
    const geo = inSp.map((n, i) => padOf(str(c.padding ?? 'valid'), n, k[i] as number, s[i] as number));
    const pads = [...geo.map((p) => p.pads[0]), ...geo.map((p) => p.pads[1])];
    const outSp = geo.map((p) => p.out);
    const ci = channels(xin);
    const co = Number(c.filters);
    const x = inLayout(xin, true);
    // The kernel is fed in ONNX's layout (onnxruntime's 4-D/5-D transpose of it in the graph costs more than the convolution).
    const W = K.name;
    const attrs = { kernel_shape: { ints: k }, strides: { ints: s }, pads: { ints: pads } };
    const z: Val = {
      name: g.op('Conv', B ? [x.name, W, B.name] : [x.name, W], attrs),
      shape: [null, ...outSp, co],
      cf: true,
      grad: xin.grad || K.trains || (B?.trains ?? false),
    };
    if (outShape.slice(1).some((v, i) => v !== z.shape[i + 1]))
      unsupported(layer, `an output shape [${outShape.join(', ')}] other than the computed [${z.shape.join(', ')}]`);
    onGrad(z, (dz) => {
      if (B?.trains) addParamGrad(B, g.op('ReduceSum', [dz, g.ints([0, ...range(2, d + 2)])], { keepdims: { i: 0 } }));
      if (K.trains) {
        if (filterGrad === 'im2col' || (filterGrad === 'auto' && ci >= 64)) {
          // Patches of the padded channels-last input, tap-major then channel: [n·P, k…·ci]; dK = colsᵀ·dz = [k…·ci, co].
          const xl = inLayout(xin, false).name;
          const padded = pads.some((p) => p > 0) ? g.op('Pad', [xl, g.ints([0, ...pads.slice(0, d), 0, 0, ...pads.slice(d), 0])]) : xl;
          const taps: string[] = [];
          const visit = (axis: number, start: number[]): void => {
            if (axis === d) {
              const ends = start.map((b, i) => b + (s[i] as number) * ((outSp[i] as number) - 1) + 1);
              taps.push(g.op('Slice', [padded, g.ints(start), g.ints(ends), g.ints(range(1, d + 1)), g.ints(s)]));
              return;
            }
            for (let t = 0; t < (k[axis] as number); t++) visit(axis + 1, [...start, t]);
          };
          visit(0, []);
          const cols = g.op('Reshape', [taps.length === 1 ? (taps[0] as string) : g.op('Concat', taps, { axis: { i: d + 1 } }), g.ints([-1, prod(k) * ci])]);
          const dzl = g.op('Reshape', [g.op('Transpose', [dz], { perm: { ints: toLast(d + 2) } }), g.ints([-1, co])]);
          if (graphLayout) {
            // The gradient in the graphs' layout [co, ci, k…]: dzᵀ·cols = [co, k…·ci], then ci before the taps.
            const ckk = g.op('Reshape', [g.op('Gemm', [dzl, cols], { transA: { i: 1 } }), g.ints([co, prod(k), ci])]);
            addParamGrad(K, g.op('Reshape', [g.op('Transpose', [ckk], { perm: { ints: [0, 2, 1] } }), g.ints([co, ci, ...k])]));
          } else addParamGrad(K, g.op('Reshape', [g.op('Gemm', [cols, dzl], { transA: { i: 1 } }), g.ints([...k, ci, co])]));
        } else {
          const swap = [1, 0, ...range(2, d + 2)];
          const xt = g.op('Transpose', [x.name], { perm: { ints: swap } });
          const dzt = g.op('Transpose', [dz], { perm: { ints: swap } });
          let gw = g.op('Conv', [xt, dzt], { pads: { ints: pads }, dilations: { ints: s } });
          const got = inSp.map((n, i) => n + pads[i]! + pads[i + d]! - (s[i] as number) * ((outSp[i] as number) - 1));
          if (got.some((v, i) => v !== k[i])) gw = g.op('Slice', [gw, g.ints(range(0, d).map(() => 0)), g.ints(k), g.ints(range(2, d + 2))]);
          if (graphLayout)
            addParamGrad(K, g.op('Transpose', [gw], { perm: { ints: swap } })); // [co, ci, k…], the graphs' layout
          else {
            // [ci, co, k…] → [k…, ci, co]: one 2-D transpose (onnxruntime's general 4-D/5-D transpose is far slower).
            const kci = g.op('Transpose', [g.op('Reshape', [gw, g.ints([ci * co, prod(k)])])], { perm: { ints: [1, 0] } }); // [k, ci·co]
            addParamGrad(K, g.op('Reshape', [kci, g.ints([...k, ci, co])]));
          }
        }
      }
      if (xin.grad) {
        const outPad = inSp.map((n, i) => n - ((s[i] as number) * ((outSp[i] as number) - 1) + (k[i] as number) - pads[i]! - pads[i + d]!));
        const dx = g.op('ConvTranspose', [dz, W], { ...attrs, output_padding: { ints: outPad } });
        addGradFrom(xin, true, dx);
      }
    });
    return activate(layer, c.activation as string | undefined, z);
  };

  const maxPool = (layer: tf.layers.Layer, xin: Val): Val => {
    const c = layer.getConfig();
    const d = xin.shape.length - 2;
    if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') unsupported(layer, `dataFormat '${str(c.dataFormat)}'`);
    const k = tuple(c.poolSize, d);
    const s = tuple(c.strides ?? c.poolSize, d);
    const inSp = spatial(xin);
    const geo = inSp.map((n, i) => padOf(str(c.padding ?? 'valid'), n, k[i] as number, s[i] as number));
    const pads = [...geo.map((p) => p.pads[0]), ...geo.map((p) => p.pads[1])];
    const x = inLayout(xin, true);
    const attrs = { kernel_shape: { ints: k }, strides: { ints: s }, pads: { ints: pads } };
    const shape = [null, ...geo.map((p) => p.out), channels(xin)];
    // The argmax indices only where a gradient flows back (pooling without them is onnxruntime's faster kernel).
    if (!xin.grad) return { name: g.op('MaxPool', [x.name], attrs), shape, cf: true, grad: false };
    const [y, idx] = g.ops('MaxPool', [x.name], 2, attrs) as [string, string];
    const out: Val = { name: y, shape, cf: true, grad: true };
    onGrad(out, (dy) => {
      const disjoint = k.every((v, i) => v <= (s[i] as number)) && pads.every((p) => p === 0);
      if (disjoint) addGradFrom(xin, true, g.op('MaxUnpool', [dy, idx, g.op('Shape', [x.name])], { kernel_shape: { ints: k }, strides: { ints: s } }));
      else {
        const flat = g.ints([-1]);
        const zeros = g.op('ConstantOfShape', [g.op('Shape', [g.op('Reshape', [x.name, flat])])]);
        const sc = g.op('ScatterElements', [zeros, g.op('Reshape', [idx, flat]), g.op('Reshape', [dy, flat])], { axis: { i: 0 }, reduction: { s: 'add' } });
        addGradFrom(xin, true, g.op('Reshape', [sc, g.op('Shape', [x.name])]));
      }
    });
    return out;
  };

  const globalAvg = (xin: Val): Val => {
    const r = xin.shape.length;
    if (r === 2) return xin;
    const axes = xin.cf ? range(2, r) : range(1, r - 1);
    const count = prod(spatial(xin));
    const y: Val = {
      name: g.op('ReduceMean', [xin.name], { axes: { ints: axes }, keepdims: { i: 0 } }),
      shape: [null, channels(xin)],
      cf: false,
      grad: xin.grad,
    };
    if (xin.grad)
      onGrad(y, (dy) => {
        const scaled = g.op('Mul', [g.op('Unsqueeze', [dy, g.ints(axes)]), g.float(1 / count)]);
        addGrad(xin, g.op('Expand', [scaled, g.op('Shape', [xin.name])]));
      });
    return y;
  };

  const batchNorm = (layer: tf.layers.Layer, xin: Val): Val => {
    const c = layer.getConfig();
    const r = xin.shape.length;
    const axis = Number(c.axis ?? -1);
    if (axis !== -1 && axis !== r - 1) unsupported(layer, `axis ${axis} (the channel axis, last, is supported)`);
    const eps = Number(c.epsilon ?? 1e-3);
    const momentum = Number(c.momentum ?? 0.99);
    const byName = (suffix: string): tf.LayerVariable | undefined => layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`));
    const gamma = byName('gamma');
    const beta = byName('beta');
    const mm = byName('moving_mean');
    const mv = byName('moving_variance');
    if (!mm || !mv) unsupported(layer, 'no moving statistics');
    const C = channels(xin);
    const x = inLayout(xin, true);
    const bshape = r === 2 ? [C] : [C, ...range(2, r).map(() => 1)];
    const axes = r === 2 ? [0] : [0, ...range(2, r)];
    const bc = (name: string): string => (r === 2 ? name : g.op('Reshape', [name, g.ints(bshape)]));
    const G = gamma ? ref(gamma) : undefined;
    const Bt = beta ? ref(beta) : undefined;
    const trains = trainable.has(gamma ?? beta ?? mm);
    const training = trains || !frozenBn;
    let mean: string;
    let variance: string;
    if (training) {
      mean = g.op('ReduceMean', [x.name], { axes: { ints: axes }, keepdims: { i: 1 } });
      const cen = g.op('Sub', [x.name, mean]);
      variance = g.op('ReduceMean', [g.op('Mul', [cen, cen])], { axes: { ints: axes }, keepdims: { i: 1 } });
      const decay = g.float(1 - momentum);
      for (const [v, batch] of [
        [mm, mean],
        [mv, variance],
      ] as const) {
        const w = ref(v, true).name;
        const flatBatch = g.op('Reshape', [batch, g.ints([C])]);
        stats.push({ variable: v, output: g.op('Sub', [w, g.op('Mul', [g.op('Sub', [w, flatBatch]), decay])], {}, 'stat') });
      }
    } else {
      // Inference mode (moving statistics): one BatchNormalization node; its input gradient is dy·γ/√(σ² + ε).
      const scale = G ? G.name : g.op('Add', [g.op('Mul', [ref(mm).name, g.float(0)]), g.float(1)]);
      const shift = Bt ? Bt.name : g.op('Mul', [ref(mm).name, g.float(0)]);
      const y = g.op('BatchNormalization', [x.name, scale, shift, ref(mm).name, ref(mv).name], { epsilon: { f: eps } });
      const out: Val = { name: y, shape: xin.shape, cf: r > 2, grad: xin.grad };
      if (xin.grad)
        onGrad(out, (dy) => {
          const k = g.op('Div', [scale, g.op('Sqrt', [g.op('Add', [ref(mv).name, g.float(eps)])])]);
          addGradFrom(xin, true, g.op('Mul', [dy, bc(k)]));
        });
      return out;
    }
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.float(eps)])])]);
    const xhat = g.op('Mul', [g.op('Sub', [x.name, mean]), inv]);
    let y = xhat;
    if (G) y = g.op('Mul', [y, bc(G.name)]);
    if (Bt) y = g.op('Add', [y, bc(Bt.name)]);
    const out: Val = { name: y, shape: xin.shape, cf: r > 2, grad: xin.grad || (G?.trains ?? false) || (Bt?.trains ?? false) };
    onGrad(out, (dy) => {
      const sum = (t: string): string => g.op('ReduceSum', [t, g.ints(axes)], { keepdims: { i: 0 } });
      if (Bt?.trains) addParamGrad(Bt, sum(dy));
      if (G?.trains) addParamGrad(G, sum(g.op('Mul', [dy, xhat])));
      if (!xin.grad) return;
      const dxhat = G ? g.op('Mul', [dy, bc(G.name)]) : dy;
      // dx = inv·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat)), means over the normalised axes.
      const meanOf = (t: string): string => g.op('ReduceMean', [t], { axes: { ints: axes }, keepdims: { i: 1 } });
      const inner = g.op('Sub', [g.op('Sub', [dxhat, meanOf(dxhat)]), g.op('Mul', [xhat, meanOf(g.op('Mul', [dxhat, xhat]))])]);
      addGradFrom(xin, true, g.op('Mul', [inner, inv]));
    });
    return out;
  };

  const dropout = (layer: tf.layers.Layer, xin: Val, rate: number): Val => {
    if (!(rate > 0)) return xin;
    if (rate >= 1) unsupported(layer, `rate ${rate}`);
    const [y, mask] = g.ops('Dropout', [xin.name, g.float(rate), g.op('Cast', [g.float(1)], { to: { i: 9 } })], 2, { seed: { i: ++seed } }) as [string, string];
    const out: Val = { ...xin, name: y };
    if (xin.grad)
      onGrad(out, (dy) => {
        addGrad(xin, g.op('Mul', [g.op('Mul', [dy, g.op('Cast', [mask], { to: { i: 1 } })]), g.float(1 / (1 - rate))]));
      });
    return out;
  };

  const reshapeTo = (layer: tf.layers.Layer, xin: Val, declared: readonly (number | null)[]): Val => {
    const size = prod(xin.shape.slice(1) as number[]);
    const known = prod(declared.slice(1).filter((v): v is number => v !== null));
    const open = declared.slice(1).filter((v) => v === null).length;
    if (open > 1 || (open === 0 && known !== size) || (open === 1 && size % known !== 0))
      unsupported(layer, `a target shape [${declared.join(', ')}] for an input of shape [${xin.shape.join(', ')}]`);
    const target = [null, ...declared.slice(1).map((v) => v ?? size / known)];
    if (xin.cf && target.length >= 3 && target[target.length - 1] === channels(xin)) {
      // Only the spatial axes fold or unfold (the channels stay last): the same reshape of the channels-first layout,
      // without transposing (survkit's video networks fold time into height around each batch norm).
      const c = channels(xin);
      const yc: Val = { name: g.op('Reshape', [xin.name, g.ints([-1, c, ...(target.slice(1, -1) as number[])])]), shape: target, cf: true, grad: xin.grad };
      if (xin.grad) onGrad(yc, (dy) => addGrad(xin, g.op('Reshape', [dy, g.op('Shape', [xin.name])])));
      return yc;
    }
    const x = inLayout(xin, false);
    const y: Val = { name: g.op('Reshape', [x.name, g.ints([-1, ...(target.slice(1) as number[])])]), shape: target, cf: false, grad: xin.grad };
    if (xin.grad) onGrad(y, (dy) => addGradFrom(xin, false, g.op('Reshape', [dy, g.op('Shape', [x.name])])));
    return y;
  };

  const zeroPad = (layer: tf.layers.Layer, xin: Val): Val => {
    const c = layer.getConfig();
    const d = xin.shape.length - 2;
    const p = c.padding as unknown;
    const per: [number, number][] = Array.isArray(p)
      ? (p as unknown[]).map((e) => (Array.isArray(e) ? [Number(e[0]), Number(e[1])] : [Number(e), Number(e)]))
      : range(0, d).map(() => [Number(p), Number(p)]);
    if (per.length !== d) unsupported(layer, `padding ${JSON.stringify(p)}`);
    const x = inLayout(xin, true);
    const pads = [0, 0, ...per.map((q) => q[0]), 0, 0, ...per.map((q) => q[1])];
    const outSp = spatial(xin).map((n, i) => n + per[i]![0] + per[i]![1]);
    const y: Val = { name: g.op('Pad', [x.name, g.ints(pads)]), shape: [null, ...outSp, channels(xin)], cf: true, grad: xin.grad };
    if (xin.grad)
      onGrad(y, (dy) => {
        const starts = per.map((q) => q[0]);
        const ends = outSp.map((n, i) => n - per[i]![1]);
        addGradFrom(xin, true, g.op('Slice', [dy, g.ints(starts), g.ints(ends), g.ints(range(2, d + 2))]));
      });
    return y;
  };

  const add = (ins: Val[]): Val => {
    const cf = ins.some((v) => v.cf);
    const xs = ins.map((v) => inLayout(v, cf));
    const y: Val = {
      name:
        xs.length === 1
          ? (xs[0] as Val).name
          : g.op(
              'Sum',
              xs.map((v) => v.name),
            ),
      shape: ins[0]!.shape,
      cf,
      grad: ins.some((v) => v.grad),
    };
    onGrad(y, (dy) => {
      ins.forEach((v) => {
        if (v.grad) addGradFrom(v, cf, dy);
      });
    });
    return y;
  };

  const concat = (layer: tf.layers.Layer, ins: Val[]): Val => {
    const r = ins[0]!.shape.length;
    const axis = Number(layer.getConfig().axis ?? -1);
    const ax = axis < 0 ? r + axis : axis;
    if (ax === 0) unsupported(layer, 'concatenation along the batch axis');
    const xs = ins.map((v) => inLayout(v, false));
    const sizes = xs.map((v) => v.shape[ax] as number);
    const shape = [...ins[0]!.shape];
    shape[ax] = sizes.reduce((a, b) => a + b, 0);
    const y: Val = {
      name: g.op(
        'Concat',
        xs.map((v) => v.name),
        { axis: { i: ax } },
      ),
      shape,
      cf: false,
      grad: ins.some((v) => v.grad),
    };
    onGrad(y, (dy) => {
      const parts = g.ops('Split', [dy, g.ints(sizes)], xs.length, { axis: { i: ax } });
      ins.forEach((v, i) => {
        if (v.grad) addGradFrom(v, false, parts[i] as string);
      });
    });
    return y;
  };

  /** The rule of one (non-container) layer. */
  const apply = (layer: tf.layers.Layer, ins: Val[], outShape: readonly (number | null)[]): Val => {
    const cls = layer.getClassName();
    const c = layer.getConfig();
    const one = (): Val => {
      if (ins.length !== 1) unsupported(layer, `${ins.length} inputs`);
      return ins[0] as Val;
    };
    switch (cls) {
      case 'Conv2D':
      case 'Conv3D':
        return conv(layer, one(), outShape);
      case 'Conv1D':
        return unsupported(layer, '1-D convolution');
      case 'Dense': {
        const [kernel, bias] = layer.weights as [tf.LayerVariable, tf.LayerVariable | undefined];
        const z = linear(layer, inLayout(one(), false), kernel, c.useBias === false ? undefined : bias, Number(c.units));
        return activate(layer, c.activation as string | undefined, z);
      }
      case 'survkit>CoxHead':
      case 'survkit>DiscreteHead':
      case 'survkit>LogitsHead': {
        const [kernel, bias] = layer.weights as [tf.LayerVariable, tf.LayerVariable | undefined];
        return linear(layer, inLayout(one(), false), kernel, bias, kernel.shape[1] as number);
      }
      case 'MaxPooling2D':
      case 'MaxPooling3D':
        return maxPool(layer, one());
      case 'GlobalAveragePooling1D':
      case 'GlobalAveragePooling2D':
      case 'GlobalAveragePooling3D':
        if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') unsupported(layer, `dataFormat '${str(c.dataFormat)}'`);
        return globalAvg(one());
      case 'survkit>GlobalPool':
        if (c.mode !== 'avg') unsupported(layer, `mode '${str(c.mode)}' (only 'avg')`);
        return globalAvg(one());
      case 'BatchNormalization':
        return batchNorm(layer, one());
      case 'Activation':
        return activate(layer, c.activation as string, one());
      case 'ReLU':
        if (c.maxValue !== undefined && c.maxValue !== null) unsupported(layer, `maxValue ${str(c.maxValue)}`);
        return activate(layer, 'relu', one());
      case 'Dropout':
      case 'survkit>SeededDropout':
        if (c.noiseShape !== undefined && c.noiseShape !== null) unsupported(layer, 'a noise shape');
        return dropout(layer, one(), Number(c.rate ?? 0));
      case 'Flatten':
      case 'Reshape':
        return reshapeTo(layer, one(), outShape);
      case 'ZeroPadding2D':
      case 'survkit>ZeroPadding3D':
        return zeroPad(layer, one());
      case 'Add':
        return add(ins);
      case 'Concatenate':
        return concat(layer, ins);
      default:
        return unsupported(layer, 'no training rule for this layer class');
    }
  };

  // Forward: evaluate the symbolic graph, nested models included.
  const inputs = net.inputs.map((_, i) => `x${i}`);
  type Scope = Map<tf.SymbolicTensor, Val>;
  const top: Scope = new Map(net.inputs.map((t, i) => [t, { name: inputs[i] as string, shape: t.shape, cf: false, grad: false }]));
  const layerOut = new Map<string, Val[]>();
  const evaluate = (t: tf.SymbolicTensor, scope: Scope, path: string): Val => {
    const known = scope.get(t);
    if (known) return known;
    const layer = t.sourceLayer;
    const key = `${path}/${layer.name}#${t.nodeIndex}`;
    let outs = layerOut.get(key);
    if (outs === undefined) {
      const node = (layer as unknown as { inboundNodes: { inputTensors: tf.SymbolicTensor[] }[] }).inboundNodes[t.nodeIndex];
      if (node === undefined) throw new Error(`layer ${layer.name} has no node ${t.nodeIndex}`);
      const ins = node.inputTensors.map((s) => evaluate(s, scope, path));
      if (layer instanceof tf.LayersModel) {
        const inner: Scope = new Map(layer.inputs.map((s, i) => [s, ins[i] as Val]));
        outs = layer.outputs.map((s) => evaluate(s, inner, key));
      } else {
        const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
        if (shapes.length !== 1) unsupported(layer, `${shapes.length} outputs`);
        outs = [apply(layer, ins, t.shape)];
      }
      layerOut.set(key, outs);
    }
    const v = outs[t.tensorIndex];
    if (v === undefined) throw new Error(`layer ${layer.name} has no output ${t.tensorIndex}`);
    return v;
  };
  const outVal = evaluate(net.outputs[0] as tf.SymbolicTensor, top, '');
  const y = inLayout(outVal, false);
  const output = g.op('Identity', [y.name], {}, 'y');
  const forwardCount = g.nodes.length;

  // Backward.
  const outputGrad = 'dy';
  addGradFrom(outVal, false, outputGrad); // dy comes channels-last, as the output leaves
  for (let i = tape.length - 1; i >= 0; i--) (tape[i] as () => void)();
  const weightInput = new Map(weights.map((w) => [w.input, w]));
  const gradOutputs: OnnxValueInfo[] = [];
  for (const w of weights) {
    if (w.grad === undefined) continue;
    const own = w.variable.shape as number[];
    const dims = graphLayout && w.perm ? w.perm.map((a) => own[a] as number) : own;
    // A trainable weight the output does not depend on has a zero gradient.
    const gname = paramGrads.get(w.grad) ?? g.op('ConstantOfShape', [g.ints(dims)]);
    g.nodes.push({ op: 'Identity', inputs: [gname], outputs: [w.grad] });
    gradOutputs.push({ name: w.grad, dtype: 'float32', dims });
  }

  // Split: what the backward nodes read from the forward part is saved.
  const fwdNodes = g.nodes.slice(0, forwardCount);
  const bwdNodes = g.nodes.slice(forwardCount);
  const produced = new Set(fwdNodes.flatMap((n) => n.outputs));
  const initByName = new Map([...g.inits.values()].map((t) => [t.name, t]));
  const xShape = new Map(net.inputs.map((t, i) => [inputs[i] as string, t.shape]));
  const int64 = new Set(fwdNodes.flatMap((n) => (n.op === 'MaxPool' && n.outputs[1] ? [n.outputs[1]] : []))); // argmax indices
  const infoOf = (name: string): OnnxValueInfo => {
    const w = weightInput.get(name);
    if (w) return { name, dtype: 'float32', dims: w.perm ? w.perm.map((a) => w.variable.shape[a] as number) : (w.variable.shape as number[]) };
    const s = xShape.get(name);
    if (s) return { name, dtype: 'float32', dims: s.map((v) => (v === null ? 'n' : v)) };
    return { name, dtype: int64.has(name) ? 'int64' : 'float32' };
  };
  /** A graph of `nodes`: its inputs are what the nodes read and nothing before them made (constants are initializers). */
  const graphOf = (nodes: OnnxNode[], outputs: OnnxValueInfo[], name: string): OnnxGraph => {
    const made = new Set(nodes.flatMap((n) => n.outputs));
    const used = [...new Set(nodes.flatMap((n) => n.inputs).filter((s) => s !== '' && !made.has(s)))];
    return {
      name,
      nodes,
      initializers: used.filter((s) => initByName.has(s)).map((s) => initByName.get(s) as OnnxTensorData),
      inputs: used.filter((s) => !initByName.has(s)).map(infoOf),
      outputs,
      opset: STEP_OPSET,
    };
  };
  const bwdMade = new Set(bwdNodes.flatMap((n) => n.outputs));
  const saved = [...new Set(bwdNodes.flatMap((n) => n.inputs))].filter((s) => produced.has(s) && !bwdMade.has(s));
  const forward = graphOf(
    fwdNodes,
    [infoOf(output), ...stats.map((s) => infoOf(s.output)), ...saved.filter((s) => s !== output).map(infoOf)],
    'survkit_forward',
  );
  const backward = graphOf(bwdNodes, gradOutputs, 'survkit_backward');
  const baked = weights.filter((w) => w.constant === true).map((w) => ({ variable: w.variable, data: compiledFrom.get(w.variable) as Float32Array }));
  return { forward, backward, inputs, weights, stats, output, outputGrad, saved, baked };
}
