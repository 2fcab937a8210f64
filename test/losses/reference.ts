/**
 * Independent float64 re-implementations of the losses, written directly from
 * the formulas (explicit risk sets and loops, O(n²), no shared code with src/),
 * for finite-difference gradient checks and cases without a golden file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export const fixtures = join(import.meta.dirname, '..', 'fixtures');

export function readCsv(rel: string): { header: string[]; rows: number[][] } {
  const lines = readFileSync(join(fixtures, rel), 'utf8').trim().split('\n');
  return { header: (lines[0] as string).split(','), rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

export function readJson<T>(rel: string): T {
  return JSON.parse(readFileSync(join(fixtures, rel), 'utf8')) as T;
}

/** Central finite differences of f at x (float64). */
export function finiteDiff(f: (x: number[]) => number, x: ArrayLike<number>, h = 1e-5): number[] {
  const base = Array.from(x);
  return base.map((_, i) => {
    const up = base.slice();
    const dn = base.slice();
    up[i] = (up[i] as number) + h;
    dn[i] = (dn[i] as number) - h;
    return (f(up) - f(dn)) / (2 * h);
  });
}

/** Cox negative log partial likelihood with explicit risk sets (R coxph's definition). */
export function coxNaive(g: number[], t: number[], e: number[], ties: 'efron' | 'breslow', mean = true): number {
  let ll = 0;
  const eventTimes = [...new Set(t.filter((_, i) => e[i] === 1))];
  for (const s of eventTimes) {
    const H = t.map((_, i) => i).filter((i) => t[i] === s && e[i] === 1);
    const R = t.map((_, i) => i).filter((i) => (t[i] as number) >= s);
    const sR = R.reduce((a, j) => a + Math.exp(g[j] as number), 0);
    const sH = H.reduce((a, j) => a + Math.exp(g[j] as number), 0);
    const d = H.length;
    ll += H.reduce((a, j) => a + (g[j] as number), 0);
    for (let r = 0; r < d; r++) ll -= Math.log(ties === 'efron' ? sR - (r / d) * sH : sR);
  }
  const nEv = e.filter((v) => v === 1).length;
  return mean ? -ll / nEv : -ll;
}

/** pycox cox_ph_loss with a stable descending sort (ties keep input order), ε = 1e-7. */
export function coxPycoxNaive(g: number[], t: number[], e: number[]): number {
  const idx = t.map((_, i) => i).sort((a, b) => (t[b] as number) - (t[a] as number) || a - b);
  const gamma = Math.max(...g);
  let c = 0;
  let s = 0;
  for (const i of idx) {
    c += Math.exp((g[i] as number) - gamma);
    if (e[i] === 1) s += (g[i] as number) - (Math.log(c + 1e-7) + gamma);
  }
  return -s / e.filter((v) => v === 1).length;
}

/** pycox cox_cc_loss (k > 1, clamp) / cox_cc_loss_single_ctrl (k = 1), row-major controls [n × k]. */
export function coxCcNaive(gCase: number[], gCtrl: number[], k: number, shrink = 0): number {
  const n = gCase.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(Math.min(80, (gCtrl[i * k + c] as number) - (gCase[i] as number)));
    loss += Math.log(1 + s);
  }
  loss /= n;
  const meanAbs = (v: number[]) => v.reduce((a, b) => a + Math.abs(b), 0) / v.length;
  let pen = meanAbs(gCase);
  for (let c = 0; c < k; c++) pen += meanAbs(gCase.map((_, i) => gCtrl[i * k + c] as number));
  return loss + (shrink * pen) / k;
}

/** Row-major logits [n × K × m] to nested arrays. */
function rows(phi: number[], n: number, w: number): number[][] {
  return Array.from({ length: n }, (_, i) => phi.slice(i * w, (i + 1) * w));
}

/** pycox nll_pmf (one cause, padded softmax, ε = 1e-7), mean. */
export function nllPmfNaive(phi: number[], n: number, m: number, idx: number[], e: number[]): number {
  let loss = 0;
  for (const [i, r] of rows(phi, n, m).entries()) {
    const x = [...r, 0];
    const gamma = Math.max(...x);
    const ex = x.map((v) => Math.exp(v - gamma));
    const sum = ex.reduce((a, b) => a + b, 0);
    const k = idx[i] as number;
    const cum = ex.slice(0, k + 1).reduce((a, b) => a + b, 0);
    const d = e[i] as number;
    loss -= d * ((x[k] as number) - gamma) - Math.log(sum + 1e-7) + (1 - d) * Math.log(Math.max(0, sum - cum) + 1e-7);
  }
  return loss / n;
}

/** Softmax of a row, with an extra zero logit when `pad`. */
function softmax(r: number[], pad: boolean): number[] {
  const x = pad ? [...r, 0] : r;
  const top = Math.max(...x);
  const ex = x.map((v) => Math.exp(v - top));
  const z = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / z);
}

/** Likelihood of a PMF model with K causes: pycox nll_pmf_cr (pad, ε 1e-7) or the DeepHit paper code (no pad, ε 1e-8). */
export function nllCrNaive(phi: number[], n: number, K: number, m: number, idx: number[], e: number[], paper: boolean): number {
  let loss = 0;
  for (const [i, r] of rows(phi, n, K * m).entries()) {
    const p = softmax(r, !paper);
    const k = idx[i] as number;
    const d = e[i] as number;
    if (d !== 0) loss -= Math.log((p[(d - 1) * m + k] as number) + (paper ? 1e-8 : 1e-7));
    else if (paper) {
      let s = 0;
      for (let c = 0; c < K; c++) for (let j = k + 1; j < m; j++) s += p[c * m + j] as number;
      loss -= Math.log(s + 1e-8);
    } else {
      let F = 0;
      for (let c = 0; c < K; c++) for (let j = 0; j <= k; j++) F += p[c * m + j] as number;
      loss -= Math.log(Math.max(0, 1 - F) + 1e-7);
    }
  }
  return loss / n;
}

/** DeepHit ranking loss, pycox (pair_rank_mat, mean over i and j, summed over causes) or paper (strict pairs, mean j, mean causes, sum i). */
export function rankNaive(phi: number[], n: number, K: number, m: number, idx: number[], e: number[], sigma: number, paper: boolean): number {
  const P = rows(phi, n, K * m).map((r) => softmax(r, !paper));
  const F = (i: number, c: number, k: number) => {
    let s = 0;
    for (let j = 0; j <= k; j++) s += (P[i] as number[])[c * m + j] as number;
    return s;
  };
  let total = 0;
  for (let c = 0; c < K; c++) {
    for (let i = 0; i < n; i++) {
      if (e[i] !== c + 1) continue;
      const ki = idx[i] as number;
      for (let j = 0; j < n; j++) {
        const kj = idx[j] as number;
        const ok = ki < kj || (!paper && ki === kj && e[j] === 0);
        if (ok) total += Math.exp(-(F(i, c, ki) - F(j, c, ki)) / sigma);
      }
    }
  }
  return paper ? total / (n * K) : total / (n * n);
}

/** pycox nll_logistic_hazard, mean. */
export function logisticHazardNaive(phi: number[], n: number, m: number, idx: number[], e: number[]): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= (idx[i] as number); k++) {
      const x = phi[i * m + k] as number;
      const y = k === idx[i] ? (e[i] as number) : 0;
      loss += Math.max(x, 0) - x * y + Math.log(1 + Math.exp(-Math.abs(x)));
    }
  }
  return loss / n;
}

/** Expects |a_i − b_i| <= atol + rtol·|b_i| for every i, reporting the worst index. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): void {
  expect(a.length).toBe(b.length);
  let worst = -Infinity;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs((a[i] as number) - (b[i] as number)) - (atol + rtol * Math.abs(b[i] as number));
    if (excess > worst) {
      worst = excess;
      at = i;
    }
  }
  expect(worst, `index ${at}: ${a[at]} vs ${b[at]}`).toBeLessThanOrEqual(0);
}
