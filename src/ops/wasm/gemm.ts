/**
 * survkit's float32 matrix product on WebAssembly SIMD (gemm.wat, compiled
 * into gemm-wasm.ts by `npm run build:wasm`): a 4×8 register-tiled kernel of
 * f32x4 multiplies and adds (no relaxed SIMD, no fused multiply-add), so its
 * results are the same on every engine that runs WebAssembly SIMD.
 *
 * A {@link SimdGemm} is one WebAssembly instance with its own memory (an
 * arena): operands live in that memory at float offsets handed out by
 * {@link SimdGemm.alloc}, so a caller that keeps its working arrays there
 * multiplies without copies. The memory grows on demand; views taken with
 * {@link SimdGemm.view} or {@link SimdGemm.f32} are re-taken after an
 * `alloc` (a grow detaches the old buffer).
 *
 * C[m×n] = A[m×k]·B[k×n] (+ bias on every row) (+ C when accumulating), with
 * A(i, p) = mem[a + i·sam + p·sak], B(p, j) = mem[b + p·sbk + j·sbn],
 * C(i, j) = mem[c + i·ldc + j]: A·B, Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ are strides.
 * Each C(i, j) is one float32 sum over p = 0…k−1 in order, then + bias[j],
 * then + C(i, j); its error is at most (k + 2)·2⁻²⁴·(Σ|A(i,p)B(p,j)| + |bias[j]| + |C(i,j)|)
 * (to first order).
 */
import { survkitError } from '../../core/errors.js';
import { GEMM_WASM } from './gemm-wasm.js';
import { wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';

/** Options of {@link SimdGemm.gemm}. */
export interface GemmOptions {
  /** Add the product to C's current values (default false: overwrite). */
  accumulate?: boolean;
  /** Float offset of n bias values added to every row (default: none). */
  bias?: number;
}

/** Row-major shorthand of {@link SimdGemm.matmul}. */
export interface MatmulOptions extends GemmOptions {
  /** A is stored as [k×m] (its transpose is used). */
  transA?: boolean;
  /** B is stored as [n×k] (its transpose is used). */
  transB?: boolean;
}

type GemmFn = (
  m: number,
  n: number,
  k: number,
  a: number,
  sam: number,
  sak: number,
  b: number,
  sbk: number,
  sbn: number,
  c: number,
  ldc: number,
  flags: number,
  bias: number,
  work: number,
) => void;

let compiled: WasmModule | undefined;

/** Whether this JavaScript engine runs WebAssembly SIMD (fixed-width, f32x4). */
export function simdSupported(): boolean {
  try {
    module();
    return true;
  } catch {
    return false;
  }
}

function module(): WasmModule {
  if (compiled === undefined) {
    const api = wasmApi();
    if (api === undefined) throw new Error('SimdGemm: this runtime has no WebAssembly');
    compiled = new api.Module(GEMM_WASM);
  }
  return compiled;
}

const PAGE_FLOATS = 65536 / 4;
const FN = 'SimdGemm.gemm';

const isCount = (x: number): boolean => Number.isInteger(x) && x >= 0 && x <= 0x3fffffff;

function checkCount(arg: string, x: number): void {
  if (!isCount(x)) throw survkitError('optionRange', FN, arg, 'a non-negative integer', x);
}

/** One WebAssembly instance of the kernel with its own memory: an arena of float32 values. */
export class SimdGemm {
  readonly memory: WasmMemory;
  private readonly fn: GemmFn;
  private top: number;
  private buf: ArrayBuffer | undefined;
  private view32: Float32Array | undefined;
  private work = 0;
  private workK = -1;

  /** An arena with room for `floats` values before it first grows. */
  constructor(floats = 0) {
    const api = wasmApi() as NonNullable<ReturnType<typeof wasmApi>>;
    const inst = new api.Instance(module(), {});
    this.memory = inst.exports.memory as WasmMemory;
    this.fn = inst.exports.gemm as GemmFn;
    // offset 0 is never handed out; allocations are 16-byte aligned
    this.top = 4;
    if (floats > 0) this.reserve(floats);
  }

  /** Floats in the memory now. */
  get capacity(): number {
    return this.memory.buffer.byteLength / 4;
  }

  /** Float offset of the first free value (allocations go above it); pass to {@link SimdGemm.release}. */
  get mark(): number {
    return this.top;
  }

  /** Frees every allocation made after `mark` was read. */
  release(mark: number): void {
    this.top = mark;
    if (this.work >= mark) this.workK = -1;
  }

  private reserve(floats: number): void {
    const need = this.top + floats;
    const have = this.capacity;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE_FLOATS));
  }

  /** Float offset of `n` new zeroed values (16-byte aligned). May grow the memory: re-take views after it. */
  alloc(n: number): number {
    checkCount('n', n);
    const at = this.top;
    this.reserve(n + 4);
    this.top = at + ((n + 3) & ~3);
    this.f32.fill(0, at, at + n);
    return at;
  }

  /** The whole memory as floats (re-created when the memory has grown). */
  get f32(): Float32Array {
    if (this.buf !== this.memory.buffer) {
      const buf = this.memory.buffer;
      this.buf = buf;
      this.view32 = new Float32Array(buf);
    }
    return this.view32 as Float32Array;
  }

  /** A view of `n` floats at offset `at` (valid until the memory grows). */
  view(at: number, n: number): Float32Array {
    return this.f32.subarray(at, at + n);
  }

  /** Reserves the kernel's scratch for products with inner size up to `k` now, so that no later {@link SimdGemm.gemm} grows the memory. */
  prepare(k: number): void {
    checkCount('k', k);
    this.workFor(k);
  }

  private workFor(k: number): number {
    if (k > this.workK) {
      const kk = Math.max(k, 64);
      this.work = this.alloc(32 + 8 * kk);
      this.workK = kk;
    }
    return this.work;
  }

  private inRange(arg: string, at: number, rows: number, rs: number, cols: number, cs: number): void {
    checkCount(arg, at);
    if (rows === 0 || cols === 0) return;
    const last = at + (rows - 1) * rs + (cols - 1) * cs;
    if (at < 4 || last >= this.top) throw survkitError('optionRange', FN, arg, `an operand inside the arena's allocated floats [4, ${this.top})`, last);
  }

  /**
   * C = A·B (+ bias) (+ C) with element strides (see the module notes). The first product with a larger `k` than
   * {@link SimdGemm.prepare} reserved allocates scratch (which may grow the memory).
   * @throws SurvkitError when a size or stride is not a non-negative integer or an operand reaches outside the allocated floats.
   */
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    sam: number,
    sak: number,
    b: number,
    sbk: number,
    sbn: number,
    c: number,
    ldc: number,
    opts: GemmOptions = {},
  ): void {
    // one test on the hot path; the named check only when something is off
    if (!(isCount(m) && isCount(n) && isCount(k) && isCount(sam) && isCount(sak) && isCount(sbk) && isCount(sbn) && isCount(ldc)))
      for (const [name, x] of [
        ['m', m],
        ['n', n],
        ['k', k],
        ['sam', sam],
        ['sak', sak],
        ['sbk', sbk],
        ['sbn', sbn],
        ['ldc', ldc],
      ] as const)
        checkCount(name, x);
    if (m === 0 || n === 0) return;
    // operands checked against the caller's allocations before the scratch is reserved (it may lie just above them)
    this.inRange('a', a, m, sam, k, sak);
    this.inRange('b', b, k, sbk, n, sbn);
    this.inRange('c', c, m, ldc, n, 1);
    const bias = opts.bias ?? 0;
    if (opts.bias !== undefined) this.inRange('bias', bias, 1, 0, n, 1);
    const work = this.workFor(k);
    this.fn(m, n, k, a, sam, sak, b, sbk, sbn, c, ldc, (opts.accumulate === true ? 1 : 0) | (opts.bias !== undefined ? 2 : 0), bias, work);
  }

  /**
   * Row-major C[m×n] = op(A)·op(B): A stored [m×k] (or [k×m] with `transA`), B stored [k×n] (or [n×k] with `transB`), C [m×n].
   * @throws SurvkitError as {@link SimdGemm.gemm}.
   */
  matmul(m: number, n: number, k: number, a: number, b: number, c: number, opts: MatmulOptions = {}): void {
    const [sam, sak] = opts.transA === true ? [1, m] : [k, 1];
    const [sbk, sbn] = opts.transB === true ? [1, k] : [n, 1];
    this.gemm(m, n, k, a, sam, sak, b, sbk, sbn, c, n, opts);
  }
}

let shared: SimdGemm | undefined;

/**
 * Row-major op(A)·op(B) of plain arrays through a shared arena (copies in and out; for occasional products —
 * keep operands in a {@link SimdGemm} of your own to multiply without copies).
 * @throws SurvkitError when `a` or `b` is shorter than the shape says.
 */
export function simdMatmul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  opts: Omit<MatmulOptions, 'accumulate' | 'bias'> = {},
  out?: Float32Array,
): Float32Array {
  const fn = 'simdMatmul';
  for (const [name, x] of [
    ['m', m],
    ['n', n],
    ['k', k],
  ] as const)
    if (!Number.isInteger(x) || x < 0) throw survkitError('optionRange', fn, name, 'a non-negative integer', x);
  if (a.length < m * k) throw survkitError('lengthMismatch', fn, 'a', a.length, 'm·k', m * k);
  if (b.length < k * n) throw survkitError('lengthMismatch', fn, 'b', b.length, 'k·n', k * n);
  const res = out ?? new Float32Array(m * n);
  if (res.length < m * n) throw survkitError('lengthMismatch', fn, 'out', res.length, 'm·n', m * n);
  shared ??= new SimdGemm();
  const g = shared;
  const mark = g.mark;
  try {
    const pa = g.alloc(m * k);
    const pb = g.alloc(k * n);
    const pc = g.alloc(m * n);
    const mem = g.f32;
    mem.set(a.subarray(0, m * k), pa);
    mem.set(b.subarray(0, k * n), pb);
    g.matmul(m, n, k, pa, pb, pc, opts);
    res.set(g.view(pc, m * n));
  } finally {
    g.release(mark);
  }
  return res;
}
