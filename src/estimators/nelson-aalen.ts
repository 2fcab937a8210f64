import { asLabels } from '../data/labels.js';
import { riskTable } from './risk-table.js';
import { StepFunction } from './step-function.js';

/**
 * Nelson–Aalen cumulative hazard Ĥ(t) = Σ_{t_k ≤ t} d_k / n_k as a
 * {@link StepFunction} (0 before the first time), with the variance
 * estimate Σ d_k / n_k² in `variance`.
 *
 * @example
 * nelsonAalen([1, 2, 3], [1, 1, 0]).at(2); // 1/3 + 1/2
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
 * Nelson–Aalen estimator of the cumulative hazard (all event codes > 0 are events).
 * @throws {SurvkitError} on invalid labels
 */
export function nelsonAalen(time: unknown, event: unknown): NelsonAalen {
  const y = asLabels('nelsonAalen', 'labels', { time, event });
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
