/**
 * The backbone patches of the one table (patch-table.ts, group 'backbone'):
 * batch-norm gradient, cpu FusedConv2D, Conv3D and its gradients, wasm Sum,
 * cpu elementwise ops, Slice and PadV2. Thin views of the registry
 * (registry.ts), kept for benchmarks and tests; `initBackend()` installs every group.
 */
import type { KernelConfig } from '@tensorflow/tfjs';
import { installedPatchNames, installPatches, restorePatches } from './registry.js';
import { stockKernel } from './stock.js';

/**
 * Installs the backbone patches (idempotent; the conv patches first).
 * Returns them as `Name@backend` strings plus `grad:FusedBatchNorm`.
 *
 * @example
 * registerBackbonePatches(); // ['FusedConv2D@cpu', 'Conv3D@cpu', …, 'grad:FusedBatchNorm']
 */
export function registerBackbonePatches(): string[] {
  installPatches(['conv']);
  return installPatches(['backbone']);
}

/** The backbone patches in force (empty before {@link registerBackbonePatches}). */
export function backbonePatchNames(): string[] {
  return installedPatchNames(['backbone']);
}

/**
 * The stock kernel a backbone patch replaced (undefined where there was none).
 *
 * @example
 * stockBackboneKernel('Conv3D', 'wasm'); // TF.js's own wasm Conv3D
 */
export function stockBackboneKernel(name: string, backend: string): KernelConfig | undefined {
  return stockKernel(name, backend);
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
  restorePatches(['backbone']);
}
