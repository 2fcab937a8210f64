/**
 * Backend selection: automatic choice (no real tfjs-node here: the package
 * under that name in node_modules is an alias of plain @tensorflow/tfjs, so
 * wasm wins), SURVKIT_BACKEND, explicit choice, errors, idempotence, the
 * `survkit info` text, and the silenced cpu banner.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendInfo, formatBackendInfo, initBackend, type BackendInfo } from '../../src/backend/index.js';
import { SurvkitError } from '../../src/core/errors.js';

const saved = process.env.SURVKIT_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.SURVKIT_BACKEND;
  else process.env.SURVKIT_BACKEND = saved;
});

describe('initBackend', () => {
  it('picks wasm (SIMD, one thread) when tfjs-node is not really installed, silently', async () => {
    delete process.env.SURVKIT_BACKEND;
    const warn = vi.spyOn(console, 'warn');
    const info = await initBackend();
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.tfjsNode).toBe(false);
    expect(info.wasmSimd).toBe(true);
    expect(info.wasmThreads).toBe(false);
    expect(info.tfjsVersion).toBe(tf.version.tfjs);
    expect(info.kernelsPatched).toContain('Conv2DBackpropFilter@wasm');
    // The cpu backend's "Hi, looks like you are running TensorFlow.js in Node.js" banner is off.
    await initBackend({ backend: 'cpu' });
    tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).dataSync());
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/looks like you are running TensorFlow\.js in Node/);
    warn.mockRestore();
  });

  it('is idempotent and switches only when asked', async () => {
    delete process.env.SURVKIT_BACKEND;
    const a = await initBackend({ backend: 'wasm' });
    const b = await initBackend();
    expect(b).toBe(a);
    const [c, d] = await Promise.all([initBackend({ backend: 'cpu' }), initBackend({ backend: 'cpu' })]);
    expect(c.backend).toBe('cpu');
    expect(d).toBe(c);
    expect(tf.getBackend()).toBe('cpu');
    expect(await backendInfo()).toBe(c);
  });

  it('honours SURVKIT_BACKEND, with the option taking precedence', async () => {
    process.env.SURVKIT_BACKEND = 'cpu';
    expect((await initBackend()).backend).toBe('cpu');
    expect((await initBackend({ backend: 'wasm' })).backend).toBe('wasm');
    process.env.SURVKIT_BACKEND = 'wasm';
    expect((await initBackend()).backend).toBe('wasm');
  });

  it('rejects unknown and unavailable backends with catalogue messages', async () => {
    process.env.SURVKIT_BACKEND = 'gpu';
    await expect(initBackend()).rejects.toThrow(SurvkitError);
    await expect(initBackend()).rejects.toThrow('initBackend: environment variable SURVKIT_BACKEND must be one of tensorflow, wasm, cpu; got "gpu"');
    process.env.SURVKIT_BACKEND = 'tensorflow';
    await expect(initBackend()).rejects.toThrow(
      'initBackend: the TensorFlow.js backend "tensorflow" asked for by SURVKIT_BACKEND is not available: install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu) to use it',
    );
    delete process.env.SURVKIT_BACKEND;
    await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrow("asked for by the 'backend' option is not available");
    await expect(initBackend({ backend: 'webgl' as 'cpu' })).rejects.toThrow(
      "initBackend: option 'backend' must be one of 'tensorflow', 'wasm', 'cpu'; got \"webgl\"",
    );
    // A failed request leaves the previous backend working.
    expect((await initBackend()).backend).toBe(tf.getBackend());
  });
});

describe('formatBackendInfo', () => {
  it('prints one aligned line per field', () => {
    const info: BackendInfo = {
      backend: 'wasm',
      tfjsVersion: '4.22.0',
      wasmSimd: true,
      wasmThreads: false,
      tfjsNode: false,
      kernelsPatched: ['Conv2DBackpropFilter@wasm', 'grad:Conv2D'],
    };
    expect(formatBackendInfo(info)).toBe(
      [
        'backend         wasm — WebAssembly (XNNPACK), SIMD on, 1 thread',
        'tfjs            4.22.0',
        'tfjs-node       not installed (optional: npm install @tensorflow/tfjs-node)',
        'kernel patches  Conv2DBackpropFilter@wasm, grad:Conv2D',
      ].join('\n'),
    );
    expect(formatBackendInfo({ ...info, backend: 'tensorflow', tfjsNode: true, kernelsPatched: [] })).toBe(
      ['backend         tensorflow — native TensorFlow (tfjs-node)', 'tfjs            4.22.0', 'tfjs-node       loaded', 'kernel patches  none'].join('\n'),
    );
  });
});
