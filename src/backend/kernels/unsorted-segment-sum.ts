/**
 * UnsortedSegmentSum for the wasm backend (stock TF.js has none there, so the
 * gradient of `tf.gather` fails on wasm):
 *   out[s, …] = Σ_{i : ids[i] = s} x[i, …],  s = 0 … numSegments − 1,
 * with ids outside [0, numSegments) dropped, as the stock cpu kernel does.
 * One pass over x (the stock cpu kernel makes one pass per segment). The
 * result is float32, as on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { alloc, f32, i32, type PatchedBackend } from './kernel-io.js';

/** out (numSegments × inner) from x (ids.length × inner) and ids. `out` must be zero on entry. */
export function segmentSumValues(x: Float32Array, ids: Int32Array, numSegments: number, out: Float32Array): Float32Array {
  const inner = ids.length === 0 ? 0 : x.length / ids.length;
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] = (out[dst + j] as number) + (x[src + j] as number);
  }
  return out;
}

/** Kernel config for `backendName`. */
export function unsortedSegmentSumConfig(backendName: PatchedBackend): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = (attrs as { numSegments: number }).numSegments;
    const be = backend;
    const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = alloc(be, shape);
    segmentSumValues(f32(be, x), i32(be, segmentIds), numSegments, f32(be, out));
    return out;
  };
  return { kernelName: tf.UnsortedSegmentSum, backendName, kernelFunc };
}
