/** Shared argument checks of the competing-risks (cause-k) metrics. */
import { assertNumberOption, assertStrictlyAscending, toFloat64 } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { labelsArg, type SurvivalLabels } from '../data/labels.js';
import { CensoringWeights } from '../estimators/censoring-weights.js';
import { CifCurves } from '../estimators/cif-curves.js';

/** Options every cause-k metric takes. */
export interface CauseMetricOptions {
  /** The cause of interest k >= 1 (default 1). */
  cause?: number;
  /** Evaluation times, strictly ascending, >= 0. */
  times: ArrayLike<number>;
}

/** Validated inputs of a cause-k metric. */
export interface CauseInputs {
  y: SurvivalLabels;
  cif: CifCurves;
  cause: number;
  times: Float64Array;
  /** Ĝ of the evaluated labels as pec / riskRegression read it: events first in ties, 1/Ĝ(T−) for events, 1/Ĝ(t) for survivors. */
  G: CensoringWeights;
}

/**
 * Checks labels (codes 0..K), the CIF of the cause (one row per subject), the cause (with events in the labels)
 * and the times; builds the censoring weights of the labels.
 */
export function causeInputs(fn: string, labels: unknown, cif: unknown, opts: CauseMetricOptions | undefined): CauseInputs {
  const y = labelsArg(fn, 'labels', labels);
  if (!(cif instanceof CifCurves)) throw survkitError('optionRange', fn, 'cif', 'a CifCurves (one row per subject)', cif);
  if (cif.n !== y.time.length) throw survkitError('shapeMismatch', fn, 'cif', `${y.time.length} subjects (one per label)`, `${cif.n} subjects`);
  const o = opts ?? ({} as CauseMetricOptions);
  const cause = assertNumberOption(fn, 'cause', o.cause ?? 1, { min: 1, integer: true });
  const present = [...new Set(Array.from(y.event).filter((e) => e !== 0))].sort((a, b) => a - b);
  if (!present.includes(cause)) throw survkitError('causeAbsent', fn, 'cause', cause, present);
  if (o.times === undefined) throw survkitError('optionRange', fn, 'times', 'the evaluation times (strictly ascending, >= 0)', undefined);
  const times = toFloat64(fn, 'times', o.times);
  assertStrictlyAscending(fn, 'times', times);
  if ((times[0] as number) < 0) throw survkitError('negative', fn, 'times', 0, times[0] as number);
  const G = new CensoringWeights(y, { fn, ties: 'events-first', eventSide: 'left', remedy: 'causeMetrics' });
  return { y, cif, cause, times, G };
}

/** Ĝ(t) (`'right'`) or Ĝ(t−) (`'left'`); throws `censoringZero` where it is 0 (a weight 1/Ĝ is needed there). */
export function censoringAt(G: CensoringWeights, t: number, side: 'left' | 'right'): number {
  const g = G.survival(t, side);
  if (!(g > 0)) return side === 'left' ? 1 / G.eventWeight(t) : 1 / G.timeWeight(t); // throws
  return g;
}
