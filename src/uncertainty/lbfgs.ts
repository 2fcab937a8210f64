/**
 * Limited-memory BFGS for smooth convex objectives in float64 (Nocedal &
 * Wright 2006, Alg. 7.4/7.5 with a backtracking Armijo line search), used by
 * the recalibration fits. Stops when the gradient's max-norm is <= gtol.
 */
export interface LbfgsResult {
  x: Float64Array;
  fx: number;
  gradNorm: number;
  iterations: number;
}

export function lbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  opts: { gtol?: number; maxIter?: number; memory?: number } = {},
): LbfgsResult {
  const { gtol = 1e-10, maxIter = 5000, memory = 10 } = opts;
  const d = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(d);
  let fx = f(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const norm = (v: Float64Array): number => v.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
    return s;
  };
  let it = 0;
  for (; it < maxIter && norm(g) > gtol; it++) {
    // two-loop recursion for the direction −H g
    const q = Float64Array.from(g);
    const a = new Array<number>(sList.length);
    for (let j = sList.length - 1; j >= 0; j--) {
      a[j] = (rho[j] as number) * dot(sList[j] as Float64Array, q);
      for (let i = 0; i < d; i++) q[i] = (q[i] as number) - (a[j] as number) * ((yList[j] as Float64Array)[i] as number);
    }
    const last = sList.length - 1;
    const gamma =
      last >= 0
        ? dot(sList[last] as Float64Array, yList[last] as Float64Array) / dot(yList[last] as Float64Array, yList[last] as Float64Array)
        : 1 / Math.max(1, norm(g));
    for (let i = 0; i < d; i++) q[i] = (q[i] as number) * gamma;
    for (let j = 0; j < sList.length; j++) {
      const b = (rho[j] as number) * dot(yList[j] as Float64Array, q);
      for (let i = 0; i < d; i++) q[i] = (q[i] as number) + ((sList[j] as Float64Array)[i] as number) * ((a[j] as number) - b);
    }
    let slope = -dot(g, q);
    if (!(slope < 0)) {
      // not a descent direction: restart from steepest descent
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < d; i++) q[i] = (g[i] as number) / Math.max(1, norm(g));
      slope = -dot(g, q);
    }
    let step = 1;
    const xn = new Float64Array(d);
    const gn = new Float64Array(d);
    let fn = Infinity;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < d; i++) xn[i] = (x[i] as number) - step * (q[i] as number);
      fn = f(xn, gn);
      if (fn <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fn <= fx)) break;
    const s = new Float64Array(d);
    const y = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      s[i] = (xn[i] as number) - (x[i] as number);
      y[i] = (gn[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-300) {
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
      if (sList.length > memory) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
    }
    const improved = fx - fn;
    x = Float64Array.from(xn);
    g = Float64Array.from(gn);
    fx = fn;
    if (improved === 0 && sy <= 1e-300) break;
  }
  return { x, fx, gradNorm: norm(g), iterations: it };
}
