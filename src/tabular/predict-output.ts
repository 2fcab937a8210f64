/**
 * What `survkit predict` writes per row, from the predicted survival curves
 * (read as right-continuous steps, S = 1 before the first grid time, as
 * `survkit evaluate` reads them):
 *
 * - `curves` / `survival`: S(t) on the model's grid, or at `--times` (each
 *   time reads the step at the last grid time <= t; past the last grid time
 *   the curve is carried forward flat, with a warning);
 * - `rmst`: the restricted mean survival time ∫_0^τ S(t) dt (τ = `--tau`,
 *   default the last grid time; past it the curve is carried forward flat);
 * - `risk`: −RMST(τ), higher = earlier event (the risk score `survkit evaluate`
 *   uses for curves, so a risk file ranks subjects exactly as the curves do);
 * - `median`: the first grid time where S(t) <= 0.5, `NA` when the curve stays above 0.5 on the grid.
 */
import { csvField } from '../io/curves-csv.js';
import type { SurvivalCurves } from '../estimators/survival-curves.js';

/** The kinds of output of `survkit predict --output`. */
export type PredictOutput = 'curves' | 'survival' | 'risk' | 'median' | 'rmst';

/** The written values: curves (for {@link curvesCsv}) or one column per row. */
export interface CurveSummary {
  curves?: SurvivalCurves;
  /** The CSV text of a one-value output with the leading columns. */
  table: (names: readonly string[], cells: (i: number) => readonly string[]) => string;
  /** Number of value columns. */
  columns: number;
  /** Reading past the end of the curves (an error under --strict). */
  warnings: string[];
  /** The largest time read. */
  until: number;
}

/** ∫_0^τ S_i(t) dt of the step curve i, carried forward flat past the last grid time. */
export function rmstOf(curves: SurvivalCurves, i: number, tau: number): number {
  const { m, times } = curves;
  let area = Math.min(Math.max(0, times[0] as number), tau);
  for (let k = 0; k < m; k++) {
    const t0 = times[k] as number;
    if (t0 >= tau) break;
    const t1 = k + 1 < m ? Math.min(times[k + 1] as number, tau) : tau;
    area += curves.get(i, k) * (t1 - t0);
  }
  return area;
}

/**
 * The output of `survkit predict` for curves (see the module comment).
 *
 * @example
 * summarizeCurves(curves, { output: 'survival', times: [365, 730] }).curves; // S(365), S(730) per row
 */
export function summarizeCurves(curves: SurvivalCurves, o: { output: PredictOutput; times?: readonly number[]; tau?: number }): CurveSummary {
  const last = curves.times[curves.times.length - 1] as number;
  const past = (until: number, what: string): string[] =>
    until > last
      ? [`${what} runs to ${until} but the predicted curves end at ${last}; past ${last} each curve is carried forward flat (S(t) = S(${last}))`]
      : [];
  const none = (): string => '';
  if (o.output === 'curves' || o.output === 'survival') {
    if (o.times === undefined) return { curves, table: none, columns: curves.m, warnings: [], until: last };
    const until = o.times[o.times.length - 1] as number;
    return { curves: curves.at(o.times), table: none, columns: o.times.length, warnings: past(until, '--times'), until };
  }
  const tau = o.tau ?? last;
  const n = curves.n;
  const values: string[] = [];
  if (o.output === 'median') {
    for (let i = 0; i < n; i++) {
      let k = 0;
      while (k < curves.m && curves.get(i, k) > 0.5) k++;
      values.push(k < curves.m ? String(curves.times[k]) : 'NA');
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = rmstOf(curves, i, tau);
      values.push(String(o.output === 'risk' ? -a : a));
    }
  }
  const name = o.output === 'risk' ? 'risk' : o.output === 'rmst' ? 'rmst' : 'median';
  const table = (names: readonly string[], cells: (i: number) => readonly string[]): string => {
    const lines = [[...names, name].map(csvField).join(',')];
    for (let i = 0; i < n; i++) lines.push([...cells(i).map(csvField), values[i] as string].join(','));
    return `${lines.join('\n')}\n`;
  };
  return { table, columns: 1, warnings: o.output === 'median' ? [] : past(tau, '--tau'), until: o.output === 'median' ? last : tau };
}
