import type { CoxData } from './cox-data.js';
import type { CoxDerivatives } from './cox-likelihood.js';

/**
 * The exact partial likelihood of Cox regression for tied event times (R
 * `coxph(ties = "exact")`, the discrete-time / conditional logistic model of
 * Cox 1972 and Kalbfleisch & Prentice 1973) with its score and information at
 * `beta`. At an event time with d tied events among the risk set R, the term is
 *
 *   Σ_{i∈D} η_i − log Σ_{S⊂R, |S|=d} exp(Σ_{j∈S} η_j),
 *
 * the denominator an elementary symmetric polynomial of the risk scores e^η.
 * As R survival's `coxexact` (Gail, Lubin & Rubinstein 1981), it and its first
 * and second derivatives are built by the recursion f(d, n) = f(d, n − 1) + r_n f(d − 1, n − 1)
 * over the subjects in decreasing time, so one pass per stratum costs O(n·m·p²)
 * with m the largest number of tied events. No case weights (R refuses them too).
 * `x` must be the (centred) columns of `data`.
 *
 * @see Gail, Lubin & Rubinstein (1981), Biometrika 68:703–707
 */
export function coxExactDerivatives(data: CoxData, x: readonly Float64Array[], beta: Float64Array): CoxDerivatives {
  const { p, time, event, offset } = data;
  const q = (p * (p + 1)) / 2;
  const u = new Float64Array(p);
  const imat = new Float64Array(p * p);
  const xi = new Float64Array(p);
  const d1 = new Float64Array(p);
  let loglik = 0;
  let start = 0;
  for (const end of data.stratumEnd) {
    // the largest number of tied events in the stratum bounds the subset size
    let m = 0;
    for (let i = start; i < end;) {
      let d = 0;
      let j = i;
      for (; j < end && time[j] === time[i]; j++) d += event[j] as number;
      if (d > m) m = d;
      i = j;
    }
    const w = m + 1;
    const f0 = new Float64Array(w);
    const f1 = new Float64Array(p * w);
    const f2 = new Float64Array(q * w);
    f0[0] = 1;
    let nrisk = 0;
    let person = end - 1;
    while (person >= start) {
      const dtime = time[person] as number;
      let ndead = 0;
      for (; person >= start && time[person] === dtime; person--) {
        let zbeta = offset[person] as number;
        for (let j = 0; j < p; j++) {
          xi[j] = (x[j] as Float64Array)[person] as number;
          zbeta += (beta[j] as number) * (xi[j] as number);
        }
        if (event[person] === 1) {
          ndead++;
          loglik += zbeta;
          for (let j = 0; j < p; j++) u[j] = (u[j] as number) + (xi[j] as number);
        }
        const r = Math.exp(zbeta);
        nrisk++;
        // add this subject to every subset size k (descending k so that k − 1 still holds the old sums)
        for (let k = Math.min(nrisk, m); k >= 1; k--) {
          const a0 = f0[k - 1] as number;
          let c = 0;
          for (let j = 0; j < p; j++) {
            const xj = xi[j] as number;
            const a1j = f1[j * w + k - 1] as number;
            for (let l = 0; l <= j; l++, c++) {
              const xl = xi[l] as number;
              f2[c * w + k] = (f2[c * w + k] as number) + r * ((f2[c * w + k - 1] as number) + xj * (f1[l * w + k - 1] as number) + xl * a1j + xj * xl * a0);
            }
          }
          for (let j = 0; j < p; j++) f1[j * w + k] = (f1[j * w + k] as number) + r * ((f1[j * w + k - 1] as number) + (xi[j] as number) * a0);
          f0[k] = (f0[k] as number) + r * a0;
        }
      }
      if (ndead === 0) continue;
      const d0 = f0[ndead] as number;
      loglik -= Math.log(d0);
      for (let j = 0; j < p; j++) {
        d1[j] = (f1[j * w + ndead] as number) / d0;
        u[j] = (u[j] as number) - (d1[j] as number);
      }
      let c = 0;
      for (let j = 0; j < p; j++)
        for (let l = 0; l <= j; l++, c++)
          imat[l * p + j] = (imat[l * p + j] as number) + (f2[c * w + ndead] as number) / d0 - (d1[j] as number) * (d1[l] as number);
    }
    start = end;
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) imat[i * p + j] = imat[j * p + i] as number;
  return { loglik, u, imat };
}
