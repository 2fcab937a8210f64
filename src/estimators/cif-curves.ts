import { assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { searchSorted } from '../core/sort.js';
import { MONOTONE_TOL } from './survival-curves.js';

/**
 * Predicted cumulative incidence curves of one cause: n subjects × m grid
 * times, row-major, F_i(t_j) in [0, 1] and non-decreasing along each row
 * (rises within 1e-12 of a fall are accepted, as for survival curves).
 * Read as right-continuous steps, 0 before the first grid time — the reading
 * R's riskRegression and pec apply to a prediction matrix at its own times.
 *
 * @throws {SurvkitError} (constructor) `empty` / `notAscending` / `notFinite`
 *   on the grid, `lengthMismatch` when values are not n × m, `cifOutOfRange` /
 *   `cifDecreasing` naming subject and grid column
 * @example
 * const F = CifCurves.fromRows([1, 2], [[0.1, 0.3], [0.2, 0.2]]);
 * F.stepAt(0, 1.5); // 0.1
 */
export class CifCurves {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly n: number;
  readonly m: number;

  constructor(times: ArrayLike<number>, values: ArrayLike<number>, opts: { fn?: string; arg?: string } = {}) {
    const fn = opts.fn ?? 'CifCurves';
    const arg = opts.arg ?? 'values';
    this.times = toFloat64(fn, 'times', times);
    assertStrictlyAscending(fn, 'times', this.times);
    this.values = toFloat64(fn, arg, values, { allowEmpty: true });
    this.m = this.times.length;
    if (this.values.length % this.m !== 0) throw survkitError('lengthMismatch', fn, arg, this.values.length, 'n × times', this.m);
    this.n = this.values.length / this.m;
    for (let i = 0; i < this.n; i++) {
      let prev = 0;
      for (let j = 0; j < this.m; j++) {
        const v = this.values[i * this.m + j] as number;
        if (!(v >= 0 && v <= 1)) throw survkitError('cifOutOfRange', fn, arg, i, j, v);
        if (prev - v > MONOTONE_TOL) throw survkitError('cifDecreasing', fn, arg, i, j, prev - v);
        prev = v;
      }
    }
    Object.freeze(this);
  }

  /** Curves from one row per subject. */
  static fromRows(times: ArrayLike<number>, rows: readonly ArrayLike<number>[]): CifCurves {
    const m = times.length;
    const values = new Float64Array(rows.length * m);
    rows.forEach((r, i) => {
      if (r.length !== m) throw survkitError('lengthMismatch', 'CifCurves.fromRows', `rows[${i}]`, r.length, 'times', m);
      for (let j = 0; j < m; j++) values[i * m + j] = r[j] as number;
    });
    return new CifCurves(times, values, { fn: 'CifCurves.fromRows', arg: 'rows' });
  }

  /** F_i(t) as a right-continuous step (0 before the first grid time). */
  stepAt(i: number, t: number): number {
    const k = searchSorted(this.times, t, 'right');
    return k === 0 ? 0 : (this.values[i * this.m + k - 1] as number);
  }

  /** F_i(t) of every subject. */
  column(t: number): Float64Array {
    const k = searchSorted(this.times, t, 'right');
    const out = new Float64Array(this.n);
    if (k === 0) return out;
    for (let i = 0; i < this.n; i++) out[i] = this.values[i * this.m + k - 1] as number;
    return out;
  }

  /** The curves of subjects `idx` (repeats allowed). */
  subset(idx: ArrayLike<number>): CifCurves {
    const out = new Float64Array(idx.length * this.m);
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r] as number;
      if (!(Number.isInteger(i) && i >= 0 && i < this.n)) throw survkitError('subjectIndex', 'CifCurves.subset', `idx[${r}]`, this.n, i);
      out.set(this.values.subarray(i * this.m, (i + 1) * this.m), r * this.m);
    }
    return new CifCurves(this.times, out);
  }
}
