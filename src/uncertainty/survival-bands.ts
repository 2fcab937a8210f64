/**
 * Pointwise bands over M predicted survival curves per subject (ensemble
 * members or MC-dropout passes). Plain TypeScript on Float64Array.
 */
import { assertNumberOption, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { uniqueSorted } from '../core/sort.js';
import { curvesFor, SurvivalCurves } from '../estimators/survival-curves.js';
import { riskFromCurves } from '../estimators/risk-from-curves.js';

/** Options shared by the band predictions. */
export interface SurvivalBandOptions {
  /** Lower and upper quantile levels of the band, 0 <= lower <= 0.5 <= upper <= 1 (default [0.05, 0.95]). */
  quantiles?: readonly [number, number];
  /**
   * Grid to read every member's curves on (as right-continuous steps).
   * Default: the members' common grid, or the union of their grids when they
   * differ. A coarse grid (e.g. the 100 evaluation times of an integrated
   * Brier score) keeps memory at M·n·|times| numbers.
   */
  times?: ArrayLike<number>;
  /** Scalar risk of each member: 1 − S(at) with `at`; −RMST over the grid without (see {@link RiskBand}). */
  at?: number;
}

/** Band of a scalar risk per subject (higher = earlier event). */
export interface RiskBand {
  /** `at` of the options, or null for −RMST (minus the area under S from 0 to the last grid time). */
  readonly at: number | null;
  readonly mean: Float64Array;
  readonly lower: Float64Array;
  readonly median: Float64Array;
  readonly upper: Float64Array;
}

/** Per-subject bands on S(t) across M members, on one grid. */
export interface SurvivalBands {
  readonly times: Float64Array;
  /** Subjects. */
  readonly n: number;
  /** Members (models or passes) the bands summarise. */
  readonly members: number;
  /** Quantile levels of `lower` and `upper`. */
  readonly levels: readonly [number, number];
  /** Pointwise mean of the members' curves (the ensemble prediction). */
  readonly mean: SurvivalCurves;
  /** Pointwise quantiles (Hyndman–Fan type 7, numpy's default) at levels[0], 0.5, levels[1]. */
  readonly lower: SurvivalCurves;
  readonly median: SurvivalCurves;
  readonly upper: SurvivalCurves;
  /** Band of the members' scalar risks (see {@link SurvivalBandOptions.at}). */
  readonly risk: RiskBand;
}

/** Validated quantile levels. */
export function bandLevels(fn: string, q: unknown): readonly [number, number] {
  if (q === undefined) return [0.05, 0.95];
  if (!Array.isArray(q) || q.length !== 2) throw survkitError('optionRange', fn, 'quantiles', 'two levels [lower, upper]', q);
  const lo = assertNumberOption(fn, 'quantiles', q[0], { min: 0, max: 0.5 });
  const hi = assertNumberOption(fn, 'quantiles', q[1], { min: 0.5, max: 1 });
  return [lo, hi];
}

/** The grid the members are read on: `times`, else the common grid, else the union. */
export function bandGrid(fn: string, members: readonly SurvivalCurves[], times: ArrayLike<number> | undefined): Float64Array {
  if (times !== undefined) {
    const t = toFloat64(fn, 'times', times);
    assertStrictlyAscending(fn, 'times', t);
    return t;
  }
  const first = members[0] as SurvivalCurves;
  if (members.every((c) => sameGrid(c.times, first.times))) return first.times;
  const all: number[] = [];
  for (const c of members) for (const v of c.times) all.push(v);
  return uniqueSorted(all);
}

function sameGrid(a: Float64Array, b: Float64Array): boolean {
  return a === b || (a.length === b.length && a.every((v, k) => v === b[k]));
}

/** Type-7 quantile of an ascending array. */
function quantile7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  return lo + 1 < sorted.length ? a + (h - lo) * ((sorted[lo + 1] as number) - a) : a;
}

function summarise(values: readonly Float64Array[], len: number, levels: readonly [number, number]): Float64Array[] {
  const M = values.length;
  const out = [new Float64Array(len), new Float64Array(len), new Float64Array(len), new Float64Array(len)] as const;
  const col = new Float64Array(M);
  for (let j = 0; j < len; j++) {
    let sum = 0;
    for (let p = 0; p < M; p++) {
      const v = (values[p] as Float64Array)[j] as number;
      col[p] = v;
      sum += v;
    }
    col.sort();
    out[0][j] = sum / M;
    out[1][j] = quantile7(col, levels[0]);
    out[2][j] = quantile7(col, 0.5);
    out[3][j] = quantile7(col, levels[1]);
  }
  return [...out];
}

/**
 * Bands from M members' curves of the same n subjects: every member is read
 * on one grid (see {@link SurvivalBandOptions.times}), then at each (subject,
 * time) the mean and the type-7 quantiles at `levels[0]`, 0.5 and `levels[1]`
 * across members are taken. Pointwise quantiles of non-increasing curves are
 * non-increasing and ordered (lower <= median <= upper), so each band is a
 * {@link SurvivalCurves}. The risk band summarises each member's scalar risk
 * the same way (1 − S(at), or −RMST = −∫₀^τ S(t) dt over the grid, as
 * `riskFromCurves`). O(M·n·m·log M) time, M·n·m numbers of memory.
 *
 * Use it for members made elsewhere (bootstrap refits, other libraries);
 * {@link SurvivalEnsemble} and {@link survivalMcDropout} call it.
 *
 * @param members M >= 1 curve sets of the same n subjects
 * @param opts quantile levels, grid, risk time
 * @returns {@link SurvivalBands}
 * @throws {SurvkitError} for no members, members with different n, bad levels, grid or `at`
 * @example
 * const a = new SurvivalCurves([1, 2], [0.9, 0.5]);
 * const b = new SurvivalCurves([1, 2], [0.7, 0.3]);
 * survivalBands([a, b], { quantiles: [0, 1] }).upper.values; // Float64Array [0.9, 0.5]
 * @see Lakshminarayanan, Pritzel & Blundell (2017), deep ensembles, NeurIPS
 */
export function survivalBands(members: readonly SurvivalCurves[], opts: SurvivalBandOptions = {}): SurvivalBands {
  return bandsOf('survivalBands', members, opts);
}

/** {@link survivalBands} in the name of `fn`. */
export function bandsOf(fn: string, members: readonly SurvivalCurves[], opts: SurvivalBandOptions = {}): SurvivalBands {
  const given: unknown = members;
  if (!Array.isArray(given) || given.some((c) => !(c instanceof SurvivalCurves))) {
    throw survkitError('arrayOf', fn, 'members', 'SurvivalCurves', members);
  }
  if (members.length === 0) throw survkitError('empty', fn, 'members');
  const levels = bandLevels(fn, opts.quantiles);
  const at = opts.at === undefined ? undefined : assertNumberOption(fn, 'at', opts.at, { min: 0 });
  const n = (members[0] as SurvivalCurves).n;
  members.forEach((c, p) => {
    if (c.n !== n) throw survkitError('shapeMismatch', fn, `members[${p}]`, `${n} subjects (as members[0])`, `${c.n} subjects`);
  });
  const times = bandGrid(fn, members, opts.times);
  const read = members.map((c) => (sameGrid(c.times, times) ? c : c.at(times)));
  const m = times.length;
  const [mean, lower, median, upper] = summarise(
    read.map((c) => c.values),
    n * m,
    levels,
  ) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const curves = (v: Float64Array): SurvivalCurves => curvesFor(fn, times, clampRows(v, n, m));
  const risks = read.map((c) => riskFromCurves(c, at));
  const [rMean, rLower, rMedian, rUpper] = summarise(risks, n, levels) as [Float64Array, Float64Array, Float64Array, Float64Array];
  return Object.freeze({
    times,
    n,
    members: members.length,
    levels,
    mean: curves(mean),
    lower: curves(lower),
    median: curves(median),
    upper: curves(upper),
    risk: Object.freeze({ at: at ?? null, mean: rMean, lower: rLower, median: rMedian, upper: rUpper }),
  });
}

/** Removes float rounding rises (< 1e-12) and keeps values in [0, 1]. */
function clampRows(v: Float64Array, n: number, m: number): Float64Array {
  for (let i = 0; i < n; i++) {
    let prev = 1;
    for (let k = 0; k < m; k++) {
      const j = i * m + k;
      const s = Math.min(prev, Math.max(0, v[j] as number));
      v[j] = s;
      prev = s;
    }
  }
  return v;
}
