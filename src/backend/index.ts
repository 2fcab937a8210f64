/**
 * survkit's TensorFlow.js backend layer: backend selection, `survkit info`,
 * and the kernel and gradient patches (registered when this module loads).
 */
import { registerKernelPatches } from './kernels/register.js';
import { silenceCpuBanner } from './select.js';

registerKernelPatches();
silenceCpuBanner();

export { initBackend, currentBackend, BACKENDS, type BackendName, type BackendInfo, type InitBackendOptions } from './select.js';
export { backendInfo, formatBackendInfo } from './info.js';
export {
  registerKernelPatches,
  unregisterKernelPatches,
  patchedKernelNames,
  stockKernel,
  kernelPatchConfigs,
} from './kernels/register.js';
export { filterGradViaConv } from './kernels/conv2d-grad.js';
