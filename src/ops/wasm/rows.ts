/**
 * Element-wise and per-column loops of a dense layer (rows.wat, compiled into rows-wasm.ts by
 * `npm run build:wasm`) on the memory of a {@link SimdGemm}: ReLU and its gradient, products, column sums
 * (and sums of products) in float64, and batch norm's centring, scaling and input gradient. Each lane is
 * one column, summed in row order, so every result equals the scalar loop written in the comments of
 * rows.wat (float32 operations where the loop rounds to float32, float64 where it sums in float64).
 *
 * Offsets count float32 elements and must lie in allocations of the arena (no bounds checks here: these
 * are for callers that laid out their arrays with {@link SimdGemm.alloc}); a float64 array at offset q
 * occupies 2n floats. Matrices are row-major [rows × n].
 */
import type { SimdGemm } from './gemm.js';
import { ROWS_WASM } from './rows-wasm.js';
import { wasmApi, type WasmModule } from './wasm-api.js';

/** The loops, bound to one arena. */
export interface RowKernels {
  /** y = x > 0 ? x : 0 over `len` values. */
  relu(x: number, y: number, len: number): void;
  /** dx = x > 0 ? dy : 0. */
  reluGrad(dy: number, x: number, dx: number, len: number): void;
  /** out = a·b element-wise (float32). */
  mul(a: number, b: number, out: number, len: number): void;
  /** s1[j] = Σ_r x[r, j] (float64); with y ≥ 0 also s2[j] = Σ_r x[r, j]·y[r, j] (float64). */
  colSums(x: number, y: number, rows: number, n: number, s1: number, s2: number): void;
  /** c = x − mu[j] (float32); sq[j] = Σ_r c² (float32 squares, float64 sum). */
  bnCenter(x: number, rows: number, n: number, mu: number, c: number, sq: number): void;
  /** xhat = c·inv[j]; y = xhat·gamma[j] + beta[j] (float32; xhat may be c). */
  bnScale(c: number, rows: number, n: number, inv: number, gamma: number, beta: number, xhat: number, y: number): void;
  /** dx = ((d − mb[j]) − xhat·mg[j])·kk[j] in float64 (mb, mg, kk float64 arrays), rounded to float32. */
  bnGrad(d: number, xhat: number, rows: number, n: number, mb: number, mg: number, kk: number, dx: number): void;
  /**
   * Adam on `len` values in place, FusedAdam's float32 operation order (`adamUpdate`'s, value for value):
   * m = m·b1 + g·a1, v = v·b2 + (g·g)·a2, w = w − (m·s)/(√(v·c2) + e); the constants as `adamConstants` rounds them.
   */
  adam(g: number, m: number, v: number, w: number, len: number, b1: number, a1: number, b2: number, a2: number, s: number, c2: number, e: number): void;
}

let compiled: WasmModule | undefined;

/** The row kernels on `g`'s memory. */
export function rowKernels(g: SimdGemm): RowKernels {
  const api = wasmApi();
  if (api === undefined) throw new Error('rowKernels: this runtime has no WebAssembly');
  compiled ??= new api.Module(ROWS_WASM);
  const e = new api.Instance(compiled, { env: { memory: g.memory } }).exports as Record<string, (...a: number[]) => void>;
  const fn = (name: string): ((...a: number[]) => void) => e[name] as (...a: number[]) => void;
  return {
    relu: fn('relu'),
    reluGrad: fn('relu_grad'),
    mul: fn('mul'),
    colSums: fn('col_sums'),
    bnCenter: fn('bn_center'),
    bnScale: fn('bn_scale'),
    bnGrad: fn('bn_grad'),
    adam: fn('adam'),
  };
}
