/**
 * Naive O(n²) reference implementations of the concordance metrics, written
 * straight from the definitions (scikit-survival, pycox, R survival,
 * torchsurv semantics as documented in src/metrics). Used only in tests to
 * check the O(n log n) implementations on random inputs.
 */

import fc from 'fast-check';

/** Random survival data with heavy ties: small integer ranges for time and risk. */
export const tiedData = (maxN = 40): fc.Arbitrary<{ time: number[]; event: number[]; risk: number[] }> =>
  fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.record({
      time: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
      event: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }),
      risk: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }),
    }),
  );

export interface NaiveCounts {
  concordant: number;
  discordant: number;
  tiedRisk: number;
  tiedTime: number;
  comparable: number;
  /** Per subject, as the earlier event (anchor) and in either role. */
  anchorC: number[];
  anchorD: number[];
  eitherC: number[];
  eitherD: number[];
  eitherT: number[];
}

/** Pair (i, j) comparable with i the earlier event. */
export function comparable(ti: number, tj: number, ei: number, ej: number): boolean {
  return ei === 1 && (ti < tj || (ti === tj && ej === 0));
}

/** Harrell counts by the double loop; tiedTime as scikit-survival counts it. */
export function naiveHarrell(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  risk: ArrayLike<number>,
  tol = 1e-8,
  weight?: ArrayLike<number>,
): NaiveCounts & { cIndex: number; weighted: number } {
  const n = time.length;
  const z = (): number[] => new Array<number>(n).fill(0);
  const out = { concordant: 0, discordant: 0, tiedRisk: 0, tiedTime: 0, comparable: 0, anchorC: z(), anchorD: z(), eitherC: z(), eitherD: z(), eitherT: z() };
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || !comparable(time[i] as number, time[j] as number, event[i] as number, event[j] as number)) continue;
      const ri = risk[i] as number;
      const rj = risk[j] as number;
      const w = weight === undefined ? 1 : (weight[i] as number);
      out.comparable++;
      den += w;
      if (time[i] === time[j]) out.tiedTime++;
      if (Math.abs(rj - ri) <= tol) {
        out.tiedRisk++;
        num += 0.5 * w;
        (out.eitherT[i] as number)++;
        (out.eitherT[j] as number)++;
      } else if (rj < ri) {
        out.concordant++;
        num += w;
        (out.anchorC[i] as number)++;
        (out.eitherC[i] as number)++;
        (out.eitherC[j] as number)++;
      } else {
        out.discordant++;
        (out.anchorD[i] as number)++;
        (out.eitherD[i] as number)++;
        (out.eitherD[j] as number)++;
      }
    }
  }
  return { ...out, cIndex: (out.concordant + 0.5 * out.tiedRisk) / out.comparable, weighted: num / den };
}

/**
 * Censoring Kaplan–Meier with events leaving first (uno_conventions.py):
 * G(t) (side 'right') or G(t−) (side 'left').
 */
export function naiveCensoringKm(time: ArrayLike<number>, event: ArrayLike<number>): (t: number, side: 'left' | 'right') => number {
  const T = Array.from(time);
  const ut = [...new Set(T)].sort((a, b) => a - b);
  const G: number[] = [];
  let g = 1;
  for (const u of ut) {
    let c = 0;
    let atRisk = 0;
    for (let i = 0; i < T.length; i++) {
      if (T[i] === u && event[i] === 0) c++;
      if ((T[i] as number) > u) atRisk++;
    }
    atRisk += c;
    if (atRisk > 0) g *= 1 - c / atRisk;
    G.push(g);
  }
  return (t, side) => {
    let k = -1;
    for (let q = 0; q < ut.length; q++) if (side === 'right' ? (ut[q] as number) <= t : (ut[q] as number) < t) k = q;
    return k < 0 ? 1 : (G[k] as number);
  };
}

/** Uno's C by the double loop (censoring KM from train; sksurv or R weights). */
export function naiveUno(
  train: { time: ArrayLike<number>; event: ArrayLike<number> },
  test: { time: ArrayLike<number>; event: ArrayLike<number> },
  risk: ArrayLike<number>,
  tau = Infinity,
  convention: 'sksurv' | 'R' = 'sksurv',
  tol = 1e-8,
  clip = 0,
): number {
  const G = naiveCensoringKm(train.time, train.event);
  const w = Array.from(test.time, (t, i) => {
    if (test.event[i] !== 1 || (convention === 'R' ? t > tau : t >= tau)) return 0;
    const g = Math.max(clip, G(t, convention === 'R' ? 'left' : 'right'));
    return 1 / (g * g);
  });
  return naiveHarrell(test.time, test.event, risk, tol, w).weighted;
}

/** pycox 0.3.0 concordance_td by its double loop over ordered pairs. */
export function naiveTd(
  grid: ArrayLike<number>,
  rows: number[][],
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  method: 'antolini' | 'adjAntolini',
): { concordant: number; comparable: number } {
  const n = time.length;
  const idx = (t: number): number => {
    let k = -1;
    for (let q = 0; q < grid.length; q++) if ((grid[q] as number) <= t) k = q;
    return Math.max(0, k);
  };
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const k = idx(time[i] as number);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const ti = time[i] as number;
      const tj = time[j] as number;
      const di = event[i] as number;
      const dj = event[j] as number;
      const si = (rows[i] as number[])[k] as number;
      const sj = (rows[j] as number[])[k] as number;
      if (method === 'antolini') {
        const comp = (ti < tj && di === 1) || (ti === tj && di === 1 && dj === 0);
        if (comp) {
          den++;
          if (si < sj) num++;
        }
        continue;
      }
      const comp = (ti < tj && di === 1) || (ti === tj && (di === 1 || dj === 1));
      if (!comp) continue;
      den++;
      if (ti < tj) num += (si < sj ? 1 : 0) + (si === sj ? 0.5 : 0);
      else if (di === 1 && dj === 1) num += si !== sj ? 0.5 : 1;
      else if (di === 1) num += (si < sj ? 1 : 0) + (si === sj ? 0.5 : 0);
      else num += (si > sj ? 1 : 0) + (si === sj ? 0.5 : 0);
    }
  }
  return { concordant: num, comparable: den };
}

/** torchsurv's Noether variance (var_p / N; negative for some tiny samples, where torchsurv's sqrt is NaN). */
export function naiveNoetherVar(c: NaiveCounts, n: number): number {
  let pc = 0;
  let pd = 0;
  let pcc = 0;
  let pdd = 0;
  let pcd = 0;
  for (let i = 0; i < n; i++) {
    const ci = c.anchorC[i] as number;
    const di = c.anchorD[i] as number;
    pc += ci / (n * (n - 1));
    pd += di / (n * (n - 1));
    pcc += (ci * (ci - 1)) / (n * (n - 1) * (n - 2));
    pdd += (di * (di - 1)) / (n * (n - 1) * (n - 2));
    pcd += (ci * di) / (n * (n - 1) * (n - 2));
  }
  const varp = (4 / (pc + pd) ** 4) * (pd ** 2 * pcc - 2 * pc * pd * pcd + pc ** 2 * pdd);
  return varp / n;
}

/** R survival's infinitesimal-jackknife standard error (timewt "n"). */
export function naiveIjSe(c: NaiveCounts): number {
  const npair = c.comparable;
  const somer = (c.concordant - c.discordant) / npair;
  let s = 0;
  for (let i = 0; i < c.eitherC.length; i++) {
    const ci = c.eitherC[i] as number;
    const di = c.eitherD[i] as number;
    const ti = c.eitherT[i] as number;
    const d = (ci - di) / npair - (somer / npair) * (ci + di + ti);
    s += d * d;
  }
  return Math.sqrt(s / 4);
}
