import { survkitError } from '../core/errors.js';
import type { CoxData } from './cox-data.js';

/** What residuals and the PH test need from a {@link coxph} fit (sorted order of `data`). */
export interface CoxFitState {
  data: CoxData;
  /** Coefficients on the original scale. */
  coef: Float64Array;
  /** Model-based variance I⁻¹ (p × p row-major), R's `naive.var` (or `var` without robust). */
  naive: Float64Array;
  /** Linear predictor with offset, sorted order (a constant shift does not matter). */
  lpSorted: Float64Array;
  ties: 'efron' | 'breslow' | 'exact';
}

const states = new WeakMap<object, CoxFitState>();

/** Remembers the data of a fit for {@link coxResiduals} and {@link coxZph}. */
export function registerFit(fit: object, state: CoxFitState): void {
  states.set(fit, state);
}

/** The state of a fit made by coxph, or a `notInstance` error naming `fn`. */
export function fitState(fn: string, fit: unknown): CoxFitState {
  const s = fit !== null && typeof fit === 'object' ? states.get(fit) : undefined;
  if (s === undefined) throw survkitError('notInstance', fn, 'fit', 'result of coxph (the object it returned, not a copy)', fit);
  return s;
}
