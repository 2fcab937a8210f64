/**
 * survkit's TensorFlow.js backend layer: backend selection, `survkit info`,
 * the one table of kernel and gradient patches, survkit's layer classes and
 * the install path that applies them. Importing it changes nothing in
 * TF.js: `initBackend()` (or a survkit model's first `fit` / `predict`) does.
 */
export { initBackend, ensureBackend, currentBackend, BACKENDS, type BackendName, type BackendInfo, type InitBackendOptions } from './select.js';
export { restoreStockKernels } from './install.js';
export { registerSurvkitLayers, SURVKIT_LAYERS } from './layers.js';
export { TESTED_TFJS_RANGE, tfjsVersionTested } from './version-guard.js';
export { backendInfo, formatBackendInfo } from './info.js';
export { PATCHES, type Patch, type KernelPatch, type GradientPatch, type PatchGroup, type PatchAction } from './kernels/patch-table.js';
export type { PatchedBackend } from './kernels/kernel-io.js';
export { installedPatches } from './kernels/registry.js';
export { registerBackbonePatches, unregisterBackbonePatches, backbonePatchNames } from './kernels/backbone-patches.js';
export { registerKernelPatches, unregisterKernelPatches, patchedKernelNames, stockKernel, kernelPatchConfigs } from './kernels/register.js';
export { filterGradViaConv, type Shape4, type Pad } from './kernels/conv2d-grad.js';
