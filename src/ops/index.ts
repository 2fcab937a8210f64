/**
 * survkit's numerically careful TF.js building blocks. Nothing is registered
 * when this module loads: the gamma-function kernels and gradients are
 * registered by `initBackend()` or on the first use of an op.
 */
export { lgamma } from './lgamma.js';
export { digamma, trigamma, polygamma } from './digamma.js';
export { lgammaScalar, polygammaScalar, digammaScalar, trigammaScalar } from './gamma-math.js';
export { registerGammaKernels } from './gamma-kernels.js';
export { batchNormTraining } from './batch-norm.js';
