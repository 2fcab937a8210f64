/**
 * The stock TF.js kernels that survkit's patches replaced, kept for
 * delegation (e.g. dtypes a patch does not handle) and for tests.
 */
import type { KernelConfig } from '@tensorflow/tfjs';

const stock = new Map<string, KernelConfig>();

const key = (name: string, backend: string): string => `${name}@${backend}`;

/** Remembers the stock kernel `config` before a patch replaces it. */
export function keepStock(config: KernelConfig): void {
  stock.set(key(config.kernelName, config.backendName), config);
}

/** Forgets all remembered stock kernels (after they were restored). */
export function clearStock(): void {
  stock.clear();
}

/**
 * The stock TF.js kernel that a patch replaced (undefined where the backend had none).
 *
 * @example
 * stockKernel('Conv2DBackpropFilter', 'cpu'); // TF.js's element-by-element kernel
 * stockKernel('Conv2DBackpropFilter', 'wasm'); // undefined: wasm had none
 */
export function stockKernel(name: string, backend: string): KernelConfig | undefined {
  return stock.get(key(name, backend));
}
