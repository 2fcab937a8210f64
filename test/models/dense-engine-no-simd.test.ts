/**
 * Without WebAssembly SIMD (mocked here: Node 20 has it) the dense engine is not eligible and `fit` trains on the
 * TF.js path instead of failing in the engine's kernel constructor.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/ops/wasm/gemm.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/ops/wasm/gemm.js')>();
  return { ...actual, simdSupported: () => false };
});

const { initBackend } = await import('../../src/backend/index.js');
const { CoxPH } = await import('../../src/index.js');
const { synthetic } = await import('./synthetic.js');

beforeAll(async () => {
  await initBackend();
});

describe('dense engine without WebAssembly SIMD', () => {
  it("is not eligible: engine 'auto' trains on TF.js", async () => {
    const data = synthetic(60, 4, 11, { round: 1 });
    const model = new CoxPH({ inputDim: 4, hidden: [8], seed: 3 });
    const history = await model.fit(data.x, { time: data.time, event: data.event }, { seed: 5, epochs: 2, batchSize: 32, engine: 'auto' });
    expect(history.engine).toBe('tfjs');
    expect(history.loss.every(Number.isFinite)).toBe(true);
    model.dispose();
    data.x.dispose();
  });
});
