/**
 * Registers survkit's kernel and gradient patches with TF.js (idempotent).
 *
 * | kernel | cpu | wasm | why |
 * |---|---|---|---|
 * | Conv2DBackpropFilter | replaced | added | wasm has none; cpu's reads element by element |
 * | Conv2DBackpropInput | replaced | replaced | im2col/GEMM or XNNPACK instead of scalar loops |
 * | Conv2D | replaced | — | cpu: im2col + GEMM (wasm keeps XNNPACK) |
 * | Sum | replaced | — | cpu: one pass, no transpose (conv bias gradients) |
 * | MaxPoolGrad | replaced | replaced | one pass instead of per-element arg-max recomputation |
 * | UnsortedSegmentSum | — | added | gradient of tf.gather |
 * | DepthwiseConv2dNativeBackpropFilter/Input | — | added | depthwise training on wasm |
 * | gradient of Conv2D | overridden | overridden | dilations > 1; see conv2d-grad.ts |
 *
 * The stock kernels replaced here are kept: {@link stockKernel} returns them
 * (tests compare against them) and {@link unregisterKernelPatches} restores them.
 */
import * as tf from '@tensorflow/tfjs';
// The wasm package registers its kernels on import; it must do so before survkit patches them.
import '@tensorflow/tfjs-backend-wasm';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { conv2dCpuConfig } from './conv2d-forward.js';
import { conv2dGradConfig, setPatchedBackends } from './conv2d-grad.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import type { PatchedBackend } from './kernel-io.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { clearStock, keepStock, stockKernel } from './stock.js';
import { sumCpuConfig } from './sum.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Every kernel patch survkit ships, per backend. */
export function kernelPatchConfigs(): KernelConfig[] {
  const perBackend = (b: PatchedBackend): KernelConfig[] => [conv2dBackpropFilterConfig(b), conv2dBackpropInputConfig(b), maxPoolGradConfig(b)];
  return [
    ...perBackend('cpu'),
    conv2dCpuConfig(),
    sumCpuConfig(),
    ...perBackend('wasm'),
    unsortedSegmentSumConfig('wasm'),
    depthwiseBackpropFilterConfig('wasm'),
    depthwiseBackpropInputConfig('wasm'),
  ];
}

let stockGrad: GradConfig | undefined;
let installed: KernelConfig[] = [];

const key = (name: string, backend: string): string => `${name}@${backend}`;

/**
 * Registers all patches (once; later calls return the same list). Returns
 * the patched kernels as `Name@backend` strings, plus `grad:Conv2D`.
 * Called when survkit's backend module loads; calling it again is harmless.
 *
 * @example
 * registerKernelPatches(); // ['Conv2DBackpropFilter@cpu', …, 'grad:Conv2D']
 */
export function registerKernelPatches(): string[] {
  if (installed.length === 0) {
    const configs = kernelPatchConfigs();
    for (const config of configs) {
      const existing = tf.getKernel(config.kernelName, config.backendName);
      if (existing !== undefined) {
        keepStock(existing);
        tf.unregisterKernel(config.kernelName, config.backendName);
      }
      tf.registerKernel(config);
    }
    stockGrad = tf.getGradient(tf.Conv2D);
    tf.registerGradient(conv2dGradConfig);
    setPatchedBackends(['cpu', 'wasm']);
    installed = configs;
  }
  return patchedKernelNames();
}

/** The patches in force, as `Name@backend` strings (empty before {@link registerKernelPatches}). */
export function patchedKernelNames(): string[] {
  if (installed.length === 0) return [];
  return [...installed.map((c) => key(c.kernelName, c.backendName)), `grad:${tf.Conv2D}`];
}

export { stockKernel };

/**
 * Restores the stock kernels and gradient (for comparisons in tests and
 * benchmarks); {@link registerKernelPatches} installs the patches again.
 *
 * @example
 * unregisterKernelPatches(); // stock TF.js: conv training fails on wasm again
 * registerKernelPatches();
 */
export function unregisterKernelPatches(): void {
  if (installed.length === 0) return;
  for (const config of installed) {
    tf.unregisterKernel(config.kernelName, config.backendName);
    const original = stockKernel(config.kernelName, config.backendName);
    if (original !== undefined) tf.registerKernel(original);
  }
  if (stockGrad !== undefined) tf.registerGradient(stockGrad);
  setPatchedBackends([]);
  clearStock();
  installed = [];
}
