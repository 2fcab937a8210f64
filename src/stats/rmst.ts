import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { normalUpperTail } from '../core/normal-tail.js';
import { asLabels, assertSingleRisk, subsetLabels, type LabelsInput } from '../data/labels.js';
import { kaplanMeier } from '../estimators/kaplan-meier.js';
import { groupCodes, type GroupInput } from './cox-data.js';
import { sortedLevels } from './logrank.js';

/** Options of {@link rmst}. */
export interface RmstOptions {
  /** Truncation time τ > 0. Default: the smallest of the groups' largest observed times. */
  tau?: number;
  /** Confidence level (default 0.95). */
  confidence?: number;
}

/** RMST of one group. */
export interface GroupRmst {
  group: number | string | null;
  n: number;
  events: number;
  /** ∫₀^τ Ŝ(t) dt. */
  rmst: number;
  se: number;
  lower: number;
  upper: number;
  /** Restricted mean time lost, τ − RMST (same SE). */
  rmtl: number;
}

/** An estimate with its interval and p-value. */
export interface Contrast {
  estimate: number;
  lower: number;
  upper: number;
  p: number;
}

/** Result of {@link rmst}. */
export interface RmstResult {
  tau: number;
  groups: GroupRmst[];
  /** For two groups: second minus first (sorted levels), as survRM2's arm 1 − arm 0. */
  difference?: Contrast;
  /** For two groups: second / first, CI and p on the log scale. */
  ratio?: Contrast;
  /** For two groups: RMTL second / first. */
  rmtlRatio?: Contrast;
}

/** RMST and its variance from a KM curve up to τ (definitions in {@link rmst}). */
function oneGroup(time: Float64Array, event: Int32Array, tau: number): { rmst: number; variance: number } {
  const km = kaplanMeier(time, event);
  const t: number[] = [];
  const s: number[] = [];
  const d: number[] = [];
  const nr: number[] = [];
  km.times.forEach((tk, k) => {
    if (tk > tau) return;
    t.push(tk);
    s.push(km.values[k] as number);
    d.push(km.nEvents[k] as number);
    nr.push(km.nRisk[k] as number);
  });
  // areas of the step pieces: [0, t_1) at S = 1, [t_k, t_{k+1}) at S(t_k), the last up to τ
  const m = t.length;
  const area = new Array<number>(m + 1);
  let prev = 0;
  let sPrev = 1;
  for (let k = 0; k < m; k++) {
    area[k] = ((t[k] as number) - prev) * sPrev;
    prev = t[k] as number;
    sPrev = s[k] as number;
  }
  area[m] = (tau - prev) * sPrev;
  let rmst = 0;
  for (const a of area) rmst += a;
  // Var = Σ_{t_k <= τ} A_k² d_k / (n_k (n_k − d_k)), A_k = ∫_{t_k}^τ Ŝ (0 where n_k = d_k: then Ŝ = 0 after t_k)
  let variance = 0;
  let tail = 0;
  for (let k = m - 1; k >= 0; k--) {
    tail += area[k + 1] as number;
    const n = nr[k] as number;
    const dk = d[k] as number;
    if (dk > 0 && n > dk) variance += (tail * tail * dk) / (n * (n - dk));
  }
  return { rmst, variance };
}

/**
 * Restricted mean survival time per group, RMST(τ) = ∫₀^τ Ŝ(t) dt with Ŝ the
 * Kaplan–Meier estimate, and for two groups the difference and ratio — the
 * quantities of R's `survRM2::rmst2` (Uno et al. 2014), computed from their
 * definitions:
 *
 *   Var(RMST) = Σ_{t_k <= τ} (∫_{t_k}^τ Ŝ(u) du)² d_k / (n_k (n_k − d_k))   (Greenwood / delta method),
 *
 * intervals RMST ± z·SE; difference RMST₂ − RMST₁ with SE √(V₁ + V₂); ratio
 * RMST₂/RMST₁ with log-scale SE √(V₁/RMST₁² + V₂/RMST₂²); the same ratio for
 * the restricted mean time lost τ − RMST; two-sided normal p-values.
 *
 * τ: by default the smallest of the groups' largest observed times. A given τ
 * beyond a group's largest time is refused when that group's last observation
 * is censored (its curve is unknown there); when it ends in events (Ŝ = 0), Ŝ
 * stays 0 up to τ.
 *
 * @param labels survival labels `{ time, event }` (event 0/1)
 * @param groups the group of each subject (omit for one group)
 * @param opts `tau`, `confidence` (default 0.95)
 * @throws {SurvkitError} on bad input, and `rmstTau` for a τ beyond a censored group's follow-up
 * @example
 * const r = rmst({ time: [2, 4, 6, 8, 3, 5, 7, 9], event: [1, 1, 0, 1, 1, 0, 1, 1] }, [0, 0, 0, 0, 1, 1, 1, 1], { tau: 7 });
 * r.difference?.estimate; // RMST of group 1 − RMST of group 0 up to t = 7
 * @see Royston & Parmar (2013), BMC Med Res Methodol 13:152; Uno et al. (2014), J Clin Oncol 32:2380–2385
 */
export function rmst(labels: LabelsInput, groups?: GroupInput, opts: RmstOptions = {}): RmstResult {
  const fn = 'rmst';
  const y = asLabels(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const confidence = assertNumberOption(fn, 'confidence', opts.confidence ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const n = y.time.length;
  const parts: { group: number | string | null; idx: number[] }[] = [];
  if (groups === undefined) parts.push({ group: null, idx: [...Array(n).keys()] });
  else {
    const g = groupCodes(fn, 'groups', groups, n);
    for (const level of sortedLevels(g.levels)) {
      const c = g.levels.indexOf(level);
      parts.push({ group: level, idx: [...Array(n).keys()].filter((i) => g.codes[i] === c) });
    }
  }
  const subs = parts.map((p) => subsetLabels(y, p.idx));
  const last = subs.map((s) => {
    let tmax = -Infinity;
    for (const t of s.time) if (t > tmax) tmax = t;
    let allEvents = true;
    s.time.forEach((t, i) => {
      if (t === tmax && s.event[i] === 0) allEvents = false;
    });
    return { tmax, allEvents };
  });
  let tau: number;
  if (opts.tau === undefined) tau = Math.min(...last.map((l) => l.tmax));
  else {
    tau = assertNumberOption(fn, 'tau', opts.tau, { min: 0, minExclusive: true });
    const limit = Math.min(...last.filter((l) => !l.allEvents).map((l) => l.tmax));
    if (tau > limit) throw survkitError('rmstTau', fn, 'tau', tau, limit);
  }
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const fits = subs.map((s) => oneGroup(s.time, s.event, tau));
  const out: RmstResult = {
    tau,
    groups: parts.map((p, k) => {
      const f = fits[k] as { rmst: number; variance: number };
      const se = Math.sqrt(f.variance);
      let events = 0;
      for (const e of (subs[k] as { event: Int32Array }).event) events += e;
      return { group: p.group, n: p.idx.length, events, rmst: f.rmst, se, lower: f.rmst - z * se, upper: f.rmst + z * se, rmtl: tau - f.rmst };
    }),
  };
  if (fits.length === 2) {
    const [a, b] = fits as [{ rmst: number; variance: number }, { rmst: number; variance: number }];
    const contrast = (est: number, se: number, log: boolean): Contrast => {
      const zz = est / se;
      const p = 2 * normalUpperTail(Math.abs(zz));
      return log
        ? { estimate: Math.exp(est), lower: Math.exp(est - z * se), upper: Math.exp(est + z * se), p }
        : { estimate: est, lower: est - z * se, upper: est + z * se, p };
    };
    out.difference = contrast(b.rmst - a.rmst, Math.sqrt(a.variance + b.variance), false);
    out.ratio = contrast(Math.log(b.rmst / a.rmst), Math.sqrt(a.variance / a.rmst ** 2 + b.variance / b.rmst ** 2), true);
    const la = tau - a.rmst;
    const lb = tau - b.rmst;
    out.rmtlRatio = contrast(Math.log(lb / la), Math.sqrt(a.variance / la ** 2 + b.variance / lb ** 2), true);
  }
  return out;
}
