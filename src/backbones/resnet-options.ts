import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { deriveSeed } from '../ops/init.js';

// Training these networks relies on survkit's batch-norm gradient, cpu FusedConv2D and Conv3D patches
// (slow, or for 3D convolutions on wasm wrong, with the stock kernels). They are installed by
// initBackend() or a model's first fit / predict (backend/install.ts), not by this module.

/** Normalisation after each convolution of survkit's ResNets. */
export type ResNetNorm = 'batch' | 'none';

/** Options shared by {@link resnet2d} and the video networks. */
export interface ResNetCommonOptions {
  /** Channels of each stage (default [16, 32, 64] for 2D, [8, 16, 32] for video). Every stage after the first halves the spatial size. */
  widths?: readonly number[];
  /** Residual blocks per stage: one number for all stages or one per stage (default 1). */
  blocksPerStage?: number | readonly number[];
  /** 'batch' (default; conv without bias → batch norm, PyTorch momentum and epsilon) or 'none' (conv with bias). */
  norm?: ResNetNorm;
  /** Seed of the weight initialisation (omit for a random one). */
  seed?: number;
  /** Model name and prefix of every layer name. */
  name?: string;
  /** Name of the input layer. */
  inputName?: string;
}

/** Validated common options. */
export interface ResNetPlan {
  widths: number[];
  blocks: number[];
  norm: ResNetNorm;
  seed: number | undefined;
  name: string;
}

/** Validates the common options of a ResNet builder named `fn`. */
export function resNetPlan(fn: string, o: ResNetCommonOptions, defaultWidths: readonly number[], defaultName: string): ResNetPlan {
  const given: unknown = o.widths ?? defaultWidths;
  if (!Array.isArray(given) || given.length === 0) throw survkitError('optionRange', fn, 'widths', 'a non-empty array of channel counts', given);
  const widths = (given as unknown[]).map((w) => assertNumberOption(fn, 'widths', w, { min: 1, integer: true }));
  const b: unknown = o.blocksPerStage ?? 1;
  let blocks: number[];
  if (Array.isArray(b)) {
    if (b.length !== widths.length) throw survkitError('optionRange', fn, 'blocksPerStage', `one count per stage (${widths.length})`, b);
    blocks = (b as unknown[]).map((k) => assertNumberOption(fn, 'blocksPerStage', k, { min: 1, integer: true }));
  } else {
    blocks = widths.map(() => assertNumberOption(fn, 'blocksPerStage', b, { min: 1, integer: true }));
  }
  const norm = assertChoice(fn, 'norm', o.norm ?? 'batch', ['batch', 'none'] as const);
  const seed = o.seed === undefined ? undefined : assertNumberOption(fn, 'seed', o.seed, { integer: true });
  const name = o.name ?? defaultName;
  if (typeof name !== 'string' || name === '') throw survkitError('optionRange', fn, 'name', 'a non-empty string', name);
  return { widths, blocks, norm, seed, name };
}

/** Validates an input shape of `rank` positive integers. */
export function inputShapeOf(fn: string, shape: unknown, rank: number, what: string): number[] {
  if (!Array.isArray(shape) || shape.length !== rank) throw survkitError('optionRange', fn, 'inputShape', `${what} (${rank} positive integers)`, shape);
  return (shape as unknown[]).map((s) => assertNumberOption(fn, 'inputShape', s, { min: 1, integer: true }));
}

/**
 * Deterministic per-layer seeds: `next()` gives the seed of the next
 * initialiser (undefined when the network is unseeded).
 */
export class SeedStream {
  private k = 0;
  constructor(private readonly seed: number | undefined) {}
  next(): number | undefined {
    return deriveSeed(this.seed, this.k++);
  }
}

/**
 * PyTorch's `kaiming_normal_(mode='fan_out', nonlinearity='relu')`, which
 * torchvision's ResNets use for every convolution: N(0, 2 / fanOut) with
 * fanOut = outChannels × kernel volume (untruncated, unlike tf.layers' heNormal).
 */
export function kaimingFanOut(kernel: readonly number[], outChannels: number, seed: number | undefined): ReturnType<typeof tf.initializers.zeros> {
  const fanOut = outChannels * kernel.reduce((a, b) => a * b, 1);
  return tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / fanOut), ...(seed === undefined ? {} : { seed }) });
}

/** Batch norm with PyTorch's defaults (momentum 0.1 = Keras 0.9, epsilon 1e-5), or nothing for norm 'none'. */
export function normLayer(plan: ResNetPlan, name: string): tf.layers.Layer | null {
  return plan.norm === 'batch' ? tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5, name }) : null;
}

/** Applies `layer` to `x` (a symbolic tensor). */
export function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

/** `x` → [norm] → ReLU (when `relu`), with torchvision-style names. */
export function normRelu(plan: ResNetPlan, x: tf.SymbolicTensor, normName: string, reluName: string | null): tf.SymbolicTensor {
  const n = normLayer(plan, normName);
  let h = n === null ? x : apply(n, x);
  if (reluName !== null) h = apply(tf.layers.reLU({ name: reluName }), h);
  return h;
}
