/**
 * Importing survkit changes nothing in TF.js: every entry point is imported
 * in a fresh process (no test setup) and TF.js's kernel and gradient
 * registry (object identity), registered backends, active backend, flags and
 * serializable classes are compared with the state before the import, and
 * the exact bits of stock ops with a process that never imported survkit.
 * survkit changes TF.js only when asked: `initBackend()` or a model's first
 * `fit`, and `restoreStockKernels()` gives back the very same stock kernels.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./no-side-effects.script.ts', import.meta.url));

function run(mode: string): Record<string, unknown> {
  const env = { ...process.env };
  delete env.SURVKIT_BACKEND;
  return JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', script, mode], { encoding: 'utf8', timeout: 120_000, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as Record<string, unknown>;
}

describe('importing survkit has no side effect on TF.js', () => {
  const baseline = run('baseline');
  const imported = run('import');

  it('leaves the kernel and gradient registry, the backends, the flags and the layer classes untouched', () => {
    expect(imported.changedByImport).toEqual([]);
  });

  it('chooses no backend: TF.js picks its own default when the user runs an op, as without survkit', () => {
    expect(imported.activeAfterImport).toBeNull();
    expect(imported.backend).toBe(baseline.backend);
    expect(imported.backend).toBe('cpu');
  });

  it("gives the user's stock ops the same bits as a process that never imported survkit, and warns about nothing", () => {
    expect(typeof baseline.stockOps).toBe('string');
    expect(imported.stockOps).toBe(baseline.stockOps);
    expect(imported.warnings).toEqual([]);
  });
});

describe('survkit changes TF.js only when asked', () => {
  it('initBackend() installs the patch table; restoreStockKernels() restores the very same stock kernels and gradients', () => {
    const r = run('init');
    expect(r.changedByImport).toEqual([]);
    expect(r.patchesAfterInit).toBe(36);
    expect(r.changedByInit).toBeGreaterThan(0);
    // What stays is survkit's own: its gamma kernels and layer classes (they replace nothing).
    for (const d of r.changedAfterRestore as string[]) expect(d).toMatch(/^(kernel Survkit\w+@\w+ added|gradient Survkit\w+|classes \+(survkit>\w+,?)+)$/);
    expect(r.stockOps).toBe(run('baseline').stockOps);
  });

  it("a model's first fit installs the patches and chooses the backend as importing survkit used to", () => {
    const r = run('lazy');
    expect(r.changedByImport).toEqual([]);
    expect(r.patchedAfterFit).toBe(36);
    expect(r.backendAfterFit).toBe('wasm');
  });
});

describe('TF.js version guard', () => {
  it('accepts exactly the tested range ~4.22.0', async () => {
    const { tfjsVersionTested, TESTED_TFJS_RANGE } = await import('../../src/backend/version-guard.js');
    expect(TESTED_TFJS_RANGE).toBe('~4.22.0');
    for (const v of ['4.22.0', '4.22.1', '4.22.17']) expect(tfjsVersionTested(v), v).toBe(true);
    for (const v of ['4.21.0', '4.23.0', '5.22.0', '3.22.0', '4.22.0-rc.1', '4.22', 'x']) expect(tfjsVersionTested(v), v).toBe(false);
  });

  it('outside it: says so once, installs no kernel patch and still trains with the stock kernels', async () => {
    const { messages } = await import('../../src/core/messages.js');
    const r = run('untested');
    expect(r.changedByImport).toEqual([]);
    expect(r.warnings).toEqual([`SurvkitWarning: ${messages.tfjsVersionUntested('initBackend', '4.23.0', '~4.22.0')}`]);
    expect(r.kernelsPatched).toEqual([]);
    expect(r.tfjsTested).toBe(false);
    expect(r.changedKernels).toEqual([]);
    expect(r.fitted).toBe(1);
    expect(r.info).toContain('outside the tested range ~4.22.0');
  });
});
