/**
 * The conv patches of the one table (patch-table.ts, group 'conv'): 2D
 * convolution training on cpu and wasm. Thin views of the registry
 * (registry.ts), kept for benchmarks and tests that compare with stock TF.js;
 * `initBackend()` installs every group.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import { PATCHES } from './patch-table.js';
import { installedPatchNames, installPatches, restorePatches } from './registry.js';
import { stockKernel } from './stock.js';

/** Every conv kernel patch survkit ships, per backend (fresh configs, not installed). */
export function kernelPatchConfigs(): KernelConfig[] {
  return PATCHES.flatMap((p) => (p.kind === 'kernel' && p.group === 'conv' ? [p.make(undefined)] : []));
}

/**
 * Installs the conv patches (idempotent). Returns them as `Name@backend`
 * strings, plus `grad:Conv2D`.
 *
 * @example
 * registerKernelPatches(); // ['Conv2DBackpropFilter@cpu', …, 'grad:Conv2D']
 */
export function registerKernelPatches(): string[] {
  return installPatches(['conv']);
}

/** The conv patches in force (empty before {@link registerKernelPatches}). */
export function patchedKernelNames(): string[] {
  return installedPatchNames(['conv']);
}

export { stockKernel };

/**
 * Restores the stock kernels and gradient of the conv patches (for
 * comparisons in tests and benchmarks); {@link registerKernelPatches} installs them again.
 *
 * @example
 * unregisterKernelPatches(); // stock TF.js: conv training fails on wasm again
 * registerKernelPatches();
 */
export function unregisterKernelPatches(): void {
  restorePatches(['conv']);
}
