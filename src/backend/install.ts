/**
 * survkit's one install path: everything survkit changes in TF.js, done
 * only when asked — by `initBackend()`, and lazily by a survkit model's
 * first `fit` / `predict` (see `ensureBackend`) — never when a module loads:
 *
 * - the kernel and gradient patches of the one table (kernels/patch-table.ts),
 *   and the batch-norm training speed-up (backbones/batch-norm-modes.ts), both
 *   only within the tested TF.js range (version-guard.ts);
 * - survkit's own kernels `SurvkitLgamma` / `SurvkitPolygamma` (ops/gamma-kernels.ts);
 * - survkit's layer classes in TF.js's serialization map (layers.ts);
 * - the cpu backend's "looks like you are running TensorFlow.js in Node.js" banner, silenced.
 *
 * {@link restoreStockKernels} undoes the kernel patches.
 */
import * as tf from '@tensorflow/tfjs';
import { setBatchNormSpeedUp } from '../backbones/batch-norm-modes.js';
import { registerGammaKernels } from '../ops/gamma-kernels.js';
import { installPatches, restorePatches } from './kernels/registry.js';
import { registerSurvkitLayers } from './layers.js';
import { checkTfjsVersion } from './version-guard.js';

/** Silences the cpu backend's "Hi, looks like you are running TensorFlow.js in Node.js" banner. */
export function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

/** Set by {@link restoreStockKernels}: the lazy path (a model's first use) then leaves the kernels stock. */
let stockRequested = false;

/**
 * Installs everything survkit changes in TF.js (idempotent; see the module
 * notes). `lazy` marks the call from a model's first use, which does not
 * undo an earlier {@link restoreStockKernels}. Returns whether the kernel
 * patches are in force.
 */
export function installSurvkit(fn: string, lazy = false): boolean {
  if (!lazy) stockRequested = false;
  silenceCpuBanner();
  registerGammaKernels();
  registerSurvkitLayers();
  const tested = checkTfjsVersion(fn);
  setBatchNormSpeedUp(tested);
  if (stockRequested || !tested) return false;
  installPatches();
  return true;
}

/**
 * The synchronous part of `ensureBackend()`, for survkit functions that run
 * a network synchronously (e.g. `saliency`): installs what survkit changes in
 * TF.js for the backends loaded now (idempotent), without choosing a backend
 * and without undoing {@link restoreStockKernels}.
 *
 * @example
 * ensurePatches('saliency');
 */
export function ensurePatches(fn: string): void {
  installSurvkit(fn, true);
}

/**
 * Restores TF.js's stock kernels and gradients that survkit's patches
 * replaced, and unregisters the kernels it added (survkit's own gamma
 * kernels and layer classes stay: they replace nothing). A later model
 * `fit` / `predict` keeps the stock kernels; `initBackend()` installs the
 * patches again.
 *
 * @example
 * await initBackend();
 * restoreStockKernels(); // TF.js as without survkit's patches (conv training on wasm fails again)
 */
export function restoreStockKernels(): void {
  stockRequested = true;
  restorePatches();
}
