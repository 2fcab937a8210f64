import { labelsArg, type LabelsInput } from '../data/labels.js';
import { isTimeEventForm } from './kaplan-meier.js';
import { riskTable } from './risk-table.js';
import { StepFunction } from './step-function.js';

/**
 * Nelson–Aalen cumulative hazard Ĥ(t) = Σ_{t_k ≤ t} d_k / n_k as a
 * {@link StepFunction} (0 before the first time), with the variance
 * estimate Σ d_k / n_k² in `variance` (its square root is R `survfit`'s
 * `std.chaz` for `ctype = 1`; `values` is its `cumhaz`). Tied events at a
 * time count as one step d_k / n_k (not the Fleming–Harrington Σ 1/(n_k − j)).
 *
 * @example
 * nelsonAalen({ time: [1, 2, 3], event: [1, 1, 0] }).at(2); // 1/3 + 1/2
 * @see Nelson (1972), Aalen (1978)
 */
export class NelsonAalen extends StepFunction {
  constructor(
    times: Float64Array,
    cumulativeHazard: Float64Array,
    readonly nRisk: Float64Array,
    readonly nEvents: Float64Array,
    readonly variance: Float64Array,
  ) {
    super(times, cumulativeHazard, 0);
    Object.freeze(this);
  }
}

/**
 * Nelson–Aalen estimator of the cumulative hazard (all event codes > 0 are
 * events), one entry per distinct observed time, O(n log n). Equal to R
 * survival 3.5.3 `survfit(..., stype = 1, ctype = 1)$cumhaz` and `$std.chaz`
 * to a few ulps.
 *
 * @param labels n >= 1 subjects' labels ({@link LabelsInput}); times finite and >= 0, events 0 = censored
 * @throws {SurvkitError} on invalid labels (length mismatch, empty,
 *   NaN/Infinity, negative time, bad event code)
 * @example
 * nelsonAalen({ time: [1, 2, 3], event: [1, 1, 0] }).values; // Float64Array [1/3, 1/3 + 1/2, 1/3 + 1/2]
 */
export function nelsonAalen(labels: LabelsInput): NelsonAalen;
/** @deprecated since 0.2: call `nelsonAalen({ time, event })` — labels first, as every metric and estimator. */
export function nelsonAalen(time: unknown, event: unknown): NelsonAalen;
export function nelsonAalen(...args: unknown[]): NelsonAalen {
  const y = labelsArg('nelsonAalen', 'labels', isTimeEventForm(args, 0) ? { time: args[0], event: args[1] } : args[0]);
  const tab = riskTable(y.time, y.event);
  const m = tab.times.length;
  const h = new Float64Array(m);
  const v = new Float64Array(m);
  let acc = 0;
  let accV = 0;
  for (let k = 0; k < m; k++) {
    const n = tab.nRisk[k] as number;
    const d = tab.nEvents[k] as number;
    acc += d / n;
    accV += d / (n * n);
    h[k] = acc;
    v[k] = accV;
  }
  return new NelsonAalen(tab.times, h, tab.nRisk, tab.nEvents, v);
}
