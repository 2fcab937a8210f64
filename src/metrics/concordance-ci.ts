import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import type { LabelsInput } from '../data/labels.js';
import { isTimeEventCall, timeEventOf } from './call-forms.js';
import { riskInputs, type ConcordanceOptions } from './concordance-harrell.js';
import { countPairs, type PerSubjectCounts } from './concordance-pairs.js';

/** Standard-error method of {@link concordanceConfidenceInterval}. */
export type ConcordanceCiMethod = 'noether' | 'conservative' | 'ij';

/** Options of {@link concordanceConfidenceInterval}. */
export interface ConcordanceCiOptions extends ConcordanceOptions {
  /** Confidence level in (0, 1). Default 0.95. */
  level?: number;
  /** `'noether'` (default), `'conservative'` (both torchsurv) or `'ij'` (R survival's infinitesimal jackknife). */
  method?: ConcordanceCiMethod;
}

/** Result of {@link concordanceConfidenceInterval}. */
export interface ConcordanceCiResult {
  /** Harrell's C (as {@link concordanceIndex}). */
  cIndex: number;
  /** Standard error of C ('conservative': the interval half-width divided by z). */
  se: number;
  lower: number;
  upper: number;
  level: number;
  method: ConcordanceCiMethod;
}

/**
 * Two-sided confidence interval for Harrell's C of risk scores `risk` for the
 * subjects of `labels` ({@link LabelsInput}, event 0/1); options as {@link ConcordanceOptions}.
 *
 * With z = Φ⁻¹(1 − α/2), α = 1 − level, N = n subjects and, for every event i,
 * c_i / d_i = its concordant / discordant comparable pairs as the earlier member
 * (torchsurv's per-event counts; 0 for censored subjects):
 * - `'noether'` (torchsurv `ConcordanceIndex.confidence_interval('noether')`,
 *   Pencina & D'Agostino 2004): p_c = Σc_i/(N(N−1)), p_d = Σd_i/(N(N−1)),
 *   p_cc = Σc_i(c_i−1)/(N(N−1)(N−2)), p_dd likewise, p_cd = Σc_i d_i/(N(N−1)(N−2)),
 *   var = 4 (p_d² p_cc − 2 p_c p_d p_cd + p_c² p_dd) / ((p_c+p_d)⁴ N);
 *   interval C ± z·se clipped to [0, 1].
 * - `'conservative'` (torchsurv): w = 2z²/(N(p_c+p_d)), centre (w + 2C)/(2(1+w)),
 *   half-width √(w² + 4wC(1−C))/(2(1+w)); `se` is that half-width / z.
 * - `'ij'`: the infinitesimal-jackknife standard error that R
 *   `survival::concordance` reports (`std.err`): with C_i, D_i, T_i the
 *   concordant / discordant / risk-tied pairs that subject i belongs to in either
 *   role, P the comparable pairs and s = (ΣC − ΣD)/P (Somers' d),
 *   var = Σ_i ((C_i − D_i)/P − s (C_i + D_i + T_i)/P)² / 4; interval C ± z·se clipped
 *   to [0, 1]. Pass `tiedTol: 0` for R's exact risk ties.
 * All counts cost O(n log n) (two Fenwick sweeps), O(n) memory.
 *
 * Differences from torchsurv: torchsurv detects risk ties after casting to
 * float32 and throws when the standard error is 0; here ties use float64 and a
 * standard error of 0 (no discordant pairs) gives the interval [C, C].
 *
 * @throws {SurvkitError} on the inputs {@link concordanceIndex} rejects, a bad
 *   `level` or `method`, fewer than 3 subjects ('noether'), a negative Noether
 *   variance estimate (`negativeVariance`; tiny samples), or when every
 *   comparable pair is tied on risk ('noether', 'conservative')
 * @example
 * const time = [2, 3, 4, 5, 6, 7, 8, 9];
 * const event = [1, 1, 0, 1, 1, 0, 1, 0];
 * const ci = concordanceConfidenceInterval({ time, event }, [8, 6, 7, 5, 3, 4, 1, 2], { method: 'ij' });
 * ci.cIndex; // 0.857… (18 of 21 pairs)
 * ci.se; // 0.0770 (R: concordance(Surv(time, event) ~ risk, reverse = TRUE) std.err)
 * ci.upper; // 1 (clipped)
 * @see Pencina & D'Agostino (2004), Statistics in Medicine 23:2109–2123;
 *   Therneau & Watson (2017), The concordance statistic and the Cox model (survival vignette)
 */
export function concordanceConfidenceInterval(labels: LabelsInput, risk: ArrayLike<number>, opts?: ConcordanceCiOptions): ConcordanceCiResult;
/** @deprecated since 0.2: call `concordanceConfidenceInterval({ time, event }, risk, opts)` — labels first, as every metric. */
export function concordanceConfidenceInterval(time: unknown, event: unknown, risk: unknown, opts?: ConcordanceCiOptions): ConcordanceCiResult;
export function concordanceConfidenceInterval(...args: unknown[]): ConcordanceCiResult {
  const fn = 'concordanceConfidenceInterval';
  const { time, event, rest } = timeEventOf(fn, args, isTimeEventCall(args, 1));
  const risk = rest[0];
  const opts = (rest[1] ?? {}) as ConcordanceCiOptions;
  const level = assertNumberOption(fn, 'level', opts.level ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const method = assertChoice(fn, 'method', opts.method ?? 'noether', ['noether', 'conservative', 'ij'] as const);
  const direction = assertChoice(fn, 'direction', opts.direction ?? 'risk', ['risk', 'survival'] as const);
  const inp = riskInputs(fn, time, event, risk, opts.tiedTol);
  if (direction === 'survival') for (let i = 0; i < inp.risk.length; i++) inp.risk[i] = -(inp.risk[i] as number);
  const c = countPairs(inp.labels.time, inp.labels.event, inp.risk, inp.tiedTol, { perSubject: method === 'ij' ? 'both' : 'anchor' });
  if (c.comparable === 0) throw survkitError('noComparablePairs', fn);
  const per = c.perSubject as PerSubjectCounts;
  const cIndex = (c.concordant + 0.5 * c.tiedRisk) / c.comparable;
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  const n = inp.risk.length;
  if (method === 'ij') {
    const se = ijStandardError(per, c.concordant, c.discordant, c.comparable);
    return { cIndex, se, lower: Math.max(0, cIndex - z * se), upper: Math.min(1, cIndex + z * se), level, method };
  }
  if (c.concordant + c.discordant === 0) {
    throw survkitError('allPairsTied', fn, 'risk');
  }
  if (method === 'noether') {
    if (n < 3) throw survkitError('noetherSubjects', fn, 'time', n);
    const se = noetherStandardError(fn, per, n);
    return { cIndex, se, lower: Math.max(0, cIndex - z * se), upper: Math.min(1, cIndex + z * se), level, method };
  }
  const pcpd = (c.concordant + c.discordant) / (n * (n - 1));
  const w = (2 * z * z) / (n * pcpd);
  const half = Math.sqrt(w * w + 4 * w * cIndex * (1 - cIndex)) / (2 * (1 + w));
  const centre = (w + 2 * cIndex) / (2 * (1 + w));
  return { cIndex, se: half / z, lower: centre - half, upper: centre + half, level, method };
}

/**
 * Noether standard error from the per-event concordant / discordant counts
 * (torchsurv). Throws `negativeVariance` when the moment estimate is negative
 * (small samples; torchsurv gets NaN there and raises).
 */
export function noetherStandardError(fn: string, per: PerSubjectCounts, n: number): number {
  let sc = 0;
  let sd = 0;
  let scc = 0;
  let sdd = 0;
  let scd = 0;
  for (let i = 0; i < n; i++) {
    const ci = per.anchorC[i] as number;
    const di = per.anchorD[i] as number;
    sc += ci;
    sd += di;
    scc += ci * (ci - 1);
    sdd += di * (di - 1);
    scd += ci * di;
  }
  const n2 = n * (n - 1);
  const n3 = n2 * (n - 2);
  const pc = sc / n2;
  const pd = sd / n2;
  const a = pd * pd * (scc / n3);
  const b = 2 * pc * pd * (scd / n3);
  const c = pc * pc * (sdd / n3);
  const raw = a - b + c;
  // exact zeros cancel only up to rounding: below −1e-12 of the terms is a true negative
  if (raw < -1e-12 * (a + b + c)) throw survkitError('negativeVariance', fn, 'Noether', ((4 / (pc + pd) ** 4) * raw) / n);
  return Math.sqrt(((4 / (pc + pd) ** 4) * Math.max(0, raw)) / n);
}

/**
 * Influence of each subject on C (R survival's infinitesimal jackknife,
 * timewt "n", no weights): with C_i, D_i, T_i the concordant / discordant /
 * risk-tied pairs subject i belongs to, P the comparable pairs and
 * s = (ΣC − ΣD)/P, dC_i = ((C_i − D_i)/P − s (C_i + D_i + T_i)/P) / 2;
 * var(C) = Σ dC_i² (R: `dfbeta` = 2 dC_i, var = Σ dfbeta² / 4).
 */
export function ijInfluence(per: PerSubjectCounts, concordant: number, discordant: number, npair: number): Float64Array {
  const somer = (concordant - discordant) / npair;
  const out = new Float64Array(per.anchorC.length);
  for (let i = 0; i < out.length; i++) {
    const ci = (per.anchorC[i] as number) + (per.otherC[i] as number);
    const di = (per.anchorD[i] as number) + (per.otherD[i] as number);
    const ti = (per.anchorT[i] as number) + (per.otherT[i] as number);
    out[i] = ((ci - di) / npair - (somer / npair) * (ci + di + ti)) / 2;
  }
  return out;
}

/** R survival's infinitesimal-jackknife standard error of C. */
export function ijStandardError(per: PerSubjectCounts, concordant: number, discordant: number, npair: number): number {
  let s = 0;
  for (const d of ijInfluence(per, concordant, discordant, npair)) s += d * d;
  return Math.sqrt(s);
}
