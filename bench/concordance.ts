/**
 * Concordance benchmarks: Harrell's C at n = 1e4, 1e5, 1e6 (times with
 * ties; also 1e5, 1e6 with distinct times) and Antolini's C_td at n = 1e4,
 * 1e5 with m = 100 grid times. Synthetic, seeded data:
 * risks ~ N(0, 1), event times exponential with rate exp(risk) rounded to
 * 0.1 (ties), independent exponential censoring (≈ 40 % censored);
 * curves S_i(t) = S0(t)^exp(r_i). Median of 3 runs after one warm-up.
 * Run by bench/run.ts (npm run bench).
 */
import { Random } from '../src/core/random.js';
import { SurvivalCurves } from '../src/estimators/survival-curves.js';
import { concordanceIndex } from '../src/metrics/concordance-harrell.js';
import { concordanceTd } from '../src/metrics/concordance-td.js';
import { timeMedian, type Row } from './row.js';

/** Seeded survival data with ≈ 40 % censoring; times rounded to 0.1 (≈ 100 distinct) unless `distinctTimes`. */
export function concordanceData(n: number, seed = 1, distinctTimes = false): { time: Float64Array; event: Int32Array; risk: Float64Array } {
  const rng = new Random(seed);
  const time = new Float64Array(n);
  const event = new Int32Array(n);
  const risk = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.normal();
    const t = -Math.log(1 - rng.next()) / Math.exp(r);
    const c = -Math.log(1 - rng.next()) / 0.6;
    risk[i] = r;
    time[i] = distinctTimes ? Math.min(t, c) : Math.round(Math.min(t, c) * 10) / 10;
    event[i] = t <= c ? 1 : 0;
  }
  return { time, event, risk };
}

/** Proportional-hazards curves S0(t)^exp(r_i) on m grid times. */
export function phCurves(risk: Float64Array, m: number, tMax = 5): SurvivalCurves {
  const n = risk.length;
  const grid = Array.from({ length: m }, (_, k) => (tMax * k) / (m - 1));
  const values = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const h = Math.exp(risk[i] as number);
    for (let k = 0; k < m; k++) values[i * m + k] = Math.exp(-(grid[k] as number) * h);
  }
  return new SurvivalCurves(grid, values);
}

export async function benchConcordance(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of [1e4, 1e5, 1e6]) {
    const d = concordanceData(n);
    rows.push({ task: 'concordanceIndex (Harrell)', n, ms: timeMedian(() => concordanceIndex(d, d.risk), 3) });
  }
  // continuous times (no ties): the sweep indexes risk ranks instead of time groups
  for (const n of [1e5, 1e6]) {
    const d = concordanceData(n, 1, true);
    rows.push({ task: 'concordanceIndex (Harrell, distinct times)', n, ms: timeMedian(() => concordanceIndex(d, d.risk), 3) });
  }
  for (const n of [1e4, 1e5]) {
    const d = concordanceData(n);
    const curves = phCurves(d.risk, 100);
    const labels = { time: d.time, event: d.event };
    rows.push({ task: 'concordanceTd (antolini)', n, m: 100, ms: timeMedian(() => concordanceTd(labels, curves), 3) });
  }
  return Promise.resolve(rows);
}
