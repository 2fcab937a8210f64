/**
 * The generalised Cholesky decomposition LDLᵀ of a symmetric matrix with a
 * tolerance for singular columns, its solve and its inverse, as R survival's
 * `cholesky2`, `chsolve2` and `chinv2` compute them (the Cox fit uses them on
 * the information matrix). Matrices are p × p row-major `Float64Array`s,
 * changed in place; `m[i * p + j]` plays the role of survival's `matrix[i][j]`.
 */

/**
 * Factorises in place: the diagonal becomes D, the part below it L (unit
 * diagonal). A pivot below `toler` × the largest diagonal is set to 0 (a
 * singular column).
 *
 * @returns the rank, negated when the matrix is not non-negative definite
 */
export function cholesky2(m: Float64Array, p: number, toler: number): number {
  let eps = 0;
  for (let i = 0; i < p; i++) {
    if ((m[i * p + i] as number) > eps) eps = m[i * p + i] as number;
    for (let j = i + 1; j < p; j++) m[j * p + i] = m[i * p + j] as number;
  }
  eps = eps === 0 ? toler : eps * toler;
  let rank = 0;
  let nonneg = 1;
  for (let i = 0; i < p; i++) {
    const pivot = m[i * p + i] as number;
    if (!Number.isFinite(pivot) || pivot < eps) {
      m[i * p + i] = 0;
      if (pivot < -8 * eps) nonneg = -1;
    } else {
      rank++;
      for (let j = i + 1; j < p; j++) {
        const temp = (m[j * p + i] as number) / pivot;
        m[j * p + i] = temp;
        m[j * p + j] = (m[j * p + j] as number) - temp * temp * pivot;
        for (let k = j + 1; k < p; k++) m[k * p + j] = (m[k * p + j] as number) - temp * (m[k * p + i] as number);
      }
    }
  }
  return rank * nonneg;
}

/** Solves (LDLᵀ) x = y in place, y → x, for a matrix factorised by {@link cholesky2} (singular columns give 0). */
export function chsolve2(m: Float64Array, p: number, y: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let temp = y[i] as number;
    for (let j = 0; j < i; j++) temp -= (y[j] as number) * (m[i * p + j] as number);
    y[i] = temp;
  }
  for (let i = p - 1; i >= 0; i--) {
    const d = m[i * p + i] as number;
    if (d === 0) y[i] = 0;
    else {
      let temp = (y[i] as number) / d;
      for (let j = i + 1; j < p; j++) temp -= (y[j] as number) * (m[j * p + i] as number);
      y[i] = temp;
    }
  }
}

/**
 * Inverts a matrix factorised by {@link cholesky2}, returning a fresh full
 * symmetric p × p inverse (rows and columns of singular columns are 0).
 */
export function chinv2(m: Float64Array, p: number): Float64Array {
  const a = Float64Array.from(m);
  const at = (i: number, j: number): number => a[i * p + j] as number;
  for (let i = 0; i < p; i++) {
    if (at(i, i) > 0) {
      a[i * p + i] = 1 / at(i, i);
      for (let j = i + 1; j < p; j++) {
        a[j * p + i] = -at(j, i);
        for (let k = 0; k < i; k++) a[j * p + k] = at(j, k) + at(j, i) * at(i, k);
      }
    }
  }
  for (let i = 0; i < p; i++) {
    if (at(i, i) === 0) {
      for (let j = 0; j < i; j++) a[j * p + i] = 0;
      for (let j = i; j < p; j++) a[i * p + j] = 0;
    } else {
      for (let j = i + 1; j < p; j++) {
        const temp = at(j, i) * at(j, j);
        a[i * p + j] = temp;
        for (let k = i; k < j; k++) a[i * p + k] = at(i, k) + temp * at(j, k);
      }
    }
  }
  // the inverse is in the upper triangle (a[i][j], j >= i): mirror it
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      out[i * p + j] = at(i, j);
      out[j * p + i] = at(i, j);
    }
  }
  return out;
}

/**
 * The quadratic form bᵀ V⁻¹ b of a symmetric matrix V, through
 * {@link cholesky2} with tolerance `toler` (as survival's `coxph.wtest`).
 */
export function quadraticInverse(v: Float64Array, p: number, b: ArrayLike<number>, toler: number): number {
  const m = Float64Array.from(v);
  cholesky2(m, p, toler);
  const x = Float64Array.from(b);
  chsolve2(m, p, x);
  let s = 0;
  for (let i = 0; i < p; i++) s += (b[i] as number) * (x[i] as number);
  return s;
}
