/**
 * survkit's numerically careful TF.js building blocks. The gamma-function
 * kernels and gradients are registered when this module loads.
 */
import { registerGammaKernels } from './gamma-kernels.js';

registerGammaKernels();

export { lgamma } from './lgamma.js';
export { digamma, trigamma, polygamma } from './digamma.js';
export { lgammaScalar, polygammaScalar, digammaScalar, trigammaScalar } from './gamma-math.js';
export { registerGammaKernels } from './gamma-kernels.js';
export { batchNormTraining } from './batch-norm.js';
