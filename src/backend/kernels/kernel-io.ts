/**
 * Backend-neutral access to tensor memory from inside a kernel, for the two
 * backends survkit patches: `cpu` (values live in a JS typed array) and
 * `wasm` (values live on the WebAssembly heap). Kernels read their inputs as
 * `Float32Array`s, allocate outputs, and may call other kernels of the same
 * backend through {@link callKernel}.
 *
 * WASM caveat: a heap view is invalidated when the heap grows, which any
 * allocation may cause. Take views with {@link f32} only after the last
 * allocation a computation needs, and take them again after calling a kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { DataId, DataType, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/** Backends that survkit's kernels are registered for. */
export type PatchedBackend = 'cpu' | 'wasm';

interface CpuLike {
  data: { get(dataId: DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array | Int32Array): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId): boolean;
}

/** The backend object a kernel receives, seen through the methods survkit uses. */
export type AnyBackend = object;

function isWasm(backend: AnyBackend): backend is WasmLike {
  return typeof (backend as Partial<WasmLike>).typedArrayFromHeap === 'function';
}

function isCpu(backend: AnyBackend): backend is CpuLike {
  return typeof (backend as Partial<CpuLike>).makeTensorInfo === 'function' && 'data' in backend;
}

function unsupported(): Error {
  return new Error('survkit kernels support only the cpu and wasm backends');
}

/**
 * The values of `info` as a Float32Array (no copy where the backend allows;
 * on WASM a live heap view). Int32 and bool tensors are converted.
 */
export function f32(backend: AnyBackend, info: TensorInfo): Float32Array {
  let values: unknown;
  if (isWasm(backend)) values = backend.typedArrayFromHeap(info);
  else if (isCpu(backend)) values = backend.data.get(info.dataId).values;
  else throw unsupported();
  if (values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>);
}

/** The values of an int32 tensor as an Int32Array (index inputs such as segment ids). */
export function i32(backend: AnyBackend, info: TensorInfo): Int32Array {
  let values: unknown;
  if (isWasm(backend)) values = backend.typedArrayFromHeap(info);
  else if (isCpu(backend)) values = backend.data.get(info.dataId).values;
  else throw unsupported();
  if (values instanceof Int32Array) return values;
  return Int32Array.from(values as ArrayLike<number>);
}

/** Allocates a float32 tensor of `shape` on `backend`, zero-filled unless `zero` is false (then arbitrary on wasm). */
export function alloc(backend: AnyBackend, shape: number[], zero = true): TensorInfo {
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    if (zero) (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    return out;
  }
  if (isCpu(backend)) {
    return backend.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape)));
  }
  throw unsupported();
}

/** Makes a float32 tensor holding `values` (copied on WASM, adopted on cpu). */
export function fromValues(backend: AnyBackend, shape: number[], values: Float32Array): TensorInfo {
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).set(values);
    return out;
  }
  if (isCpu(backend)) return backend.makeTensorInfo(shape, 'float32', values);
  throw unsupported();
}

/** Frees an intermediate tensor made by {@link alloc}, {@link fromValues} or {@link callKernel}. */
export function release(backend: AnyBackend, info: TensorInfo): void {
  if (isWasm(backend)) backend.disposeData(info.dataId);
  else if (isCpu(backend)) backend.disposeIntermediateTensorInfo(info);
  else throw unsupported();
}

/**
 * Runs the kernel `name` registered for `backendName` directly on TensorInfos
 * (as TF.js's own kernels do), bypassing the engine: nothing is recorded for
 * gradients and the caller owns (and must {@link release}) the result.
 */
export function callKernel(
  name: string,
  backendName: PatchedBackend,
  backend: AnyBackend,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = tf.getKernel(name, backendName);
  if (config === undefined) throw new Error(`survkit: kernel '${name}' is not registered for backend '${backendName}'`);
  const out = config.kernelFunc({ inputs, backend: backend, attrs });
  if (Array.isArray(out)) throw new Error(`survkit: kernel '${name}' returned several outputs`);
  return out;
}
