/**
 * Uncertainty scores per subject from survival bands (higher = less
 * certain), for flagging and for selective evaluation. Plain TypeScript.
 */
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import type { SurvivalBands } from './survival-bands.js';

/**
 * What {@link survivalBandWidth} measures:
 * - `{ at: t }`: the band width at one time, U(t) − L(t);
 * - `{ from, to }`: the mean band width over [from, to],
 *   (1/(to − from)) ∫_from^to (U(t) − L(t)) dt;
 * - `{ risk: true }`: the width of the risk band, risk.upper − risk.lower.
 *
 * `scale` (for `at` and `from`/`to`): `'survival'` (default) measures widths
 * in S units; `'cloglog'` on the log cumulative hazard,
 * log(−log L(t)) − log(−log U(t)), see {@link survivalBandWidth}.
 */
export type BandWidthOptions =
  | { at: number; scale?: BandScale; from?: never; to?: never; risk?: never }
  | { from: number; to: number; scale?: BandScale; at?: never; risk?: never }
  | { risk: true; at?: never; from?: never; to?: never; scale?: never };

/** The scale band widths are measured on. */
export type BandScale = 'survival' | 'cloglog';

/** S is clipped to [CLIP_LOW, 1 − CLIP_HIGH] before log(−log S). */
const CLIP_LOW = 1e-300;
const CLIP_HIGH = 1e-12;

function cloglog(s: number): number {
  return Math.log(-Math.log(Math.min(Math.max(s, CLIP_LOW), 1 - CLIP_HIGH)));
}

/** Row-major n × m widths on a scale (upper − lower in S; cloglog(lower) − cloglog(upper) on cloglog). */
function widths(lo: Float64Array, up: Float64Array, scale: BandScale): Float64Array {
  const w = new Float64Array(lo.length);
  if (scale === 'survival') for (let j = 0; j < w.length; j++) w[j] = (up[j] as number) - (lo[j] as number);
  else for (let j = 0; j < w.length; j++) w[j] = Math.max(0, cloglog(lo[j] as number) - cloglog(up[j] as number));
  return w;
}

/** Integral of row i of the widths (right-continuous steps, 0 before the first grid time) over [a, b]. */
function widthIntegral(times: Float64Array, w: Float64Array, i: number, a: number, b: number): number {
  const m = times.length;
  let area = 0;
  for (let k = 0; k < m; k++) {
    const start = Math.max(a, times[k] as number);
    const end = Math.min(b, k + 1 < m ? (times[k + 1] as number) : Infinity);
    if (end > start) area += (w[i * m + k] as number) * (end - start);
  }
  return area;
}

/**
 * An uncertainty score per subject from its band (see {@link survivalBands}):
 * the width of the band on S at one time t, U(t) − L(t), read as
 * right-continuous steps (0 before the first grid time, where every curve is
 * 1); or the integrated width over a time range divided by its length,
 * (1/(to − from)) ∫_from^to (U(t) − L(t)) dt, computed exactly for the step
 * curves (a mean width, in [0, 1] on the S scale); or the width of the risk band. Higher =
 * the members disagree more = less certain. Use the score with
 * `flagLowConfidence` to flag subjects, and with
 * {@link selectiveSurvivalTable} to check that the flagged ones are the
 * badly predicted ones.
 *
 * The width at one t ranks subjects by their uncertainty about that horizon
 * only (all widths are 0 before the first event time); the integrated width
 * summarises the whole follow-up and is the more stable choice for
 * discrimination and integrated Brier scores.
 *
 * Scale. In S units (`scale: 'survival'`, the default) widths shrink where S
 * is near 0 or 1: members that all predict an early death have a narrow band
 * even if their hazards differ tenfold — exactly the extrapolating subjects
 * one wants to flag. `scale: 'cloglog'` measures the width on the log
 * cumulative hazard, log(−log L(t)) − log(−log U(t)) (the band limits
 * transformed; S clipped to [1e-300, 1 − 1e-12]), where a Cox model is
 * additive: log H(t|x) = log H0(t) + g(x), so the width is the members'
 * disagreement in log-risk (plus their baselines'), whatever the level of S.
 * The integrated cloglog width is then in log-hazard units, not in [0, 1].
 *
 * @param bands the bands of n subjects
 * @param opts `{ at }`, `{ from, to }` (0 <= from < to), each with an optional `scale`, or `{ risk: true }`
 * @returns n scores >= 0 (Float64Array)
 * @throws {SurvkitError} for options that are not exactly one of the three forms, a negative or
 *   non-finite time, from >= to, or an unknown `scale`
 * @example
 * const bands = survivalBands([a, b, c]);
 * survivalBandWidth(bands, { at: 2 });            // U(2) − L(2) per subject
 * survivalBandWidth(bands, { from: 0, to: 10 });  // mean width over [0, 10]
 * survivalBandWidth(bands, { from: 0, to: 10, scale: 'cloglog' }); // mean log-cumulative-hazard width
 */
export function survivalBandWidth(bands: SurvivalBands, opts: BandWidthOptions): Float64Array {
  const fn = 'survivalBandWidth';
  if (typeof bands !== 'object' || bands === null || !('upper' in bands) || !('lower' in bands)) {
    throw survkitError('resultOf', fn, 'bands', 'survivalBands, SurvivalEnsemble.predictBands or survivalMcDropout', bands, 'an object with upper and lower');
  }
  const o = (opts ?? {}) as { at?: unknown; from?: unknown; to?: unknown; risk?: unknown; scale?: unknown };
  const forms = [o.at !== undefined, o.from !== undefined || o.to !== undefined, o.risk !== undefined].filter(Boolean).length;
  if (forms !== 1) throw survkitError('optionRange', fn, 'opts', 'exactly one of { at }, { from, to } or { risk: true }', opts);
  const { n, times } = bands;
  const m = times.length;
  const out = new Float64Array(n);
  if (o.risk !== undefined) {
    if (o.risk !== true) throw survkitError('optionRange', fn, 'risk', 'true', o.risk);
    if (o.scale !== undefined) throw survkitError('optionRange', fn, 'scale', 'omitted with { risk: true } (the risk band has its own scale)', o.scale);
    for (let i = 0; i < n; i++) out[i] = (bands.risk.upper[i] as number) - (bands.risk.lower[i] as number);
    return out;
  }
  const scale = assertChoice(fn, 'scale', o.scale ?? 'survival', ['survival', 'cloglog'] as const);
  if (o.at !== undefined) {
    const t = assertNumberOption(fn, 'at', o.at, { min: 0 });
    const k = bands.lower.indexAt(t);
    if (k < 0) return out;
    const lo = new Float64Array(n);
    const up = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      lo[i] = bands.lower.values[i * m + k] as number;
      up[i] = bands.upper.values[i * m + k] as number;
    }
    return widths(lo, up, scale);
  }
  const from = assertNumberOption(fn, 'from', o.from, { min: 0 });
  const to = assertNumberOption(fn, 'to', o.to, { min: from, minExclusive: true });
  const w = widths(bands.lower.values, bands.upper.values, scale);
  for (let i = 0; i < n; i++) out[i] = widthIntegral(times, w, i, from, to) / (to - from);
  return out;
}
