/**
 * Regression: importing survkit's backbones registers kernel patches before
 * the wasm backend is initialised. TF.js runs each registered kernel's
 * setupFunc (which binds its WebAssembly function) when the backend is set, so
 * a wasm kernel that wraps or replaces a stock one must carry the stock
 * setupFunc — without it the stock path failed with "wasmSum is not a
 * function". Checked in a fresh process, where the import order is real.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('backbone patches registered before the wasm backend starts', () => {
  it('the wrapped Sum works on both of its paths, and the stock 3D kernels work once restored', () => {
    const script = fileURLToPath(new URL('./backbone-patches-order.script.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out)).toEqual({ patched: Array(6).fill(120), stockPath: [30, 30], conv: 27 });
  });
});
