/**
 * The leakage screen of `survkit train`: before training, every covariate is
 * checked on the training rows for being a row id or (a function of) the
 * outcome. A covariate is flagged when
 *
 * - it is id-like: every row has a distinct value, and the values are whole numbers or text;
 * - alone it ranks the outcome almost perfectly: Harrell's C of the covariate
 *   used as the risk score (`concordanceIndex`) satisfies |C − 0.5| > 0.4;
 * - it equals the duration on most (> 50 %) of the training rows; or
 * - it determines the event: reading the event off the covariate's value is
 *   right on ≥ 99 % of the training rows (a column with at most 10 values, at least 5 rows per value on average,
 *   and both outcomes present), or a 0/1 model input (a level, a missing-value indicator) is the event or its complement.
 *
 * Flagged covariates stop training (see `messages.leakage`) unless allowed with `--allow-column`.
 */
import type { CsvTable } from '../io/csv.js';
import { concordanceIndex } from '../metrics/concordance-harrell.js';
import { isMissing } from './columns.js';

/** One flagged covariate. */
export interface LeakFinding {
  column: string;
  reason: string;
}

/** The inputs of the screen: the source columns, the encoded matrix and which source each input comes from. */
export interface ScreenInput {
  table: CsvTable;
  columns: readonly string[];
  x: Float64Array;
  sources: readonly string[];
  /** The model input names (same order as `sources`). */
  names: readonly string[];
  time: Float64Array;
  event: Int32Array;
  train: Int32Array;
}

/** Threshold on |C − 0.5| of a single covariate. */
export const LEAK_C = 0.4;

const fmt = (v: number): string => String(Math.round(v * 1000) / 1000);

/** The covariates that look like a row id or the outcome (empty when none does). */
export function screenCovariates(s: ScreenInput): LeakFinding[] {
  const out: LeakFinding[] = [];
  const n = s.train.length;
  const d = s.sources.length;
  const time = Float64Array.from(s.train, (r) => s.time[r] as number);
  const event = Int32Array.from(s.train, (r) => ((s.event[r] as number) > 0 ? 1 : 0));
  for (const name of s.columns) {
    const k = s.table.header.indexOf(name);
    const cells = Array.from(s.train, (r) => ((s.table.rows[r] as readonly string[])[k] as string).trim());
    const present = cells.filter((c) => !isMissing(c));
    const distinct = new Set(present);
    const whole = present.every((c) => /^[+-]?\d+$/.test(c) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(c));
    const reasons: string[] = [];
    const js = s.sources.flatMap((src, j) => (src === name ? [j] : []));
    for (const j of js) {
      const v = Float64Array.from(s.train, (r) => s.x[r * d + j] as number);
      let c: number;
      try {
        c = concordanceIndex(time, event, v).cIndex;
      } catch {
        continue;
      }
      if (Math.abs(c - 0.5) > LEAK_C) {
        reasons.push(`Harrell's C of ${JSON.stringify(name)} alone as the risk score is ${fmt(c)} on the training rows (|C - 0.5| > ${LEAK_C})`);
        break;
      }
    }
    if (reasons.length === 0 && js.length === 1) {
      const j = js[0] as number;
      let same = 0;
      for (let i = 0; i < n; i++) if (s.x[(s.train[i] as number) * d + j] === time[i]) same++;
      if (same > n / 2) reasons.push(`${JSON.stringify(name)} equals the duration on ${same} of ${n} training rows`);
    }
    if (reasons.length === 0) {
      // a 0/1 model input (a level, a missing-value indicator) that is the event or its complement
      for (const j of js) {
        let same = 0;
        let binary = true;
        for (let i = 0; i < n && binary; i++) {
          const v = s.x[(s.train[i] as number) * d + j] as number;
          if (v !== 0 && v !== 1) binary = false;
          else if (v === event[i]) same++;
        }
        const events = event.reduce((a, b) => a + b, 0);
        if (binary && events > 0 && events < n && Math.max(same, n - same) >= 0.99 * n) {
          reasons.push(`the event is read off the input ${JSON.stringify(s.names[j])} on ${Math.max(same, n - same)} of ${n} training rows`);
          break;
        }
      }
    }
    if (reasons.length === 0 && distinct.size <= 10 && n >= 5 * distinct.size) {
      const votes = new Map<string, [number, number]>();
      cells.forEach((c, i) => {
        const e = votes.get(c) ?? [0, 0];
        if (event[i] === 1) e[1]++;
        else e[0]++;
        votes.set(c, e);
      });
      let right = 0;
      for (const [a, b] of votes.values()) right += Math.max(a, b);
      const events = event.reduce((a, b) => a + b, 0);
      if (events > 0 && events < n && right >= 0.99 * n && votes.size >= 2) {
        reasons.push(`the event is read off ${JSON.stringify(name)} on ${right} of ${n} training rows (it codes the event)`);
      }
    }
    if (reasons.length === 0 && n >= 10 && distinct.size === n && whole) {
      reasons.push(`${JSON.stringify(name)} has a different value on every training row (an id; name it with --id-col ${name})`);
    }
    if (reasons.length > 0) out.push({ column: name, reason: reasons[0] as string });
  }
  return out;
}

/**
 * Covariates whose missing cells code the event (missing on ≥ 99 % of the event rows and on ≤ 1 % of the others, or
 * the reverse), such as a cause of death that is empty for the living: checked on all rows before missing values are
 * dropped or imputed.
 */
export function missingCodesEvent(table: CsvTable, columns: readonly string[], event: ArrayLike<number>, keep: (r: number) => boolean): LeakFinding[] {
  const out: LeakFinding[] = [];
  for (const name of columns) {
    const k = table.header.indexOf(name);
    let n = 0;
    let match = 0;
    let anyMissing = false;
    for (let r = 0; r < table.rows.length; r++) {
      if (!keep(r)) continue;
      const miss = isMissing((table.rows[r] as readonly string[])[k] as string) ? 1 : 0;
      if (miss === 1) anyMissing = true;
      n++;
      if (miss === ((event[r] as number) > 0 ? 1 : 0)) match++;
    }
    if (anyMissing && n >= 10 && Math.max(match, n - match) >= 0.99 * n) {
      out.push({
        column: name,
        reason: `whether ${JSON.stringify(name)} is missing tells the event on ${Math.max(match, n - match)} of ${n} rows (it is recorded only for one outcome)`,
      });
    }
  }
  return out;
}
