import { assertChoice } from '../core/assert.js';
import { labelsArg, type LabelsInput } from '../data/labels.js';
import { riskTable } from './risk-table.js';
import { StepFunction } from './step-function.js';

/**
 * How events and censorings tied at the same time are ordered when the
 * censoring distribution G(t) = P(C > t) is estimated:
 * - `'events-first'` (scikit-survival, R pec/riskRegression): events at u
 *   leave before the censorings at u, so the at-risk count for censoring at
 *   u is #{T > u} + #{T = u, censored};
 * - `'together'` (pycox `EvalSurv(censor_surv='km')`): the plain Kaplan–Meier
 *   of the flipped indicator, with every subject with T >= u at risk at u.
 */
export type CensoringTies = 'events-first' | 'together';

/**
 * The reverse Kaplan–Meier estimate Ĝ(t) of the censoring survival
 * function, used for inverse-probability-of-censoring weights (IPCW), as a
 * right-continuous {@link StepFunction} (1 before the first time).
 *
 * Ĝ(t) = Π_{u_k ≤ t} (1 − c_k / r_k), c_k censorings at u_k, r_k = n_k − d_k
 * ('events-first') or n_k ('together'), one entry per distinct observed time.
 * 'events-first' equals R prodlim 2019.11.13 `prodlim(Hist(time, event) ~ 1,
 * reverse = TRUE)` (the reverse KM of pec / riskRegression); 'together' equals
 * R `survfit(Surv(time, 1 - event) ~ 1)` and pycox 0.3.0's `EvalSurv`
 * censoring KM (checked to a few ulps). With 'events-first', censorings tied
 * with the last events take Ĝ to 0. Any non-zero event code is an event.
 *
 * @param labels the labels whose censoring distribution is estimated
 * @param opts.ties tie order, default `'events-first'`
 * @throws {SurvkitError} on invalid labels or an unknown `ties`
 * @example
 * const G = censoringKaplanMeier({ time: [1, 2, 3], event: [1, 0, 1] });
 * G.at(2); // 0.5
 */
export function censoringKaplanMeier(labels: LabelsInput, opts: { ties?: CensoringTies } = {}): StepFunction {
  const fn = 'censoringKaplanMeier';
  const y = labelsArg(fn, 'labels', labels);
  const ties = assertChoice(fn, 'ties', opts.ties ?? 'events-first', ['events-first', 'together'] as const);
  const tab = riskTable(y.time, y.event);
  const m = tab.times.length;
  const g = new Float64Array(m);
  let surv = 1;
  for (let k = 0; k < m; k++) {
    const c = tab.nCensored[k] as number;
    if (c > 0) {
      const atRisk = ties === 'together' ? (tab.nRisk[k] as number) : (tab.nRisk[k] as number) - (tab.nEvents[k] as number);
      surv *= 1 - c / atRisk;
    }
    g[k] = surv;
  }
  return new StepFunction(tab.times, g, 1);
}
