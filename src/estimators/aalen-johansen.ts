/**
 * The Aalen–Johansen estimator of the cumulative incidence functions of
 * competing risks, with the two variances clinical software reports: R
 * survival's infinitesimal jackknife (`survfit(Surv(time, factor(status)) ~ 1)`)
 * and Gray's delta-method variance (`cmprsk::cuminc`).
 */
import quantile from '@stdlib/stats-base-dists-normal-quantile';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { labelsArg, type LabelsInput } from '../data/labels.js';
import { riskTable } from './risk-table.js';
import { StepFunction } from './step-function.js';

/** How the pointwise limits of a state probability p are formed (R `survfit`'s `conf.type` for multi-state curves). */
export type CifConfType = 'log' | 'log-log' | 'plain';

/** Options of {@link aalenJohansen}. */
export interface AalenJohansenOptions {
  /** Confidence level of the pointwise limits, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Transform of the limits. Default `'log'` (R `survfit`'s default). */
  confType?: CifConfType;
}

/** The estimate of one cause: values at every distinct time of the labels. */
export interface CauseIncidence {
  /** The event code of the cause (1..K). */
  readonly cause: number;
  /** F̂_k(t) at each time. */
  readonly cif: Float64Array;
  /** Infinitesimal-jackknife standard error of F̂_k (R `survfit`'s `std.err`). */
  readonly stdErr: Float64Array;
  /** Lower pointwise limit (R `survfit`'s `lower`; 0 where F̂_k = 0, where R reports NA). */
  readonly lower: Float64Array;
  /** Upper pointwise limit. */
  readonly upper: Float64Array;
  /** Gray's variance of F̂_k (`cmprsk::cuminc`'s `var`): it changes only at the times of cause-k events. */
  readonly grayVariance: Float64Array;
  /** Events of this cause at each time. */
  readonly nEvents: Float64Array;
}

/** What {@link aalenJohansen} returns. */
export class AalenJohansen {
  constructor(
    /** The distinct observed times, ascending. */
    readonly times: Float64Array,
    /** Subjects at risk just before each time. */
    readonly nRisk: Float64Array,
    /** Events of any cause at each time. */
    readonly nEvents: Float64Array,
    /** Censorings at each time. */
    readonly nCensored: Float64Array,
    /** Event-free survival Ŝ(t) = 1 − Σ_k F̂_k(t) (the Kaplan–Meier estimate of any event; R's state "(s0)"). */
    readonly survival: Float64Array,
    /** Infinitesimal-jackknife standard error of Ŝ (R's `std.err` of "(s0)"). */
    readonly survivalStdErr: Float64Array,
    /** One entry per cause 1..K (K the largest event code). */
    readonly causes: readonly CauseIncidence[],
    readonly confidence: number,
    readonly confType: CifConfType,
  ) {
    Object.freeze(this);
  }

  /**
   * F̂_k as a right-continuous step function (0 before the first time).
   * @throws {SurvkitError} `causeCode` when `cause` is not one of 1..K
   */
  cifFunction(cause: number): StepFunction {
    return new StepFunction(this.times, this.causeOf('AalenJohansen.cifFunction', cause).cif, 0);
  }

  /** The estimate of one cause. @throws {SurvkitError} `causeCode` when `cause` is not one of 1..K */
  causeOf(fn: string, cause: number): CauseIncidence {
    const c = this.causes[cause - 1];
    if (!Number.isInteger(cause) || c === undefined) throw survkitError('causeCode', fn, 'cause', this.causes.length, cause);
    return c;
  }
}

/**
 * Aalen–Johansen cumulative incidence F̂_k(t) = Σ_{t_l ≤ t} Ŝ(t_l−) d_kl / n_l for every cause k = 1..K, with
 * Ŝ the Kaplan–Meier estimate of any event (everyone starts event-free at time 0; no left truncation).
 *
 * Standard errors are R survival 3.x's infinitesimal jackknife for multi-state curves: with U_i(t) the
 * derivative of F̂_k(t) with respect to subject i's case weight, SE² = Σ_i U_i(t)² — computed here without the
 * n × m matrix of influences, since subjects still at risk share one influence value and those who have left
 * evolve linearly (O(n log n + m·K)). Limits follow `survfit`'s multi-state rules: 'log'
 * p·exp(∓z·se/p) with the upper limit clipped at 1, 'plain' p ∓ z·se clipped to [0, 1], 'log-log'
 * exp(−exp(log(−log p) ∓ z·se/(p log p))). `grayVariance` is Gray's estimator as `cmprsk::cuminc` computes it
 * (ties corrected by (d − 1)/(n − 1)), updated at the times of cause-k events only.
 *
 * @param labels n >= 1 subjects, event codes 0 = censored, k >= 1 = cause k
 * @param opts `confidence` (default 0.95), `confType` (default 'log')
 * @returns an {@link AalenJohansen} with one entry per distinct time and one {@link CauseIncidence} per cause
 * @throws {SurvkitError} on invalid labels or options
 * @example
 * const aj = aalenJohansen({ time: [1, 2, 3, 4], event: [1, 2, 0, 1] });
 * aj.causes[0].cif; // Float64Array [0.25, 0.25, 0.25, 0.75]
 * @see Aalen & Johansen (1978), Scand J Stat 5:141–150; Gray (1988), Ann Stat 16:1141–1154
 */
export function aalenJohansen(labels: LabelsInput, opts: AalenJohansenOptions = {}): AalenJohansen {
  const fn = 'aalenJohansen';
  const y = labelsArg(fn, 'labels', labels);
  const confidence = assertNumberOption(fn, 'confidence', opts.confidence ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const confType = assertChoice(fn, 'confType', opts.confType ?? 'log', ['log', 'log-log', 'plain'] as const);
  let K = 0;
  for (const e of y.event) if (e > K) K = e;
  const tab = riskTable(y.time, y.event);
  const m = tab.times.length;
  const dk = Array.from({ length: K }, (_, k) => riskTable(y.time, y.event, k + 1).nEvents);
  const z = quantile(1 - (1 - confidence) / 2, 0, 1);

  const surv = new Float64Array(m);
  const survSe = new Float64Array(m);
  const cif = dk.map(() => new Float64Array(m));
  const se = dk.map(() => new Float64Array(m));
  const gray = dk.map(() => new Float64Array(m));
  // infinitesimal jackknife: exited subjects' moments Σ U0², Σ U0·Uk, Σ Uk²; the shared influence of those at risk
  let q00 = 0;
  const q0k = new Float64Array(K);
  const qkk = new Float64Array(K);
  let r0 = 0;
  const rk = new Float64Array(K);
  // Gray's accumulators per cause
  const v1 = new Float64Array(K);
  const v2 = new Float64Array(K);
  const v3 = new Float64Array(K);
  const vNow = new Float64Array(K);
  let p0 = 1;
  const F = new Float64Array(K);
  for (let l = 0; l < m; l++) {
    const n = tab.nRisk[l] as number;
    const d = tab.nEvents[l] as number;
    const c = tab.nCensored[l] as number;
    const lam = d / n;
    // subjects who left before t_l: U0 ← U0 (1 − λ), Uk ← Uk + U0 λ_k
    for (let k = 0; k < K; k++) {
      const lk = ((dk[k] as Float64Array)[l] as number) / n;
      qkk[k] = cancel(
        (qkk[k] as number) + 2 * lk * (q0k[k] as number) + lk * lk * q00,
        (qkk[k] as number) + Math.abs(2 * lk * (q0k[k] as number)) + lk * lk * q00,
      );
      q0k[k] = (1 - lam) * cancel((q0k[k] as number) + lk * q00, Math.abs(q0k[k] as number) + lk * q00);
    }
    q00 *= (1 - lam) * (1 - lam);
    // subjects at risk at t_l: continuing / censored (no event) and failing from cause j
    const r0c = r0 * (1 - lam) + (p0 * lam) / n;
    const r0f = r0 * (1 - lam) - (p0 * (1 - lam)) / n;
    const rkBase = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const lk = ((dk[k] as Float64Array)[l] as number) / n;
      rkBase[k] = (rk[k] as number) + r0 * lk - (p0 * lk) / n; // no event at t_l
    }
    // leavers join the exited pool: c censored, d_j failing from cause j
    q00 += c * r0c * r0c;
    for (let k = 0; k < K; k++) {
      const b = rkBase[k] as number;
      q0k[k] = (q0k[k] as number) + c * r0c * b;
      qkk[k] = (qkk[k] as number) + c * b * b;
    }
    for (let j = 0; j < K; j++) {
      const dj = (dk[j] as Float64Array)[l] as number;
      if (dj === 0) continue;
      q00 += dj * r0f * r0f;
      for (let k = 0; k < K; k++) {
        const u = (rkBase[k] as number) + (k === j ? p0 / n : 0);
        q0k[k] = (q0k[k] as number) + dj * r0f * u;
        qkk[k] = (qkk[k] as number) + dj * u * u;
      }
    }
    const cont = n - d - c;
    r0 = r0c;
    rk.set(rkBase);
    // Gray's variance (cmprsk cinc), then the estimates
    const pNext = (p0 * (n - d)) / n;
    for (let k = 0; k < K; k++) {
      const d1 = (dk[k] as Float64Array)[l] as number;
      const d2 = d - d1;
      if (d1 > 0) F[k] = (F[k] as number) + (p0 * d1) / n;
      if (d === 0) continue;
      const fk = F[k] as number;
      if (d2 > 0 && pNext > 0) {
        const t6 = (p0 * p0 * (d2 > 1 ? 1 - (d2 - 1) / (n - 1) : 1) * d2) / (n * n);
        const t3 = 1 / pNext;
        const t4 = fk / pNext;
        v1[k] = (v1[k] as number) + t4 * t4 * t6;
        v2[k] = (v2[k] as number) + t3 * t4 * t6;
        v3[k] = (v3[k] as number) + t3 * t3 * t6;
      }
      if (d1 > 0) {
        const t6 = (p0 * p0 * (d1 > 1 ? 1 - (d1 - 1) / (n - 1) : 1) * d1) / (n * n);
        const t3 = pNext > 0 ? 1 / pNext : 0;
        const t4 = 1 + t3 * fk;
        v1[k] = (v1[k] as number) + t4 * t4 * t6;
        v2[k] = (v2[k] as number) + t3 * t4 * t6;
        v3[k] = (v3[k] as number) + t3 * t3 * t6;
        vNow[k] = (v1[k] as number) + fk * fk * (v3[k] as number) - 2 * fk * (v2[k] as number);
      }
    }
    p0 = pNext;
    surv[l] = p0;
    survSe[l] = Math.sqrt(q00 + cont * r0 * r0);
    for (let k = 0; k < K; k++) {
      (cif[k] as Float64Array)[l] = F[k] as number;
      (se[k] as Float64Array)[l] = Math.sqrt((qkk[k] as number) + cont * (rk[k] as number) * (rk[k] as number));
      (gray[k] as Float64Array)[l] = vNow[k] as number;
    }
  }
  const causes: CauseIncidence[] = cif.map((f, k) => {
    const lower = new Float64Array(m);
    const upper = new Float64Array(m);
    const s = se[k] as Float64Array;
    for (let l = 0; l < m; l++) [lower[l], upper[l]] = stateLimits(f[l] as number, s[l] as number, z, confType);
    return Object.freeze({ cause: k + 1, cif: f, stdErr: s, lower, upper, grayVariance: gray[k] as Float64Array, nEvents: dk[k] as Float64Array });
  });
  return new AalenJohansen(tab.times, tab.nRisk, tab.nEvents, tab.nCensored, surv, survSe, causes, confidence, confType);
}

/**
 * A sum whose terms had magnitude `scale`: 0 when it is below the rounding noise of those terms (an exact
 * cancellation, e.g. once everyone at risk has failed, must not leave a variance of 1e-18 and an SE of 1e-9).
 */
function cancel(sum: number, scale: number): number {
  return Math.abs(sum) <= 1e-13 * scale ? 0 : sum;
}

/** R survival's `survfit_confint(p, se, logse = FALSE, conf.type)` for a state probability; p = 0 or se = 0 gives [p, p]. */
export function stateLimits(p: number, se: number, z: number, type: CifConfType): [number, number] {
  if (p <= 0 || se === 0) return [p, p];
  if (type === 'plain') return [Math.max(p - z * se, 0), Math.min(p + z * se, 1)];
  const s = se / p;
  if (type === 'log') return [Math.exp(Math.log(p) - z * s), Math.min(Math.exp(Math.log(p) + z * s), 1)];
  if (p >= 1) return [p, p];
  const w = (z * s) / Math.log(p);
  const ll = Math.log(-Math.log(p));
  return [Math.exp(-Math.exp(ll - w)), Math.exp(-Math.exp(ll + w))];
}
