/**
 * Kernels and gradients behind survkit's lgamma / polygamma ops. TF.js has
 * neither op; survkit adds two kernels, evaluated in float64 by gamma-math.ts
 * and rounded once to float32:
 *   SurvkitLgamma(x)          = log Γ(x),  d/dx = ψ(x)
 *   SurvkitPolygamma(x; n)    = ψ⁽ⁿ⁾(x),   d/dx = ψ⁽ⁿ⁺¹⁾(x)
 * Each kernel reads its input with the backend's readSync and writes the
 * result with its write(), so one definition serves every backend (cpu,
 * wasm, tfjs-node; a GPU backend would download and upload).
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { lgammaScalar, polygammaScalar } from './gamma-math.js';

export const LGAMMA = 'SurvkitLgamma';
export const POLYGAMMA = 'SurvkitPolygamma';

/** Backends the gamma kernels are registered for. */
const BACKENDS = ['cpu', 'wasm', 'tensorflow', 'webgl', 'webgpu'];

type ElementFn = (x: number, attrs: NamedAttrMap) => number;

function elementwise(fn: ElementFn): KernelFunc {
  return ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as tf.KernelBackend;
    const x = inputs.x as TensorInfo;
    const values = backend.readSync(x.dataId) as ArrayLike<number>;
    const out = new Float32Array(values.length);
    const a = attrs ?? {};
    for (let i = 0; i < values.length; i++) out[i] = fn(values[i] as number, a);
    return { dataId: backend.write(out, x.shape, 'float32'), shape: x.shape, dtype: 'float32' };
  };
}

/** The polygamma order from kernel attributes. */
function order(attrs: NamedAttrMap): number {
  return attrs.n as number;
}

const lgammaFunc = elementwise((x) => lgammaScalar(x));
const polygammaFunc = elementwise((x, attrs) => polygammaScalar(order(attrs), x));

const lgammaGrad: GradConfig = {
  kernelName: LGAMMA,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => tf.mul(dy as tf.Tensor, runPolygamma(x, 0)) };
  },
};

const polygammaGrad: GradConfig = {
  kernelName: POLYGAMMA,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => tf.mul(dy as tf.Tensor, runPolygamma(x, order(attrs) + 1)) };
  },
};

/** Runs the polygamma kernel of order n on a float32 tensor. */
export function runPolygamma<T extends tf.Tensor>(x: T, n: number): T {
  registerGammaKernels();
  return tf.engine().runKernel<T>(POLYGAMMA, { x }, { n });
}

/** Runs the lgamma kernel on a float32 tensor. */
export function runLgamma<T extends tf.Tensor>(x: T): T {
  registerGammaKernels();
  return tf.engine().runKernel<T>(LGAMMA, { x });
}

let registered = false;

/**
 * Registers the kernels (for every backend name) and gradients; idempotent.
 * Run by survkit's install path (`initBackend()`) and on the first use of an op; never at import.
 *
 * @example
 * registerGammaKernels(); // then tf.engine().runKernel('SurvkitLgamma', { x })
 */
export function registerGammaKernels(): void {
  if (registered) return;
  for (const backendName of BACKENDS) {
    for (const [kernelName, kernelFunc] of [
      [LGAMMA, lgammaFunc],
      [POLYGAMMA, polygammaFunc],
    ] as const) {
      if (tf.getKernel(kernelName, backendName) === undefined) {
        const config: KernelConfig = { kernelName, backendName, kernelFunc };
        tf.registerKernel(config);
      }
    }
  }
  if (tf.getGradient(LGAMMA) === undefined) tf.registerGradient(lgammaGrad);
  if (tf.getGradient(POLYGAMMA) === undefined) tf.registerGradient(polygammaGrad);
  registered = true;
}
