/**
 * Brier-score and time-dependent AUC benchmarks on seeded synthetic data
 * (src/core/random.ts): risks r_i ~ N(0, 1), event times exponential with
 * rate exp(r_i) rounded to 0.1 (ties), independent exponential censoring
 * (≈ 40 % censored); curves S_i(t) = S0(t)^exp(r_i) with S0(t) = exp(−t) on a
 * grid of m points in [0, 5].
 * - integratedBrierScore (pycox convention, Simpson) at n = 1e5 subjects,
 *   m = 100 curve grid times and 100 evaluation times;
 * - cumulativeDynamicAuc at n = 1e5 and 10 times, with a risk vector (one
 *   sort) and with the curves (one sort per time).
 * Median of 3 runs after one warm-up. Run by bench/run.ts (npm run bench).
 */
import { Random } from '../src/core/random.js';
import { SurvivalCurves } from '../src/estimators/survival-curves.js';
import { integratedBrierScore } from '../src/metrics/integrated.js';
import { cumulativeDynamicAuc } from '../src/metrics/cumulative-dynamic-auc.js';
import { timeMedian, type Row } from './row.js';

/** Seeded labels and risks. */
function syntheticLabels(n: number, seed: number): { time: Float64Array; event: Int32Array; risk: Float64Array } {
  const rng = new Random(seed);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const risk = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.normal();
    const t = -Math.log(1 - rng.next()) / Math.exp(r);
    const c = -Math.log(1 - rng.next()) / 0.6;
    risk[i] = r;
    time[i] = Math.round(Math.min(t, c) * 10) / 10;
    event[i] = t <= c ? 1 : 0;
  }
  return { time, event, risk };
}

/** S0(t)^exp(r_i) with S0(t) = exp(−t) on m grid points in [0, tMax]. */
function syntheticCurves(risk: Float64Array, m: number, tMax = 5): SurvivalCurves {
  const n = risk.length;
  const grid = Array.from({ length: m }, (_, k) => (tMax * k) / (m - 1));
  const values = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const h = Math.exp(risk[i] as number);
    for (let k = 0; k < m; k++) values[i * m + k] = Math.exp(-(grid[k] as number) * h);
  }
  return new SurvivalCurves(grid, values);
}

/** m evenly spaced times in [lo, hi). */
function linspace(lo: number, hi: number, m: number, open = false): number[] {
  const step = (hi - lo) / (open ? m : m - 1);
  return Array.from({ length: m }, (_, k) => lo + k * step);
}

export async function benchBrier(): Promise<Row[]> {
  const rows: Row[] = [];
  const n = 100_000;
  const m = 100;
  const y = syntheticLabels(n, 7);
  const curves = syntheticCurves(y.risk, m);
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of y.time) {
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  // pycox's notebook grid: 100 points from the smallest to the largest duration
  const grid = linspace(lo, hi, 100);
  rows.push({ task: 'integratedBrierScore (pycox, Simpson)', n, m, ms: timeMedian(() => integratedBrierScore(y, curves, { times: grid })) });

  // 10 times inside the follow-up, past the first event
  const times = linspace(0.2, Math.min(hi, 4), 10, true);
  rows.push({ task: 'cumulativeDynamicAuc (risk vector, 10 times)', n, m: 10, ms: timeMedian(() => cumulativeDynamicAuc(y, y.risk, { times })) });
  rows.push({ task: 'cumulativeDynamicAuc (curves, 10 times)', n, m: 10, ms: timeMedian(() => cumulativeDynamicAuc(y, curves, { times })) });
  return Promise.resolve(rows);
}
