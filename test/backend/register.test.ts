/**
 * Kernel-patch registry: idempotent, lists what it patched, keeps and
 * restores the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelPatchConfigs, patchedKernelNames, registerKernelPatches, stockKernel, unregisterKernelPatches } from '../../src/backend/index.js';

describe('registerKernelPatches', () => {
  it('is registered on import, idempotent, and installs exactly its configs', () => {
    const first = patchedKernelNames();
    expect(first.length).toBeGreaterThan(0);
    const configs = kernelPatchConfigs().map((c) => `${c.kernelName}@${c.backendName}`);
    expect(first).toEqual([...configs, 'grad:Conv2D']);
    const live = first
      .filter((k) => k.includes('@'))
      .map((k) => {
        const [name, backend] = k.split('@') as [string, string];
        return tf.getKernel(name, backend)?.kernelFunc;
      });
    expect(registerKernelPatches()).toEqual(first);
    const again = first
      .filter((k) => k.includes('@'))
      .map((k) => {
        const [name, backend] = k.split('@') as [string, string];
        return tf.getKernel(name, backend)?.kernelFunc;
      });
    expect(again).toEqual(live);
    expect(first).toEqual(
      expect.arrayContaining([
        'Conv2DBackpropFilter@cpu',
        'Conv2DBackpropFilter@wasm',
        'Conv2DBackpropInput@wasm',
        'UnsortedSegmentSum@wasm',
        'DepthwiseConv2dNativeBackpropFilter@wasm',
        'DepthwiseConv2dNativeBackpropInput@wasm',
        'MaxPoolGrad@cpu',
        'grad:Conv2D',
      ]),
    );
  });

  it('keeps the stock kernels it replaced (none where wasm had none)', () => {
    expect(stockKernel('Conv2DBackpropFilter', 'cpu')).toBeDefined();
    expect(stockKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).not.toBe(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc);
    expect(stockKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(stockKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    expect(stockKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
  });

  it('unregister restores the stock kernels (and wasm loses the added ones); register again re-patches', () => {
    const stockFilterCpu = stockKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc;
    unregisterKernelPatches();
    try {
      expect(patchedKernelNames()).toEqual([]);
      expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).toBe(stockFilterCpu);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
      expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
      unregisterKernelPatches(); // no-op
    } finally {
      registerKernelPatches();
    }
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).not.toBe(stockFilterCpu);
  });
});
