/**
 * Identity and same-dtype Cast on the wasm backend as a second reference to
 * the same heap block (the wasm backend counts references, as its Reshape
 * already does), instead of TF.js 4.22's copy into a new block.
 *
 * Why: the engine clones every tensor a kernel saves for its gradient
 * (`saveTensorsForBackwardMode` → `clone` → Identity), and the gradient of
 * ReLU casts a float32 Step to float32; on wasm each of these copied the
 * whole activation: 34 Identity calls costing ≈ 55 ms and a Cast of ≈ 5 ms
 * per training step of the max-pool 3D CNN of bench/cnn3d-step.ts (batch 8,
 * 16×64², under load). The cpu backend's Identity shares the data the same
 * way. No TF.js kernel and no survkit kernel writes into its inputs, so
 * sharing is safe. Strings and dtype-changing casts go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { DataId, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

interface RefCounting {
  incRef(dataId: DataId): void;
}

function share(backend: object, x: TensorInfo): TensorInfo {
  (backend as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

function canShare(backend: object, x: TensorInfo): boolean {
  return x.dtype !== 'string' && typeof (backend as Partial<RefCounting>).incRef === 'function';
}

/** The wasm Identity config; `stock` runs string tensors. */
export function identityWasmConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (canShare(args.backend, x)) return share(args.backend, x);
    if (stock === undefined) throw new Error('survkit: no stock wasm Identity kernel');
    return stock.kernelFunc(args);
  };
  return { kernelName: tf.Identity, backendName: 'wasm', kernelFunc };
}

/** The wasm Cast config: a cast to the same dtype shares the data; `stock` runs every other cast. */
export function castWasmConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { dtype } = args.attrs as NamedAttrMap & { dtype: tf.DataType };
    if (dtype === x.dtype && canShare(args.backend, x)) return share(args.backend, x);
    if (stock === undefined) throw new Error('survkit: no stock wasm Cast kernel');
    return stock.kernelFunc(args);
  };
  return { kernelName: tf.Cast, backendName: 'wasm', kernelFunc };
}
