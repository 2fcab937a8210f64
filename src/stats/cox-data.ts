import { toFloat64 } from '../core/assert.js';
import { radixArgsort } from '../core/radix-sort.js';
import { survkitError } from '../core/errors.js';
import { asLabels, assertSingleRisk } from '../data/labels.js';

/** Covariates: named columns (`{ age: [...], sex: [...] }`) or rows (`[[age, sex], …]`, names from `names`). */
export type CovariatesInput = Readonly<Record<string, ArrayLike<number>>> | readonly ArrayLike<number>[];

/** Group labels: numbers or strings, one per subject. */
export type GroupInput = ArrayLike<number | string> | readonly (number | string)[];

/**
 * Validated Cox data in sorted order (stratum, then time ascending): `x` is
 * column-major (`x[k]` the k-th covariate), `order[s]` the input row of sorted
 * position s, `stratumEnd` the exclusive end of each stratum.
 */
export interface CoxData {
  n: number;
  p: number;
  names: string[];
  time: Float64Array;
  event: Uint8Array;
  x: Float64Array[];
  weight: Float64Array;
  offset: Float64Array;
  stratumEnd: number[];
  order: Int32Array;
  weighted: boolean;
}

/** Integer codes 0..k−1 of group labels in order of first appearance, with the labels. */
export function groupCodes(fn: string, arg: string, values: unknown, n: number): { codes: Int32Array; levels: (number | string)[] } {
  if (values === null || typeof values !== 'object' || typeof (values as { length?: unknown }).length !== 'number')
    throw survkitError('notArray', fn, arg, values);
  const src = values as ArrayLike<unknown>;
  if (src.length !== n) throw survkitError('lengthMismatch', fn, 'labels', n, arg, src.length);
  const map = new Map<number | string, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw survkitError('statsGroupValue', fn, arg, i, v);
    let c = map.get(v);
    if (c === undefined) {
      c = map.size;
      map.set(v, c);
    }
    codes[i] = c;
  }
  return { codes, levels: [...map.keys()] };
}

/** The covariate columns and their names. */
export function columns(fn: string, covariates: unknown, names: readonly string[] | undefined, n: number): { names: string[]; cols: Float64Array[] } {
  if (Array.isArray(covariates)) {
    const rows = covariates as readonly unknown[];
    if (rows.length !== n) throw survkitError('lengthMismatch', fn, 'labels', n, 'covariates', rows.length);
    const first = rows[0] as ArrayLike<number> | undefined;
    const p = first !== undefined && typeof first === 'object' ? first.length : 0;
    if (p === 0) throw survkitError('noCovariates', fn, 'covariates');
    const nm = names ?? Array.from({ length: p }, (_, k) => `x${k + 1}`);
    if (nm.length !== p) throw survkitError('lengthMismatch', fn, 'covariates[0]', p, 'names', nm.length);
    const cols = Array.from({ length: p }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const r = toFloat64(fn, `covariates[${i}]`, rows[i]);
      if (r.length !== p) throw survkitError('lengthMismatch', fn, 'covariates[0]', p, `covariates[${i}]`, r.length);
      for (let k = 0; k < p; k++) (cols[k] as Float64Array)[i] = r[k] as number;
    }
    return { names: [...nm], cols };
  }
  if (covariates === null || typeof covariates !== 'object') throw survkitError('statsCovariates', fn, 'covariates', covariates);
  const entries = Object.entries(covariates as Record<string, unknown>);
  if (entries.length === 0) throw survkitError('noCovariates', fn, 'covariates');
  const cols = entries.map(([k, v]) => {
    const c = toFloat64(fn, `covariates.${k}`, v);
    if (c.length !== n) throw survkitError('lengthMismatch', fn, 'labels', n, `covariates.${k}`, c.length);
    return c;
  });
  return { names: entries.map(([k]) => k), cols };
}

/** Options that shape the data. */
export interface CoxDataOptions {
  strata?: GroupInput | undefined;
  weights?: ArrayLike<number> | undefined;
  offset?: ArrayLike<number> | undefined;
  names?: readonly string[] | undefined;
}

/**
 * Validates labels, covariates, strata, weights and offsets and sorts them by
 * stratum, then time.
 *
 * @throws {SurvkitError} on bad labels, covariates, lengths, non-positive
 *   weights, non-finite offsets or no events
 */
export function coxData(fn: string, labels: unknown, covariates: unknown, opts: CoxDataOptions): CoxData {
  const y = asLabels(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const n = y.time.length;
  const { names, cols } = columns(fn, covariates, opts.names, n);
  const weight = opts.weights === undefined ? new Float64Array(n).fill(1) : toFloat64(fn, 'weights', opts.weights);
  if (weight.length !== n) throw survkitError('lengthMismatch', fn, 'labels', n, 'weights', weight.length);
  for (let i = 0; i < n; i++) if (!((weight[i] as number) > 0)) throw survkitError('positiveNumber', fn, `weights[${i}]`, weight[i]);
  const offset = opts.offset === undefined ? new Float64Array(n) : toFloat64(fn, 'offset', opts.offset);
  if (offset.length !== n) throw survkitError('lengthMismatch', fn, 'labels', n, 'offset', offset.length);
  const strata = opts.strata === undefined ? new Int32Array(n) : groupCodes(fn, 'strata', opts.strata, n).codes;
  let events = 0;
  for (const e of y.event) events += e;
  if (events === 0) throw survkitError('noEvents', fn, 'labels.event');
  const idx = sortOrder(y.time, y.event, strata);
  const stratumEnd: number[] = [];
  for (let s = 1; s <= n; s++) if (s === n || strata[idx[s] as number] !== strata[idx[s - 1] as number]) stratumEnd.push(s);
  const pick = (a: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let s = 0; s < n; s++) out[s] = a[idx[s] as number] as number;
    return out;
  };
  return {
    n,
    p: names.length,
    names,
    time: pick(y.time),
    event: Uint8Array.from(pick(Float64Array.from(y.event))),
    x: cols.map(pick),
    weight: pick(weight),
    offset: pick(offset),
    stratumEnd,
    order: idx,
    weighted: opts.weights !== undefined,
  };
}

/**
 * The order by stratum code, then time ascending, then events before
 * censorings, then input order: three stable passes (events first, a radix
 * sort on time, a counting sort on strata), O(n).
 */
export function sortOrder(time: Float64Array, event: ArrayLike<number>, strata: Int32Array): Int32Array {
  const n = time.length;
  const pre = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (event[i] !== 0) pre[k++] = i;
  for (let i = 0; i < n; i++) if (event[i] === 0) pre[k++] = i;
  const t = new Float64Array(n);
  for (let s = 0; s < n; s++) t[s] = time[pre[s] as number] as number;
  const byTime = radixArgsort(t);
  let nStrata = 0;
  for (const c of strata) if (c + 1 > nStrata) nStrata = c + 1;
  const start = new Int32Array(nStrata + 1);
  for (const c of strata) start[c + 1] = (start[c + 1] as number) + 1;
  for (let c = 0; c < nStrata; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const out = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const i = pre[byTime[s] as number] as number;
    const c = strata[i] as number;
    out[start[c] as number] = i;
    start[c] = (start[c] as number) + 1;
  }
  return out;
}
