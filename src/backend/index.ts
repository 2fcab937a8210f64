/**
 * survkit's TensorFlow.js backend layer: backend selection, `survkit info`,
 * and the kernel and gradient patches (registered when this module loads).
 */
import { registerBackbonePatches } from './kernels/backbone-patches.js';
import { registerKernelPatches } from './kernels/register.js';
import { initBackend, silenceCpuBanner } from './select.js';

registerKernelPatches();
registerBackbonePatches();
silenceCpuBanner();
// Choose the backend when survkit's TensorFlow.js side is first imported, so
// that tensors a user creates right after `import … from 'survkit'` already
// live on the fastest backend (tfjs-node, else WASM, else CPU; SURVKIT_BACKEND
// overrides). A later `initBackend({ backend })` or `tf.setBackend` still wins.
await initBackend();

export { initBackend, currentBackend, BACKENDS, type BackendName, type BackendInfo, type InitBackendOptions } from './select.js';
export { backendInfo, formatBackendInfo } from './info.js';
export { registerBackbonePatches, unregisterBackbonePatches, backbonePatchNames } from './kernels/backbone-patches.js';
export { registerKernelPatches, unregisterKernelPatches, patchedKernelNames, stockKernel, kernelPatchConfigs } from './kernels/register.js';
export { filterGradViaConv, type Shape4, type Pad } from './kernels/conv2d-grad.js';
