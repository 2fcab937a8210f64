/**
 * NCHW ↔ NHWC conversion inside kernels, through the backend's own Transpose
 * kernel. survkit's convolution kernels compute in NHWC (the layout TF.js
 * layers use); NCHW inputs are converted on the way in and out.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { callKernel, type AnyBackend, type PatchedBackend } from './kernel-io.js';

/** [B, C, H, W] → [B, H, W, C] (a new TensorInfo the caller releases). */
export function toNhwc(backendName: PatchedBackend, backend: AnyBackend, x: TensorInfo): TensorInfo {
  return callKernel('Transpose', backendName, backend, { x }, { perm: [0, 2, 3, 1] });
}

/** [B, H, W, C] → [B, C, H, W] (a new TensorInfo the caller releases). */
export function toNchw(backendName: PatchedBackend, backend: AnyBackend, x: TensorInfo): TensorInfo {
  return callKernel('Transpose', backendName, backend, { x }, { perm: [0, 3, 1, 2] });
}
