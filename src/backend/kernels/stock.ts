/**
 * The stock TF.js kernels that survkit's patches replaced, kept for
 * delegation (e.g. dtypes a patch does not handle), for restoring and for tests.
 */
import type { KernelConfig } from '@tensorflow/tfjs';

const stock = new Map<string, KernelConfig>();

/** The registry key of a kernel: `Name@backend` (the form `survkit info` prints). */
export const patchKey = (name: string, backend: string): string => `${name}@${backend}`;

/** Remembers the stock kernel `config` before a patch replaces it. */
export function keepStock(config: KernelConfig): void {
  stock.set(patchKey(config.kernelName, config.backendName), config);
}

/** Forgets the remembered stock kernel of `name` on `backend` (after it was restored). */
export function forgetStock(name: string, backend: string): void {
  stock.delete(patchKey(name, backend));
}

/**
 * The stock TF.js kernel that a patch replaced (undefined where the backend
 * had none, or while the patch is not installed).
 *
 * @example
 * stockKernel('Conv2DBackpropFilter', 'cpu'); // TF.js's element-by-element kernel
 * stockKernel('Conv2DBackpropFilter', 'wasm'); // undefined: wasm had none
 */
export function stockKernel(name: string, backend: string): KernelConfig | undefined {
  return stock.get(patchKey(name, backend));
}
