import { assertChoice } from '../core/assert.js';
import { chiSquareSf } from '../core/chi-square.js';
import { survkitError } from '../core/errors.js';
import type { CoxphResult } from './coxph.js';
import { fitState } from './cox-fit-state.js';
import { centred } from './cox-residual-types.js';
import { quadraticSolve } from './logrank.js';

/** The time transform g(t) of {@link coxZph}: a name as R's, or a function of time. */
export type ZphTransform = 'km' | 'rank' | 'identity' | ((t: number) => number);

/** Options of {@link coxZph}. */
export interface CoxZphOptions {
  /** g(t): `'km'` (default, 1 − KM(t−) of all subjects), `'rank'` (average ranks of all times), `'identity'`, or a function. */
  transform?: ZphTransform;
  /**
   * Groups of covariates tested together (R's `terms = TRUE` for a factor's dummy columns): term name → covariate
   * names. Covariates in no group are tested alone. Default: each covariate alone (R's `terms = FALSE`).
   */
  terms?: Readonly<Record<string, readonly string[]>>;
}

/** One χ² test of {@link coxZph}. */
export interface ZphTest {
  /** The covariate, or the term name for a group; 'GLOBAL' for the global test. */
  name: string;
  chisq: number;
  df: number;
  p: number;
}

/** Result of {@link coxZph}. */
export interface CoxZphResult {
  /** One test per covariate (or term), in covariate order. */
  tests: ZphTest[];
  /** The global test on all p covariates. */
  global: ZphTest;
  /** The transform used ('user' for a function). */
  transform: string;
}

/**
 * The test of proportional hazards of Grambsch & Therneau (1994) as R survival
 * 3.x's `cox.zph` computes it: a one-step score test, at the fitted β̂ and
 * Λ̂₀, of adding the time-varying terms x·g(t) to the model, where g is the
 * transform centred at its mean over the events. With U₂ = Σ_events w_i g(t_i)
 * (x_i − x̄(t_i)) and the 2p × 2p information matrix I of (β, β·g), a group J of
 * covariates gets χ² = U₂,Jᵀ [I restricted to (all β, J)]⁻¹ U₂,J on |J| df, and
 * the global test uses all p. Efron means under Efron ties (Breslow for Breslow
 * and exact fits, as R), case weights and strata (risk sets within strata) as R.
 *
 * @param fit the object returned by {@link coxph}
 * @param opts {@link CoxZphOptions}
 * @returns {@link CoxZphResult}
 * @throws {SurvkitError} `notInstance` when `fit` is not a coxph result, `coxZphTransform`, `coxZphSingular`, `coxZphTerm` for a term
 * @example
 * const fit = coxph({ time: [5, 8, 12, 3, 9, 14, 7, 11], event: [1, 1, 0, 1, 1, 0, 1, 1] }, { x: [1, 0, 0, 1, 1, 0, 0, 1] });
 * coxZph(fit).global.p; // p-value of the global PH test
 * @see Grambsch & Therneau (1994), Biometrika 81:515–526; Therneau & Grambsch (2000), §6.2
 */
export function coxZph(fit: CoxphResult, opts: CoxZphOptions = {}): CoxZphResult {
  const fn = 'coxZph';
  const st = fitState(fn, fit);
  const { data, lpSorted, ties } = st;
  const { n, p, time, event } = data;
  const tr = opts.transform ?? 'km';
  const name = typeof tr === 'function' ? 'user' : assertChoice(fn, 'transform', tr, ['km', 'rank', 'identity'] as const);
  const g = transformTimes(fn, time, event, tr);
  let gm = 0;
  let ne = 0;
  for (let s = 0; s < n; s++)
    if (event[s] === 1) {
      gm += g[s] as number;
      ne++;
    }
  gm /= ne;
  for (let s = 0; s < n; s++) g[s] = (g[s] as number) - gm;
  const { u, imat } = zphScore(data, centred(st), lpSorted, g, ties === 'efron');
  // as R: the score for β itself is taken as 0 (the fit's own score; not exactly 0 after finite iterations, and not the
  // Breslow score of an exact-ties fit)
  u.fill(0, 0, p);
  const q = 2 * p;
  const test = (label: string, cols: number[]): ZphTest => {
    const idx = [...Array(p).keys(), ...cols.map((c) => c + p)];
    const chisq = quadraticSolve(imat, q, idx, u, new Float64Array(q));
    if (!Number.isFinite(chisq)) throw survkitError('coxZphSingular', fn, label);
    return { name: label, chisq, df: cols.length, p: chiSquareSf(chisq, cols.length) };
  };
  const groups = termGroups(fn, data.names, opts.terms);
  return {
    tests: groups.map(([label, cols]) => test(label, cols)),
    global: { ...test('GLOBAL', [...Array(p).keys()]), name: 'GLOBAL' },
    transform: name,
  };
}

/** Term groups in order of their first covariate. */
function termGroups(fn: string, names: readonly string[], terms: CoxZphOptions['terms']): [string, number[]][] {
  const owner = new Map<number, string>();
  for (const [term, cols] of Object.entries(terms ?? {}))
    for (const c of cols) {
      const k = names.indexOf(c);
      if (k < 0) throw survkitError('coxZphTerm', fn, `terms.${term}`, c, names);
      owner.set(k, term);
    }
  const out: [string, number[]][] = [];
  const seen = new Map<string, number[]>();
  names.forEach((nm, k) => {
    const term = owner.get(k);
    if (term === undefined) out.push([nm, [k]]);
    else if (seen.has(term)) (seen.get(term) as number[]).push(k);
    else {
      const cols = [k];
      seen.set(term, cols);
      out.push([term, cols]);
    }
  });
  return out;
}

/** g(t_i) for every subject (sorted order) before centring. */
function transformTimes(fn: string, time: Float64Array, event: Uint8Array, tr: ZphTransform): Float64Array {
  const n = time.length;
  if (typeof tr === 'function') {
    const out = Float64Array.from(time, (t) => tr(t));
    for (const v of out) if (!Number.isFinite(v)) throw survkitError('coxZphTransform', fn, 'transform', v);
    return out;
  }
  if (tr === 'identity') return Float64Array.from(time);
  // all subjects pooled (strata ignored), as R: sort the times
  const idx = [...Array(n).keys()].sort((a, b) => (time[a] as number) - (time[b] as number));
  const out = new Float64Array(n);
  if (tr === 'rank') {
    for (let i = 0; i < n;) {
      let j = i;
      while (j < n && time[idx[j] as number] === time[idx[i] as number]) j++;
      const r = (i + 1 + j) / 2; // average of ranks i+1 … j
      for (let k = i; k < j; k++) out[idx[k] as number] = r;
      i = j;
    }
    return out;
  }
  // km: 1 − S(t−), S the Kaplan–Meier of all subjects (unweighted, as R's survfitKM call in cox.zph)
  let surv = 1;
  for (let i = 0; i < n;) {
    let j = i;
    let d = 0;
    while (j < n && time[idx[j] as number] === time[idx[i] as number]) d += event[idx[j++] as number] as number;
    for (let k = i; k < j; k++) out[idx[k] as number] = 1 - surv;
    surv *= (n - i - d) / (n - i);
    i = j;
  }
  return out;
}

/** U = (U(β̂), Σ g·(x − x̄)) and the 2p × 2p information, as R survival's `zph1`. */
function zphScore(
  data: { p: number; time: Float64Array; event: Uint8Array; weight: Float64Array; stratumEnd: number[] },
  x: readonly Float64Array[],
  lp: Float64Array,
  g: Float64Array,
  efron: boolean,
): { u: Float64Array; imat: Float64Array } {
  const { p, time, event, weight } = data;
  const q = 2 * p;
  const u = new Float64Array(q);
  const imat = new Float64Array(q * q);
  const a = new Float64Array(p);
  const a2 = new Float64Array(p);
  const cmat = new Float64Array(p * p);
  const cmat2 = new Float64Array(p * p);
  const add = (i: number, j: number, v: number): void => {
    imat[i * q + j] = (imat[i * q + j] as number) + v;
  };
  let start = 0;
  for (const end of data.stratumEnd) {
    let denom = 0;
    a.fill(0);
    cmat.fill(0);
    for (let s = end - 1; s >= start;) {
      const dtime = time[s] as number;
      const tw = g[s] as number;
      let ndead = 0;
      let deadwt = 0;
      let denom2 = 0;
      a2.fill(0);
      cmat2.fill(0);
      for (; s >= start && time[s] === dtime; s--) {
        const w = weight[s] as number;
        const risk = Math.exp(lp[s] as number) * w;
        const dead = event[s] === 1;
        if (dead) {
          ndead++;
          deadwt += w;
          denom2 += risk;
        } else denom += risk;
        const A = dead ? a2 : a;
        const C = dead ? cmat2 : cmat;
        for (let i = 0; i < p; i++) {
          const xi = (x[i] as Float64Array)[s] as number;
          if (dead) {
            u[i] = (u[i] as number) + w * xi;
            u[i + p] = (u[i + p] as number) + tw * w * xi;
          }
          A[i] = (A[i] as number) + risk * xi;
          for (let j = 0; j <= i; j++) C[i * p + j] = (C[i * p + j] as number) + risk * xi * ((x[j] as Float64Array)[s] as number);
        }
      }
      if (ndead === 0) continue;
      const steps = efron ? ndead : 1;
      const wtave = deadwt / steps;
      for (let k = 0; k < steps; k++) {
        denom += denom2 / steps;
        for (let i = 0; i < p; i++) {
          a[i] = (a[i] as number) + (a2[i] as number) / steps;
          const mean = (a[i] as number) / denom;
          u[i] = (u[i] as number) - wtave * mean;
          u[i + p] = (u[i + p] as number) - tw * wtave * mean;
          for (let j = 0; j <= i; j++) {
            cmat[i * p + j] = (cmat[i * p + j] as number) + (cmat2[i * p + j] as number) / steps;
            const v = (wtave * ((cmat[i * p + j] as number) - mean * (a[j] as number))) / denom;
            add(j, i, v);
            add(j, i + p, v * tw);
            add(j + p, i + p, v * tw * tw);
          }
        }
      }
    }
    start = end;
  }
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++) {
      imat[i * q + j] = imat[j * q + i] as number;
      imat[i * q + j + p] = imat[j * q + i + p] as number;
      imat[(i + p) * q + j + p] = imat[(j + p) * q + i + p] as number;
    }
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) imat[(i + p) * q + j] = imat[j * q + i + p] as number;
  return { u, imat };
}
