/**
 * Host-built float32 masks that replace `gather`/`scatter` in the
 * discrete-time losses (so they differentiate on WASM): one-hot targets,
 * "up to κ" and "after κ" masks, and DeepHit's pair-rank matrix.
 * Columns are laid out as the flattened logits: cause e, time k → e·m + k,
 * with an optional extra pad column at the end.
 */

/** Layout of flattened discrete-time logits: n rows of `causes · m` columns (+1 pad column). */
export interface DiscreteLayout {
  n: number;
  causes: number;
  m: number;
  pad: boolean;
}

/** Number of columns of the (padded) flattened logits. */
export function width(l: DiscreteLayout): number {
  return l.causes * l.m + (l.pad ? 1 : 0);
}

/**
 * Likelihood mask: for an event of cause e at κ_i, 1 at column (e−1)·m + κ_i;
 * for a censored subject, 1 at every column with time index > κ_i (all causes)
 * and at the pad column — the mass "still alive after κ_i".
 */
export function likelihoodMask(l: DiscreteLayout, idx: Int32Array, event: Int32Array): Float32Array {
  const w = width(l);
  const out = new Float32Array(l.n * w);
  for (let i = 0; i < l.n; i++) {
    const k = idx[i] as number;
    const e = event[i] as number;
    if (e !== 0) {
      out[i * w + (e - 1) * l.m + k] = 1;
      continue;
    }
    for (let c = 0; c < l.causes; c++) for (let j = k + 1; j < l.m; j++) out[i * w + c * l.m + j] = 1;
    if (l.pad) out[i * w + w - 1] = 1;
  }
  return out;
}

/** 1 at column `cause`·m + j for j ≤ κ_i (the cause-specific CDF at κ_i), else 0. */
export function upToMask(l: DiscreteLayout, idx: Int32Array, cause: number): Float32Array {
  const w = width(l);
  const out = new Float32Array(l.n * w);
  for (let i = 0; i < l.n; i++) {
    const k = idx[i] as number;
    for (let j = 0; j <= k; j++) out[i * w + cause * l.m + j] = 1;
  }
  return out;
}

/** 1 at column κ_i of an n × w matrix (one-hot). */
export function oneHotAt(n: number, w: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(n * w);
  for (let i = 0; i < n; i++) out[i * w + (idx[i] as number)] = 1;
  return out;
}

/**
 * DeepHit's acceptable pairs as an n × n float32 matrix.
 * `'pycox'` (`pycox.models.data.pair_rank_mat`): A_ij = 1 if d_i ≠ 0 and
 * (κ_i < κ_j or (κ_i = κ_j and d_j = 0)).
 * `'paper'` (DeepHit reference code): A_ij = 1 if d_i ≠ 0 and κ_i < κ_j (strict).
 * With `cause` given, only rows with d_i = cause are kept.
 */
export function pairRankMatrix(idx: Int32Array, event: Int32Array, rule: 'pycox' | 'paper', cause?: number): Float32Array {
  const n = idx.length;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const ei = event[i] as number;
    if (ei === 0 || (cause !== undefined && ei !== cause)) continue;
    const ki = idx[i] as number;
    for (let j = 0; j < n; j++) {
      const kj = idx[j] as number;
      if (ki < kj || (rule === 'pycox' && ki === kj && event[j] === 0)) out[i * n + j] = 1;
    }
  }
  return out;
}
