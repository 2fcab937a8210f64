/**
 * The one registry of survkit's kernel and gradient patches: installs the
 * rows of {@link PATCHES} (idempotently, row by row), keeps the stock
 * kernels and gradients they replace, and restores them.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs';
import { setPatchedBackends } from './conv2d-grad.js';
import { PATCHES, type Patch, type PatchGroup } from './patch-table.js';
import { forgetStock, keepStock, patchKey, stockKernel } from './stock.js';

/** The name under which a row is listed: `Name@backend`, or `grad:Name` for a gradient. */
export function patchName(p: Patch): string {
  return p.kind === 'gradient' ? `grad:${p.kernel}` : patchKey(p.kernel, p.backend);
}

const installed = new Set<string>();
/** The config each installed kernel row registered (what `tf.getKernel` must return while it is in force). */
const registered = new Map<string, KernelConfig>();
const stockGradients = new Map<string, GradConfig | undefined>();

/** Whether `backend`'s kernels are registered with TF.js (the wasm package registers its own on import). */
function available(backend: string): boolean {
  return backend === 'cpu' || tf.findBackendFactory(backend) !== null;
}

function install(p: Patch): void {
  const name = patchName(p);
  if (installed.has(name)) return;
  if (p.kind === 'gradient') {
    stockGradients.set(name, tf.getGradient(p.kernel));
    tf.registerGradient(p.config);
  } else {
    if (!available(p.backend)) return;
    const existing = tf.getKernel(p.kernel, p.backend);
    let config = p.make(existing);
    if (existing !== undefined) {
      keepStock(existing);
      tf.unregisterKernel(p.kernel, p.backend);
      // A wasm kernel binds its WebAssembly function in setupFunc, run when the backend initialises;
      // keep the stock one so that the stock kernel still works when delegated to or restored.
      if (config.setupFunc === undefined && existing.setupFunc !== undefined) config = { ...config, setupFunc: existing.setupFunc };
    }
    tf.registerKernel(config);
    registered.set(name, config);
  }
  installed.add(name);
}

function restore(p: Patch): void {
  const name = patchName(p);
  if (!installed.has(name)) return;
  if (p.kind === 'gradient') {
    const original = stockGradients.get(name);
    if (original !== undefined) tf.registerGradient(original);
    stockGradients.delete(name);
  } else {
    tf.unregisterKernel(p.kernel, p.backend);
    const original = stockKernel(p.kernel, p.backend);
    if (original !== undefined) tf.registerKernel(original);
    forgetStock(p.kernel, p.backend);
    registered.delete(name);
  }
  installed.delete(name);
}

function rows(groups: readonly PatchGroup[]): Patch[] {
  return PATCHES.filter((p) => groups.includes(p.group));
}

function syncConvGradient(): void {
  setPatchedBackends(installed.has(`grad:${tf.Conv2D}`) ? ['cpu', 'wasm'] : []);
}

/**
 * Installs the rows of `groups` not yet installed (wasm rows only once the
 * wasm backend is registered) and returns the names of those in force.
 */
export function installPatches(groups: readonly PatchGroup[] = ['conv', 'backbone']): string[] {
  for (const p of rows(groups)) install(p);
  syncConvGradient();
  return installedPatchNames(groups);
}

/** Restores the stock kernels and gradients of `groups` (all by default); a no-op where none is installed. */
export function restorePatches(groups: readonly PatchGroup[] = ['conv', 'backbone']): void {
  for (const p of [...rows(groups)].reverse()) restore(p);
  syncConvGradient();
}

/** The names of the installed rows of `groups`, in table order. */
export function installedPatchNames(groups: readonly PatchGroup[] = ['conv', 'backbone']): string[] {
  return rows(groups)
    .map(patchName)
    .filter((n) => installed.has(n));
}

/** The installed rows, with the reason for each (for `survkit info`). */
export function installedPatches(): { name: string; group: PatchGroup; action: string; why: string }[] {
  return PATCHES.filter((p) => installed.has(patchName(p))).map((p) => ({
    name: patchName(p),
    group: p.group,
    action: p.kind === 'gradient' ? 'overrides the gradient' : p.action,
    why: p.why,
  }));
}

/**
 * The kernel config survkit registered for the installed row `name`
 * (`Kernel@backend`), or undefined where that row is not installed. While the
 * patch is in force, `tf.getKernel(kernel, backend)` returns this very object.
 *
 * @example
 * installedKernelConfig('MaxPool3DGrad@cpu') === tf.getKernel('MaxPool3DGrad', 'cpu'); // true after initBackend()
 */
export function installedKernelConfig(name: string): KernelConfig | undefined {
  return registered.get(name);
}
