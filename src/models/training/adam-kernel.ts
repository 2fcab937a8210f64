/**
 * One kernel for a whole Adam step on the cpu and wasm backends:
 * `SurvkitAdamStep` takes the flat moments m, v, every gradient g_k and
 * every variable w_k, and returns m', v' and every w_k' — one kernel call per
 * optimiser step instead of about 6 + 4 per variable (concat, moments, update,
 * slices, reshapes, subtractions), which dominate the step of a small MLP.
 *
 * The arithmetic is float32, operation by operation, in the order of the
 * tensor-op form of {@link FusedAdam} (each product, sum, quotient and square
 * root rounded to float32, as the cpu and wasm kernels round them), so both
 * forms give bit-identical weights:
 *   m' = m·β1 + g·(1 − β1),  v' = v·β2 + g²·(1 − β2),
 *   w' = w − (m'·stepSize) / (√(v'·c2) + ε),  stepSize = lr / (1 − β1ᵗ), c2 = 1 / (1 − β2ᵗ).
 * Inputs are read with the backend's readSync and outputs written with its
 * write(), so the kernel serves any backend that keeps data on the host.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/** The kernel name. */
export const ADAM_STEP = 'SurvkitAdamStep';

/** Backends the kernel is registered for (host memory: reading and writing is a copy at most). */
export const ADAM_STEP_BACKENDS: readonly string[] = ['cpu', 'wasm'];

/** Attributes of {@link ADAM_STEP}. */
export interface AdamStepAttrs {
  /** Number of variables (inputs g0…g{count−1}, w0…w{count−1}). */
  count: number;
  beta1: number;
  beta2: number;
  /** lr / (1 − β1ᵗ). */
  stepSize: number;
  /** 1 / (1 − β2ᵗ). */
  c2: number;
  epsilon: number;
}

const f = Math.fround;

/** The Adam constants rounded to float32 once per step. */
export interface AdamConstants {
  B1: number;
  A1: number;
  B2: number;
  A2: number;
  S: number;
  C2: number;
  E: number;
}

/** {@link AdamConstants} of one step's attributes. */
export function adamConstants(a: Omit<AdamStepAttrs, 'count'>): AdamConstants {
  return { B1: f(a.beta1), A1: f(1 - a.beta1), B2: f(a.beta2), A2: f(1 - a.beta2), S: f(a.stepSize), C2: f(a.c2), E: f(a.epsilon) };
}

/**
 * The Adam update of one variable (see the module notes): reads m, v at `off + i` and w, g at i, writes m', v' at
 * `off + i` of `mOut`, `vOut` and w' at i of `wOut` (each index read before it is written, so the outputs may be the inputs).
 */
export function adamUpdate(
  c: AdamConstants,
  g: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  w: ArrayLike<number>,
  off: number,
  mOut: Float32Array,
  vOut: Float32Array,
  wOut: Float32Array,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] as number;
    const mi = f(f((m[off + i] as number) * c.B1) + f(gi * c.A1));
    const vi = f(f((v[off + i] as number) * c.B2) + f(f(gi * gi) * c.A2));
    mOut[off + i] = mi;
    vOut[off + i] = vi;
    wOut[i] = (w[i] as number) - f(f(mi * c.S) / f(f(Math.sqrt(f(vi * c.C2))) + c.E));
  }
}

/**
 * The Adam step on host arrays (see the module notes): writes m', v' into
 * `mOut`, `vOut` (flat, variables in order) and returns each w_k'.
 */
export function adamStepValues(
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  grads: readonly ArrayLike<number>[],
  weights: readonly ArrayLike<number>[],
  a: AdamStepAttrs,
  mOut: Float32Array,
  vOut: Float32Array,
): Float32Array[] {
  const c = adamConstants(a);
  const out: Float32Array[] = [];
  let o = 0;
  grads.forEach((g, k) => {
    const w = weights[k] as ArrayLike<number>;
    const next = new Float32Array(w.length);
    adamUpdate(c, g, m, v, w, o, mOut, vOut, next);
    o += w.length;
    out.push(next);
  });
  return out;
}

const kernelFunc: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as tf.KernelBackend;
  const a = attrs as unknown as AdamStepAttrs & NamedAttrMap;
  const read = (name: string): ArrayLike<number> => backend.readSync((inputs[name] as TensorInfo).dataId) as ArrayLike<number>;
  const m = inputs.m as TensorInfo;
  const total = tf.util.sizeFromShape(m.shape);
  const grads: ArrayLike<number>[] = [];
  const weights: ArrayLike<number>[] = [];
  for (let k = 0; k < a.count; k++) {
    grads.push(read(`g${k}`));
    weights.push(read(`w${k}`));
  }
  const mOut = new Float32Array(total);
  const vOut = new Float32Array(total);
  const next = adamStepValues(read('m'), read('v'), grads, weights, a, mOut, vOut);
  const info = (values: Float32Array, shape: number[]): TensorInfo => ({ dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' });
  return [info(mOut, m.shape), info(vOut, m.shape), ...next.map((w, k) => info(w, (inputs[`w${k}`] as TensorInfo).shape))];
};

let registered = false;

/** Registers {@link ADAM_STEP} for the cpu and wasm backends (idempotent; on the first optimiser step, never at import). */
export function registerAdamStepKernel(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ADAM_STEP_BACKENDS) {
    if (tf.getKernel(ADAM_STEP, backendName) === undefined) tf.registerKernel({ kernelName: ADAM_STEP, backendName, kernelFunc });
  }
}
