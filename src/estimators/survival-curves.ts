import { assertChoice, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';

/** How curves are read between grid times. */
export type Interpolation = 'step' | 'linear';

/** Tolerance for a rise between consecutive grid values (float rounding). */
export const MONOTONE_TOL = 1e-12;

/**
 * The caller's names in the error messages of {@link SurvivalCurves}: the
 * function (`fn`) and the argument that held the values (`arg`).
 * survkit's own functions name themselves through `curvesFor`.
 */
interface CurvesCallerNames {
  fn?: string;
  arg?: string;
}

/**
 * Predicted survival curves of n subjects on one ascending grid of m times,
 * stored row-major in a `Float64Array` (`values[i*m + k]` = Ŝ_i(times[k])).
 * Immutable and validated: every value finite and in [0, 1], each row
 * non-increasing within 1e-12.
 *
 * Curves are read as right-continuous steps (`'step'`): Ŝ_i(t) is the value
 * at the last grid time <= t, and 1 before the first grid time. With
 * `'linear'` they are interpolated between grid times (and between (0, 1) and
 * the first grid time when that is > 0), constant after the last.
 *
 * @throws {SurvkitError} (constructor) `empty` / `notAscending` / `notFinite`
 *   for `times`; `shapeMismatch` when `values` is not a multiple of m long;
 *   `curveOutOfRange` / `curveIncreasing` naming subject and grid column
 * @example
 * const c = new SurvivalCurves([1, 2], [0.9, 0.5, 0.8, 0.7]); // 2 subjects
 * c.get(1, 0); // 0.8
 */
export class SurvivalCurves {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly n: number;
  readonly m: number;

  constructor(times: ArrayLike<number>, values: ArrayLike<number>);
  /**
   * @deprecated since 0.2: call `new SurvivalCurves(times, values)`. `opts.fn` / `opts.arg` only rename the
   *   function and argument in error messages, for survkit's own functions that build curves.
   * @internal
   */
  constructor(times: ArrayLike<number>, values: ArrayLike<number>, opts: { fn?: string; arg?: string });
  constructor(times: ArrayLike<number>, values: ArrayLike<number>, opts: CurvesCallerNames = {}) {
    const fn = opts.fn ?? 'SurvivalCurves';
    const arg = opts.arg ?? 'values';
    this.times = toFloat64(fn, 'times', times);
    assertStrictlyAscending(fn, 'times', this.times);
    this.m = this.times.length;
    const v = toFloat64(fn, arg, values, { allowEmpty: true });
    if (v.length % this.m !== 0) {
      throw survkitError('shapeMismatch', fn, arg, `n × ${this.m} (a multiple of ${this.m} values)`, `${v.length} values`);
    }
    this.n = v.length / this.m;
    validateCurves(fn, arg, v, this.n, this.m);
    this.values = v;
    Object.freeze(this);
  }

  /**
   * Builds curves from one array per subject (each of length m = times.length).
   * @throws {SurvkitError} `shapeMismatch` for a row of another length, and
   *   every error of the constructor
   * @example
   * SurvivalCurves.fromRows([1, 2], [[0.9, 0.5], [0.8, 0.7]]).n; // 2
   */
  static fromRows(times: ArrayLike<number>, rows: readonly ArrayLike<number>[]): SurvivalCurves;
  /**
   * @deprecated since 0.2: call `SurvivalCurves.fromRows(times, rows)`. `opts.fn` / `opts.arg` only rename the
   *   function and argument in error messages, for survkit's own functions that build curves.
   * @internal
   */
  static fromRows(times: ArrayLike<number>, rows: readonly ArrayLike<number>[], opts: { fn?: string; arg?: string }): SurvivalCurves;
  static fromRows(times: ArrayLike<number>, rows: readonly ArrayLike<number>[], opts: CurvesCallerNames = {}): SurvivalCurves {
    const fn = opts.fn ?? 'SurvivalCurves.fromRows';
    if (!Array.isArray(rows)) throw survkitError('arrayOf', fn, 'rows', 'curves (one array of survival probabilities per subject)', rows);
    const list: readonly unknown[] = rows;
    const m = times.length;
    const out = new Float64Array(list.length * m);
    list.forEach((r, i) => {
      const row = typeof r === 'object' && r !== null ? (r as ArrayLike<unknown>) : undefined;
      if (row?.length !== m) throw survkitError('shapeMismatch', fn, `rows[${i}]`, `${m} values`, `${String(row?.length)} values`);
      for (let k = 0; k < m; k++) out[i * m + k] = row[k] as number;
    });
    return new SurvivalCurves(times, out, opts);
  }

  /**
   * Builds curves from pycox's layout: a matrix with one row per grid time
   * and one column per subject (`surv_df.values`), as a flat row-major array
   * of m × nSubjects values.
   * @throws {SurvkitError} `nonNegativeInteger` unless `nSubjects` is an integer >= 0,
   *   `shapeMismatch` unless `timeMajor` has m × nSubjects values, and every
   *   error of the constructor (named `SurvivalCurves.fromTimeMajor`)
   * @example
   * SurvivalCurves.fromTimeMajor([1, 2], [0.9, 0.8, 0.5, 0.7], 2).get(1, 0); // 0.8
   */
  static fromTimeMajor(times: ArrayLike<number>, timeMajor: ArrayLike<number>, nSubjects: number): SurvivalCurves {
    const fn = 'SurvivalCurves.fromTimeMajor';
    if (!(Number.isInteger(nSubjects) && nSubjects >= 0)) throw survkitError('nonNegativeInteger', fn, 'nSubjects', nSubjects);
    const src = toFloat64(fn, 'timeMajor', timeMajor, { allowEmpty: true });
    const m = times.length;
    if (src.length !== m * nSubjects) {
      throw survkitError('shapeMismatch', fn, 'timeMajor', `${m} × ${nSubjects}`, `${src.length} values`);
    }
    const out = new Float64Array(m * nSubjects);
    for (let k = 0; k < m; k++) for (let i = 0; i < nSubjects; i++) out[i * m + k] = src[k * nSubjects + i] as number;
    return curvesFor(fn, times, out, 'timeMajor');
  }

  /** Ŝ_i at grid column k. */
  get(i: number, k: number): number {
    return this.values[i * this.m + k] as number;
  }

  /** A copy of subject i's curve on the grid. */
  row(i: number): Float64Array {
    return this.values.slice(i * this.m, (i + 1) * this.m);
  }

  /**
   * The curves of the subjects `idx` (repeats allowed), on the same grid.
   * @throws {SurvkitError} `subjectIndex` when an index is not an integer in [0, n)
   */
  subset(idx: ArrayLike<number>): SurvivalCurves {
    const { m } = this;
    const out = new Float64Array(idx.length * m);
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r] as number;
      if (!(Number.isInteger(i) && i >= 0 && i < this.n)) {
        throw survkitError('subjectIndex', 'SurvivalCurves.subset', `idx[${r}]`, this.n, i);
      }
      out.set(this.values.subarray(i * m, (i + 1) * m), r * m);
    }
    return new SurvivalCurves(this.times, out);
  }

  /** Index of the last grid time <= t, or −1 when t precedes the grid. */
  indexAt(t: number): number {
    return searchSorted(this.times, t, 'right') - 1;
  }

  /** Ŝ_i(t) read as a right-continuous step function. */
  stepAt(i: number, t: number): number {
    const k = this.indexAt(t);
    return k < 0 ? 1 : (this.values[i * this.m + k] as number);
  }

  /**
   * The curves on another strictly ascending grid `times`, read as steps
   * (default) or interpolated linearly (see the class comment). O(n·q + q log m).
   * @throws {SurvkitError} for an empty, non-finite or non-ascending `times`
   *   or an unknown `interpolation`
   * @example
   * new SurvivalCurves([1, 3], [0.75, 0.25]).at([2], { interpolation: 'linear' }).values; // Float64Array [0.5]
   */
  at(times: ArrayLike<number>, opts: { interpolation?: Interpolation } = {}): SurvivalCurves {
    const fn = 'SurvivalCurves.at';
    const mode = assertChoice(fn, 'interpolation', opts.interpolation ?? 'step', ['step', 'linear'] as const);
    const q = toFloat64(fn, 'times', times);
    assertStrictlyAscending(fn, 'times', q);
    const { n, m } = this;
    const out = new Float64Array(n * q.length);
    for (let j = 0; j < q.length; j++) {
      const t = q[j] as number;
      const k = this.indexAt(t);
      if (mode === 'step' || k === m - 1) {
        for (let i = 0; i < n; i++) out[i * q.length + j] = k < 0 ? 1 : (this.values[i * m + k] as number);
        continue;
      }
      // linear between (t0, s0) and (t1, s1)
      const t0 = k < 0 ? 0 : (this.times[k] as number);
      const t1 = this.times[k + 1] as number;
      const w = t1 > t0 && t >= t0 ? (t - t0) / (t1 - t0) : 1;
      for (let i = 0; i < n; i++) {
        const s0 = k < 0 ? 1 : (this.values[i * m + k] as number);
        const s1 = this.values[i * m + k + 1] as number;
        out[i * q.length + j] = k < 0 && t < 0 ? 1 : s0 + w * (s1 - s0);
      }
    }
    return new SurvivalCurves(q, out);
  }
}

/**
 * Curves built on behalf of survkit's function `fn`: their errors name `fn`
 * and `arg` (default `values`) instead of the constructor.
 *
 * @internal not exported from the package
 */
export function curvesFor(fn: string, times: ArrayLike<number>, values: ArrayLike<number>, arg?: string): SurvivalCurves {
  return new SurvivalCurves(times, values, arg === undefined ? { fn } : { fn, arg });
}

/** Checks range and monotonicity of row-major curves. */
export function validateCurves(fn: string, arg: string, v: Float64Array, n: number, m: number): void {
  for (let i = 0; i < n; i++) {
    let prev = Infinity;
    for (let k = 0; k < m; k++) {
      const s = v[i * m + k] as number;
      if (!(s >= 0 && s <= 1)) throw survkitError('curveOutOfRange', fn, arg, i, k, s);
      if (s - prev > MONOTONE_TOL) throw survkitError('curveIncreasing', fn, arg, i, k, s - prev);
      prev = s;
    }
  }
}
