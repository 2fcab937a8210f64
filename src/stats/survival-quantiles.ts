import { assertChoice, assertNumberOption, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { asLabels, subsetLabels, type LabelsInput } from '../data/labels.js';
import { kaplanMeier, type ConfType } from '../estimators/kaplan-meier.js';
import { groupCodes, type GroupInput } from './cox-data.js';
import { sortedLevels } from './logrank.js';

/** Options of {@link survivalQuantiles}. */
export interface SurvivalQuantilesOptions {
  /** Probabilities p of the quantiles (the time where Ŝ falls to 1 − p), in [0, 1]. Default [0.25, 0.5, 0.75]. */
  probs?: readonly number[];
  /** One estimate per group (sorted labels) when given. */
  groups?: GroupInput;
  /** Confidence level (default 0.95). */
  confidence?: number;
  /** Pointwise limits whose crossing gives the interval (default 'log', as R's survfit). */
  confType?: ConfType;
}

/** One quantile: `time` and its limits, null where the curve (or the limit) never falls that far. */
export interface SurvivalQuantile {
  p: number;
  time: number | null;
  lower: number | null;
  upper: number | null;
}

/** The quantiles of one group. */
export interface GroupQuantiles {
  group: number | string | null;
  n: number;
  events: number;
  /** The median (p = 0.5) with its limits, whatever `probs` holds. */
  median: SurvivalQuantile;
  quantiles: SurvivalQuantile[];
}

const TOL = Math.sqrt(2 ** -52);

/**
 * R's `findq` (survival 3.5 `quantile.survfit`): where the horizontal line at
 * p meets the CDF 1 − S, given as steps (x, y) with y[0] = 0 at x[0] = 0;
 * on a flat at p (within `TOL`), the midpoint of the flat; a flat at p at the
 * end of the curve ends at `xmax`. y may hold NaN (a limit that R reports NA).
 */
function findq(x: number[], y: number[], p: number, xmax: number): number | null {
  let maxY = -Infinity;
  for (const v of y) if (!Number.isNaN(v) && v > maxY) maxY = v;
  if (maxY < p) return null;
  // drop repeated y values (censorings) keeping the first, then NA pairs (approx's na.rm)
  const xs: number[] = [];
  const ys: number[] = [];
  const seen = new Set<number>();
  x.forEach((xv, i) => {
    const yv = y[i] as number;
    if (Number.isNaN(yv) || seen.has(yv)) return;
    seen.add(yv);
    xs.push(xv);
    ys.push(yv);
  });
  const lastIsNa = Number.isNaN(y[y.length - 1]);
  // approx(y ± tol, 1:n, p, "constant", f = 1): the first index whose y ± tol >= p, NA outside the range
  const index = (shift: number): number | undefined => {
    const first = (ys[0] as number) + shift;
    const last = (ys[ys.length - 1] as number) + shift;
    if (p < first || p > last) return undefined;
    for (let i = 0; i < ys.length; i++) if ((ys[i] as number) + shift >= p) return i;
    return undefined;
  };
  if (p === 0) return xs[0] as number;
  const i1 = index(TOL);
  const i2 = index(-TOL);
  if (i1 === undefined) return null;
  if (!lastIsNa && Math.abs(p - (ys[ys.length - 1] as number)) < TOL) return ((xs[i1] as number) + xmax) / 2;
  if (i2 === undefined) return null;
  return ((xs[i1] as number) + (xs[i2] as number)) / 2;
}

/**
 * Median and other quantiles of survival time from the Kaplan–Meier curve,
 * with the Brookmeyer–Crowley confidence interval, exactly as R survival's
 * `quantile.survfit` / `print.survfit` report them: the quantile for p is the
 * first time Ŝ(t) <= 1 − p (the midpoint of a flat exactly at 1 − p); its
 * limits are the same crossing for the pointwise lower and upper limits of Ŝ
 * ('log' by default: Ŝ·exp(∓z·se), se Greenwood's SE of −log Ŝ; R's NA where
 * Ŝ = 0). A quantile the curve (or a limit) never reaches is null (R's NA).
 *
 * @param labels survival labels `{ time, event }`
 * @param opts `probs` (default [0.25, 0.5, 0.75]), `groups`, `confidence`, `confType`
 * @returns one {@link GroupQuantiles} per group (one with group null without `groups`)
 * @throws {SurvkitError} on bad labels, groups or options
 * @example
 * const [all] = survivalQuantiles({ time: [1, 2, 3, 4, 5], event: [1, 1, 1, 1, 1] }, { probs: [0.5] });
 * all?.median.time; // 3
 * @see Brookmeyer & Crowley (1982), Biometrics 38:29–41
 */
export function survivalQuantiles(labels: LabelsInput, opts: SurvivalQuantilesOptions = {}): GroupQuantiles[] {
  const fn = 'survivalQuantiles';
  const y = asLabels(fn, 'labels', labels);
  const probs = toFloat64(fn, 'probs', opts.probs ?? [0.25, 0.5, 0.75]);
  probs.forEach((p) => {
    if (!(p >= 0 && p <= 1)) throw survkitError('optionRange', fn, 'probs', 'probabilities in [0, 1]', p);
  });
  const confidence = assertNumberOption(fn, 'confidence', opts.confidence ?? 0.95, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const confType = assertChoice(fn, 'confType', opts.confType ?? 'log', ['log', 'log-log', 'plain'] as const);
  const n = y.time.length;
  const parts: { group: number | string | null; idx: number[] }[] = [];
  if (opts.groups === undefined) parts.push({ group: null, idx: [...Array(n).keys()] });
  else {
    const g = groupCodes(fn, 'groups', opts.groups, n);
    for (const level of sortedLevels(g.levels)) {
      const c = g.levels.indexOf(level);
      parts.push({ group: level, idx: [...Array(n).keys()].filter((i) => g.codes[i] === c) });
    }
  }
  return parts.map(({ group, idx }) => {
    const sub = subsetLabels(y, idx);
    const km = kaplanMeier(sub.time, sub.event, { confidence, confType });
    const x = [0, ...km.times];
    const cdf = (v: Float64Array): number[] => [0, ...Array.from(v, (s, k) => (km.values[k] === 0 ? NaN : 1 - s))];
    const surv = [0, ...Array.from(km.values, (s) => 1 - s)];
    const lo = cdf(km.lower);
    const hi = cdf(km.upper);
    const xmax = km.times[km.times.length - 1] as number;
    const q = (p: number): SurvivalQuantile => ({ p, time: findq(x, surv, p, xmax), lower: findq(x, lo, p, xmax), upper: findq(x, hi, p, xmax) });
    let events = 0;
    for (const e of sub.event) if (e !== 0) events++;
    return { group, n: idx.length, events, median: q(0.5), quantiles: Array.from(probs, q) };
  });
}
