/** survkit/metrics — evaluation of censored outcomes (no TensorFlow.js). */
export {};
