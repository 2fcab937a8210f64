/**
 * The one patch table and its install path: every row says why; survkit
 * info lists what is installed and why; restoreStockKernels() undoes the
 * patches and a model's lazy install respects that, while initBackend()
 * installs them again. The batch-norm behaviours share one wrapper.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backendInfo,
  ensureBackend,
  formatBackendInfo,
  initBackend,
  installedPatches,
  PATCHES,
  restoreStockKernels,
  stockKernel,
} from '../../src/backend/index.js';
import { installedKernelConfig } from '../../src/backend/kernels/registry.js';
import { fastBatchNormTraining, inferenceModeForFrozenBatchNorm, walkLayers } from '../../src/backbones/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('the patch table', () => {
  it('has 36 rows (34 kernels, 2 gradients), each with a reason, none twice', () => {
    expect(PATCHES).toHaveLength(36);
    expect(PATCHES.filter((p) => p.kind === 'gradient').map((p) => p.kernel)).toEqual(['Conv2D', 'FusedBatchNorm']);
    const names = PATCHES.map((p) => (p.kind === 'gradient' ? `grad:${p.kernel}` : `${p.kernel}@${p.backend}`));
    expect(new Set(names).size).toBe(36);
    for (const p of PATCHES) expect(p.why.length, p.kernel).toBeGreaterThan(10);
    expect(PATCHES.filter((p) => p.kind === 'kernel' && p.backend === 'cpu')).toHaveLength(20);
  });

  it('survkit info lists every installed patch with what it does and why', async () => {
    const info = await backendInfo();
    expect(info.kernelsPatched).toHaveLength(36);
    expect(info.tfjsTested).toBe(true);
    const text = formatBackendInfo(info);
    expect(text).toContain('kernel patches  36 installed (restoreStockKernels() undoes them)');
    expect(text).toContain('tfjs            4.22.0 (tested range ~4.22.0)');
    for (const p of installedPatches()) expect(text).toMatch(new RegExp(`\\n  ${p.name.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')} +${p.action}: `));
    expect(text).toMatch(/Conv2DBackpropFilter@wasm +adds: TF.js has no wasm kernel/);
    expect(text).toMatch(/Multiply@cpu +wraps: /);
  });
});

describe('the kernels TF.js runs', () => {
  it("after initBackend() and a model's lazy install, every installed kernel row is the kernel TF.js looks up (identity)", async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await initBackend({ backend });
      await ensureBackend();
      const rows = installedPatches().filter((p) => !p.name.startsWith('grad:'));
      expect(rows).toHaveLength(34);
      for (const { name } of rows) {
        const [kernel, on] = name.split('@') as [string, string];
        const config = installedKernelConfig(name);
        expect(config, name).toBeDefined();
        expect(tf.getKernel(kernel, on), name).toBe(config);
      }
    }
  });
});

describe('restoreStockKernels', () => {
  it('restores the stock kernels; the lazy install keeps them stock; initBackend installs the patches again', async () => {
    const stockConv = stockKernel('Conv2D', 'cpu');
    expect(stockConv).toBeDefined();
    expect(tf.getKernel('Conv2D', 'cpu')).not.toBe(stockConv);
    restoreStockKernels();
    try {
      expect(installedPatches()).toEqual([]);
      expect(tf.getKernel('Conv2D', 'cpu')).toBe(stockConv);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
      await ensureBackend();
      expect(installedPatches()).toEqual([]);
      expect(tf.getKernel('Conv2D', 'cpu')).toBe(stockConv);
    } finally {
      await initBackend({ backend: 'cpu' });
    }
    expect(installedPatches()).toHaveLength(36);
    expect(tf.getKernel('Conv2D', 'cpu')).not.toBe(stockConv);
  });
});

describe('batch-norm behaviours', () => {
  it('walkLayers lists nested layers; both behaviours wrap a layer once and keep its class for saving', () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4 }), tf.layers.batchNormalization()] });
    const input = tf.input({ shape: [3] });
    const outer = tf.model({ inputs: input, outputs: tf.layers.batchNormalization().apply(inner.apply(input)) as tf.SymbolicTensor });
    const layers = walkLayers(outer);
    expect(layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(2);
    const bn = layers.find((l) => l.getClassName() === 'BatchNormalization') as tf.layers.Layer;
    const callOf = (l: tf.layers.Layer): unknown => Object.getOwnPropertyDescriptor(l, 'call')?.value ?? null;
    expect(callOf(bn)).toBeNull(); // tf.layers' own call (on the prototype)
    inferenceModeForFrozenBatchNorm(outer);
    const wrapped = callOf(bn);
    expect(wrapped).not.toBeNull();
    fastBatchNormTraining(outer);
    inferenceModeForFrozenBatchNorm(outer);
    expect(callOf(bn)).toBe(wrapped);
    expect(bn.getClassName()).toBe('BatchNormalization');
    outer.dispose();
  });
});
