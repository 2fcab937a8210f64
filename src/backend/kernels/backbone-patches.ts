/**
 * Kernel and gradient patches for training survkit's image and video
 * backbones (ResNets with batch norm, 3D convolutions) at a usable speed on
 * the cpu and wasm backends. Registered (idempotently) when survkit's
 * backbones load, on top of the conv patches of register.ts:
 *
 * | patch | cpu | wasm | why |
 * |---|---|---|---|
 * | gradient of FusedBatchNorm | overridden | overridden | no `tf.tile` to the full shape (see batch-norm-grad.ts) |
 * | FusedConv2D | replaced | — | runs survkit's Conv2D instead of the stock scalar loop |
 * | Conv3D, Conv3DBackpropFilterV2, Conv3DBackpropInputV2 | replaced | replaced | one 2D convolution per temporal tap (see conv3d-via-conv2d.ts) [1] |
 * | Sum (rank ≥ 5, not only innermost axes) | — | wrapped | one pass instead of a generic 5D transpose (see sum-wasm.ts) |
 * | Multiply, Add, Sub, RealDiv (same shape or leading-axis broadcast), Mean, Relu, Step | wrapped | — | plain loops (see elementwise-cpu.ts) [2] |
 * | Slice, PadV2 | wrapped | — | row copies instead of element-by-element buffers (see slice-pad-cpu.ts) |
 *
 * [1] TF.js 4.22's wasm gradients disagree with the definition (input gradient with > 1 input
 * channel, filter gradient with strides).
 * [2] No per-element index arithmetic, closure or transpose.
 *
 * {@link unregisterBackbonePatches} restores the stock kernels (for comparisons).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs';
import { batchNormGradConfig } from './batch-norm-grad.js';
import { BINARY_OPS, binaryCpuConfig, meanCpuConfig, unaryCpuConfig } from './elementwise-cpu.js';
import { conv3dConfigs } from './conv3d-via-conv2d.js';
import { fusedConv2dCpuConfig } from './fused-conv2d-cpu.js';
import { registerKernelPatches } from './register.js';
import { padCpuConfig, sliceCpuConfig } from './slice-pad-cpu.js';
import { sumWasmConfig } from './sum-wasm.js';

const stock = new Map<string, KernelConfig>();
let stockBatchNormGrad: GradConfig | undefined;
let installed: KernelConfig[] = [];

const key = (name: string, backend: string): string => `${name}@${backend}`;

/**
 * Registers the backbone patches (once; survkit's conv patches first).
 * Returns the patched kernels as `Name@backend` strings plus `grad:FusedBatchNorm`.
 *
 * @example
 * registerBackbonePatches(); // ['FusedConv2D@cpu', 'Conv3D@cpu', …, 'grad:FusedBatchNorm']
 */
export function registerBackbonePatches(): string[] {
  registerKernelPatches();
  if (installed.length === 0) {
    const configs = [
      fusedConv2dCpuConfig(tf.getKernel(tf.FusedConv2D, 'cpu')),
      ...conv3dConfigs('cpu'),
      ...conv3dConfigs('wasm'),
      sumWasmConfig(tf.getKernel(tf.Sum, 'wasm')),
      ...BINARY_OPS.map((op) => binaryCpuConfig(op, tf.getKernel(op, 'cpu'))),
      meanCpuConfig(tf.getKernel(tf.Mean, 'cpu')),
      unaryCpuConfig('Relu', tf.getKernel(tf.Relu, 'cpu')),
      unaryCpuConfig('Step', tf.getKernel(tf.Step, 'cpu')),
      sliceCpuConfig(tf.getKernel(tf.Slice, 'cpu')),
      padCpuConfig(tf.getKernel(tf.PadV2, 'cpu')),
    ];
    for (const c of configs) {
      let config = c;
      const existing = tf.getKernel(c.kernelName, c.backendName);
      if (existing !== undefined) {
        stock.set(key(c.kernelName, c.backendName), existing);
        tf.unregisterKernel(c.kernelName, c.backendName);
        // A wasm kernel binds its WebAssembly function in setupFunc, run when the backend initialises;
        // keep the stock one so that the stock kernel still works when delegated to or restored.
        if (config.setupFunc === undefined && existing.setupFunc !== undefined) config = { ...config, setupFunc: existing.setupFunc };
      }
      tf.registerKernel(config);
    }
    stockBatchNormGrad = tf.getGradient(tf.FusedBatchNorm);
    tf.registerGradient(batchNormGradConfig);
    installed = configs;
  }
  return backbonePatchNames();
}

/** The backbone patches in force (empty before {@link registerBackbonePatches}). */
export function backbonePatchNames(): string[] {
  if (installed.length === 0) return [];
  return [...installed.map((c) => key(c.kernelName, c.backendName)), `grad:${tf.FusedBatchNorm}`];
}

/**
 * The stock kernel a backbone patch replaced (undefined where there was none).
 *
 * @example
 * stockBackboneKernel('Conv3D', 'wasm'); // TF.js's own wasm Conv3D
 */
export function stockBackboneKernel(name: string, backend: string): KernelConfig | undefined {
  return stock.get(key(name, backend));
}

/**
 * Restores the stock kernels and the stock batch-norm gradient;
 * {@link registerBackbonePatches} installs the patches again.
 *
 * @example
 * unregisterBackbonePatches();
 * registerBackbonePatches();
 */
export function unregisterBackbonePatches(): void {
  if (installed.length === 0) return;
  for (const config of installed) {
    tf.unregisterKernel(config.kernelName, config.backendName);
    const original = stock.get(key(config.kernelName, config.backendName));
    if (original !== undefined) tf.registerKernel(original);
  }
  if (stockBatchNormGrad !== undefined) tf.registerGradient(stockBatchNormGrad);
  stock.clear();
  installed = [];
}
