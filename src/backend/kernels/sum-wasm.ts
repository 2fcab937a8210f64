/**
 * Sum on the wasm backend for float32 tensors of rank ≥ 5 reduced over axes
 * that are not just the innermost ones — e.g. the bias gradient of a 3D
 * convolution, Σ over [batch, frames, height, width] of a 5D map. TF.js's
 * wasm kernel first transposes the reduced axes innermost, and its
 * transpose of rank > 4 is generic: 225 ms per call for a [8, 16, 64, 64, 16]
 * map, 60 % of the TFJS-NODE 3D CNN's training step. This runs survkit's
 * one-pass `sumValues` (float64 accumulation) on the heap view instead.
 * Every other case goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { alloc, f32 } from './kernel-io.js';
import { sumValues } from './sum.js';

/** Whether survkit's wasm Sum handles this reduction (else the stock kernel does). */
export function wasmSumHandles(x: TensorInfo, axes: readonly number[]): boolean {
  if (x.dtype !== 'float32' || x.shape.length < 5 || axes.length === 0) return false;
  const rank = x.shape.length;
  const innermost = [...axes].sort((a, b) => a - b).every((a, i, s) => a === rank - s.length + i);
  return !innermost;
}

/** The wasm Sum kernel config; `stock` is the kernel it wraps. */
export function sumWasmConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const { axis, keepDims } = attrs as NamedAttrMap & { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    if (!wasmSumHandles(x, axes)) {
      if (stock === undefined) throw new Error('survkit: no stock wasm Sum kernel');
      return stock.kernelFunc(args);
    }
    const kept = x.shape.filter((_, d) => !axes.includes(d));
    const shape = keepDims ? x.shape.map((n, d) => (axes.includes(d) ? 1 : n)) : kept;
    const out = alloc(backend, shape, false);
    const sums = sumValues(f32(backend, x), x.shape, axes);
    f32(backend, out).set(sums);
    return out;
  };
  // The stock kernel binds its WebAssembly function in its setupFunc, which the backend runs at
  // initialisation for whatever config is registered then: keep it with the wrapper.
  return { kernelName: tf.Sum, backendName: 'wasm', kernelFunc, ...(stock?.setupFunc === undefined ? {} : { setupFunc: stock.setupFunc }) };
}
