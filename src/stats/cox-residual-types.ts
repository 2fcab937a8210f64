import { survkitError } from '../core/errors.js';
import type { CoxphResult } from './coxph.js';
import { fitState } from './cox-fit-state.js';
import { scoreResiduals } from './cox-residuals.js';

/** Residuals per event (Schoenfeld and scaled Schoenfeld), ordered by stratum, then time, then input row. */
export interface EventResiduals {
  /** Event time of each row. */
  time: Float64Array;
  /** Input row (subject index) of each row. */
  index: Int32Array;
  /** One row of p residuals per event. */
  values: number[][];
}

/** The residual types of {@link coxResiduals}. */
export type CoxResidualType = 'martingale' | 'deviance' | 'score' | 'dfbeta' | 'schoenfeld' | 'scaledsch';

/**
 * Residuals of a Cox fit, equal to R survival's `residuals.coxph` (defaults:
 * unweighted, except dfbeta which R weights):
 *
 * - `martingale` M_i = δ_i − e^{η_i} Λ̂₀(t_i) (Efron's split of tied events when the fit used Efron ties), one per subject;
 * - `deviance` sign(M_i) √(−2 [M_i + δ_i log(δ_i − M_i)]);
 * - `score` the score residuals L_i (n × p), the subject's contribution to U(β̂);
 * - `dfbeta` w_i L_i I⁻¹ (n × p), the approximate change in β̂ when subject i is left out;
 * - `schoenfeld` x_i − x̄(t_i) per event (the Efron mean of the risk set under Efron ties);
 * - `scaledsch` D · r_i I⁻¹ + β̂ (D the number of events), Grambsch & Therneau's scaled residuals
 *   (R's `residuals(fit, "scaledsch")`; `coxZph` uses a per-stratum variant for its plot, not this).
 *
 * Subject rows are in input order. As R: score, dfbeta and (scaled) Schoenfeld residuals are not
 * available for a fit with ties 'exact'.
 *
 * @param fit the object returned by {@link coxph}
 * @param type the residual type
 * @throws {SurvkitError} `notInstance` when `fit` is not a coxph result, `coxphExactUnsupported`, `optionRange` for `type`
 * @example
 * const fit = coxph({ time: [5, 8, 12, 3, 9, 14, 7, 11], event: [1, 1, 0, 1, 1, 0, 1, 1] }, { x: [1, 0, 0, 1, 1, 0, 0, 1] });
 * coxResiduals(fit, 'martingale'); // Float64Array of 8
 * @see Therneau, Grambsch & Fleming (1990), Biometrika 77:147–160; Grambsch & Therneau (1994), Biometrika 81:515–526
 */
export function coxResiduals(fit: CoxphResult, type: 'martingale' | 'deviance'): Float64Array;
export function coxResiduals(fit: CoxphResult, type: 'score' | 'dfbeta'): number[][];
export function coxResiduals(fit: CoxphResult, type: 'schoenfeld' | 'scaledsch'): EventResiduals;
export function coxResiduals(fit: CoxphResult, type: CoxResidualType): Float64Array | number[][] | EventResiduals {
  const fn = 'coxResiduals';
  const st = fitState(fn, fit);
  const { data, naive, coef, lpSorted, ties } = st;
  const { n, p, order } = data;
  const types = ['martingale', 'deviance', 'score', 'dfbeta', 'schoenfeld', 'scaledsch'];
  if (!types.includes(type)) throw survkitError('optionRange', fn, 'type', types.map((t) => `'${t}'`).join(', '), type);
  const efron = ties === 'efron';
  if (type === 'martingale' || type === 'deviance') {
    const m = martingaleSorted(st.data, lpSorted, efron);
    const out = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      const r = m[s] as number;
      const d = data.event[s] as number;
      out[order[s] as number] = type === 'martingale' ? r : Math.sign(r) * Math.sqrt(-2 * (r + (d === 0 ? 0 : d * Math.log(d - r))));
    }
    return out;
  }
  if (ties === 'exact') throw survkitError('coxphExactUnsupported', fn, `type '${type}'`);
  const xc = centred(st);
  if (type === 'score' || type === 'dfbeta') {
    const r = scoreResiduals(data, xc, lpSorted, efron);
    const out: number[][] = Array.from({ length: n }, () => new Array<number>(p).fill(0));
    for (let s = 0; s < n; s++) {
      const row = out[order[s] as number] as number[];
      for (let k = 0; k < p; k++) {
        if (type === 'score') row[k] = r[s * p + k] as number;
        else {
          let v = 0;
          for (let j = 0; j < p; j++) v += (r[s * p + j] as number) * (naive[j * p + k] as number);
          row[k] = v * (data.weight[s] as number);
        }
      }
    }
    return out;
  }
  const sch = schoenfeldSorted(data, xc, lpSorted, efron);
  if (type === 'scaledsch') {
    const d = sch.values.length;
    sch.values = sch.values.map((r) =>
      r.map((_, k) => {
        let v = 0;
        for (let j = 0; j < p; j++) v += (r[j] as number) * (naive[j * p + k] as number);
        return v * d + (coef[k] as number);
      }),
    );
  }
  return sch;
}

/** Covariates centred at their unweighted mean (residuals do not depend on it; it keeps the sums small). */
export function centred(st: { data: { n: number; x: Float64Array[] } }): Float64Array[] {
  const { n, x } = st.data;
  return x.map((col) => {
    let m = 0;
    for (const v of col) m += v;
    m /= n;
    return Float64Array.from(col, (v) => v - m);
  });
}

/** Martingale residuals in sorted order, as R survival's `coxmart`. */
function martingaleSorted(
  data: { time: Float64Array; event: Uint8Array; weight: Float64Array; stratumEnd: number[] },
  lp: Float64Array,
  efron: boolean,
): Float64Array {
  const { time, event, weight } = data;
  const out = new Float64Array(time.length);
  let start = 0;
  for (const end of data.stratumEnd) {
    // risk-set sums Σ_{j >= i} w e^η for each first subject of a tie group
    let denom = 0;
    const suffix = new Float64Array(end - start);
    for (let i = end - 1; i >= start; i--) {
      denom += (weight[i] as number) * Math.exp(lp[i] as number);
      suffix[i - start] = denom;
    }
    let hazard = 0;
    for (let i = start; i < end;) {
      let j = i;
      let deaths = 0;
      let wtsum = 0;
      let eDenom = 0;
      for (; j < end && time[j] === time[i]; j++) {
        const e = event[j] as number;
        deaths += e;
        wtsum += e * (weight[j] as number);
        eDenom += e * (weight[j] as number) * Math.exp(lp[j] as number);
      }
      const den = suffix[i - start] as number;
      if (deaths < 2 || !efron) {
        hazard += wtsum / den;
        for (let k = i; k < j; k++) out[k] = (event[k] as number) - Math.exp(lp[k] as number) * hazard;
      } else {
        let temp = hazard;
        const wt = wtsum / deaths;
        for (let k = 0; k < deaths; k++) {
          const down = k / deaths;
          hazard += wt / (den - eDenom * down);
          temp += (wt * (1 - down)) / (den - eDenom * down);
        }
        for (let k = i; k < j; k++) out[k] = event[k] === 0 ? -Math.exp(lp[k] as number) * hazard : 1 - Math.exp(lp[k] as number) * temp;
      }
      i = j;
    }
    start = end;
  }
  return out;
}

/** Schoenfeld residuals per event in sorted order, as R survival's `coxscho`. */
export function schoenfeldSorted(
  data: { p: number; time: Float64Array; event: Uint8Array; weight: Float64Array; stratumEnd: number[]; order: Int32Array },
  x: readonly Float64Array[],
  lp: Float64Array,
  efron: boolean,
): EventResiduals {
  const { p, time, event, weight, order } = data;
  const rows: { s: number; r: number[] }[] = [];
  const a = new Float64Array(p);
  const a2 = new Float64Array(p);
  const mean = new Float64Array(p);
  let start = 0;
  for (const end of data.stratumEnd) {
    let denom = 0;
    a.fill(0);
    const groups: { s: number; r: number[] }[][] = [];
    for (let i = end - 1; i >= start;) {
      let j = i;
      let deaths = 0;
      let eDenom = 0;
      a2.fill(0);
      for (; j >= start && time[j] === time[i]; j--) {
        const risk = Math.exp(lp[j] as number) * (weight[j] as number);
        denom += risk;
        for (let k = 0; k < p; k++) a[k] = (a[k] as number) + risk * ((x[k] as Float64Array)[j] as number);
        if (event[j] === 1) {
          deaths++;
          eDenom += risk;
          for (let k = 0; k < p; k++) a2[k] = (a2[k] as number) + risk * ((x[k] as Float64Array)[j] as number);
        }
      }
      if (deaths > 0) {
        mean.fill(0);
        for (let d = 0; d < deaths; d++) {
          const t = efron ? d / deaths : 0;
          for (let k = 0; k < p; k++) mean[k] = (mean[k] as number) + ((a[k] as number) - t * (a2[k] as number)) / (deaths * (denom - t * eDenom));
        }
        const group: { s: number; r: number[] }[] = [];
        for (let s = j + 1; s <= i; s++)
          if (event[s] === 1) group.push({ s, r: Array.from({ length: p }, (_, k) => ((x[k] as Float64Array)[s] as number) - (mean[k] as number)) });
        groups.push(group);
      }
      i = j;
    }
    for (const g of groups.reverse()) rows.push(...g);
    start = end;
  }
  return {
    time: Float64Array.from(rows, (r) => time[r.s] as number),
    index: Int32Array.from(rows, (r) => order[r.s] as number),
    values: rows.map((r) => r.r),
  };
}
