import { assertNumberOption } from '../core/assert.js';
import { chiSquareSf } from '../core/chi-square.js';
import { survkitError } from '../core/errors.js';
import { asLabels, assertSingleRisk, type LabelsInput } from '../data/labels.js';
import { groupCodes, sortOrder, type GroupInput } from './cox-data.js';

/** Options of {@link logrank}. */
export interface LogrankOptions {
  /** Fleming–Harrington ρ: weight S(t−)^ρ (default 0, the log-rank test; 1 is Peto–Peto's Wilcoxon as R's survdiff). */
  rho?: number;
  /** Fleming–Harrington γ: extra weight (1 − S(t−))^γ (default 0; R's survdiff has no γ). */
  gamma?: number;
  /** Stratum of each subject: observed, expected and variance are summed over strata. */
  strata?: GroupInput;
}

/** One group of a {@link LogrankResult}. */
export interface LogrankGroup {
  group: number | string;
  n: number;
  /** (Weighted) number of events, Σ_t w(t) d_g(t). */
  observed: number;
  /** (Weighted) expected number under equal hazards, Σ_t w(t) d(t) n_g(t)/n(t). */
  expected: number;
}

/** Result of {@link logrank}. */
export interface LogrankResult {
  groups: LogrankGroup[];
  /** The k × k variance matrix of observed − expected. */
  variance: number[][];
  /** χ² statistic (O − E)ᵀ V⁻ (O − E), dropping the first group with expected > 0. */
  statistic: number;
  /** Groups with expected > 0, minus 1. */
  df: number;
  p: number;
  rho: number;
  gamma: number;
}

/** Sorted group levels (numbers ascending, then strings), as R's factor() orders them. */
export function sortedLevels(levels: (number | string)[]): (number | string)[] {
  return [...levels].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
}

/**
 * The k-sample log-rank test and the Fleming–Harrington G(ρ, γ) family, as R
 * survival's `survdiff` computes it (stratified when `strata` is given).
 * At each event time t of a stratum with n(t) at risk, d(t) events, n_g(t) and
 * d_g(t) in group g, and weight w(t) = S(t−)^ρ (1 − S(t−))^γ with S the pooled
 * Kaplan–Meier of the stratum (Harrington & Fleming 1982):
 *
 *   O_g = Σ w d_g,  E_g = Σ w d n_g/n,
 *   V_gh = Σ w² d (n − d)/(n − 1) · (n_g/n)(δ_gh − n_h/n),
 *
 * summed over strata, and χ² = (O − E)ᵀ V⁻¹ (O − E) over all groups but the
 * first (with expected > 0), on k − 1 degrees of freedom.
 *
 * @param labels survival labels `{ time, event }` (event 0/1)
 * @param groups the group of each subject (numbers or strings), at least two groups
 * @param opts `rho` (default 0), `gamma` (default 0), `strata`
 * @returns {@link LogrankResult}; groups in sorted order (as R's factor levels)
 * @throws {SurvkitError} on bad labels or groups, fewer than 2 groups (`logrankGroups`), no events
 * @example
 * const r = logrank({ time: [3, 5, 7, 9, 4, 6, 8, 10], event: [1, 1, 0, 1, 1, 0, 1, 1] }, ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
 * r.p; // the log-rank p-value
 * @see Mantel (1966); Peto & Peto (1972); Harrington & Fleming (1982), Biometrika 69:553–566
 */
export function logrank(labels: LabelsInput, groups: GroupInput, opts: LogrankOptions = {}): LogrankResult {
  return logrankIn('logrank', labels, groups, opts);
}

/** {@link logrank} in the name of `fn`. */
export function logrankIn(fn: string, labels: LabelsInput, groups: GroupInput, opts: LogrankOptions): LogrankResult {
  const y = asLabels(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const n = y.time.length;
  const rho = assertNumberOption(fn, 'rho', opts.rho ?? 0, { min: 0 });
  const gamma = assertNumberOption(fn, 'gamma', opts.gamma ?? 0, { min: 0 });
  const g = groupCodes(fn, 'groups', groups, n);
  const levels = sortedLevels(g.levels);
  const k = levels.length;
  if (k < 2) throw survkitError('logrankGroups', fn, 'groups', k);
  const recode = g.levels.map((l) => levels.indexOf(l));
  const group = Int32Array.from(g.codes, (c) => recode[c] as number);
  const strata = opts.strata === undefined ? new Int32Array(n) : groupCodes(fn, 'strata', opts.strata, n).codes;
  let events = 0;
  for (const e of y.event) events += e;
  if (events === 0) throw survkitError('noEvents', fn, 'labels.event');
  const order = sortOrder(y.time, y.event, strata);
  const obs = new Float64Array(k);
  const exp = new Float64Array(k);
  const v = new Float64Array(k * k);
  const size = new Float64Array(k);
  const risk = new Float64Array(k);
  for (const c of group) size[c] = (size[c] as number) + 1;
  let start = 0;
  while (start < n) {
    const s = strata[order[start] as number];
    let end = start;
    while (end < n && strata[order[end] as number] === s) end++;
    // left-continuous pooled KM S(t−) at each subject of the stratum
    const km = new Float64Array(end - start);
    let surv = 1;
    for (let i = start; i < end;) {
      let j = i;
      let d = 0;
      const t = y.time[order[i] as number];
      for (; j < end && y.time[order[j] as number] === t; j++) {
        km[j - start] = surv;
        d += y.event[order[j] as number] as number;
      }
      const atRisk = end - i;
      surv = (surv * (atRisk - d)) / atRisk;
      i = j;
    }
    risk.fill(0);
    for (let i = end - 1; i >= start;) {
      const sk = km[i - start] as number;
      const wt = Math.pow(sk, rho) * Math.pow(1 - sk, gamma);
      const t = y.time[order[i] as number];
      let deaths = 0;
      let j = i;
      for (; j >= start && y.time[order[j] as number] === t; j--) {
        const c = group[order[j] as number] as number;
        const e = y.event[order[j] as number] as number;
        deaths += e;
        risk[c] = (risk[c] as number) + 1;
        obs[c] = (obs[c] as number) + e * wt;
      }
      i = j;
      const nrisk = end - (j + 1);
      if (deaths === 0) continue;
      for (let c = 0; c < k; c++) exp[c] = (exp[c] as number) + (wt * deaths * (risk[c] as number)) / nrisk;
      if (nrisk === 1) continue;
      const w2 = wt * wt;
      for (let a = 0; a < k; a++) {
        const tmp = (w2 * deaths * (risk[a] as number) * (nrisk - deaths)) / (nrisk * (nrisk - 1));
        v[a * k + a] = (v[a * k + a] as number) + tmp;
        for (let b = 0; b < k; b++) v[a * k + b] = (v[a * k + b] as number) - (tmp * (risk[b] as number)) / nrisk;
      }
    }
    start = end;
  }
  // χ² over the groups with expected > 0, the first of them dropped (survdiff)
  const used = [...Array(k).keys()].filter((c) => (exp[c] as number) > 0);
  const df = used.length - 1;
  const statistic = df < 1 ? 0 : quadraticSolve(v, k, used.slice(1), obs, exp);
  return {
    groups: levels.map((group, c) => ({ group, n: size[c] as number, observed: obs[c] as number, expected: exp[c] as number })),
    variance: Array.from({ length: k }, (_, a) => Array.from(v.subarray(a * k, a * k + k))),
    statistic,
    df,
    p: df < 1 ? 1 : chiSquareSf(statistic, df),
    rho,
    gamma,
  };
}

/** (O − E)ᵀ V⁻¹ (O − E) restricted to the indices `idx`, by Gaussian elimination with partial pivoting (R's solve). */
export function quadraticSolve(v: Float64Array, k: number, idx: number[], obs: Float64Array, exp: Float64Array): number {
  const m = idx.length;
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  idx.forEach((r, i) => {
    b[i] = (obs[r] as number) - (exp[r] as number);
    idx.forEach((c, j) => (a[i * m + j] = v[r * k + c] as number));
  });
  const x = Float64Array.from(b);
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * m + col] as number) > Math.abs(a[piv * m + col] as number)) piv = r;
    if (piv !== col) {
      for (let j = 0; j < m; j++) {
        const t = a[col * m + j] as number;
        a[col * m + j] = a[piv * m + j] as number;
        a[piv * m + j] = t;
      }
      const t = x[col] as number;
      x[col] = x[piv] as number;
      x[piv] = t;
    }
    const d = a[col * m + col] as number;
    for (let r = col + 1; r < m; r++) {
      const f = (a[r * m + col] as number) / d;
      if (f === 0) continue;
      for (let j = col; j < m; j++) a[r * m + j] = (a[r * m + j] as number) - f * (a[col * m + j] as number);
      x[r] = (x[r] as number) - f * (x[col] as number);
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let s = x[r] as number;
    for (let j = r + 1; j < m; j++) s -= (a[r * m + j] as number) * (x[j] as number);
    x[r] = s / (a[r * m + r] as number);
  }
  let q = 0;
  for (let i = 0; i < m; i++) q += (b[i] as number) * (x[i] as number);
  return q;
}
