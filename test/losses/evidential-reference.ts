/**
 * Float64 re-implementation of the evidential losses of Sensoy et al. (2018),
 * written from the formulas (ANCHORS.md §2.8) with survkit's float64 scalar
 * gamma functions; no shared code with src/losses. For gradient checks.
 */
import { digammaScalar, lgammaScalar } from '../../src/ops/gamma-math.js';

export type Kind = 'mse' | 'log' | 'digamma';
export type Evidence = 'relu' | 'softplus' | 'exp';

export function evidence64(z: number, f: Evidence): number {
  if (f === 'relu') return Math.max(0, z);
  if (f === 'softplus') return z > 30 ? z : Math.log1p(Math.exp(z));
  return Math.exp(Math.min(10, Math.max(-10, z)));
}

/** KL(Dir(a) ‖ Dir(1)) of one row. */
export function kl64(a: readonly number[]): number {
  const k = a.length;
  const s = a.reduce((u, v) => u + v, 0);
  let out = lgammaScalar(s) - lgammaScalar(k);
  for (const v of a) out += -lgammaScalar(v) + (v - 1) * (digammaScalar(v) - digammaScalar(s));
  return out;
}

/** Per-sample loss of one row: data term + λ·KL(α̃). */
export function rowLoss64(a: readonly number[], y: number, kind: Kind, lambda: number): number {
  const k = a.length;
  const s = a.reduce((u, v) => u + v, 0);
  let data = 0;
  if (kind === 'mse') {
    for (let j = 0; j < k; j++) {
      const p = (a[j] as number) / s;
      data += ((j === y ? 1 : 0) - p) ** 2 + ((a[j] as number) * (s - (a[j] as number))) / (s * s * (s + 1));
    }
  } else if (kind === 'log') {
    data = Math.log(s) - Math.log(a[y] as number);
  } else {
    data = digammaScalar(s) - digammaScalar(a[y] as number);
  }
  const tilde = a.map((v, j) => (j === y ? 1 : v));
  return data + lambda * kl64(tilde);
}

/** Mean loss over rows of a flat n×K α. */
export function loss64(alpha: readonly number[], y: readonly number[], k: number, kind: Kind, lambda: number): number {
  const n = y.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += rowLoss64(alpha.slice(i * k, (i + 1) * k), y[i] as number, kind, lambda);
  return total / n;
}
