import type { CoxData } from './cox-data.js';

/**
 * Score residuals of a Cox fit (unweighted, one row of p per subject in the
 * sorted order of `data`), as R survival's `coxscore2` computes them in O(n·p):
 *
 *   L_i = ∫ (x_i − x̄(t)) (dN_i(t) − Y_i(t) e^{η_i} dΛ₀(t)),
 *
 * with Efron's split of tied deaths (each death gets 1/m of each of the m
 * sub-steps' x̄ and is at risk for the fraction still left), in O(n·p) also with
 * many tied deaths. `lp` is the linear
 * predictor (with offset) in sorted order; `x` the centred columns.
 */
export function scoreResiduals(data: CoxData, x: readonly Float64Array[], lp: Float64Array, efron: boolean): Float64Array {
  const { n, p, time, event, weight } = data;
  const resid = new Float64Array(n * p);
  const a = new Float64Array(p);
  const a2 = new Float64Array(p);
  const xhaz = new Float64Array(p);
  const xbarMean = new Float64Array(p);
  const xh = new Float64Array(p);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = Math.exp(lp[i] as number);
  const col = (j: number): Float64Array => x[j] as Float64Array;
  let start = 0;
  for (const end of data.stratumEnd) {
    let denom = 0;
    let cumhaz = 0;
    a.fill(0);
    xhaz.fill(0);
    let i = end - 1;
    while (i >= start) {
      const newtime = time[i] as number;
      let deaths = 0;
      let eDenom = 0;
      let meanwt = 0;
      a2.fill(0);
      for (; i >= start && time[i] === newtime; i--) {
        const risk = (score[i] as number) * (weight[i] as number);
        denom += risk;
        for (let j = 0; j < p; j++) {
          const xj = col(j)[i] as number;
          resid[i * p + j] = (score[i] as number) * (xj * cumhaz - (xhaz[j] as number));
          a[j] = (a[j] as number) + risk * xj;
        }
        if (event[i] === 1) {
          deaths++;
          eDenom += risk;
          meanwt += weight[i] as number;
          for (let j = 0; j < p; j++) a2[j] = (a2[j] as number) + risk * (col(j)[i] as number);
        }
      }
      if (deaths > 0) {
        if (deaths < 2 || !efron) {
          const hazard = meanwt / denom;
          cumhaz += hazard;
          for (let j = 0; j < p; j++) {
            const xbar = (a[j] as number) / denom;
            xhaz[j] = (xhaz[j] as number) + xbar * hazard;
            for (let k = i + 1; k <= i + deaths; k++) resid[k * p + j] = (resid[k * p + j] as number) + (col(j)[k] as number) - xbar;
          }
        } else {
          // each death gets Σ_dd [(x − x̄_dd)/m + e^η h_dd (dd/m)(x − x̄_dd)]: accumulate the sums over dd
          // once (O(m·p) instead of survival's O(m²·p)): x − mean(x̄) + e^η (x·H − XH)
          meanwt /= deaths;
          xbarMean.fill(0);
          xh.fill(0);
          let hsum = 0;
          for (let dd = 0; dd < deaths; dd++) {
            const downwt = dd / deaths;
            const temp = denom - downwt * eDenom;
            const hazard = meanwt / temp;
            cumhaz += hazard;
            hsum += hazard * downwt;
            for (let j = 0; j < p; j++) {
              const xbar = ((a[j] as number) - downwt * (a2[j] as number)) / temp;
              xhaz[j] = (xhaz[j] as number) + xbar * hazard;
              xbarMean[j] = (xbarMean[j] as number) + xbar / deaths;
              xh[j] = (xh[j] as number) + xbar * hazard * downwt;
            }
          }
          for (let k = i + 1; k <= i + deaths; k++) {
            for (let j = 0; j < p; j++) {
              const xk = col(j)[k] as number;
              resid[k * p + j] = (resid[k * p + j] as number) + xk - (xbarMean[j] as number) + (score[k] as number) * (xk * hsum - (xh[j] as number));
            }
          }
        }
      }
    }
    for (let k = end - 1; k >= start; k--) {
      for (let j = 0; j < p; j++)
        resid[k * p + j] = (resid[k * p + j] as number) + (score[k] as number) * ((xhaz[j] as number) - (col(j)[k] as number) * cumhaz);
    }
    start = end;
  }
  return resid;
}

/**
 * Sums weighted score residuals w_i·L_i over clusters (each subject its own
 * cluster when `cluster` is undefined); rows in cluster-code order.
 */
export function collapse(data: CoxData, resid: Float64Array, cluster: Int32Array | undefined, nClusters: number): Float64Array {
  const { n, p, weight, order } = data;
  const out = new Float64Array((cluster === undefined ? n : nClusters) * p);
  for (let s = 0; s < n; s++) {
    const row = cluster === undefined ? s : (cluster[order[s] as number] as number);
    const w = weight[s] as number;
    for (let j = 0; j < p; j++) out[row * p + j] = (out[row * p + j] as number) + w * (resid[s * p + j] as number);
  }
  return out;
}
