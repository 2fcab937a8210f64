import { assertChoice, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';

/** How curves are read between grid times. */
export type Interpolation = 'step' | 'linear';

/** Tolerance for a rise between consecutive grid values (float rounding). */
export const MONOTONE_TOL = 1e-12;

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
 * @example
 * const c = new SurvivalCurves([1, 2], [0.9, 0.5, 0.8, 0.7]); // 2 subjects
 * c.get(1, 0); // 0.8
 */
export class SurvivalCurves {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly n: number;
  readonly m: number;

  constructor(times: ArrayLike<number>, values: ArrayLike<number>, opts: { fn?: string; arg?: string } = {}) {
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

  /** Builds curves from one array per subject. */
  static fromRows(times: ArrayLike<number>, rows: readonly ArrayLike<number>[], opts: { fn?: string; arg?: string } = {}): SurvivalCurves {
    const m = times.length;
    const out = new Float64Array(rows.length * m);
    rows.forEach((r, i) => {
      if (r.length !== m) throw survkitError('shapeMismatch', opts.fn ?? 'SurvivalCurves.fromRows', `rows[${i}]`, `${m} values`, `${r.length}`);
      for (let k = 0; k < m; k++) out[i * m + k] = r[k] as number;
    });
    return new SurvivalCurves(times, out, opts);
  }

  /**
   * Builds curves from pycox's layout: a matrix with one row per grid time
   * and one column per subject (`surv_df.values`), as a flat row-major array.
   */
  static fromTimeMajor(times: ArrayLike<number>, timeMajor: ArrayLike<number>, nSubjects: number): SurvivalCurves {
    const m = times.length;
    if (timeMajor.length !== m * nSubjects) {
      throw survkitError('shapeMismatch', 'SurvivalCurves.fromTimeMajor', 'timeMajor', `${m} × ${nSubjects}`, `${timeMajor.length} values`);
    }
    const out = new Float64Array(m * nSubjects);
    for (let k = 0; k < m; k++) for (let i = 0; i < nSubjects; i++) out[i * m + k] = timeMajor[k * nSubjects + i] as number;
    return new SurvivalCurves(times, out);
  }

  /** Ŝ_i at grid column k. */
  get(i: number, k: number): number {
    return this.values[i * this.m + k] as number;
  }

  /** A copy of subject i's curve on the grid. */
  row(i: number): Float64Array {
    return this.values.slice(i * this.m, (i + 1) * this.m);
  }

  /** The curves of the subjects `idx` (repeats allowed), on the same grid. */
  subset(idx: ArrayLike<number>): SurvivalCurves {
    const { m } = this;
    const out = new Float64Array(idx.length * m);
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r] as number;
      if (!(Number.isInteger(i) && i >= 0 && i < this.n)) {
        throw survkitError('argRange', 'SurvivalCurves.subset', 'idx', `integers in [0, ${this.n})`, i);
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

  /** The curves on another grid, read as steps or interpolated linearly. */
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
