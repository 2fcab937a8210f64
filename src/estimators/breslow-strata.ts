/**
 * Breslow's baseline for a Cox model fitted with strata and left truncation:
 * one baseline per stratum, each from its own subjects, with a subject at risk
 * on (entry, time] (R `Surv(entry, time, event) ~ … + strata(s)`), and survival
 * curves that read each subject's stratum's baseline.
 */
import { toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { labelsArg, assertSingleRisk, type LabelsInput } from '../data/labels.js';
import { makeBaseline, type BreslowBaseline } from './breslow.js';
import { curvesFor, type SurvivalCurves } from './survival-curves.js';

/** Options of {@link breslowBaselineStrata}. */
export interface CountingBaselineOptions {
  /** Entry (left-truncation) time of each subject, below its time (default: all at risk from time 0). */
  entry?: ArrayLike<number>;
  /** Stratum of each subject (numbers or strings; compared as text). Default: one stratum. */
  strata?: ArrayLike<number | string>;
}

/** One Breslow baseline per stratum: `levels[k]` (the stratum as text, sorted) has `baselines[k]`; `levels` is null without strata. */
export interface StrataBaseline {
  readonly levels: readonly string[] | null;
  readonly baselines: readonly BreslowBaseline[];
}

/** The stratum of each subject as text, checked. */
export function strataKeys(fn: string, arg: string, strata: ArrayLike<number | string>, n: number): string[] {
  if (strata.length !== n) throw survkitError('lengthMismatch', fn, arg, strata.length, 'labels', n);
  const keys: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = strata[i];
    if (!((typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v)))) throw survkitError('coxStratumValue', fn, arg, i, v);
    keys[i] = typeof v === 'string' ? v.trim() : String(v);
  }
  return keys;
}

/**
 * Breslow's baseline of a proportional-hazards model with log-risk g, per stratum and with left truncation:
 * within stratum s, at each distinct time t_k of its subjects (censored-only times included, hazard 0 there),
 * ĥ0s(t_k) = d_k / Σ_{j in s: entry_j < t_k ≤ T_j} exp(g_j), Ĥ0s its cumulative sum; g is not centred. Equals R
 * `basehaz(coxph(Surv(entry, time, event) ~ lp + strata(s), ties = 'breslow', init = 1, iter.max = 0), centered = FALSE)`
 * (the log-risk as a covariate held at coefficient 1). Without `entry` and `strata` it is {@link breslowBaseline}.
 * The risk-set sums are running sums over the times in descending order (subjects join at their time and leave at their
 * entry; O(n log n) per stratum), shifted by the stratum's largest log-risk and compensated (Neumaier); a sum that
 * underflows or has cancelled to below 2⁻²⁰ of what passed through it is taken afresh with its own maximum.
 *
 * @example
 * const b = breslowBaselineStrata([0, 0.5, 0], { time: [2, 3, 4], event: [1, 1, 0] }, { entry: [0, 2.5, 1], strata: ['a', 'a', 'b'] });
 * b.levels; // ['a', 'b']
 * b.baselines[0].hazard; // Float64Array [1, e^-0.5]: at t = 2 the second subject (entry 2.5) has not entered yet
 * @throws {SurvkitError} on invalid labels, log-risks, entry times not below the time, unequal lengths, an empty or
 *   non-finite stratum
 * @see Breslow (1972) discussion of Cox, JRSS-B 34:216; Therneau & Grambsch (2000) Modeling Survival Data, §3.6, §3.7
 */
export function breslowBaselineStrata(logRisk: ArrayLike<number>, labels: LabelsInput, opts: CountingBaselineOptions = {}): StrataBaseline {
  const fn = 'breslowBaselineStrata';
  const y = labelsArg(fn, 'labels', labels);
  assertSingleRisk(fn, 'labels.event', y);
  const n = y.time.length;
  const g = toFloat64(fn, 'logRisk', logRisk);
  if (g.length !== n) throw survkitError('lengthMismatch', fn, 'logRisk', g.length, 'labels', n);
  let entry: Float64Array | undefined;
  if (opts.entry !== undefined) {
    if (opts.entry.length !== n) throw survkitError('lengthMismatch', fn, 'entry', opts.entry.length, 'labels', n);
    entry = Float64Array.from(opts.entry);
    for (let i = 0; i < n; i++) {
      const e = entry[i] as number;
      if (!(Number.isFinite(e) && e < (y.time[i] as number))) throw survkitError('entryNotBeforeExit', fn, 'entry', i, e, y.time[i] as number);
    }
  }
  const keys = opts.strata === undefined ? null : strataKeys(fn, 'strata', opts.strata, n);
  const levels = keys === null ? null : [...new Set(keys)].sort();
  const groups: number[][] = (levels ?? ['']).map(() => []);
  const index = new Map((levels ?? ['']).map((l, k) => [l, k]));
  for (let i = 0; i < n; i++) (groups[index.get(keys === null ? '' : (keys[i] as string)) as number] as number[]).push(i);
  const baselines = groups.map((members) => stratumBaseline(members, y, g, entry));
  return Object.freeze({ levels, baselines });
}

/** One stratum's Breslow hazards at its distinct times (see {@link breslowBaselineStrata}). */
function stratumBaseline(
  members: number[],
  y: { time: ArrayLike<number>; event: ArrayLike<number> },
  g: Float64Array,
  entry: Float64Array | undefined,
): BreslowBaseline {
  const m = members.length;
  const time = (i: number): number => y.time[i] as number;
  const times = [...new Set(members.map(time))].sort((a, b) => a - b);
  const deaths = new Map<number, number>();
  let top = -Infinity;
  for (const i of members) {
    if (y.event[i] !== 0) deaths.set(time(i), (deaths.get(time(i)) ?? 0) + 1);
    top = Math.max(top, g[i] as number);
  }
  const w = new Float64Array(g.length);
  for (const i of members) w[i] = Math.exp((g[i] as number) - top);
  const byExit = [...members].sort((a, b) => time(b) - time(a));
  const byEntry = entry === undefined ? [] : [...members].sort((a, b) => (entry[b] as number) - (entry[a] as number));
  const atRisk = (i: number, t: number): boolean => time(i) >= t && (entry === undefined || (entry[i] as number) < t);
  const hazard = new Float64Array(times.length);
  const logHazard = new Float64Array(times.length);
  // Neumaier-compensated running sum of w over the risk set, and the total that has passed through it
  let sum = 0;
  let comp = 0;
  let through = 0;
  const add = (v: number): void => {
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
    through += Math.abs(v);
  };
  let pe = 0;
  let pn = 0;
  for (let k = times.length - 1; k >= 0; k--) {
    const t = times[k] as number;
    for (; pe < m && time(byExit[pe] as number) >= t; pe++) add(w[byExit[pe] as number] as number);
    if (entry !== undefined) for (; pn < m && (entry[byEntry[pn] as number] as number) >= t; pn++) add(-(w[byEntry[pn] as number] as number));
    const d = deaths.get(t) ?? 0;
    if (d === 0) {
      logHazard[k] = -Infinity;
      continue;
    }
    let total = sum + comp;
    let shift = top;
    if (!(total > 2 ** -20 * through) || !(total > 1e-280)) {
      // cancelled or underflowed: this risk set afresh, shifted by its own maximum
      shift = -Infinity;
      for (const i of members) if (atRisk(i, t)) shift = Math.max(shift, g[i] as number);
      total = 0;
      for (const i of members) if (atRisk(i, t)) total += Math.exp((g[i] as number) - shift);
    }
    logHazard[k] = Math.log(d) - shift - Math.log(total);
    hazard[k] = Math.exp(logHazard[k] as number);
  }
  return makeBaseline(times, hazard, logHazard);
}

/**
 * Survival curves of subjects with log-risk g from a per-stratum baseline: S_i(t) = exp(−Ĥ0s(t)·exp(g_i)) with s the
 * subject's stratum, Ĥ0s read as a right-continuous step (0 before its first time, its last value after its last), on
 * the union of the strata's times (one time per stratum: the times of that stratum).
 *
 * @example
 * const curves = strataSurvival(b, [0.3, -1.2], ['a', 'b']);
 * @throws {SurvkitError} `coxStrataMissing` without `strata` for a stratified baseline; `coxStratumUnseen` for a stratum
 *   the baseline does not have
 */
export function strataSurvival(base: StrataBaseline, logRisk: ArrayLike<number>, strata?: ArrayLike<number | string>): SurvivalCurves {
  return strataSurvivalIn('strataSurvival', base, logRisk, strata);
}

/** {@link strataSurvival} with errors named after `fn` and the strata argument `arg` (for models that call it). */
export function strataSurvivalIn(
  fn: string,
  base: StrataBaseline,
  logRisk: ArrayLike<number>,
  strata: ArrayLike<number | string> | undefined,
  arg = 'strata',
): SurvivalCurves {
  const g = toFloat64(fn, 'logRisk', logRisk);
  const n = g.length;
  if (base.levels === null) {
    const only = base.baselines[0] as BreslowBaseline;
    return onGrid(fn, only.times, [only], new Int32Array(n), g);
  }
  if (strata === undefined) throw survkitError('coxStrataMissing', fn, arg, base.levels.join(', '));
  const keys = strataKeys(fn, arg, strata, n);
  const index = new Map(base.levels.map((l, k) => [l, k]));
  const which = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = index.get(keys[i] as string);
    if (k === undefined) throw survkitError('coxStratumUnseen', fn, arg, i, keys[i] as string, base.levels.join(', '));
    which[i] = k;
  }
  const grid = Float64Array.from(new Set(base.baselines.flatMap((b) => Array.from(b.times)))).sort();
  return onGrid(fn, grid, base.baselines, which, g);
}

function onGrid(fn: string, grid: Float64Array, baselines: readonly BreslowBaseline[], which: Int32Array, g: Float64Array): SurvivalCurves {
  const m = grid.length;
  if (m === 0) throw survkitError('empty', fn, 'baseline.times');
  // log Ĥ0s on the grid, per stratum (−Infinity before its first time)
  const logH = baselines.map((b) => {
    const own = b.logCumulativeHazard ?? Float64Array.from(b.cumulativeHazard, Math.log);
    const out = new Float64Array(m).fill(-Infinity);
    let p = -1;
    for (let k = 0; k < m; k++) {
      while (p + 1 < b.times.length && (b.times[p + 1] as number) <= (grid[k] as number)) p++;
      if (p >= 0) out[k] = own[p] as number;
    }
    return out;
  });
  const values = new Float64Array(g.length * m);
  for (let i = 0; i < g.length; i++) {
    const lh = logH[which[i] as number] as Float64Array;
    const gi = g[i] as number;
    for (let k = 0; k < m; k++) {
      const v = lh[k] as number;
      values[i * m + k] = v === -Infinity ? 1 : Math.exp(-Math.exp(v + gi));
    }
  }
  return curvesFor(fn, grid, values);
}
