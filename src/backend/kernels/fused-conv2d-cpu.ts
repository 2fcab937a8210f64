/**
 * FusedConv2D (conv2d + bias + activation) for the cpu backend. The stock
 * cpu kernel calls the stock scalar conv2d directly, bypassing survkit's
 * im2col + GEMM Conv2D patch; `tf.layers.conv2d` runs FusedConv2D whenever
 * its activation is linear (conv → batch norm, residual blocks), where it was
 * ~80 % of a small ResNet's cpu training step. This kernel runs the
 * registered Conv2D kernel (survkit's) and adds the bias and activation in
 * one pass over the NHWC output. Anything else (NCHW, PReLU, a bias that is
 * not per-channel or scalar) goes to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, f32 } from './kernel-io.js';

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

const SIMPLE: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu']);

/** Adds `bias` (length Co or 1; none when undefined) and applies `activation` in place to NHWC `y`. */
export function biasActivationInPlace(y: Float32Array, co: number, bias: Float32Array | undefined, activation: Activation, alpha = 0.2): void {
  const perChannel = bias !== undefined && bias.length === co && co > 1;
  const b0 = bias === undefined ? 0 : (bias[0] as number);
  for (let i = 0; i < y.length; i++) {
    let v = (y[i] as number) + (perChannel ? (bias[i % co] as number) : b0);
    switch (activation) {
      case 'relu':
        v = v > 0 ? v : 0;
        break;
      case 'relu6':
        v = v > 0 ? (v < 6 ? v : 6) : 0;
        break;
      case 'elu':
        v = v > 0 ? v : Math.expm1(v);
        break;
      case 'sigmoid':
        v = 1 / (1 + Math.exp(-v));
        break;
      case 'leakyrelu':
        v = v > 0 ? v : alpha * v;
        break;
      default:
        break;
    }
    y[i] = v;
  }
}

/**
 * The cpu FusedConv2D kernel config; `stock` is the kernel it replaces (used
 * for the cases it does not handle).
 */
export function fusedConv2dCpuConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const a = attrs as NamedAttrMap & { dataFormat?: string; activation?: Activation; leakyreluAlpha?: number };
    const activation = a.activation ?? 'linear';
    const co = filter.shape[3] as number;
    const biasSize = bias === undefined ? 0 : tf.util.sizeFromShape(bias.shape);
    const simple = a.dataFormat !== 'NCHW' && SIMPLE.has(activation) && (bias === undefined || biasSize === co || biasSize === 1);
    if (!simple) {
      if (stock === undefined) throw new Error(`survkit: FusedConv2D with activation '${activation}' is not supported`);
      return stock.kernelFunc(args);
    }
    const convAttrs: NamedAttrMap = {};
    for (const k of ['strides', 'pad', 'dataFormat', 'dilations', 'dimRoundingMode']) {
      const v = a[k];
      if (v !== undefined) convAttrs[k] = v;
    }
    const y = callKernel('Conv2D', 'cpu', backend, { x, filter }, convAttrs);
    if (bias !== undefined || activation !== 'linear') {
      biasActivationInPlace(f32(backend, y), co, bias === undefined ? undefined : f32(backend, bias), activation, a.leakyreluAlpha ?? 0.2);
    }
    return y;
  };
  return { kernelName: tf.FusedConv2D, backendName: 'cpu', kernelFunc };
}
